import { HistoryOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Input, Select, Space, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEMO_DISTRICTS } from '../../../../common/identity.ts';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import type { ListResult } from '../../api/types';
import { DivisionName } from '../../components/case/CaseBits';
import { formatTime } from '../../components/format';
import { showServerError } from '../../components/formErrors';
import { PageContainer } from '../../components/PageContainer';
import { cleanFilters, PagedTable, usePagedList } from '../../components/PagedList';
import { useMatterTypes } from '../catalog/api';
import { AREA_LEVELS, type Resolution, type Rule, TYPE_LEVELS } from './api';
import { HistoryDrawer } from './HistoryDrawer';
import { RuleDialog } from './RuleDialog';

interface Filters {
  districtCode?: string;
  typeLevel?: string;
  areaLevel?: string;
  active?: boolean;
}

export function RoutingPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const canManage = (me?.permissions.includes('routing:manage') ?? false) && me?.scope.kind !== 'unit';
  const ownDistrict = me?.scope.kind === 'district' ? me.scope.districtCode : undefined;
  const list = usePagedList<ListResult<Rule>, Filters>({
    queryKey: ['routing', 'rules'],
    path: '/api/routing/rules',
    initialFilters: { active: true },
  });
  const [dialog, setDialog] = useState<{ mode: 'create' | 'edit' | 'deactivate'; rule?: Rule } | null>(null);
  const [history, setHistory] = useState<{ ruleId?: string; districtCode?: string } | null>(null);

  const columns: ColumnsType<Rule> = [
    {
      title: t('routing.district'),
      dataIndex: 'districtCode',
      width: 110,
      render: (code: string) => (
        <span title={code} data-testid="routing-district-name">
          <DivisionName code={code} />
        </span>
      ),
    },
    {
      title: t('routing.area'),
      key: 'area',
      width: 220,
      render: (_, r) => (
        <Space>
          <Tag>{t(`routing.areaLevels.${r.areaLevel}`)}</Tag>
          <Typography.Text code>{r.areaCode}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t('routing.type'),
      key: 'type',
      render: (_, r) =>
        r.typeLevel === 'matter' ? (
          `${r.matterCode} ${r.matterName ?? ''}`
        ) : r.typeLevel === 'major' ? (
          `${t('routing.typeLevels.major')} ${r.matterMajor}`
        ) : (
          <Tag color="gold">{t('routing.typeLevels.default')}</Tag>
        ),
    },
    { title: t('routing.unit'), dataIndex: 'unitName', ellipsis: true },
    {
      title: t('routing.active'),
      dataIndex: 'active',
      width: 80,
      render: (a: boolean) =>
        a ? <Tag color="green">{t('routing.yes')}</Tag> : <Tag>{t('routing.no')}</Tag>,
    },
    { title: t('common.updatedAt'), dataIndex: 'updatedAt', width: 160, render: formatTime },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 200,
      render: (_, r) => (
        <Space size={0}>
          {canManage && (
            <Button
              type="link"
              size="small"
              onClick={() => setDialog({ mode: 'edit', rule: r })}
              data-testid={`routing-edit-${r.id}`}
            >
              {t('common.edit')}
            </Button>
          )}
          {canManage && r.active && !(r.areaLevel === 'district' && r.typeLevel === 'default') && (
            <Button
              type="link"
              size="small"
              danger
              onClick={() => setDialog({ mode: 'deactivate', rule: r })}
              data-testid={`routing-deactivate-${r.id}`}
            >
              {t('routing.deactivate')}
            </Button>
          )}
          <Button
            type="link"
            size="small"
            onClick={() => setHistory({ ruleId: r.id })}
            data-testid={`routing-history-${r.id}`}
          >
            {t('routing.history')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <PageContainer
      testId="page-routing"
      title={t('routing.title')}
      extra={
        <Space>
          <Button
            icon={<HistoryOutlined />}
            onClick={() => setHistory({ districtCode: list.filters.districtCode ?? ownDistrict })}
            data-testid="routing-district-history"
          >
            {t('routing.districtHistoryButton')}
          </Button>
          {canManage && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setDialog({ mode: 'create' })}
              data-testid="routing-create"
            >
              {t('routing.create')}
            </Button>
          )}
        </Space>
      }
    >
      <Tester />
      <Card>
        <Form<Filters>
          layout="inline"
          style={{ marginBottom: 16 }}
          initialValues={list.filters}
          onFinish={(v) => list.setFilters(cleanFilters(v))}
          data-testid="routing-filter"
        >
          <Form.Item name="districtCode" label={t('routing.district')}>
            <Select
              allowClear
              style={{ width: 150 }}
              placeholder={t('common.all')}
              options={DEMO_DISTRICTS.map((d) => ({ value: d.code, label: `${d.code} ${d.name}` }))}
              data-testid="routing-filter-district"
            />
          </Form.Item>
          <Form.Item name="typeLevel" label={t('routing.typeLevel')}>
            <Select
              allowClear
              style={{ width: 130 }}
              placeholder={t('common.all')}
              options={TYPE_LEVELS.map((l) => ({ value: l, label: t(`routing.typeLevels.${l}`) }))}
              data-testid="routing-filter-type"
            />
          </Form.Item>
          <Form.Item name="areaLevel" label={t('routing.areaLevel')}>
            <Select
              allowClear
              style={{ width: 120 }}
              placeholder={t('common.all')}
              options={AREA_LEVELS.map((l) => ({ value: l, label: t(`routing.areaLevels.${l}`) }))}
              data-testid="routing-filter-area"
            />
          </Form.Item>
          <Form.Item name="active" label={t('routing.active')}>
            <Select
              allowClear
              style={{ width: 100 }}
              placeholder={t('common.all')}
              options={[
                { value: true, label: t('routing.yes') },
                { value: false, label: t('routing.no') },
              ]}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="routing-search">
            {t('common.search')}
          </Button>
        </Form>
        <PagedTable<Rule> list={list} data-testid="routing-table" columns={columns} scroll={{ x: 1100 }} />
      </Card>
      {dialog && <RuleDialog mode={dialog.mode} rule={dialog.rule} onClose={() => setDialog(null)} />}
      {history && <HistoryDrawer {...history} onClose={() => setHistory(null)} />}
    </PageContainer>
  );
}

