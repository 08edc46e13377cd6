/**
 * What intake answers once a report is saved: the tracking code and public status (what the
 * caller on the line is told), and the case itself only when the reporter may open it (a unit
 * reporting in the street may not, unless the case is dispatched to it).
 */
import { CheckCircleOutlined, LinkOutlined } from '@ant-design/icons';
import { Button, Card, Result, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type ReportResult, useMatterNames } from '../../components/case/api';
import { StateTag } from '../../components/case/CaseBits';
import { PublicStatusTag } from '../../components/PublicStatusTag';

export function IntakeResult({ result, onAgain }: { result: ReportResult; onAgain: () => void }) {
  const { t } = useTranslation();
  const matterNames = useMatterNames();
  const c = result.case;
  const r = result.report;
  const title = c
    ? result.merged
      ? t('intake.resultMerged', { code: c.code })
      : t('intake.resultNew', { code: c.code })
    : result.merged
      ? t('intake.resultReportedMerged')
      : t('intake.resultReported');
  return (
    <Card>
      <Result
        status={result.merged ? 'info' : 'success'}
        icon={result.merged ? <LinkOutlined /> : <CheckCircleOutlined />}
        title={
          <span
            data-testid="intake-result"
            data-merged={result.merged}
            data-case-id={c?.id ?? ''}
            data-report-id={r.reportId}
          >
            {title}
          </span>
        }
        subTitle={
          <Space orientation="vertical" size={4}>
            <span>
              {t('intake.trackingCode')}{' '}
              <Typography.Text copyable code data-testid="intake-tracking-code">
                {r.trackingCode}
              </Typography.Text>
            </span>
            {c ? (
              <span>
                {t('intake.resultState')} <StateTag state={c.state} testId="intake-result-state" />
              </span>
            ) : (
              <span>
                {t('intake.resultStatus')} <PublicStatusTag status={r.status} testId="intake-result-status" />
              </span>
            )}
            {result.replayed && <Tag color="blue">{t('intake.replayed')}</Tag>}
            {!c?.matterCode && result.suggestions.matterTypes.length > 0 && (
              <span>
                {t('intake.serverSuggested')}{' '}
                {result.suggestions.matterTypes.map((s) => (
                  <Tag key={s.code}>
                    {s.code} {s.name ?? matterNames.get(s.code)}
                  </Tag>
                ))}
              </span>
            )}
          </Space>
        }
        extra={[
          c && (
            <Link key="open" to={`/cases/${c.id}`} data-testid="intake-result-link">
              <Button type="primary">{t('intake.openCase', { code: c.code })}</Button>
            </Link>
          ),
          <Button key="again" onClick={onAgain} data-testid="intake-again">
            {t('intake.another')}
          </Button>,
        ]}
      />
    </Card>
  );
}
