import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, Select, Space, Switch, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import { FormModal, useSave } from '../../components/FormModal';
import { PageContainer } from '../../components/PageContainer';
import { cleanFilters, PagedTable, usePagedList } from '../../components/PagedList';
import { ClassifierPanel } from '../classifier/ClassifierPanel';
import type { CatalogKind, CatalogType, TypeList } from './api';
import { StandardEditor } from './StandardEditor';

interface Filters {
  major?: string;
  q?: string;
  enabled?: boolean;
}

export function CatalogPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  // The catalogue is city-wide: only the city's admins change it (the server decides; this only hides controls).
  const canManage = (me?.permissions.includes('catalog:manage') ?? false) && me?.scope.kind === 'city';
  const [kind, setKind] = useState<CatalogKind>('matter');
  // The third tab is the classifier (智能分类): the types' words, learned texts and their review.
  const [tab, setTab] = useState<CatalogKind | 'classifier'>('matter');
  const [adding, setAdding] = useState(false);
  const [standardOf, setStandardOf] = useState<CatalogType | null>(null);

  const list = usePagedList<TypeList, Filters>({
    queryKey: ['catalog', 'types', kind],
    path: '/api/catalog/types',
    params: { kind },
  });

  const toggle = useSave({
    mutationFn: (row: CatalogType) =>
      api.patch<CatalogType>(`/api/catalog/types/${row.kind}/${row.code}`, {
        version: row.version,
        enabled: !row.enabled,
      }),
    success: t('common.saved'),
    invalidate: ['catalog'],
    refreshOnError: 'always',
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
          activeKey={tab}
          onChange={(k) => {
            setTab(k as CatalogKind | 'classifier');
            if (k === 'classifier') return;
            setKind(k as CatalogKind);
            list.setFilters({});
          }}
          items={[
            { key: 'matter', label: t('catalog.matters') },
            { key: 'component', label: t('catalog.components') },
            { key: 'classifier', label: t('classifier.tab') },
          ]}
          data-testid="catalog-tabs"
        />
        {tab === 'classifier' ? (
          <ClassifierPanel />
        ) : (
          <>
            <Form<Filters>
              key={kind}
              layout="inline"
              style={{ marginBottom: 16 }}
              onFinish={(v) => list.setFilters(cleanFilters(v))}
              data-testid="catalog-filter"
            >
              <Form.Item name="major" label={t('catalog.major')}>
                <Select
                  allowClear
                  style={{ width: 200 }}
                  placeholder={t('common.all')}
                  options={(list.query.data?.majors ?? []).map((m) => ({
                    value: m.code,
                    label: `${m.code} ${m.name}`,
                  }))}
                  data-testid="catalog-filter-major"
                />
              </Form.Item>
              <Form.Item name="q" label={t('common.keyword')}>
                <Input
                  allowClear
                  placeholder={t('catalog.searchPlaceholder')}
                  data-testid="catalog-filter-q"
                />
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
            <PagedTable<CatalogType>
              list={list}
              rowKey={(r) => `${r.kind}/${r.code}`}
              data-testid="catalog-table"
              columns={columns}
            />
          </>
        )}
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
  return (
    <FormModal<{ kind: CatalogKind; name: string; code?: string }, CatalogType>
      title={t('catalog.addLocal')}
      testId="catalog-local-form"
      submitTestId="catalog-local-submit"
      intro={<Typography.Paragraph type="secondary">{t('catalog.localHelp')}</Typography.Paragraph>}
      initialValues={{ kind }}
      mutationFn={(v) =>
        api.post<CatalogType>('/api/catalog/types', {
          kind: v.kind,
          name: v.name.trim(),
          ...(v.code ? { code: v.code } : {}),
        })
      }
      success={(row) => t('catalog.localCreated', { code: row.code })}
      invalidate={['catalog']}
      onClose={onClose}
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
    </FormModal>
  );
}
