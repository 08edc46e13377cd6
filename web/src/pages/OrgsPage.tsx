import { PlusOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ButtonProps } from 'antd';
import { App, AutoComplete, Button, Card, Form, Input, Modal, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEMO_DISTRICTS, ORG_KINDS } from '../../../common/identity.ts';
import { api, isApiError } from '../api/client';
import { useMe, useOrgNames } from '../api/queries';
import type { ListResult, Org } from '../api/types';
import { formatTime, testIdProps } from '../components/format';
import { showServerError } from '../components/formErrors';
import { OrgKindTag, orgKindLabel } from '../components/labels';
import { OrgSelect } from '../components/OrgSelect';
import { PageContainer } from '../components/PageContainer';

interface Filters {
  q?: string;
  kind?: string;
  districtCode?: string;
}

/** Unified social credit code (统一社会信用代码): 18 characters, digits and capitals without I, O, S, V, Z. */
const USCC = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

const districtOptions = DEMO_DISTRICTS.map((d) => ({ value: d.code, label: `${d.code} ${d.name}` }));

function invalidateOrgs(qc: ReturnType<typeof useQueryClient>) {
  void qc.invalidateQueries({ queryKey: ['orgs'] });
}

export function OrgsPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const canManage = me?.permissions.includes('org:manage') ?? false;
  const orgNames = useOrgNames();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [filterForm] = Form.useForm<Filters>();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Org | null>(null);

  const list = useQuery({
    queryKey: ['orgs', 'list', filters, page, pageSize],
    queryFn: () => api.get<ListResult<Org>>('/api/orgs', { ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
  });

  const columns: ColumnsType<Org> = [
    { title: t('org.name'), dataIndex: 'name', ellipsis: true },
    { title: t('org.kind'), dataIndex: 'kind', width: 150, render: (k: string) => <OrgKindTag kind={k} /> },
    {
      title: t('org.code'),
      dataIndex: 'code',
      width: 210,
      render: (c: string) => <Typography.Text code>{c}</Typography.Text>,
    },
    {
      title: t('org.parent'),
      dataIndex: 'parentId',
      ellipsis: true,
      render: (id: string | null) => (id ? (orgNames.get(id) ?? id) : '—'),
    },
    {
      title: t('org.districtCode'),
      dataIndex: 'districtCode',
      width: 110,
      render: (v: string | null) => v || '—',
    },
    { title: t('common.updatedAt'), dataIndex: 'updatedAt', width: 170, render: formatTime },
  ];
  if (canManage) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_, o) => (
        <Button type="link" size="small" onClick={() => setEditing(o)} data-testid={`org-edit-${o.code}`}>
          {t('common.edit')}
        </Button>
      ),
    });
  }

  const applyFilters = (v: Filters) => {
    setFilters({
      q: v.q?.trim() || undefined,
      kind: v.kind || undefined,
      districtCode: v.districtCode?.trim() || undefined,
    });
    setPage(1);
  };

  return (
    <PageContainer
      testId="page-orgs"
      title={t('menu.orgs')}
      extra={
        canManage && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="org-create"
          >
            {t('orgs.create')}
          </Button>
        )
      }
    >
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form form={filterForm} layout="inline" onFinish={applyFilters} data-testid="orgs-filter">
          <Form.Item name="q" label={t('common.keyword')}>
            <Input
              allowClear
              placeholder={t('orgs.searchPlaceholder')}
              style={{ width: 200 }}
              data-testid="orgs-filter-q"
            />
          </Form.Item>
          <Form.Item name="kind" label={t('org.kind')}>
            <Select
              allowClear
              style={{ width: 160 }}
              placeholder={t('common.all')}
              options={ORG_KINDS.map((k) => ({ value: k, label: orgKindLabel(t, k) }))}
              data-testid="orgs-filter-kind"
            />
          </Form.Item>
          <Form.Item name="districtCode" label={t('org.district')}>
            <AutoComplete
              allowClear
              style={{ width: 180 }}
              placeholder={t('orgs.districtPlaceholder')}
              options={districtOptions}
              data-testid="orgs-filter-district"
            />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="orgs-search">
                {t('common.search')}
              </Button>
              <Button
                icon={<ReloadOutlined />}
                onClick={() => {
                  filterForm.resetFields();
                  applyFilters({});
                }}
              >
                {t('common.reset')}
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <Card>
        <Table<Org>
          rowKey="id"
          size="middle"
          data-testid="orgs-table"
          loading={list.isFetching}
          columns={columns}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 1000 }}
          pagination={{
            current: page,
            pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
        />
      </Card>
      {creating && <OrgDialog onClose={() => setCreating(false)} />}
      {editing && <OrgDialog org={editing} onClose={() => setEditing(null)} />}
    </PageContainer>
  );
}

