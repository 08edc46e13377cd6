import { ReloadOutlined, RightOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Empty, Spin, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatChina } from '../../components/china-time';
import { type CaseSummary, cachedGet, type ListResult } from '../api';
import { useMobile } from '../MobileApp';
import { DueText, LightDot, locationText, StateTag, taskKindOf } from '../parts';

const byDeadline = (a: CaseSummary, b: CaseSummary) => {
  if (!a.currentDueAt) return b.currentDueAt ? 1 : a.createdAt.localeCompare(b.createdAt);
  if (!b.currentDueAt) return -1;
  return a.currentDueAt.localeCompare(b.currentDueAt);
};

/** 我的任务: verify and check tasks and the district's new reports, nearest deadline first. */
export function TasksPage() {
  const { t } = useTranslation();
  const { me, items: outbox } = useMobile();
  const q = useQuery({
    queryKey: ['mobile', 'data', 'tasks', me.user.id],
    queryFn: () =>
      cachedGet<ListResult<CaseSummary>>(me.user.id, '/api/cases', { view: 'mine', pageSize: 100 }),
    refetchInterval: 60_000,
  });
  const cases = [...(q.data?.data.items ?? [])].sort(byDeadline);
  const waitingFor = new Set(
    outbox.filter((i) => i.kind === 'action').map((i) => (i.kind === 'action' ? i.caseId : '')),
  );

  return (
    <div data-testid="m-tasks">
      <div className="m-page-head">
        <h1>{t('mobile.tasks.title')}</h1>
        <Button
          type="text"
          icon={<ReloadOutlined spin={q.isFetching} />}
          onClick={() => void q.refetch()}
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
      {q.error && <Alert type="error" showIcon className="m-alert" title={q.error.message} />}
      {q.isPending && (
        <div className="m-center">
          <Spin />
        </div>
      )}
      {q.data && cases.length === 0 && (
        <Empty description={t('mobile.tasks.empty')} style={{ marginTop: 48 }} />
      )}
      <ul className="m-list">
        {cases.map((c) => {
          const kind = taskKindOf(c.state);
          return (
            <li key={c.id}>
              <Link
                to={`/m/tasks/${c.id}`}
                className="m-item"
                data-testid="m-task"
                data-case-id={c.id}
                data-code={c.code}
              >
                <div className="m-item-top">
                  <LightDot light={c.light} />
                  {kind && (
                    <Tag
                      color={kind === 'check' ? 'purple' : kind === 'verify' ? 'geekblue' : 'blue'}
                      data-testid="m-task-kind"
                    >
                      {t(`mobile.taskKind.${kind}`)}
                    </Tag>
                  )}
                  <span className="m-code">{c.code}</span>
                  <RightOutlined className="m-chevron" />
                </div>
                <div className="m-item-desc">{c.description}</div>
                <div className="m-item-meta">{locationText(c, t)}</div>
                <div className="m-item-bottom">
                  <StateTag state={c.state} />
                  <DueText c={c} />
                  {waitingFor.has(c.id) && <Tag color="orange">{t('mobile.task.waitingSync')}</Tag>}
                </div>
              </Link>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
