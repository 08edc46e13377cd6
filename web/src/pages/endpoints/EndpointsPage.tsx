/**
 * Units' own systems: where each unit in the admin's reach receives dispatched cases — a signed
 * webhook or a department's Open311 server — whether that is on, the signing secret (set or
 * rotated here, shown once), and what was delivered.
 */
import { ReloadOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Input, Popconfirm, Space, Switch, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { ListResult } from '../../api/types';
import { useSave } from '../../components/FormModal';
import { formatTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable, usePagedList } from '../../components/PagedList';
import { DeliveriesDrawer } from './DeliveriesDrawer';
import { EndpointDialog } from './EndpointDialog';
import { SecretDialog } from './SecretDialog';
import type { EndpointPutResult, UnitEndpoint } from './types';

export function EndpointsPage() {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<UnitEndpoint | null>(null);
  const [secret, setSecret] = useState<{ unit: string; secret: string } | null>(null);
  const [viewing, setViewing] = useState<UnitEndpoint | null>(null);

  const list = usePagedList<ListResult<UnitEndpoint>, { q?: string }>({
    queryKey: ['endpoints', 'list'],
    path: '/api/endpoints',
  });

  const put = useSave({
    mutationFn: (v: { unit: UnitEndpoint; enabled?: boolean; rotateSecret?: boolean }) => {
      const ep = v.unit.endpoint!;
      return api.put<EndpointPutResult>(`/api/endpoints/${v.unit.orgId}`, {
        url: ep.url,
        enabled: v.enabled ?? ep.enabled,
        version: ep.version,
        ...(v.rotateSecret ? { rotateSecret: true } : {}),
      });
    },
    invalidate: ['endpoints'],
    success: t('endpoints.saved'),
    onSaved: (res) => {
      if (res.secret) setSecret({ unit: res.orgName, secret: res.secret });
    },
  });

  const columns: ColumnsType<UnitEndpoint> = [
    { title: t('endpoints.unit'), dataIndex: 'orgName', ellipsis: true, width: 240 },
    {
      title: t('endpoints.url'),
      key: 'url',
      ellipsis: true,
      render: (_, u) =>
        u.endpoint ? (
          <span>
            <Tag data-testid={`endpoint-sender-${u.orgId}`}>
              {t(`endpoints.senderName.${u.endpoint.sender}`)}
            </Tag>
            <Typography.Text code ellipsis={{ tooltip: u.endpoint.url }}>
              {u.endpoint.url}
            </Typography.Text>
          </span>
        ) : (
          <Typography.Text type="secondary">{t('endpoints.notSet')}</Typography.Text>
        ),
    },
    {
      title: t('endpoints.enabled'),
      key: 'enabled',
      width: 90,
      render: (_, u) =>
        u.endpoint ? (
          <Switch
            size="small"
            checked={u.endpoint.enabled}
            loading={put.isPending && put.variables?.unit.orgId === u.orgId}
            onChange={(enabled) => put.mutate({ unit: u, enabled })}
            data-testid={`endpoint-enabled-${u.orgId}`}
          />
        ) : (
          '—'
        ),
    },
    {
      title: t('endpoints.deliveries'),
      key: 'deliveries',
      width: 220,
      render: (_, u) => (
        <Space size={4} wrap>
          <Tag color="processing">{`${t('endpoints.status.pending')} ${u.deliveries.pending}`}</Tag>
          <Tag color="success">{`${t('endpoints.status.delivered')} ${u.deliveries.delivered}`}</Tag>
          {u.deliveries.dead > 0 ? (
            <Badge count={u.deliveries.dead} size="small">
              <Tag color="error">{t('endpoints.status.dead')}</Tag>
            </Badge>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('common.updatedAt'),
      key: 'updatedAt',
      width: 170,
      render: (_, u) => formatTime(u.endpoint?.updatedAt),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 250,
      fixed: 'right',
      render: (_, u) => (
        <Space size={0}>
          <Button
            type="link"
            size="small"
            onClick={() => setEditing(u)}
            data-testid={`endpoint-edit-${u.orgId}`}
          >
            {u.endpoint ? t('common.edit') : t('endpoints.set')}
          </Button>
          {u.endpoint ? (
            <Popconfirm
              title={t('endpoints.confirmRotate')}
              description={t('endpoints.confirmRotateHint')}
              onConfirm={() => put.mutate({ unit: u, rotateSecret: true })}
            >
              <Button type="link" size="small" data-testid={`endpoint-rotate-${u.orgId}`}>
                {t('endpoints.rotate')}
              </Button>
            </Popconfirm>
          ) : null}
          <Button
            type="link"
            size="small"
            onClick={() => setViewing(u)}
            data-testid={`endpoint-deliveries-${u.orgId}`}
          >
            {t('endpoints.deliveries')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <PageContainer testId="page-endpoints" title={t('endpoints.title')}>
      <Card style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
          {t('endpoints.intro')}
        </Typography.Paragraph>
        <Space wrap>
          <Input.Search
            allowClear
            style={{ width: 260 }}
            placeholder={t('endpoints.searchUnit')}
            onSearch={(v) => list.setFilters({ q: v.trim() })}
            data-testid="endpoints-search"
          />
          <Button icon={<ReloadOutlined />} onClick={() => void list.query.refetch()}>
            {t('common.refresh')}
          </Button>
        </Space>
      </Card>
      <Card>
        <PagedTable<UnitEndpoint>
          list={list}
          rowKey="orgId"
          data-testid="endpoints-table"
          columns={columns}
          scroll={{ x: 1200 }}
        />
      </Card>
      {editing && (
        <EndpointDialog
          unit={editing}
          onClose={() => setEditing(null)}
          onSaved={(res) => {
            setEditing(null);
            if (res.secret) setSecret({ unit: res.orgName, secret: res.secret });
          }}
        />
      )}
      {secret && <SecretDialog unit={secret.unit} secret={secret.secret} onClose={() => setSecret(null)} />}
      {viewing && <DeliveriesDrawer unit={viewing} onClose={() => setViewing(null)} />}
    </PageContainer>
  );
}
