/**
 * 指挥大屏 — the command big screen at /screen: a 1920×1080 dark board, outside the app's shell,
 * of the caller's area (the city for the city's leaders and supervisors, a district for its shift
 * leaders and dispatchers: every API below is scoped by the server, the title names the scope).
 *
 * Panels: today's cases by state and by channel (GET /api/cases/stats/today); the map with the
 * open cases by light (GET /api/cases/map on CityMap, our own tiles); overdue and urged cases
 * (GET /api/cases); this month's on-time disposal rate by district (GET /api/evaluation/figures);
 * the newest published ranking of districts, or this month's figures when none is published
 * (GET /api/evaluation/rankings); live warnings (GET /api/warnings).
 *
 * Live without a reload: a case event on the stream refetches the case panels (debounced, one
 * refetch per burst); the evaluation and the warnings, computed over the month, refresh on a
 * timer. Meant to run for days: the queries keep fixed keys (react-query replaces, never
 * accumulates), the lists are bounded by their page size, the charts reuse their instances.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { chinaDate } from '../../../../common/calendar/china-time.ts';
import { OPEN_STATES } from '../../../../common/workflow.ts';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import type { ApiResponse, ListResult } from '../../api/types';
import { useDistricts } from '../../components/case/api';
import { channelLabel, stateLabel } from '../../components/case/CaseBits';
import { useCaseEvents } from '../../components/case/stream';
import { CityMap, type MapPoint } from '../../components/map/CityMap';
import { isAppLocale, setLocale } from '../../i18n';
import { type ChartOption, ScreenChart } from './ScreenChart';
import './screen.css';

type TodayStats = ApiResponse<'/api/cases/stats/today', 'get'>;
type CaseMap = ApiResponse<'/api/cases/map', 'get'>;
type CaseRow = ApiResponse<'/api/cases', 'get'>['items'][number];
type Figures = ApiResponse<'/api/evaluation/figures', 'get'>;
type Rankings = ApiResponse<'/api/evaluation/rankings', 'get'>;
type Ranking = ApiResponse<'/api/evaluation/rankings/{id}', 'get'>;
type Warnings = ApiResponse<'/api/warnings', 'get'>;

const DESIGN_W = 1920;
const DESIGN_H = 1080;
const LIGHT_COLOURS = { red: '#ff4d4f', yellow: '#faad14', green: '#52c41a', none: '#8c8c8c' } as const;
const ACCENT = [
  '#3ba0ff',
  '#36cbcb',
  '#4ecb73',
  '#fbd437',
  '#f2637b',
  '#975fe5',
  '#ff9f43',
  '#5c7cfa',
  '#aaa',
];
const TEXT = '#cfe3ff';
const LIST_SIZE = 8;
/** What fits the panel: the most overdue first, then the most urged. */
const OVERDUE_ROWS = 6;
const URGED_ROWS = 5;
const RATE = 'onTimeDisposalRate';

