/** The reports behind the case (the first and every one merged into it), with reporter and photos. */
import { Card, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../components/case/api';
import { channelLabel } from '../../../components/case/CaseBits';
import { PhotoThumbs } from '../../../components/case/Photos';
import { formatTime } from '../../../components/format';

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
  );
}
