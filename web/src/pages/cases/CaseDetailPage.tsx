/**
 * The case page: header (code, state, flags, light, countdown of the current stage), the actions
 * the caller may take now, the point on the map, description and reporters, photos, stage clocks
 * and the timeline from the case's events. Reloads live when the case changes.
 */
import { ArrowLeftOutlined, EnvironmentOutlined, HomeOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Breadcrumb,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Result,
  Row,
  Skeleton,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { CASE_ACTIONS } from '../../../../common/workflow.ts';
import { isApiError } from '../../api/client';
import { useOrgNames } from '../../api/queries';
import { ActionPanel } from '../../components/case/ActionPanel';
import {
  type CaseDetail,
  type CaseStage,
  isCaseId,
  lookupPoint,
  type TimelineEntry,
  useCase,
  useMatterNames,
} from '../../components/case/api';
import {
  actionLabel,
  CaseFlags,
  Countdown,
  channelLabel,
  LightBadge,
  StateTag,
  stageLabel,
  stateLabel,
} from '../../components/case/CaseBits';
import { PhotoThumbs } from '../../components/case/Photos';
import { useCaseEvents } from '../../components/case/stream';
import { formatTime } from '../../components/format';
import { CityMap } from '../../components/map/CityMap';
import { timeAmount, timelineActor, withColon } from '../../components/wording';

export function CaseDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  // An address that cannot name a case (/cases/not-a-uuid) is not asked for: it is simply not found.
  const validId = isCaseId(id);
  const q = useCase(id, validId);
  const orgNames = useOrgNames();
  const matterNames = useMatterNames();
  useCaseEvents(() => void q.refetch(), { filter: (e) => e.caseId === id, debounceMs: 300 });
  const c = q.data?.case;
  const place = useQuery({
    queryKey: ['geo', 'lookup', c?.location.lng, c?.location.lat],
    enabled: !!c,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
    queryFn: () => lookupPoint(c!.location.lng, c!.location.lat),
  });

  const crumbs = (
    <Breadcrumb
      style={{ marginBottom: 8 }}
      items={[
        {
          title: (
            <Link to="/">
              <HomeOutlined /> <span>{t('menu.home')}</span>
            </Link>
          ),
        },
        { title: <Link to="/cases">{t('case.queueTitle')}</Link> },
        { title: c?.code ?? '…' },
      ]}
    />
  );

  if (q.isError || !validId) {
    const notFound = !validId || (isApiError(q.error) && q.error.status === 404);
    return (
      <div data-testid="page-case">
        {crumbs}
        <Result
          status={notFound ? '404' : 'error'}
          title={notFound ? t('case.notFound') : t('case.loadFailed')}
          subTitle={q.error?.message}
          data-testid={notFound ? 'case-not-found' : 'case-load-failed'}
          extra={<Button onClick={() => void navigate('/cases')}>{t('case.backToQueue')}</Button>}
        />
      </div>
    );
  }
  if (!q.data || !c) {
    return (
      <div data-testid="page-case">
        {crumbs}
        <Card>
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      </div>
    );
  }
  const d = q.data;
  const photoGroups = photoGroupsOf(d, t);
  const photoCount = photoGroups.reduce((n, g) => n + g.ids.length, 0);
  const openStage = d.stages.find((s) => !s.stoppedAt && s.stage === c.currentStage);

  return (
    <div data-testid="page-case" data-case-id={c.id} data-version={c.version}>
      {crumbs}
      <Card styles={{ body: { padding: '16px 20px' } }} style={{ marginBottom: 12 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', gap: 16, flexWrap: 'wrap' }}>
          <div>
            <Space size={10} align="center" wrap>
              <Button
                type="text"
                icon={<ArrowLeftOutlined />}
                onClick={() => void navigate(-1)}
                aria-label={t('case.backToQueue')}
              />
              <Typography.Title
                level={4}
                style={{ margin: 0, fontFamily: 'monospace' }}
                data-testid="case-code"
              >
                {c.code}
              </Typography.Title>
              <StateTag state={c.state} />
              <CaseFlags c={c} />
            </Space>
            <div style={{ marginTop: 6, marginLeft: 42, color: 'rgba(0,0,0,0.55)' }}>
              {c.matterCode ? `${c.matterCode} ${matterNames.get(c.matterCode) ?? ''}` : t('case.untyped')}
              <span style={{ margin: '0 8px', color: '#d9d9d9' }}>|</span>
              {channelLabel(t, c.channel)}
              <span style={{ margin: '0 8px', color: '#d9d9d9' }}>|</span>
              {t('case.reportedAt', { time: formatTime(c.createdAt) })}
            </div>
          </div>
          <div style={{ display: 'flex', gap: 24, alignItems: 'center' }}>
            {c.currentStage && (
              <div style={{ textAlign: 'right' }} data-testid="case-deadline">
                <div style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>
                  {withColon(t, t('case.currentStage'))}
                  {stageLabel(t, c.currentStage)}
                  {openStage?.pausedAt && <Tag style={{ marginLeft: 6 }}>{t('case.paused')}</Tag>}
                </div>
                <div style={{ fontSize: 20, fontWeight: 600 }}>
                  <Space size={8}>
                    <LightBadge light={c.light} />
                    <Countdown due={c.currentDueAt} light={c.light} />
                  </Space>
                </div>
                <div style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>
                  {withColon(t, t('case.dueAt'))}
                  {formatTime(c.currentDueAt)}
                </div>
              </div>
            )}
            <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} loading={q.isFetching}>
              {t('common.refresh')}
            </Button>
          </div>
        </div>
      </Card>

      <Row gutter={12}>
        <Col xs={24} xl={16}>
          <Card title={t('case.section.info')} size="small" style={{ marginBottom: 12 }}>
            <Descriptions
              size="small"
              column={{ xs: 1, md: 2 }}
              bordered
              styles={{ label: { width: 110 } }}
              items={[
                {
                  key: 'description',
                  label: t('case.field.description'),
                  span: 'filled',
                  children: (
                    <span data-testid="case-description" style={{ whiteSpace: 'pre-wrap' }}>
                      {c.description}
                    </span>
                  ),
                },
                {
                  key: 'address',
                  label: t('case.field.address'),
                  span: 'filled',
                  children: c.address ?? '—',
                },
                {
                  key: 'place',
                  label: t('case.field.place'),
                  span: 'filled',
                  children: place.data ? (
                    <span>
                      {place.data.district.name} / {place.data.township.name} / {place.data.community.name}
                    </span>
                  ) : (
                    c.communityCode
                  ),
                },
                {
                  key: 'grid',
                  label: t('case.field.grid'),
                  children: (
                    <span>
                      {c.gridId} <Tag>{t('case.areaClass', { c: c.areaClass })}</Tag>
                    </span>
                  ),
                },
                {
                  key: 'coords',
                  label: t('case.field.coords'),
                  children: (
                    <span style={{ fontFamily: 'monospace', fontSize: 12 }}>
                      <EnvironmentOutlined /> {c.location.lng.toFixed(6)}, {c.location.lat.toFixed(6)}
                    </span>
                  ),
                },
                {
                  key: 'unit',
                  label: t('case.field.unit'),
                  children: c.unitId ? (orgNames.get(c.unitId) ?? c.unitId) : '—',
                },
                {
                  key: 'suggestedUnit',
                  label: t('case.field.suggestedUnit'),
                  children: (c.suggestedUnitId && orgNames.get(c.suggestedUnitId)) || '—',
                },
                {
                  key: 'level',
                  label: t('case.field.caseLevel'),
                  children: t(`case.level.${c.caseLevel}`, { defaultValue: c.caseLevel }),
                },
                {
                  key: 'urgency',
                  label: t('case.field.urgency'),
                  children: t(`case.urgency.${c.urgency}`, { defaultValue: c.urgency }),
                },
                { key: 'filedAt', label: t('case.field.filedAt'), children: formatTime(c.filedAt) },
                { key: 'closedAt', label: t('case.field.closedAt'), children: formatTime(c.closedAt) },
              ]}
            />
          </Card>

          <Card
            title={t('case.section.reports', { n: d.reports.length })}
            size="small"
            style={{ marginBottom: 12 }}
          >
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={d.reports}
              data-testid="case-reports"
              onRow={() => ({ 'data-testid': 'case-report' }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                {
                  title: t('case.col.reportedAt'),
                  dataIndex: 'createdAt',
                  width: 150,
                  render: (v: string) => formatTime(v),
                },
                {
                  title: t('case.col.channel'),
                  dataIndex: 'channel',
                  width: 90,
                  render: (v: string) => channelLabel(t, v),
                },
                {
                  title: t('case.col.reporter'),
                  key: 'reporter',
                  width: 160,
                  render: (_: unknown, r) =>
                    r.reporterName || r.reporterPhone ? (
                      <span>
                        {r.reporterName ?? '—'}
                        {r.reporterPhone && (
                          <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{r.reporterPhone}</div>
                        )}
                      </span>
                    ) : (
                      <Typography.Text type="secondary">{t('case.anonymous')}</Typography.Text>
                    ),
                },
                {
                  title: t('case.field.description'),
                  dataIndex: 'description',
                  render: (v: string, r) => (
                    <span>
                      {r.merged && (
                        <Tag color="blue" style={{ marginRight: 6 }}>
                          {t('case.mergedReport')}
                        </Tag>
                      )}
                      {v}
                      {r.photos.length > 0 && (
                        <div style={{ marginTop: 4 }}>
                          <PhotoThumbs ids={r.photos} size={40} testId="report-photos" />
                        </div>
                      )}
                    </span>
                  ),
                },
              ]}
            />
          </Card>

          <Card title={t('case.section.stages')} size="small" style={{ marginBottom: 12 }}>
            <StagesTable stages={d.stages} />
          </Card>

          <Card title={t('case.section.timeline')} size="small" style={{ marginBottom: 12 }}>
            <CaseTimeline entries={d.timeline} orgNames={orgNames} matterNames={matterNames} t={t} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card
            title={t('case.section.actions')}
            size="small"
            style={{ marginBottom: 12, borderTop: '3px solid #1677ff' }}
          >
            {d.case.pending && Object.values(d.case.pending).some(Boolean) && (
              <Alert
                type="warning"
                showIcon
                style={{ marginBottom: 12 }}
                title={t('case.pendingNotice', {
                  list: Object.entries(d.case.pending)
                    .filter(([, v]) => !!v)
                    .map(([k]) => t(`case.pending.${k}`, { defaultValue: k }))
                    .join('、'),
                })}
              />
            )}
            <ActionPanel detail={d} onDone={() => void q.refetch()} />
          </Card>
          <Card
            title={t('case.section.map')}
            size="small"
            style={{ marginBottom: 12 }}
            styles={{ body: { padding: 8 } }}
          >
            <CityMap marker={c.location} height={300} testId="case-map" />
          </Card>
          <Card title={t('case.section.photos', { n: photoCount })} size="small" style={{ marginBottom: 12 }}>
            {photoCount ? (
              photoGroups.map((g) => (
                <div key={g.key} style={{ marginBottom: 8 }}>
                  <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.55)', marginBottom: 4 }}>{g.label}</div>
                  <PhotoThumbs ids={g.ids} size={80} />
                </div>
              ))
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('case.noPhotos')} />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}

/** Photos by where they came from: the reports, then each action that carried some (feedback, check…). */
function photoGroupsOf(d: CaseDetail, t: TFunction): { key: string; label: string; ids: string[] }[] {
  const groups: { key: string; label: string; ids: string[] }[] = [];
  const reported = [...new Set(d.reports.flatMap((r) => r.photos))];
  if (reported.length) groups.push({ key: 'reports', label: t('case.photosReported'), ids: reported });
  for (const e of d.timeline) {
    const ids = ((e.after as { input?: { photos?: string[] } } | null)?.input?.photos ?? []).filter(Boolean);
    if (ids.length)
      groups.push({
        key: String(e.id),
        label: `${eventLabel(t, e.action)} · ${formatTime(e.at).slice(5, 16)}`,
        ids,
      });
  }
  return groups;
}

function StagesTable({ stages }: { stages: CaseStage[] }) {
  const { t } = useTranslation();
  return (
    <Table<CaseStage>
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={stages}
      data-testid="case-stages"
      locale={{ emptyText: t('case.noStages') }}
      columns={[
        {
          title: t('case.col.stageName'),
          dataIndex: 'stage',
          width: 90,
          render: (s: string) => stageLabel(t, s),
        },
        {
          title: t('case.col.limit'),
          dataIndex: 'limit',
          width: 100,
          render: (l: CaseStage['limit']) => timeAmount(t, l.amount, l.unit),
        },
        { title: t('case.col.startedAt'), dataIndex: 'startedAt', render: (v: string) => formatTime(v) },
        {
          title: t('case.col.dueAt'),
          dataIndex: 'dueAt',
          render: (v: string, s) => (
            <span>
              {formatTime(v)}
              {s.extended && (
                <Tag color="gold" style={{ marginLeft: 4 }}>
                  {t('case.extended')}
                </Tag>
              )}
            </span>
          ),
        },
        {
          title: t('case.col.status'),
          key: 'status',
          width: 170,
          render: (_: unknown, s) =>
            s.stoppedAt ? (
              <span style={{ fontSize: 12 }}>
                {t('case.stageDone')} {formatTime(s.stoppedAt).slice(5, 16)}
              </span>
            ) : s.pausedAt ? (
              <Tag>{t('case.paused')}</Tag>
            ) : (
              <Countdown due={s.dueAt} light={s.light} />
            ),
        },
        {
          title: t('case.col.light'),
          dataIndex: 'light',
          width: 70,
          render: (l: CaseStage['light']) => <LightBadge light={l} />,
        },
      ]}
    />
  );
}

const KNOWN_ACTIONS: ReadonlySet<string> = new Set(CASE_ACTIONS);

function eventLabel(t: TFunction, action: string): string {
  const name = action.startsWith('case.') ? action.slice(5) : action;
  if (KNOWN_ACTIONS.has(name)) return actionLabel(t, name);
  return t(`case.event.${name}`, { defaultValue: name });
}

function eventColor(action: string): string {
  if (/stage_overdue|reject|void|return|check_fail|rework|refuse/.test(action)) return 'red';
  if (/stage_warning|urge|extension|parking|escalate/.test(action)) return 'orange';
  if (/close|check_pass|feed_back/.test(action)) return 'green';
  if (/report/.test(action)) return 'gray';
  return 'blue';
}

function CaseTimeline({
  entries,
  orgNames,
  matterNames,
  t,
}: {
  entries: TimelineEntry[];
  orgNames: Map<string, string>;
  matterNames: Map<string, string>;
  t: TFunction;
}) {
  if (entries.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  const items = [...entries].reverse().map((e) => {
    const after = (e.after ?? {}) as {
      state?: string;
      input?: {
        note?: string;
        photos?: string[];
        unitId?: string;
        matterType?: string;
        extension?: { amount: number; unit: string };
        rating?: number;
      };
      photos?: string[];
      duplicateOf?: string;
      distanceM?: number;
    };
    const before = (e.before ?? {}) as { state?: string };
    const input = after.input ?? {};
    const photos = input.photos ?? after.photos ?? [];
    const moved = before.state && after.state && before.state !== after.state;
    return {
      key: String(e.id),
      color: eventColor(e.action),
      content: (
        <div data-testid="timeline-entry" data-action={e.action}>
          <div>
            <Typography.Text strong>{eventLabel(t, e.action)}</Typography.Text>
            {moved && (
              <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>
                {stateLabel(t, before.state!)} → {stateLabel(t, after.state!)}
              </Typography.Text>
            )}
            <span style={{ float: 'right', fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>
              {formatTime(e.at)}
            </span>
          </div>
          <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.55)' }} data-testid="timeline-actor">
            {timelineActor(t, e)}
          </div>
          {e.reason && (
            <div style={{ marginTop: 2 }}>
              <Typography.Text type="secondary">{withColon(t, t('case.field.reason'))}</Typography.Text>
              {e.reason}
            </div>
          )}
          {input.note && (
            <div style={{ marginTop: 2 }}>
              <Typography.Text type="secondary">{withColon(t, t('case.field.note'))}</Typography.Text>
              {input.note}
            </div>
          )}
          {input.unitId && (
            <div style={{ marginTop: 2 }}>
              <Typography.Text type="secondary">{withColon(t, t('case.field.unitId'))}</Typography.Text>
              {orgNames.get(input.unitId) ?? input.unitId}
            </div>
          )}
          {input.matterType && (
            <div style={{ marginTop: 2 }}>
              <Typography.Text type="secondary">{withColon(t, t('case.field.matterType'))}</Typography.Text>
              {input.matterType} {matterNames.get(input.matterType) ?? ''}
            </div>
          )}
          {input.extension && (
            <div style={{ marginTop: 2 }}>
              <Typography.Text type="secondary">{withColon(t, t('case.field.extension'))}</Typography.Text>
              {timeAmount(t, input.extension.amount, input.extension.unit)}
            </div>
          )}
          {input.rating && (
            <div style={{ marginTop: 2 }}>
              <Typography.Text type="secondary">{withColon(t, t('case.field.rating'))}</Typography.Text>
              {'★'.repeat(input.rating)}
            </div>
          )}
          {after.duplicateOf && (
            <div style={{ marginTop: 2 }}>
              <Typography.Text type="secondary">
                {t('case.duplicateOf', { code: after.duplicateOf, m: after.distanceM ?? 0 })}
              </Typography.Text>
            </div>
          )}
          {photos.length > 0 && (
            <div style={{ marginTop: 4 }}>
              <PhotoThumbs ids={photos} size={56} testId="timeline-photos" />
            </div>
          )}
        </div>
      ),
    };
  });
  return <Timeline items={items} data-testid="case-timeline" />;
}
