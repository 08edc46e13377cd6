/**
 * Work queue (案件办理): "my work" (what I can act on now, by deadline; one queue of mine when the
 * workbench links to it) and "all in scope", with filters, China-day date ranges, lights and
 * countdowns, server-side sorting, saved filters, batch urging for supervisors and the .xlsx
 * export of the filtered list; refreshed live from /api/stream.
 */
import { DownloadOutlined, ReloadOutlined, SearchOutlined, WifiOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Input,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { ColumnsType, SorterResult } from 'antd/es/table/interface';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import {
  CASE_STATES,
  type CaseState,
  OWN_REPORT_OWNERS,
  type WorkflowRole,
} from '../../../../common/workflow.ts';
import { useMe, useOrgNames } from '../../api/queries';
import { ChinaRangePicker } from '../../components/ChinaPicker';
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
import { toChinaPicker } from '../../components/china-time';
import { formatTime } from '../../components/format';
import { roleLabel } from '../../components/labels';
import { PageContainer } from '../../components/PageContainer';
import { BatchUrge } from './list/BatchUrge';
import { exportCases } from './list/exportCases';
import { SavedFilters, type SavedQuery } from './list/SavedFilters';

const FILTER_KEYS = [
  'state',
  'matterCode',
  'gridId',
  'districtCode',
  'unitId',
  'channel',
  'light',
  'q',
  'dateField',
  'dateFrom',
  'dateTo',
  'queue',
] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
const DATE_FIELDS = ['createdAt', 'filedAt', 'dispatchedAt', 'closedAt'] as const;
type DateField = (typeof DATE_FIELDS)[number];
/** Columns the server sorts on, by the table's column key. */
const SORTABLE = ['code', 'state', 'currentDueAt', 'createdAt'] as const;
type SortKey = NonNullable<CaseListQuery['sort']>;

export function CasesPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const viewParam = params.get('view');
  const view = viewParam === 'all' || viewParam === 'own' ? viewParam : 'mine';
  const page = Number(params.get('page')) || 1;
  const pageSize = Number(params.get('pageSize')) || 20;
  const isCity = me.data?.scope.kind === 'city';
  const isUnit = me.data?.scope.kind === 'unit';
  const canUrge = (me.data?.user.roles ?? []).includes('supervisor');
  // Own reports open to self-disposal (an inspector's) are a tab apart from the work given to them.
  const hasOwn = (me.data?.user.roles ?? []).some((r) => OWN_REPORT_OWNERS.includes(r as WorkflowRole));
  const { message } = App.useApp();
  const [selected, setSelected] = useState<CaseSummary[]>([]);
  const [exporting, setExporting] = useState(false);

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
    queue: (params.get('queue') as CaseListQuery['queue']) || undefined,
    dateField: (params.get('dateField') as DateField) || undefined,
    dateFrom: params.get('dateFrom') || undefined,
    dateTo: params.get('dateTo') || undefined,
    sort: (params.get('sort') as SortKey) || undefined,
    order: (params.get('order') as 'asc' | 'desc') || undefined,
  };
  const { page: _p, pageSize: _ps, ...filterOnly } = query;
  const sortKey = query.sort;
  const sortDir = query.order;
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

  const columns: ColumnsType<CaseSummary> = useMemo(() => {
    const sortOrderOf = (key: string) =>
      sortKey === key ? (sortDir === 'desc' ? 'descend' : 'ascend') : null;
    return [
      {
        title: t('case.col.code'),
        dataIndex: 'code',
        key: 'code',
        width: 184,
        fixed: 'left',
        sorter: true,
        sortOrder: sortOrderOf('code'),
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
        key: 'state',
        width: 104,
        sorter: true,
        sortOrder: sortOrderOf('state'),
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
        width: 150,
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
        title: t('case.col.light'),
        dataIndex: 'light',
        key: 'light',
        width: 84,
        render: (l: Light | null) => <LightBadge light={l} withText />,
      },
      {
        title: t('case.col.due'),
        dataIndex: 'currentDueAt',
        key: 'currentDueAt',
        width: 150,
        sorter: true,
        sortOrder: sortOrderOf('currentDueAt'),
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
        key: 'createdAt',
        width: 110,
        sorter: true,
        sortOrder: sortOrderOf('createdAt'),
        render: (v: string) => <span style={{ fontSize: 12 }}>{formatTime(v).slice(5, 16)}</span>,
      },
    ];
  }, [t, matterNames, orgNames, now, sortKey, sortDir]);

  const selectProps = { allowClear: true, style: { width: 150 } } as const;

  const applySaved = (q: SavedQuery) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) {
      if (v === undefined || v === null || v === '') continue;
      next.set(k, Array.isArray(v) ? String(v[0]) : String(v));
    }
    if (!next.get('view')) next.set('view', 'all');
    if (next.get('view') === 'mine') next.delete('view');
    setParams(next, { replace: true });
  };
  const savedQuery = Object.fromEntries(
    Object.entries({ ...filterOnly, state: query.state ? [query.state] : undefined }).filter(
      ([, v]) => v !== undefined,
    ),
  ) as SavedQuery;
  const doExport = async () => {
    setExporting(true);
    try {
      const name = await exportCases({ ...filterOnly });
      void message.success(t('case.export.done', { name }));
    } catch (e) {
      void message.error((e as Error).message);
    } finally {
      setExporting(false);
    }
  };

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
          <SavedFilters current={savedQuery} onApply={applySaved} />
          {canUrge && (
            <BatchUrge
              selected={selected}
              onDone={() => {
                setSelected([]);
                void list.refetch();
              }}
            />
          )}
          <Button
            icon={<DownloadOutlined />}
            loading={exporting}
            onClick={() => void doExport()}
            data-testid="cases-export"
          >
            {t('case.export.button')}
          </Button>
          <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} data-testid="cases-refresh">
            {t('common.refresh')}
          </Button>
        </Space>
      }
    >
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={view}
          onChange={(k) => set({ view: k === 'all' || k === 'own' ? k : undefined })}
          items={[
            { key: 'mine', label: <span data-testid="tab-mine">{t('case.tab.mine')}</span> },
            ...(hasOwn || view === 'own'
              ? [{ key: 'own', label: <span data-testid="tab-own">{t('case.tab.own')}</span> }]
              : []),
            { key: 'all', label: <span data-testid="tab-all">{t('case.tab.all')}</span> },
          ]}
        />
        <Space wrap size={[8, 8]} style={{ marginBottom: 12 }} data-testid="case-filters">
          {query.queue && view !== 'all' && (
            <Tag closable onClose={() => set({ queue: undefined })} color="blue" data-testid="filter-queue">
              {t('case.list.queue')}: {roleLabel(t, query.queue)}
            </Tag>
          )}
          {query.districtCode && !isCity && (
            // Only the city has the district picker; a filter on a district (a saved filter, a
            // link) still shows, so an empty list has a visible reason and a way out.
            <Tag
              closable
              onClose={() => set({ districtCode: undefined })}
              color="blue"
              data-testid="filter-district-tag"
            >
              {t('case.filter.district')}: {query.districtCode}
            </Tag>
          )}
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
          <Space.Compact>
            <Select
              style={{ width: 116 }}
              value={query.dateField ?? 'createdAt'}
              onChange={(v) => set({ dateField: v === 'createdAt' ? undefined : v })}
              options={DATE_FIELDS.map((f) => ({ value: f, label: t(`case.list.dateField.${f}`) }))}
              data-testid="filter-date-field"
            />
            <Tooltip title={t('case.list.dateHint')}>
              <span data-testid="filter-dates" style={{ display: 'inline-flex' }}>
                <ChinaRangePicker
                  allowEmpty={[true, true]}
                  style={{ width: 240 }}
                  value={[
                    query.dateFrom ? toChinaPicker(`${query.dateFrom}T00:00:00+08:00`) : null,
                    query.dateTo ? toChinaPicker(`${query.dateTo}T00:00:00+08:00`) : null,
                  ]}
                  onChange={(v) =>
                    set({
                      dateFrom: v?.[0]?.format('YYYY-MM-DD'),
                      dateTo: v?.[1]?.format('YYYY-MM-DD'),
                    })
                  }
                />
              </span>
            </Tooltip>
          </Space.Compact>
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
        {list.isError && (
          // A refused query (an old saved filter, a hand-edited link) says why, not "no cases".
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('case.list.loadFailed')}
            description={(list.error as Error).message}
            data-testid="case-list-error"
          />
        )}
        <Table<CaseSummary>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.isFetching && !list.data}
          scroll={{ x: 1320 }}
          rowSelection={
            canUrge
              ? {
                  selectedRowKeys: selected.map((c) => c.id),
                  onChange: (_keys, rows) => setSelected(rows),
                  preserveSelectedRowKeys: false,
                }
              : undefined
          }
          onChange={(_p, _f, sorter, extra) => {
            if (extra.action !== 'sort') return;
            const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<CaseSummary>;
            const key = String(s.columnKey ?? '');
            set(
              s.order && (SORTABLE as readonly string[]).includes(key)
                ? { sort: key, order: s.order === 'descend' ? 'desc' : 'asc' }
                : { sort: undefined, order: undefined },
            );
          }}
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
          locale={{
            emptyText: list.isError
              ? t('case.list.loadFailed')
              : view === 'mine'
                ? t('case.emptyMine')
                : view === 'own'
                  ? t('case.emptyOwn')
                  : t('case.emptyAll'),
          }}
          data-testid="case-table"
        />
      </Card>
    </PageContainer>
  );
}