/** This China month: its first day and the first day of the next (the evaluation's exclusive end). */
function thisMonth(now: Date): { from: string; to: string } {
  const [y, m] = chinaDate(now).split('-').map(Number);
  const pad = (n: number) => String(n).padStart(2, '0');
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${pad(m + 1)}-01`;
  return { from: `${y}-${pad(m)}-01`, to: next };
}

const fitScale = () => Math.min(window.innerWidth / DESIGN_W, window.innerHeight / DESIGN_H);

/** The board is drawn at 1920×1080 and scaled to the window, as a wall display expects. */
function useFitScale(): number {
  const [scale, setScale] = useState(fitScale);
  useEffect(() => {
    const onResize = () => setScale(fitScale());
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return scale;
}

function Clock() {
  const { i18n } = useTranslation();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  const locale = i18n.language.startsWith('en') ? 'en-GB' : 'zh-CN';
  const zone = { timeZone: 'Asia/Shanghai' } as const;
  const text = [
    now.toLocaleDateString(locale, { ...zone, year: 'numeric', month: '2-digit', day: '2-digit' }),
    now.toLocaleDateString(locale, { ...zone, weekday: 'short' }),
    now.toLocaleTimeString(locale, {
      ...zone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    }),
  ].join(' ');
  return (
    <div className="screen-clock" data-testid="screen-clock">
      {text}
    </div>
  );
}

function Panel({
  title,
  testId,
  children,
  extra,
  data,
  fixed,
}: {
  /** Its content's height, not a share of the column's. */
  fixed?: boolean;
  title: string;
  testId: string;
  children: React.ReactNode;
  extra?: React.ReactNode;
  /** `data-*` attributes: what the panel shows, for a test to ask the API the same. */
  data?: Record<string, string>;
}) {
  const attrs = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return (
    <section
      className={fixed ? 'screen-panel screen-panel-fixed' : 'screen-panel'}
      data-testid={testId}
      {...attrs}
    >
      <header className="screen-panel-title">
        <span>{title}</span>
        {extra}
      </header>
      <div className="screen-panel-body">{children}</div>
    </section>
  );
}

const pct = (v: number | null | undefined) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);

export function ScreenPage() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const scale = useFitScale();
  const me = useMe();
  const scope = me.data?.scope;
  const ready = !!me.data && scope?.kind !== 'unit';
  const districts = useDistricts(ready);
  const nameOf = (code: string) => districts.data?.items.find((d) => d.code === code)?.name ?? code;
  const month = thisMonth(new Date());

  // The screen follows the language saved for the user, as the app's shell does.
  const savedLocale = me.data?.user.locale;
  useEffect(() => {
    if (isAppLocale(savedLocale)) void setLocale(savedLocale);
  }, [savedLocale]);

  const today = useQuery({
    queryKey: ['screen', 'today'],
    enabled: ready,
    queryFn: () => api.get<TodayStats>('/api/cases/stats/today'),
    // A fallback besides the stream (a missed event, a new day at midnight).
    refetchInterval: 60_000,
  });
  const caseMap = useQuery({
    queryKey: ['screen', 'map'],
    enabled: ready,
    queryFn: () => api.get<CaseMap>('/api/cases/map', { limit: 5000 }),
    refetchInterval: 120_000,
  });
  const overdue = useQuery({
    queryKey: ['screen', 'overdue'],
    enabled: ready,
    queryFn: () =>
      api.get<ListResult<CaseRow>>('/api/cases', {
        view: 'all',
        light: 'red',
        sort: 'currentDueAt',
        order: 'asc',
        pageSize: LIST_SIZE,
      }),
    refetchInterval: 60_000,
  });
  const urged = useQuery({
    queryKey: ['screen', 'urged'],
    enabled: ready,
    queryFn: () =>
      api.get<ListResult<CaseRow>>(
        `/api/cases?${new URLSearchParams([
          ['view', 'all'],
          ['sort', 'urgeCount'],
          ['order', 'desc'],
          ['pageSize', String(LIST_SIZE)],
          ...OPEN_STATES.map((s) => ['state', s]),
        ])}`,
      ),
    refetchInterval: 60_000,
  });
  const figures = useQuery({
    queryKey: ['screen', 'figures', month.from],
    enabled: ready,
    queryFn: () =>
      api.get<Figures>('/api/evaluation/figures', { subjectType: 'district', indicator: RATE, ...month }),
    refetchInterval: 5 * 60_000,
  });
  const ranking = useQuery({
    queryKey: ['screen', 'ranking'],
    enabled: ready,
    queryFn: async () => {
      const list = await api.get<Rankings>('/api/evaluation/rankings', {
        subjectType: 'district',
        state: 'published',
      });
      const newest = list.items[0];
      return newest ? api.get<Ranking>(`/api/evaluation/rankings/${newest.id}`) : null;
    },
    refetchInterval: 5 * 60_000,
  });
  const warnings = useQuery({
    queryKey: ['screen', 'warnings'],
    enabled: ready,
    queryFn: () => api.get<Warnings>('/api/warnings', { pageSize: LIST_SIZE }),
    refetchInterval: 60_000,
  });

  // A case event (reported, dispatched, closed …) changes the day's numbers, the map and the lists.
  useCaseEvents(
    () => {
      for (const key of ['today', 'map', 'overdue', 'urged']) {
        void qc.invalidateQueries({ queryKey: ['screen', key] });
      }
    },
    { debounceMs: 1500, enabled: ready },
  );

  const en = i18n.language.startsWith('en');
  const scopeName =
    scope?.kind === 'district' ? nameOf(scope.districtCode) : scope?.kind === 'city' ? t('screen.city') : '';

  const stateOption = useMemo<ChartOption>(() => {
    const rows = [...(today.data?.byState ?? [])].sort((a, b) => b.count - a.count);
    return {
      textStyle: { color: TEXT },
      grid: { left: 110, right: 40, top: 8, bottom: 8 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', show: false },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((r) => stateLabel(t, r.state)),
        axisLabel: { color: TEXT, fontSize: 14 },
        axisLine: { show: false },
        axisTick: { show: false },
      },
      series: [
        {
          type: 'bar',
          data: rows.map((r) => r.count),
          barMaxWidth: 16,
          itemStyle: { color: '#3ba0ff', borderRadius: [0, 6, 6, 0] },
          label: { show: true, position: 'right', color: TEXT, fontSize: 14 },
        },
      ],
    };
  }, [today.data, t]);

  const channelOption = useMemo<ChartOption>(
    () => ({
      color: ACCENT,
      textStyle: { color: TEXT },
      tooltip: { trigger: 'item' },
      legend: { orient: 'vertical', right: 0, top: 'middle', textStyle: { color: TEXT, fontSize: 13 } },
      series: [
        {
          type: 'pie',
          radius: ['45%', '75%'],
          center: ['35%', '50%'],
          label: { show: false },
          data: (today.data?.byChannel ?? []).map((r) => ({
            name: channelLabel(t, r.channel),
            value: r.count,
          })),
        },
      ],
    }),
    [today.data, t],
  );

  const rateRows = useMemo(
    () =>
      (figures.data?.subjects ?? []).map((s) => {
        const f = s.figures.find((x) => x.indicator === RATE);
        return { code: s.subject, label: s.label, value: f?.value ?? null, den: f?.denominator ?? 0 };
      }),
    [figures.data],
  );
  const rateOption = useMemo<ChartOption>(
    () => ({
      textStyle: { color: TEXT },
      grid: { left: 40, right: 10, top: 24, bottom: 28 },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v}%` : '—') },
      xAxis: {
        type: 'category',
        data: rateRows.map((r) => r.label),
        axisLabel: { color: TEXT, fontSize: 13, interval: 0 },
      },
      yAxis: {
        type: 'value',
        max: 100,
        axisLabel: { color: TEXT, formatter: '{value}%' },
        splitLine: { lineStyle: { color: 'rgba(120,160,220,0.15)' } },
      },
      series: [
        {
          type: 'bar',
          barMaxWidth: 28,
          data: rateRows.map((r) => ({
            value: r.value == null ? null : Math.round(r.value * 1000) / 10,
            itemStyle: {
              color:
                r.value == null
                  ? '#555'
                  : r.value >= 0.9
                    ? '#4ecb73'
                    : r.value >= 0.75
                      ? '#fbd437'
                      : '#f2637b',
            },
          })),
          label: { show: true, position: 'top', color: TEXT, fontSize: 12, formatter: '{c}%' },
        },
      ],
    }),
    [rateRows],
  );

  const lights = useMemo(() => {
    const n = { red: 0, yellow: 0, green: 0, none: 0 };
    for (const p of caseMap.data?.items ?? []) n[p.light ?? 'none']++;
    return n;
  }, [caseMap.data]);
  const points = useMemo<MapPoint[]>(
    () =>
      (caseMap.data?.items ?? []).map((p) => ({
        id: p.id,
        lng: p.lng,
        lat: p.lat,
        color: LIGHT_COLOURS[p.light ?? 'none'],
      })),
    [caseMap.data],
  );
  // The map frames the caller's area: its district, or the managed districts together (the
  // city's outline reaches far beyond them into the countryside, where the dots would be specks).
  const mapBounds = useMemo<[number, number, number, number] | null>(() => {
    const items = districts.data?.items ?? [];
    const mine = scope?.kind === 'district' ? items.filter((d) => d.code === scope.districtCode) : items;
    if (mine.length === 0) return null;
    return [
      Math.min(...mine.map((d) => d.bbox[0])),
      Math.min(...mine.map((d) => d.bbox[1])),
      Math.max(...mine.map((d) => d.bbox[2])),
      Math.max(...mine.map((d) => d.bbox[3])),
    ];
  }, [districts.data, scope]);

  // The ranking: the newest published one, else this month's on-time figures in their order.
  const rankingRows = ranking.data
    ? ranking.data.lines
        .filter((l) => l.rank != null)
        .sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0))
        .map((l) => ({
          key: l.subject,
          rank: l.rank,
          label: l.label,
          value: l.score == null ? '—' : l.score.toFixed(1),
          grade: l.grade,
          movement: l.movement,
        }))
    : [...rateRows]
        .sort((a, b) => (b.value ?? -1) - (a.value ?? -1))
        .map((r, i) => ({
          key: r.code,
          rank: i + 1,
          label: r.label,
          value: pct(r.value),
          grade: null,
          movement: null,
        }));

  if (me.data && scope?.kind === 'unit') {
    return (
      <div className="screen-denied" data-testid="screen-denied">
        {t('screen.notForUnits')} <Link to="/">{t('screen.back')}</Link>
      </div>
    );
  }

  const caseLine = (c: CaseRow, extra: React.ReactNode) => (
    <li key={c.id} className="screen-row">
      <span className={`screen-dot screen-dot-${c.light ?? 'none'}`} />
      <span className="screen-code">{c.code}</span>
      <span className="screen-desc" title={c.description}>
        {nameOf(c.districtCode)} · {c.address ?? c.description}
      </span>
      <span className="screen-extra">{extra}</span>
    </li>
  );
  const urgedRows = (urged.data?.items ?? []).filter((c) => c.urgeCount > 0).slice(0, URGED_ROWS);
  const hoursOver = (c: CaseRow) =>
    c.currentDueAt ? Math.max(0, Math.floor((Date.now() - Date.parse(c.currentDueAt)) / 3_600_000)) : 0;

  return (
    <div className="screen-viewport">
      <div
        className="screen-root"
        data-testid="page-screen"
        style={{ width: DESIGN_W, height: DESIGN_H, transform: `scale(${scale})` }}
      >
        <header className="screen-header">
          <Link to="/" className="screen-back" data-testid="screen-back">
            {t('screen.back')}
          </Link>
          <h1 data-testid="screen-title">{t('screen.title', { scope: scopeName })}</h1>
          <div className="screen-header-right">
            <button
              type="button"
              className="screen-lang"
              data-testid="screen-language"
              onClick={() => void setLocale(en ? 'zh-CN' : 'en-US')}
            >
              {en ? '中文' : 'EN'}
            </button>
            <Clock />
          </div>
        </header>

        <div className="screen-grid">
          <div className="screen-col">
            <Panel title={t('screen.today')} testId="screen-today" fixed>
              <div className="screen-kpis">
                <div className="screen-kpi">
                  <div className="screen-kpi-value" data-testid="screen-today-count">
                    {today.data?.reported ?? '—'}
                  </div>
                  <div className="screen-kpi-label">{t('screen.reportedToday')}</div>
                </div>
                <div className="screen-kpi">
                  <div className="screen-kpi-value screen-red" data-testid="screen-overdue-count">
                    {today.data?.overdue ?? '—'}
                  </div>
                  <div className="screen-kpi-label">{t('screen.overdueNow')}</div>
                </div>
                <div className="screen-kpi">
                  <div className="screen-kpi-value screen-yellow" data-testid="screen-urged-count">
                    {today.data?.urged ?? '—'}
                  </div>
                  <div className="screen-kpi-label">{t('screen.urgedNow')}</div>
                </div>
              </div>
              <div className="screen-sub">{t('screen.byState')}</div>
              <ScreenChart option={stateOption} height={170} testId="screen-state-chart" />
              <div className="screen-sub">{t('screen.byChannel')}</div>
              <ScreenChart option={channelOption} height={160} testId="screen-channel-chart" />
            </Panel>
            <Panel
              title={t('screen.overdueAndUrged')}
              testId="screen-overdue"
              extra={<span className="screen-muted">{t('screen.overdueHint')}</span>}
            >
              <ul className="screen-list" data-testid="screen-overdue-list">
                {(overdue.data?.items ?? [])
                  .slice(0, OVERDUE_ROWS)
                  .map((c) =>
                    caseLine(
                      c,
                      <span className="screen-red">{t('screen.hoursOver', { n: hoursOver(c) })}</span>,
                    ),
                  )}
                {urgedRows.map((c) =>
                  caseLine(
                    c,
                    <span className="screen-yellow">{t('screen.urgedTimes', { n: c.urgeCount })}</span>,
                  ),
                )}
                {overdue.data && urged.data && overdue.data.items.length + urgedRows.length === 0 && (
                  <li className="screen-muted">{t('screen.none')}</li>
                )}
              </ul>
            </Panel>
          </div>

          <div className="screen-col screen-centre">
            <Panel
              title={t('screen.map')}
              testId="screen-map"
              extra={
                <span className="screen-lights" data-testid="screen-map-lights">
                  {(['red', 'yellow', 'green'] as const).map((l) => (
                    <span key={l} data-testid={`screen-light-${l}`}>
                      <span className={`screen-dot screen-dot-${l}`} />
                      {t(`screen.light.${l}`)} {lights[l]}
                    </span>
                  ))}
                  <span>
                    {t('screen.openTotal')} {caseMap.data?.total ?? '—'}
                  </span>
                </span>
              }
            >
              {ready && (
                <CityMap
                  height={910}
                  grids={false}
                  points={points}
                  bounds={mapBounds}
                  testId="screen-city-map"
                />
              )}
            </Panel>
          </div>

          <div className="screen-col">
            <Panel
              title={t('screen.onTime')}
              testId="screen-ontime"
              fixed
              data={month}
              extra={<span className="screen-muted">{`${month.from} ~`}</span>}
            >
              <ScreenChart option={rateOption} height={250} testId="screen-ontime-chart" />
            </Panel>
            <Panel
              title={ranking.data ? t('screen.rankingPublished') : t('screen.rankingCurrent')}
              testId="screen-ranking"
              extra={
                ranking.data ? (
                  <span className="screen-muted">{`${ranking.data.from} ~ ${ranking.data.to}`}</span>
                ) : (
                  <span className="screen-muted">{t('screen.rankingNone')}</span>
                )
              }
            >
              <ol className="screen-list" data-testid="screen-ranking-list">
                {rankingRows.map((r) => (
                  <li key={r.key} className="screen-row">
                    <span className={`screen-rank screen-rank-${Math.min(r.rank ?? 9, 4)}`}>{r.rank}</span>
                    <span className="screen-desc">{r.label}</span>
                    <span className="screen-extra">
                      {r.value}
                      {r.grade ? ` · ${r.grade}` : ''}
                      {r.movement ? (
                        <span className={r.movement > 0 ? 'screen-green' : 'screen-red'}>
                          {r.movement > 0 ? ` ↑${r.movement}` : ` ↓${-r.movement}`}
                        </span>
                      ) : null}
                    </span>
                  </li>
                ))}
              </ol>
            </Panel>
            <Panel
              title={t('screen.warnings')}
              testId="screen-warnings"
              extra={<span className="screen-muted">{warnings.data?.total ?? '—'}</span>}
            >
              <ul className="screen-list" data-testid="screen-warnings-list">
                {(warnings.data?.items ?? []).map((w) => (
                  <li
                    key={w.id}
                    className="screen-row screen-warning"
                    title={en ? w.explanation.en : w.explanation.zh}
                  >
                    <span className={w.state === 'open' ? 'screen-tag screen-tag-open' : 'screen-tag'}>
                      {t(`warnings.kind.${w.kind}`, { defaultValue: w.kind })}
                    </span>
                    <span className="screen-desc">{w.subjectName}</span>
                    <span className="screen-extra">
                      {w.observed} / {Math.round(w.baseline * 10) / 10}
                    </span>
                  </li>
                ))}
                {warnings.data && warnings.data.items.length === 0 && (
                  <li className="screen-muted">{t('screen.noWarnings')}</li>
                )}
              </ul>
            </Panel>
          </div>
        </div>
      </div>
    </div>
  );
}
