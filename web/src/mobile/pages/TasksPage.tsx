import { ReloadOutlined, RightOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Empty, Spin, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatChina } from '../../components/china-time';
import { type CaseSummary, cachedGet, type ListResult } from '../api';
import { type FieldWork, fieldWorkOf, type Point } from '../field';
import { useMobile } from '../MobileApp';
import {
  DistanceText,
  DueText,
  LightDot,
  locationText,
  MatterText,
  NavigateLink,
  StateTag,
  useMatterNames,
  WorkTag,
} from '../parts';
import { useMyPosition } from '../position';

const byDeadline = (a: CaseSummary, b: CaseSummary) => {
  if (!a.currentDueAt) return b.currentDueAt ? 1 : a.createdAt.localeCompare(b.createdAt);
  if (!b.currentDueAt) return -1;
  return a.currentDueAt.localeCompare(b.currentDueAt);
};

/**
 * 我的任务: what the caller can act on now, nearest deadline first, in two parts — the tasks given
 * to them (GET /api/cases?view=mine: verify and check for an inspector, disposal for a unit; the
 * count the desktop's 待办 shows) and, apart, their own new reports they may still fix on the spot
 * (view=own). Each row shows the matter
 * type, the deadline and light, how far it is from the phone and a link to navigate there.
 */
export function TasksPage() {
  const { t } = useTranslation();
  const { me, items: outbox } = useMobile();
  const names = useMatterNames(me.user.id);
  const { fix } = useMyPosition(true);
  // The work given to the caller (view=mine: what the desktop's 待办 and workbench count) and,
  // apart, their own reports still open to self-disposal (view=own): the server's two parts of
  // "my work", so the phone and the desktop count the same sets.
  const q = useQuery({
    queryKey: ['mobile', 'data', 'tasks', me.user.id],
    queryFn: () =>
      cachedGet<ListResult<CaseSummary>>(me.user.id, '/api/cases', { view: 'mine', pageSize: 100 }),
    refetchInterval: 60_000,
  });
  const ownQ = useQuery({
    queryKey: ['mobile', 'data', 'own', me.user.id],
    queryFn: () =>
      cachedGet<ListResult<CaseSummary>>(me.user.id, '/api/cases', { view: 'own', pageSize: 100 }),
    refetchInterval: 60_000,
  });
  const rowsOf = (items: readonly CaseSummary[] | undefined) =>
    [...(items ?? [])].sort(byDeadline).map((c) => ({ c, work: fieldWorkOf(c.state, me.user.roles) }));
  const tasks = rowsOf(q.data?.data.items);
  const own = rowsOf(ownQ.data?.data.items);
  const tasksTotal = q.data?.data.total ?? tasks.length;
  const ownTotal = ownQ.data?.data.total ?? own.length;
  const waitingFor = new Set(outbox.flatMap((i) => (i.kind === 'action' ? [i.caseId] : [])));

  const list = (part: typeof tasks, testId: string) => (
    <ul className="m-list" data-testid={testId}>
      {part.map(({ c, work }) => (
        <TaskRow key={c.id} c={c} work={work} names={names} from={fix} waiting={waitingFor.has(c.id)} />
      ))}
    </ul>
  );

  return (
    <div data-testid="m-tasks">
      <div className="m-page-head">
        <h1>{t('mobile.tasks.title')}</h1>
        <Button
          type="text"
          icon={<ReloadOutlined spin={q.isFetching || ownQ.isFetching} />}
          onClick={() => {
            void q.refetch();
            void ownQ.refetch();
          }}
          aria-label={t('mobile.refresh')}
          className="m-icon-btn"
          data-testid="m-tasks-refresh"
        />
      </div>
      {q.data?.offline && (
        <Alert
          type="warning"
          showIcon
          className="m-alert"
          title={t('mobile.staleData', { time: formatChina(q.data.at, 'MM-DD HH:mm') })}
        />
      )}
      {(q.error ?? ownQ.error) && (
        <Alert type="error" showIcon className="m-alert" title={(q.error ?? ownQ.error)?.message} />
      )}
      {q.isPending && (
        <div className="m-center">
          <Spin />
        </div>
      )}
      {q.data && ownQ.data && tasks.length === 0 && own.length === 0 && (
        <Empty description={t('mobile.tasks.empty')} style={{ marginTop: 48 }} />
      )}
      {tasks.length > 0 && (
        <>
          <h2 className="m-section" data-testid="m-tasks-count" data-count={tasksTotal}>
            {t('mobile.tasks.assigned', { n: tasksTotal })}
          </h2>
          {list(tasks, 'm-tasks-assigned')}
        </>
      )}
      {own.length > 0 && (
        <>
          <h2 className="m-section" data-testid="m-own-count" data-count={ownTotal}>
            {t('mobile.tasks.own', { n: ownTotal })}
          </h2>
          <p className="m-section-hint">{t('mobile.tasks.ownHint')}</p>
          {list(own, 'm-tasks-own')}
        </>
      )}
    </div>
  );
}

function TaskRow({
  c,
  work,
  names,
  from,
  waiting,
}: {
  c: CaseSummary;
  work: FieldWork | null;
  names: ReadonlyMap<string, string>;
  from: Point | null;
  waiting: boolean;
}) {
  const { t } = useTranslation();
  return (
    <li className="m-item m-task-row" data-testid="m-task" data-case-id={c.id} data-code={c.code}>
      <Link to={`/m/tasks/${c.id}`} className="m-task-open" data-testid="m-task-open">
        <div className="m-item-top">
          <LightDot light={c.light} />
          <WorkTag work={work} />
          <span className="m-code">{c.code}</span>
          <RightOutlined className="m-chevron" />
        </div>
        <div className="m-item-matter">
          <MatterText code={c.matterCode} names={names} />
        </div>
        <div className="m-item-desc">{c.description}</div>
        <div className="m-item-meta">{locationText(c, t)}</div>
        <div className="m-item-bottom">
          <StateTag state={c.state} />
          <DueText c={c} />
          {waiting && <Tag color="orange">{t('mobile.task.waitingSync')}</Tag>}
        </div>
      </Link>
      <div className="m-item-nav">
        <DistanceText from={from} to={c.location} />
        <NavigateLink to={c.location} label={c.code} />
      </div>
    </li>
  );
}
