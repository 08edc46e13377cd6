/**
 * The case page: header (code, state, flags, light, countdown of the current stage), the actions
 * the caller may take now, the point on the map, description and reporters, photos, stage clocks
 * and the timeline from the case's events. Reloads live when the case changes. Each card is its
 * own component under ./detail; this page loads the case and lays them out.
 */
import { HomeOutlined } from '@ant-design/icons';
import { Alert, Breadcrumb, Button, Card, Col, Result, Row, Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { useOrgNames } from '../../api/queries';
import { ActionPanel } from '../../components/case/ActionPanel';
import { isCaseId, useCase, useMatterNames } from '../../components/case/api';
import { useCaseEvents } from '../../components/case/stream';
import { CityMap } from '../../components/map/CityMap';
import { CaseHeader } from './detail/CaseHeader';
import { CaseInfo } from './detail/CaseInfo';
import { CasePhotos } from './detail/CasePhotos';
import { CaseReports } from './detail/CaseReports';
import { StagesTable } from './detail/CaseStages';
import { CaseTimeline } from './detail/CaseTimeline';

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

  return (
    <div data-testid="page-case" data-case-id={c.id} data-version={c.version}>
      {crumbs}
      <CaseHeader detail={d} refreshing={q.isFetching} onRefresh={() => void q.refetch()} />
      <Row gutter={12}>
        <Col xs={24} xl={16}>
          <CaseInfo c={c} />
          <CaseReports reports={d.reports} />
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
          <CasePhotos detail={d} />
        </Col>
      </Row>
    </div>
  );
}
