/**
 * Work queue (案件办理): "my work" (what I can act on now, by deadline) and "all in scope", with
 * filters, lights and countdowns, refreshed live from /api/stream.
 */
import { ReloadOutlined, SearchOutlined, WifiOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Input, Select, Space, Table, Tabs, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { CASE_STATES, type CaseState } from '../../../../common/workflow.ts';
import { useMe, useOrgNames } from '../../api/queries';
import {
  type CaseListQuery,
  type CaseSummary,
  CHANNELS,
  type Channel,
  LIGHTS,
  type Light,
  useCaseList,
  useDistricts,
  useMatterNames,
  useMatterTypeList,
  useUnits,
} from '../../components/case/api';
import {
  CaseFlags,
  Countdown,
  channelLabel,
  DivisionName,
  LightBadge,
  StateTag,
  stageLabel,
  stateLabel,
  useNow,
} from '../../components/case/CaseBits';
import { useCaseEvents } from '../../components/case/stream';
import { formatTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';

const FILTER_KEYS = [
  'state',
  'matterCode',
  'gridId',
  'districtCode',
  'unitId',
  'channel',
  'light',
  'q',
] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

export function CasesPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'all' ? 'all' : 'mine';
  const page = Number(params.get('page')) || 1;
  const pageSize = Number(params.get('pageSize')) || 20;
  const isCity = me.data?.scope.kind === 'city';
  const isUnit = me.data?.scope.kind === 'unit';

  const query: CaseListQuery = {
    view,
    page,
    pageSize,
    state: (params.get('state') as CaseState) || undefined,
    matterCode: params.get('matterCode') || undefined,
    gridId: params.get('gridId') || undefined,
    districtCode: params.get('districtCode') || undefined,
    unitId: params.get('unitId') || undefined,
    channel: (params.get('channel') as Channel) || undefined,
    light: (params.get('light') as Light) || undefined,
    q: params.get('q') || undefined,
  };
  const list = useCaseList(query);
  useCaseEvents(() => void list.refetch(), { debounceMs: 1500 });
  const now = useNow(30_000);

  const types = useMatterTypeList();
  const matterNames = useMatterNames();
  const units = useUnits(!isUnit);
  const districts = useDistricts(isCity);
  const orgNames = useOrgNames();

  const set = (patch: Record<string, string | number | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!('page' in patch)) next.delete('page');
    setParams(next, { replace: true });
  };
  const activeFilters = FILTER_KEYS.filter((k) => params.get(k)).length;

  const columns: ColumnsType<CaseSummary> = useMemo(
    () => [
      {
        title: t('case.col.code'),
        dataIndex: 'code',
        width: 184,
        fixed: 'left',
        render: (code: string, c) => (
          <Link
            to={`/cases/${c.id}`}
            data-testid="case-code"
            style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}
          >
            {code}
          </Link>
        ),
      },
      {
        title: t('case.col.state'),
        dataIndex: 'state',
        width: 96,
        render: (s: string) => <StateTag state={s} />,
      },
      {
        title: t('case.col.type'),
        dataIndex: 'matterCode',
        ellipsis: true,
        render: (code: string | null, c) => (
          <div style={{ minWidth: 0 }}>
            <div style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
              {code ? (
                (matterNames.get(code) ?? code)
              ) : (
                <Typography.Text type="secondary">{t('case.untyped')}</Typography.Text>
              )}
            </div>
            <Tooltip title={c.description} placement="topLeft">
              <div
                style={{
                  fontSize: 12,
                  color: 'rgba(0,0,0,0.45)',
                  overflow: 'hidden',
                  textOverflow: 'ellipsis',
                  whiteSpace: 'nowrap',
                }}
              >
                {c.description}
              </div>
            </Tooltip>
          </div>
        ),
      },
      {
        title: t('case.col.location'),
        key: 'location',
        width: 150,
        render: (_: unknown, c) => (
          <div>
            <DivisionName code={c.communityCode} />
            <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)', fontFamily: 'monospace' }}>{c.gridId}</div>
          </div>
        ),
      },
      {
        title: t('case.col.channel'),
        dataIndex: 'channel',
        width: 84,
        render: (ch: string) => channelLabel(t, ch),
      },
      {
        title: t('case.col.stage'),
        dataIndex: 'currentStage',
        width: 100,
        render: (s: string | null, c) => (
          <span>
            {stageLabel(t, s)}
            {c.unitId && (
              <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{orgNames.get(c.unitId) ?? ''}</div>
            )}
          </span>
        ),
      },
      {
        title: t('case.col.due'),
        dataIndex: 'currentDueAt',
        width: 150,
        render: (due: string | null, c) =>
          due ? (
            <Space size={6} align="start">
              <LightBadge light={c.light} />
              <span>
                <Countdown due={due} light={c.light} now={now} />
                <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{formatTime(due).slice(0, 16)}</div>
              </span>
            </Space>
          ) : (
            <Typography.Text type="secondary">—</Typography.Text>
          ),
      },
      {
        title: t('case.col.flags'),
        key: 'flags',
        width: 110,
        render: (_: unknown, c) => <CaseFlags c={c} />,
      },
      {
        title: t('case.col.createdAt'),
        dataIndex: 'createdAt',
        width: 96,
        render: (v: string) => <span style={{ fontSize: 12 }}>{formatTime(v).slice(5, 16)}</span>,
      },
    ],
    [t, matterNames, orgNames, now],
  );

  const selectProps = { allowClear: true, style: { width: 150 } } as const;

  return (
    <PageContainer
      testId="page-cases"
      title={t('case.queueTitle')}
      extra={
        <Space>
          <Tooltip title={t('case.liveHint')}>
            <Badge
              status="processing"
              text={
                <span style={{ color: 'rgba(0,0,0,0.55)' }}>
                  <WifiOutlined /> {t('case.live')}
                </span>
              }
            />
          </Tooltip>
          <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} data-testid="cases-refresh">
            {t('common.refresh')}
          </Button>
        </Space>
      }
    >
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={view}
          onChange={(k) => set({ view: k === 'all' ? 'all' : undefined })}
          items={[
            { key: 'mine', label: <span data-testid="tab-mine">{t('case.tab.mine')}</span> },
            { key: 'all', label: <span data-testid="tab-all">{t('case.tab.all')}</span> },
          ]}
        />
        <Space wrap size={[8, 8]} style={{ marginBottom: 12 }} data-testid="case-filters">
          <Input.Search
            allowClear
            placeholder={t('case.filter.q')}
            defaultValue={query.q}
            onSearch={(v) => set({ q: v.trim() || undefined })}
            style={{ width: 200 }}
            enterButton={<SearchOutlined />}
            data-testid="filter-q"
          />
          <Select
            {...selectProps}
            placeholder={t('case.filter.state')}
            value={query.state}
            onChange={(v) => set({ state: v })}
            options={CASE_STATES.map((s) => ({ value: s, label: stateLabel(t, s) }))}
            data-testid="filter-state"
          />
          <Select
            {...selectProps}
            style={{ width: 200 }}
            showSearch={{
              filterOption: (input, o) =>
                String(o?.label ?? '')
                  .toLowerCase()
                  .includes(input.trim().toLowerCase()),
            }}
            placeholder={t('case.filter.type')}
            value={query.matterCode}
            onChange={(v) => set({ matterCode: v })}
            options={(types.data?.items ?? []).map((ty) => ({
              value: ty.code,
              label: `${ty.code} ${ty.name}`,
            }))}
            data-testid="filter-type"
          />
          {isCity && (
            <Select
              {...selectProps}
              placeholder={t('case.filter.district')}
              value={query.districtCode}
              onChange={(v) => set({ districtCode: v })}
              options={(districts.data?.items ?? []).map((d) => ({ value: d.code, label: d.name }))}
              data-testid="filter-district"
            />
          )}
          {!isUnit && (
            <Select
              {...selectProps}
              style={{ width: 200 }}
              showSearch={{
                filterOption: (input, o) => String(o?.label ?? '').includes(input.trim()),
              }}
              placeholder={t('case.filter.unit')}
              value={query.unitId}
              onChange={(v) => set({ unitId: v })}
              options={(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
              data-testid="filter-unit"
            />
          )}
          <Input
            allowClear
            placeholder={t('case.filter.grid')}
            defaultValue={query.gridId}
            onPressEnter={(e) => set({ gridId: (e.target as HTMLInputElement).value.trim() || undefined })}
            onChange={(e) => {
              if (e.target.value === '') set({ gridId: undefined });
            }}
            style={{ width: 170 }}
            data-testid="filter-grid"
          />
          <Select
            {...selectProps}
            style={{ width: 120 }}
            placeholder={t('case.filter.channel')}
            value={query.channel}
            onChange={(v) => set({ channel: v })}
            options={CHANNELS.map((c) => ({ value: c, label: channelLabel(t, c) }))}
            data-testid="filter-channel"
          />
          <Select
            {...selectProps}
            style={{ width: 110 }}
            placeholder={t('case.filter.light')}
            value={query.light}
            onChange={(v) => set({ light: v })}
            options={LIGHTS.map((l) => ({ value: l, label: <LightBadge light={l} withText /> }))}
            data-testid="filter-light"
          />
          {activeFilters > 0 && (
            <Button
              type="link"
              onClick={() =>
                set(
                  Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined])) as Record<FilterKey, undefined>,
                )
              }
              data-testid="filter-reset"
            >
              {t('common.reset')}
            </Button>
          )}
        </Space>
        <Table<CaseSummary>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.isFetching && !list.data}
          scroll={{ x: 1100 }}
          onRow={(c) =>
            ({
              'data-testid': 'case-row',
              'data-case-id': c.id,
              'data-case-code': c.code,
              onDoubleClick: () => void navigate(`/cases/${c.id}`),
              style: c.light === 'red' ? { background: '#fff7f7' } : undefined,
            }) as React.HTMLAttributes<HTMLElement>
          }
          pagination={{
            current: page,
            pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (total) => t('common.total', { total }),
            onChange: (p, ps) => set({ page: p > 1 ? p : undefined, pageSize: ps !== 20 ? ps : undefined }),
          }}
          locale={{ emptyText: view === 'mine' ? t('case.emptyMine') : t('case.emptyAll') }}
          data-testid="case-table"
        />
      </Card>
    </PageContainer>
  );
}
