import { EditOutlined, ReloadOutlined, RightOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Alert, Button, Empty, Spin, Tag } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { PublicStatus } from '../../../../common/public-report.ts';
import { formatChina } from '../../components/china-time';
import { PublicStatusTag } from '../../components/PublicStatusTag';
import { cachedGet, type ListResult, type OwnReport } from '../api';
import { useMobile } from '../MobileApp';
import { isEditable, listSent, type ReportItem, type SentReport, subscribe } from '../outbox';
import { StateTag } from '../parts';

const PAGE_SIZE = 30;

/**
 * One line of the list: a report the server knows or one this phone sent. It shows the case's code
 * and state while the inspector may open the case; otherwise (moved to another district, say) the
 * report's tracking code and public status.
 */
interface Row {
  key: string;
  reportId: string;
  code: string;
  /** Which code `code` is: the case's, or the report's tracking code. */
  codeKind: 'case' | 'tracking';
  state: string | null;
  status: PublicStatus | null;
  merged: boolean;
  description: string;
  createdAt: string;
  photoCount: number;
}

const fromServer = (r: OwnReport): Row => ({
  key: r.reportId,
  reportId: r.reportId,
  code: r.case?.code ?? r.trackingCode,
  codeKind: r.case ? 'case' : 'tracking',
  state: r.case?.state ?? null,
  status: r.case ? null : r.status,
  merged: r.merged,
  description: r.description,
  createdAt: r.createdAt,
  photoCount: r.photos.length,
});

const fromPhone = (s: SentReport): Row => ({
  key: s.idempotencyKey,
  reportId: s.reportId,
  code: s.caseCode ?? s.trackingCode ?? '',
  codeKind: s.caseCode ? 'case' : 'tracking',
  state: null,
  status: null,
  merged: s.merged,
  description: s.description,
  createdAt: s.createdAt,
  photoCount: s.photoCount,
});

/**
 * 我的上报: everything this inspector reported, from any phone — the server's list
 * (GET /api/reports/mine, newest first, each with its case's state now; the last answer kept for
 * offline use) merged with the reports still waiting in this phone's outbox and those this phone
 * sent that the loaded list does not show yet (sent while the list was offline, say).
 */
export function MyReportsPage() {
  const { t } = useTranslation();
  const { me, items } = useMobile();
  const [sent, setSent] = useState<SentReport[]>([]);
  useEffect(() => {
    const load = () => void listSent(me.user.id).then(setSent, () => setSent([]));
    load();
    return subscribe(load);
  }, [me.user.id]);
  const q = useInfiniteQuery({
    queryKey: ['mobile', 'data', 'myReports', me.user.id],
    queryFn: ({ pageParam }) =>
      cachedGet<ListResult<OwnReport>>(me.user.id, '/api/reports/mine', {
        page: pageParam,
        pageSize: PAGE_SIZE,
      }),
    initialPageParam: 1,
    getNextPageParam: (last) =>
      last.data.page * last.data.pageSize < last.data.total ? last.data.page + 1 : undefined,
  });

  const server = (q.data?.pages ?? []).flatMap((p) => p.data.items);
  const known = new Set(server.map((r) => r.reportId));
  const oldest = server.at(-1)?.createdAt;
  const complete = !!q.data && !q.hasNextPage;
  // What this phone sent and the list lacks: shown unless it belongs to a page not loaded yet.
  const unlisted = sent.filter(
    (s) => !known.has(s.reportId) && (!q.data || complete || !oldest || s.createdAt >= oldest),
  );

  // A report the outbox just sent: ask the server once for the list with it (and its state).
  const asked = useRef(new Set<string>());
  const { refetch } = q;
  const fresh = q.data ? unlisted.filter((s) => !asked.current.has(s.reportId)) : [];
  useEffect(() => {
    if (fresh.length === 0) return;
    for (const s of fresh) asked.current.add(s.reportId);
    void refetch();
  }, [fresh, refetch]);

  const rows = [...server.map(fromServer), ...unlisted.map(fromPhone)].sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  );
  const waiting = items.filter((i): i is ReportItem => i.kind === 'report');
  const offlinePage = q.data?.pages.find((p) => p.offline);

  return (
    <div data-testid="m-reports">
      <div className="m-page-head">
        <h1>{t('mobile.reports.title')}</h1>
        <Button
          type="text"
          icon={<ReloadOutlined spin={q.isFetching} />}
          onClick={() => void q.refetch()}
          aria-label={t('mobile.refresh')}
          className="m-icon-btn"
          data-testid="m-reports-refresh"
        />
      </div>
      {offlinePage && (
        <Alert
          type="warning"
          showIcon
          className="m-alert"
          title={t('mobile.staleData', { time: formatChina(offlinePage.at, 'MM-DD HH:mm') })}
        />
      )}
      {q.error && !q.data && <Alert type="error" showIcon className="m-alert" title={q.error.message} />}
      {q.isPending && waiting.length === 0 && rows.length === 0 && (
        <div className="m-center">
          <Spin />
        </div>
      )}
      {!q.isPending && waiting.length === 0 && rows.length === 0 && (
        <Empty description={t('mobile.reports.empty')} style={{ marginTop: 48 }} />
      )}
      <ul className="m-list">
        {waiting.map((i) => (
          <li key={i.id} className="m-item" data-testid="m-report-item" data-status={i.status}>
            <div className="m-item-top">
              <Tag color={i.status === 'pending' ? 'orange' : i.status === 'draft' ? 'blue' : 'red'}>
                {t(`mobile.outbox.status.${i.status}`)}
              </Tag>
              <span className="m-muted">{formatChina(i.createdAt, 'MM-DD HH:mm')}</span>
              {isEditable(i) && (
                <Link
                  to={`/m/report?edit=${i.id}`}
                  className="m-inline-link"
                  data-testid="m-report-item-edit"
                >
                  <EditOutlined /> {t('mobile.outbox.edit')}
                </Link>
              )}
            </div>
            <div className="m-item-desc">{i.report.description}</div>
            {i.error && <div className="m-error">{i.error}</div>}
          </li>
        ))}
        {rows.map((r) => (
          <li key={r.key} data-testid="m-report-item" data-status="sent" data-report-id={r.reportId}>
            <Link to={`/m/reports/${r.reportId}`} className="m-item" data-testid="m-report-open">
              <div className="m-item-top">
                <span
                  className="m-code"
                  title={r.codeKind === 'tracking' ? t('mobile.reports.trackingCode') : undefined}
                  data-code-kind={r.codeKind}
                >
                  {r.code}
                </span>
                {r.state ? (
                  <StateTag state={r.state} />
                ) : r.status ? (
                  <PublicStatusTag status={r.status} testId="m-public-status" />
                ) : (
                  <Tag color="green">{t('mobile.reports.sent')}</Tag>
                )}
                {r.merged && <Tag>{t('mobile.reports.merged')}</Tag>}
                <RightOutlined className="m-chevron" />
              </div>
              <div className="m-item-desc">{r.description}</div>
              <div className="m-item-meta">
                {formatChina(r.createdAt, 'YYYY-MM-DD HH:mm')}
                {r.photoCount > 0 ? ` · ${t('mobile.reports.photos', { n: r.photoCount })}` : ''}
              </div>
            </Link>
          </li>
        ))}
      </ul>
      {q.hasNextPage && (
        <Button
          block
          size="large"
          loading={q.isFetchingNextPage}
          onClick={() => void q.fetchNextPage()}
          data-testid="m-reports-more"
        >
          {t('mobile.reports.more')}
        </Button>
      )}
    </div>
  );
}