interface OrgFormValues {
  kind: string;
  name: string;
  code: string;
  parentId?: string | null;
  districtCode?: string;
}

function OrgDialog({ org, onClose }: { org?: Org; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<OrgFormValues>();
  const editing = Boolean(org);

  const save = useMutation({
    mutationFn: (v: OrgFormValues) => {
      const code = v.code.trim().toUpperCase();
      const parentId = v.parentId || null;
      if (org) {
        return api.patch<Org>(`/api/orgs/${org.id}`, {
          version: org.version,
          name: v.name.trim(),
          code,
          parentId,
        });
      }
      const districtCode = v.districtCode?.trim();
      return api.post<Org>('/api/orgs', {
        kind: v.kind,
        name: v.name.trim(),
        code,
        parentId,
        ...(districtCode ? { districtCode } : {}),
      });
    },
    onSuccess: () => {
      void message.success(editing ? t('common.saved') : t('common.created'));
      invalidateOrgs(qc);
      onClose();
    },
    onError: (e) => {
      showServerError(e, message, form);
      if (isApiError(e) && e.status === 409) invalidateOrgs(qc);
    },
  });

  return (
    <Modal
      open
      title={editing ? t('orgs.editTitle', { name: org?.name }) : t('orgs.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={560}
      okButtonProps={testIdProps<ButtonProps>('org-dialog-submit')}
    >
      <Form<OrgFormValues>
        form={form}
        layout="vertical"
        data-testid="org-dialog"
        initialValues={
          org
            ? {
                kind: org.kind,
                name: org.name,
                code: org.code,
                parentId: org.parentId,
                districtCode: org.districtCode ?? '',
              }
            : { kind: 'unit', parentId: null }
        }
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item
          name="kind"
          label={t('org.kind')}
          rules={[{ required: true, message: t('orgs.kindRequired') }]}
        >
          <Select
            disabled={editing}
            options={ORG_KINDS.map((k) => ({ value: k, label: orgKindLabel(t, k) }))}
            data-testid="org-field-kind"
          />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('org.name')}
          rules={[{ required: true, whitespace: true, message: t('orgs.nameRequired') }]}
        >
          <Input maxLength={100} data-testid="org-field-name" />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('org.code')}
          extra={t('orgs.codeHelp')}
          normalize={(v: string) => v?.toUpperCase()}
          rules={[
            { required: true, message: t('orgs.codeRequired') },
            { pattern: USCC, message: t('orgs.codeFormat') },
          ]}
        >
          <Input maxLength={18} showCount style={{ fontFamily: 'monospace' }} data-testid="org-field-code" />
        </Form.Item>
        <Form.Item name="parentId" label={t('org.parent')}>
          <OrgSelect
            allowClear
            placeholder={t('orgs.parentPlaceholder')}
            excludeIds={org ? [org.id] : []}
            data-testid="org-field-parent"
          />
        </Form.Item>
        <Form.Item
          name="districtCode"
          label={t('org.districtCode')}
          extra={editing ? undefined : t('orgs.districtHelp')}
        >
          <AutoComplete
            disabled={editing}
            allowClear
            options={districtOptions}
            placeholder={t('orgs.districtPlaceholder')}
            data-testid="org-field-district"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