/** "Who is responsible?": a matter type and a grid ID → the unit and the rule that matched. */
function Tester() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const matters = useMatterTypes();
  const ask = useMutation({
    mutationFn: (v: { matterCode: string; gridId: string }) =>
      api.get<Resolution>('/api/routing/resolve', { matterCode: v.matterCode, gridId: v.gridId.trim() }),
    onError: (e) => showServerError(e, message),
  });
  const r = ask.data;
  return (
    <Card title={t('routing.tester')} style={{ marginBottom: 16 }} data-testid="routing-tester">
      <Form layout="inline" onFinish={(v) => ask.mutate(v)}>
        <Form.Item name="matterCode" label={t('routing.matter')} rules={[{ required: true }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: 260 }}
            options={(matters.data?.items ?? []).map((m) => ({
              value: m.code,
              label: `${m.code} ${m.name}`,
            }))}
            data-testid="routing-tester-matter"
          />
        </Form.Item>
        <Form.Item
          name="gridId"
          label={t('routing.gridId')}
          rules={[{ required: true, pattern: /^\d{15}$/, message: t('routing.gridIdFormat') }]}
        >
          <Input
            style={{ width: 190, fontFamily: 'monospace' }}
            placeholder="330203001001001"
            data-testid="routing-tester-grid"
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={ask.isPending} data-testid="routing-tester-submit">
          {t('routing.ask')}
        </Button>
      </Form>
      {r && !ask.isError && (
        <Descriptions
          style={{ marginTop: 16 }}
          bordered
          size="small"
          column={2}
          data-testid="routing-tester-result"
        >
          <Descriptions.Item label={t('routing.unit')}>
            <Typography.Text strong data-testid="routing-tester-unit">
              {r.unit.name}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('routing.specificity')}>
            {t(`routing.areaLevels.${r.specificity.area}`)} · {t(`routing.typeLevels.${r.specificity.type}`)}
          </Descriptions.Item>
          <Descriptions.Item label={t('routing.matchedRule')} span={2}>
            {r.rule.areaCode} ·{' '}
            {r.rule.matterCode ??
              (r.rule.matterMajor
                ? `${t('routing.typeLevels.major')} ${r.rule.matterMajor}`
                : t('routing.typeLevels.default'))}
            {r.rule.note ? ` · ${r.rule.note}` : ''}
          </Descriptions.Item>
        </Descriptions>
      )}
      {ask.isError && (
        <Alert style={{ marginTop: 16 }} type="warning" showIcon title={(ask.error as Error).message} />
      )}
    </Card>
  );
}
