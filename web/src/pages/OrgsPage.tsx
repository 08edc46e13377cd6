import { PlusOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Card, Form, Input, Select, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEMO_DISTRICTS, ORG_KINDS } from '../../../common/identity.ts';
import { api } from '../api/client';
import { useMe, useOrgNames } from '../api/queries';
import type { ListResult, Org } from '../api/types';
import { FormModal } from '../components/FormModal';
import { formatTime } from '../components/format';
import { OrgKindTag, orgKindLabel } from '../components/labels';
import { OrgSelect } from '../components/OrgSelect';
import { PageContainer } from '../components/PageContainer';
import { cleanFilters, FilterBar, PagedTable, usePagedList } from '../components/PagedList';

interface Filters {
  q?: string;
  kind?: string;
  districtCode?: string;
}

/** Unified social credit code (统一社会信用代码): 18 characters, digits and capitals without I, O, S, V, Z. */
const USCC = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

const districtOptions = DEMO_DISTRICTS.map((d) => ({ value: d.code, label: `${d.code} ${d.name}` }));

export function OrgsPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const canManage = me?.permissions.includes('org:manage') ?? false;
  const orgNames = useOrgNames();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Org | null>(null);
  const list = usePagedList<ListResult<Org>, Filters>({ queryKey: ['orgs', 'list'], path: '/api/orgs' });

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
      <FilterBar<Filters>
        testId="orgs-filter"
        searchTestId="orgs-search"
        onApply={(v) => list.setFilters(cleanFilters(v))}
      >
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
      </FilterBar>
      <Card>
        <PagedTable<Org> list={list} data-testid="orgs-table" columns={columns} scroll={{ x: 1000 }} />
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
  const editing = Boolean(org);

  return (
    <FormModal<OrgFormValues>
      title={editing ? t('orgs.editTitle', { name: org?.name }) : t('orgs.create')}
      width={560}
      testId="org-dialog"
      submitTestId="org-dialog-submit"
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
      mutationFn={(v) => {
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
      }}
      success={editing ? t('common.saved') : t('common.created')}
      invalidate={['orgs']}
      refreshOnError="conflict"
      onClose={onClose}
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
    </FormModal>
  );
}
