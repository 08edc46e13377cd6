import { useQuery } from '@tanstack/react-query';
import { Empty, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatChina } from '../../components/china-time';
import { cachedGet, type OwnReport } from '../api';
import { useMobile } from '../MobileApp';
import { listSent, type ReportItem, type SentReport, subscribe } from '../outbox';
import { StateTag } from '../parts';

/** 我的上报: what this inspector reported from this device — waiting to be sent, or sent with its case's state now. */
export function MyReportsPage() {
  const { t } = useTranslation();
  const { me, items } = useMobile();
  const [sent, setSent] = useState<SentReport[]>([]);
  useEffect(() => {
    const load = () => void listSent(me.user.id).then(setSent, () => setSent([]));
    load();
    return subscribe(load);
  }, [me.user.id]);
  const status = useQuery({
    queryKey: ['mobile', 'data', 'ownReports', me.user.id, sent.map((s) => s.reportId).join(',')],
    queryFn: async () => {
      const out = new Map<string, OwnReport>();
      const res = await Promise.allSettled(
        sent.slice(0, 50).map((s) => cachedGet<OwnReport>(me.user.id, `/api/reports/${s.reportId}`)),
      );
      for (const r of res) if (r.status === 'fulfilled') out.set(r.value.data.reportId, r.value.data);
      return out;
    },
    enabled: sent.length > 0,
  });
  const waiting = items.filter((i): i is ReportItem => i.kind === 'report');

  return (
    <div data-testid="m-reports">
      <div className="m-page-head">
        <h1>{t('mobile.reports.title')}</h1>
      </div>
      {waiting.length === 0 && sent.length === 0 && (
        <Empty description={t('mobile.reports.empty')} style={{ marginTop: 48 }} />
      )}
      <ul className="m-list">
        {waiting.map((i) => (
          <li key={i.id} className="m-item" data-testid="m-report-item" data-status={i.status}>
            <div className="m-item-top">
              <Tag color={i.status === 'pending' ? 'orange' : 'red'}>
                {t(`mobile.outbox.status.${i.status}`)}
              </Tag>
              <span className="m-muted">{formatChina(i.createdAt, 'MM-DD HH:mm')}</span>
            </div>
            <div className="m-item-desc">{i.report.description}</div>
            {i.error && <div className="m-error">{i.error}</div>}
          </li>
        ))}
        {sent.map((s) => {
          const now = status.data?.get(s.reportId);
          return (
            <li key={s.idempotencyKey} className="m-item" data-testid="m-report-item" data-status="sent">
              <div className="m-item-top">
                <span className="m-code">{now?.case.code ?? s.caseCode}</span>
                {now ? (
                  <StateTag state={now.case.state} />
                ) : (
                  <Tag color="green">{t('mobile.reports.sent')}</Tag>
                )}
                {s.merged && <Tag>{t('mobile.reports.merged')}</Tag>}
              </div>
              <div className="m-item-desc">{s.description}</div>
              <div className="m-item-meta">
                {formatChina(s.createdAt, 'YYYY-MM-DD HH:mm')}
                {s.photoCount > 0 ? ` · ${t('mobile.reports.photos', { n: s.photoCount })}` : ''}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
