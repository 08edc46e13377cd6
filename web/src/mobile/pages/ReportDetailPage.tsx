import { ArrowLeftOutlined, EnvironmentOutlined, RightOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Spin, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { formatChina } from '../../components/china-time';
import { PublicStatusTag } from '../../components/PublicStatusTag';
import { type CaseDetail, cachedGet, type OwnReport, photosOfStep } from '../api';
import { labelPhotos } from '../field';
import { useMobile } from '../MobileApp';
import {
  CaseTimeline,
  DueText,
  LabelledPhotos,
  LightDot,
  locationText,
  MatterText,
  NavigateLink,
  StateTag,
  useMatterNames,
} from '../parts';

/**
 * One of 我的上报: the report as its reporter follows it (GET /api/reports/:id — words, place,
 * photos, tracking code) and, while the reporter may open the case behind it, the case's state,
 * deadline and history (GET /api/cases/:id), with every photo labelled by the step it documents.
 * Both answers are kept for offline reading.
 */
export function ReportDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { me } = useMobile();
  const names = useMatterNames(me.user.id);
  const report = useQuery({
    queryKey: ['mobile', 'data', 'report', me.user.id, id],
    queryFn: () => cachedGet<OwnReport>(me.user.id, `/api/reports/${id}`),
  });
  const caseId = report.data?.data.case?.id;
  const detail = useQuery({
    queryKey: ['mobile', 'data', 'case', me.user.id, caseId],
    enabled: !!caseId,
    queryFn: () => cachedGet<CaseDetail>(me.user.id, `/api/cases/${caseId}`),
  });

  const head = (
    <div className="m-page-head">
      <Button
        type="text"
        icon={<ArrowLeftOutlined />}
        className="m-icon-btn"
        onClick={() => void navigate('/m/reports')}
        aria-label={t('mobile.back')}
      />
      <h1 className="m-code-title">
        {report.data?.data.case?.code ?? report.data?.data.trackingCode ?? t('mobile.reports.detail')}
      </h1>
    </div>
  );
  if (report.isPending) {
    return (
      <div>
        {head}
        <div className="m-center">
          <Spin />
        </div>
      </div>
    );
  }
  if (report.error) {
    return (
      <div>
        {head}
        <Alert type="error" showIcon className="m-alert" title={report.error.message} />
      </div>
    );
  }
  const r = report.data.data;
  const d = detail.data?.data;
  const c = d?.case;
  const photos = d
    ? labelPhotos(
        d.reports,
        d.timeline.map((e) => ({ action: e.action, photos: photosOfStep(e) })),
      )
    : labelPhotos([r], []);
  const offline = report.data.offline || detail.data?.offline;

  return (
    <div data-testid="m-report-detail" data-report-id={r.reportId} data-case-id={r.case?.id ?? ''}>
      {head}
      {offline && (
        <Alert
          type="warning"
          showIcon
          className="m-alert"
          title={t('mobile.staleData', {
            time: formatChina(Math.min(report.data.at, detail.data?.at ?? Date.now()), 'MM-DD HH:mm'),
          })}
        />
      )}
      <section className="m-card">
        <div className="m-item-top">
          {c && <LightDot light={c.light} />}
          {c ? (
            <StateTag state={c.state} />
          ) : r.case ? (
            <StateTag state={r.case.state} />
          ) : (
            <PublicStatusTag status={r.status} testId="m-public-status" />
          )}
          {r.merged && <Tag>{t('mobile.reports.merged')}</Tag>}
        </div>
        <p className="m-desc" data-testid="m-report-detail-desc">
          {r.description}
        </p>
        {c && (
          <>
            <div className="m-row">
              <MatterText code={c.matterCode} names={names} />
            </div>
            <div className="m-row">
              <DueText c={c} />
            </div>
            <div className="m-row m-muted">
              <EnvironmentOutlined /> {locationText(c, t)}
            </div>
          </>
        )}
        {!c && (
          <div className="m-row m-muted">
            <EnvironmentOutlined /> {r.location.lng.toFixed(6)}, {r.location.lat.toFixed(6)}
          </div>
        )}
        <div className="m-row m-place-row">
          <NavigateLink to={r.location} label={r.case?.code ?? r.trackingCode} />
        </div>
        <div className="m-row m-muted">
          {t('mobile.task.reportedAt', { time: formatChina(r.createdAt, 'YYYY-MM-DD HH:mm') })} ·{' '}
          {t('mobile.reports.trackingCodeIs', { code: r.trackingCode })}
        </div>
        {d && d.actions.length > 0 && (
          <Link to={`/m/tasks/${d.case.id}`} className="m-link" data-testid="m-report-open-task">
            {t('mobile.reports.openTask')} <RightOutlined />
          </Link>
        )}
      </section>
      {photos.length > 0 && (
        <section className="m-card">
          <h2>{t('mobile.task.photos')}</h2>
          <LabelledPhotos photos={photos} />
        </section>
      )}
      {detail.isPending && caseId && (
        <div className="m-center">
          <Spin />
        </div>
      )}
      {detail.error && <Alert type="error" showIcon className="m-alert" title={detail.error.message} />}
      {d && d.timeline.length > 0 && (
        <section className="m-card">
          <h2>{t('mobile.task.timeline')}</h2>
          <CaseTimeline timeline={d.timeline} max={30} />
        </section>
      )}
      {!r.case && (
        <div className="m-muted m-pad" data-testid="m-report-no-case">
          {t('mobile.reports.noCase')}
        </div>
      )}
    </div>
  );
}
