/** The reports behind the case (the first and every one merged into it), with reporter and photos. */
import { Card, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../components/case/api';
import { channelLabel } from '../../../components/case/CaseBits';
import { PhotoThumbs } from '../../../components/case/Photos';
import { formatTime } from '../../../components/format';

type Report = CaseDetail['reports'][number];

/**
 * Who reported: the account that submitted (a user's name and login, an API key's name) and the
 * citizen or caller's own name and phone — masked by the server (张** / 138****5678) for roles that
 * do not call back. Anonymous only when there is neither.
 */
function Reporter({ r }: { r: Report }) {
  const { t } = useTranslation();
  const contact = r.reporterName || r.reporterPhone;
  if (!r.account && !contact)
    return <Typography.Text type="secondary">{t('case.anonymous')}</Typography.Text>;
  return (
    <span data-testid="report-reporter">
      {r.account && (
        <div data-testid="report-account">
          {r.account.name}
          {r.account.login && (
            <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 4 }}>
              {r.account.login}
            </Typography.Text>
          )}
          {r.account.kind === 'api_key' && <Tag style={{ marginLeft: 4 }}>{t('case.reporterKey')}</Tag>}
        </div>
      )}
      {contact && (
        <div
          data-testid="report-contact"
          data-masked={r.contactMasked ? 'true' : 'false'}
          style={r.account ? { fontSize: 12, color: 'rgba(0,0,0,0.55)' } : undefined}
        >
          {r.account && `${t('case.reporterContact')}${t('common.colon')}`}
          {r.reporterName ?? '—'}
          {r.reporterPhone && <span style={{ marginLeft: 6 }}>{r.reporterPhone}</span>}
        </div>
      )}
    </span>
  );
}

export function CaseReports({ reports }: { reports: CaseDetail['reports'] }) {
  const { t } = useTranslation();
  return (
    <Card title={t('case.section.reports', { n: reports.length })} size="small" style={{ marginBottom: 12 }}>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={reports}
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
            width: 180,
            render: (_: unknown, r) => <Reporter r={r} />,
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
                {r.mediaUrl && (
                  <div style={{ marginTop: 4, fontSize: 12 }}>
                    {/* The reporter's own link: opened in a new tab, telling the other site nothing. */}
                    <a
                      href={r.mediaUrl}
                      target="_blank"
                      rel="noopener noreferrer nofollow"
                      referrerPolicy="no-referrer"
                      data-testid="report-media-url"
                    >
                      {t('case.mediaLink')}
                    </a>
                  </div>
                )}
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
  );
}
