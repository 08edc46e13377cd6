import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { useMe, useOrgNames } from '../api/queries';
import type { ApiKey, CreatedApiKey, ListResult } from '../api/types';
import { FormModal, useSave } from '../components/FormModal';
import { formatTime } from '../components/format';
import { permissionLabel } from '../components/labels';
import { OrgSelect } from '../components/OrgSelect';
import { PageContainer } from '../components/PageContainer';
import { PagedTable, usePagedList } from '../components/PagedList';

export function ApiKeysPage() {
  const { t } = useTranslation();
  const orgNames = useOrgNames();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  const list = usePagedList<ListResult<ApiKey>, { orgId?: string }>({
    queryKey: ['apiKeys'],
    path: '/api/api-keys',
    // GET /api/api-keys takes only `orgId` and answers the whole list: paging happens here.
    serverPaging: false,
  });

  const revoke = useSave({
    mutationFn: (k: ApiKey) => api.delete<void>(`/api/api-keys/${k.id}`),
    success: t('apiKeys.revokedOk'),
    invalidate: ['apiKeys'],
  });

  const columns: ColumnsType<ApiKey> = [
    { title: t('apiKey.name'), dataIndex: 'name', ellipsis: true },
    {
      title: t('apiKey.prefix'),
      dataIndex: 'prefix',
      width: 180,
      render: (p: string) => <Typography.Text code>{p}…</Typography.Text>,
    },
    {
      title: t('apiKey.org'),
      dataIndex: 'orgId',
      ellipsis: true,
      render: (id: string) => orgNames.get(id) ?? id,
    },
    {
      title: t('apiKey.permissions'),
      dataIndex: 'permissions',
      render: (ps: string[]) =>
        ps.map((p) => (
          <Tag key={p} style={{ marginBottom: 2 }}>
            {permissionLabel(t, p)}
          </Tag>
        )),
    },
    { title: t('common.createdAt'), dataIndex: 'createdAt', width: 170, render: formatTime },
    { title: t('apiKey.lastUsedAt'), dataIndex: 'lastUsedAt', width: 170, render: formatTime },
    {
      title: t('apiKey.status'),
      key: 'status',
      width: 150,
      render: (_, k) =>
        k.revokedAt ? (
          <Badge
            status="default"
            text={`${t('apiKeys.statusRevoked')} ${formatTime(k.revokedAt).slice(0, 10)}`}
          />
        ) : (
          <Badge status="success" text={t('apiKeys.statusActive')} />
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_, k) =>
        k.revokedAt ? null : (
          <Popconfirm
            title={t('apiKeys.confirmRevoke', { name: k.name })}
            description={t('apiKeys.confirmRevokeHint')}
            okButtonProps={{ danger: true }}
            onConfirm={() => revoke.mutate(k)}
          >
            <Button type="link" size="small" danger data-testid={`apikey-revoke-${k.prefix}`}>
              {t('apiKeys.revoke')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <PageContainer
      testId="page-apiKeys"
      title={t('menu.apiKeys')}
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setCreating(true)}
          data-testid="apikey-create"
        >
          {t('apiKeys.create')}
        </Button>
      }
    >
      <Card style={{ marginBottom: 16 }}>
        <Space wrap>
          <span>{t('apiKey.org')}:</span>
          <OrgSelect
            allowClear
            style={{ width: 240 }}
            value={list.filters.orgId}
            placeholder={t('common.all')}
            onChange={(v) => list.setFilters({ orgId: v || undefined })}
            data-testid="apikeys-filter-org"
          />
          <Button icon={<ReloadOutlined />} onClick={() => void list.query.refetch()}>
            {t('common.refresh')}
          </Button>
        </Space>
      </Card>
      <Card>
        <PagedTable<ApiKey> list={list} data-testid="apikeys-table" columns={columns} scroll={{ x: 1100 }} />
      </Card>
      {creating && (
        <CreateApiKeyDialog
          onClose={() => setCreating(false)}
          onCreated={(res) => {
            setCreating(false);
            setCreated(res);
          }}
        />
      )}
      {created && <SecretDialog created={created} onClose={() => setCreated(null)} />}
    </PageContainer>
  );
}

interface KeyFormValues {
  name: string;
  orgId: string;
  permissions: string[];
}

function CreateApiKeyDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (r: CreatedApiKey) => void;
}) {
  const { t } = useTranslation();
  const { data: me } = useMe();
  // An administrator can only hand out what they hold themselves.
  const grantable = me?.permissions ?? [];

  return (
    <FormModal<KeyFormValues, CreatedApiKey>
      title={t('apiKeys.create')}
      width={560}
      testId="apikey-dialog"
      submitTestId="apikey-dialog-submit"
      initialValues={{ permissions: [], orgId: me?.org.id }}
      mutationFn={(v) =>
        api.post<CreatedApiKey>('/api/api-keys', {
          name: v.name.trim(),
          orgId: v.orgId,
          permissions: v.permissions,
        })
      }
      invalidate={['apiKeys']}
      onSaved={onCreated}
      onClose={onClose}
    >
      <Form.Item
        name="name"
        label={t('apiKey.name')}
        extra={t('apiKeys.nameHelp')}
        rules={[{ required: true, whitespace: true, message: t('apiKeys.nameRequired') }]}
      >
        <Input maxLength={100} data-testid="apikey-field-name" />
      </Form.Item>
      <Form.Item
        name="orgId"
        label={t('apiKey.org')}
        rules={[{ required: true, message: t('users.orgRequired') }]}
      >
        <OrgSelect data-testid="apikey-field-org" />
      </Form.Item>
      <Form.Item
        name="permissions"
        label={t('apiKey.permissions')}
        rules={[{ required: true, type: 'array', min: 1, message: t('apiKeys.permissionsRequired') }]}
      >
        <Checkbox.Group data-testid="apikey-field-permissions">
          <Space orientation="vertical">
            {grantable.map((p) => (
              <Checkbox key={p} value={p} data-testid={`apikey-permission-${p}`}>
                {permissionLabel(t, p)} <Typography.Text type="secondary">({p})</Typography.Text>
              </Checkbox>
            ))}
          </Space>
        </Checkbox.Group>
      </Form.Item>
    </FormModal>
  );
}

function SecretDialog({ created, onClose }: { created: CreatedApiKey; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      open
      title={t('apiKeys.secretTitle', { name: created.key.name })}
      onCancel={onClose}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={onClose} data-testid="apikey-secret-close">
          {t('apiKeys.secretDone')}
        </Button>
      }
      width={600}
    >
      <Alert type="warning" showIcon title={t('apiKeys.secretWarning')} style={{ marginBottom: 16 }} />
      <div
        style={{
          background: '#f5f5f5',
          border: '1px solid #d9d9d9',
          borderRadius: 4,
          padding: '12px 16px',
        }}
      >
        <Typography.Paragraph
          copyable={{ text: created.secret, tooltips: [t('common.copy'), t('common.copied')] }}
          style={{ margin: 0, fontFamily: 'monospace', wordBreak: 'break-all', fontSize: 14 }}
          data-testid="apikey-secret"
        >
          {created.secret}
        </Typography.Paragraph>
      </div>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t('apiKeys.secretUsage')}
      </Typography.Paragraph>
    </Modal>
  );
}
