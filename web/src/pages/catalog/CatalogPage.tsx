import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import { testIdProps } from '../../components/format';
import { showServerError } from '../../components/formErrors';
import { PageContainer } from '../../components/PageContainer';
import type { CatalogKind, CatalogType, TypeList } from './api';
import { StandardEditor } from './StandardEditor';

interface Filters {
  major?: string;
  q?: string;
  enabled?: boolean;
}

export function CatalogPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const { data: me } = useMe();
  // The catalogue is city-wide: only the city's admins change it (the server decides; this only hides controls).
  const canManage = (me?.permissions.includes('catalog:manage') ?? false) && me?.scope.kind === 'city';
  const [kind, setKind] = useState<CatalogKind>('matter');
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [adding, setAdding] = useState(false);
  const [standardOf, setStandardOf] = useState<CatalogType | null>(null);

  const list = useQuery({
    queryKey: ['catalog', 'types', kind, filters, page, pageSize],
    queryFn: () => api.get<TypeList>('/api/catalog/types', { kind, ...filters, page, pageSize }),
    placeholderData: keepPreviousData,
  });

  const toggle = useMutation({
    mutationFn: (row: CatalogType) =>
      api.patch<CatalogType>(`/api/catalog/types/${row.kind}/${row.code}`, {
        version: row.version,
        enabled: !row.enabled,
      }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void qc.invalidateQueries({ queryKey: ['catalog'] });
    },
    onError: (e) => {
      showServerError(e, message);
      void qc.invalidateQueries({ queryKey: ['catalog'] });
    },
  });

  const columns: ColumnsType<CatalogType> = [
    {
      title: t('catalog.code'),
      dataIndex: 'code',
      width: 100,
      render: (c: string) => <Typography.Text code>{c}</Typography.Text>,
    },
    {
      title: t('catalog.name'),
      dataIndex: 'name',
      render: (n: string, r) => (
        <Space>
          {n}
          {r.local && <Tag color="purple">{t('catalog.local')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('catalog.major'),
      dataIndex: 'majorName',
      width: 160,
      render: (v, r) => `${r.majorCode} ${v ?? ''}`,
    },
    {
      title: t('catalog.legacyCode'),
      dataIndex: 'legacyCode',
      width: 110,
      render: (v: string | null) => v ?? '—',
    },
    {
      title: t('catalog.enabled'),
      dataIndex: 'enabled',
      width: 90,
      render: (v: boolean, r) => (
        <Switch
          size="small"
          checked={v}
          disabled={!canManage}
          loading={toggle.isPending && toggle.variables?.code === r.code}
          onChange={() => toggle.mutate(r)}
          data-testid={`catalog-enable-${r.kind}-${r.code}`}
        />
      ),
    },
  ];
  if (kind === 'matter') {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 120,
      render: (_, r) => (
        <Button
          type="link"
          size="small"
          onClick={() => setStandardOf(r)}
          data-testid={`catalog-standard-${r.code}`}
        >
          {t('catalog.standard')}
        </Button>
      ),
    });
  }

  return (
    <PageContainer
      testId="page-catalog"
      title={t('catalog.title')}
      extra={
        canManage && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setAdding(true)}
            data-testid="catalog-add-local"
          >
            {t('catalog.addLocal')}
          </Button>
        )
      }
    >
      <Card>
        <Tabs
          activeKey={kind}
          onChange={(k) => {
            setKind(k as CatalogKind);
            setFilters({});
            setPage(1);
          }}
          items={[
            { key: 'matter', label: t('catalog.matters') },
            { key: 'component', label: t('catalog.components') },
          ]}
          data-testid="catalog-tabs"
        />
        <Form<Filters>
          key={kind}
          layout="inline"
          style={{ marginBottom: 16 }}
          onFinish={(v) => {
            setFilters({ major: v.major || undefined, q: v.q?.trim() || undefined, enabled: v.enabled });
            setPage(1);
          }}
          data-testid="catalog-filter"
        >
          <Form.Item name="major" label={t('catalog.major')}>
            <Select
              allowClear
              style={{ width: 200 }}
              placeholder={t('common.all')}
              options={(list.data?.majors ?? []).map((m) => ({
                value: m.code,
                label: `${m.code} ${m.name}`,
              }))}
              data-testid="catalog-filter-major"
            />
          </Form.Item>
          <Form.Item name="q" label={t('common.keyword')}>
            <Input allowClear placeholder={t('catalog.searchPlaceholder')} data-testid="catalog-filter-q" />
          </Form.Item>
          <Form.Item name="enabled" label={t('catalog.enabled')}>
            <Select
              allowClear
              style={{ width: 110 }}
              placeholder={t('common.all')}
              options={[
                { value: true, label: t('catalog.enabledYes') },
                { value: false, label: t('catalog.enabledNo') },
              ]}
              data-testid="catalog-filter-enabled"
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="catalog-search">
            {t('common.search')}
          </Button>
        </Form>
        <Table<CatalogType>
          rowKey={(r) => `${r.kind}/${r.code}`}
          size="middle"
          data-testid="catalog-table"
          loading={list.isFetching}
          columns={columns}
          dataSource={list.data?.items ?? []}
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
      {adding && <LocalTypeDialog kind={kind} onClose={() => setAdding(false)} />}
      {standardOf && (
        <StandardEditor matter={standardOf} canManage={canManage} onClose={() => setStandardOf(null)} />
      )}
    </PageContainer>
  );
}

function LocalTypeDialog({ kind, onClose }: { kind: CatalogKind; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ kind: CatalogKind; name: string; code?: string }>();
  const save = useMutation({
    mutationFn: (v: { kind: CatalogKind; name: string; code?: string }) =>
      api.post<CatalogType>('/api/catalog/types', {
        kind: v.kind,
        name: v.name.trim(),
        ...(v.code ? { code: v.code } : {}),
      }),
    onSuccess: (row) => {
      void message.success(t('catalog.localCreated', { code: row.code }));
      void qc.invalidateQueries({ queryKey: ['catalog'] });
      onClose();
    },
    onError: (e) => showServerError(e, message, form),
  });
  return (
    <Modal
      open
      title={t('catalog.addLocal')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okButtonProps={testIdProps('catalog-local-submit')}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('catalog.localHelp')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ kind }}
        onFinish={(v) => save.mutate(v)}
        data-testid="catalog-local-form"
      >
        <Form.Item name="kind" label={t('catalog.kind')}>
          <Select
            options={[
              { value: 'matter', label: t('catalog.matters') },
              { value: 'component', label: t('catalog.components') },
            ]}
          />
        </Form.Item>
        <Form.Item name="name" label={t('catalog.name')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={100} data-testid="catalog-local-name" />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('catalog.code')}
          extra={t('catalog.localCodeHelp')}
          rules={[{ pattern: /^99\d{3}$/, message: t('catalog.localCodeFormat') }]}
        >
          <Input maxLength={5} placeholder="99001" data-testid="catalog-local-code" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
