/**
 * Open cases of one type near a point (GET /api/reports/duplicates): the acceptor sees them in
 * a card before saving a report, and the merge action offers them first as its target. One query
 * key for both, so a case opened from intake does not ask again.
 */
import { ExclamationCircleOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Empty, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { formatTime } from '../format';
import type { DuplicateCandidate } from './api';
import { StateTag } from './CaseBits';

export function useDuplicates(
  point: { lng: number; lat: number } | null | undefined,
  matterCode: string | null | undefined,
  enabled = true,
) {
  return useQuery({
    queryKey: ['reports', 'duplicates', point?.lng, point?.lat, matterCode],
    enabled: enabled && !!point && !!matterCode,
    retry: false,
    queryFn: () =>
      api.get<{ items: DuplicateCandidate[] }>('/api/reports/duplicates', {
        lng: point!.lng,
        lat: point!.lat,
        crs: 'wgs84',
        matterCode,
      }),
  });
}

/**
 * The duplicates card: a hint until both a point and a type are chosen, then the candidates
 * (each opening in a new tab, so the form in progress is kept) or "none".
 */
export function DuplicatesCard({
  ready,
  duplicates,
}: {
  /** A point and a type are chosen: the question has been asked. */
  ready: boolean;
  duplicates: ReturnType<typeof useDuplicates>;
}) {
  const { t } = useTranslation();
  const items = duplicates.data?.items ?? [];
  const columns = [
    {
      title: t('case.col.code'),
      key: 'code',
      width: 190,
      render: (_: unknown, d: DuplicateCandidate) => (
        <Link
          to={`/cases/${d.case.id}`}
          target="_blank"
          style={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}
        >
          {d.case.code}
        </Link>
      ),
    },
    {
      title: t('case.col.state'),
      key: 'state',
      width: 100,
      render: (_: unknown, d: DuplicateCandidate) => (
        <StateTag state={d.case.state} testId="duplicate-state" />
      ),
    },
    {
      title: t('intake.distanceCol'),
      key: 'distance',
      width: 80,
      render: (_: unknown, d: DuplicateCandidate) => t('intake.distance', { m: d.distanceM }),
    },
    {
      title: t('case.field.description'),
      key: 'description',
      ellipsis: true,
      render: (_: unknown, d: DuplicateCandidate) => d.case.description,
    },
    {
      title: t('case.col.reportedAt'),
      key: 'at',
      width: 130,
      render: (_: unknown, d: DuplicateCandidate) => formatTime(d.case.createdAt).slice(5, 16),
    },
  ];
  return (
    <Card
      size="small"
      title={
        <span>
          {items.length > 0 ? <ExclamationCircleOutlined style={{ color: '#fa8c16' }} /> : null}{' '}
          {t('intake.section.duplicates')}
        </span>
      }
      data-testid="intake-duplicates"
    >
      {!ready ? (
        <Typography.Text type="secondary">{t('intake.duplicatesHint')}</Typography.Text>
      ) : items.length > 0 ? (
        <>
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 8 }}
            title={t('intake.duplicatesFound', { n: items.length })}
          />
          <Table
            size="small"
            rowKey={(d) => d.case.id}
            pagination={false}
            dataSource={items}
            columns={columns}
            onRow={() => ({ 'data-testid': 'duplicate-row' }) as React.HTMLAttributes<HTMLElement>}
          />
        </>
      ) : (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={duplicates.isFetching ? t('case.loading') : t('intake.noDuplicates')}
        />
      )}
    </Card>
  );
}
