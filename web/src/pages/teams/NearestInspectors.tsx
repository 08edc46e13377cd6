/**
 * The nearest on-duty inspectors to a case (GET /api/teams/nearest), shown in the acceptor's
 * 核实/核查 dialog as a suggestion: who is on duty now (roster or clock-in) and closest by their
 * newest phone position. The verify and check tasks still go to the district's inspectors' queue
 * (the case loop has no per-person assignee for them); the suggestion says whom to call.
 */
import { AimOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { formatChina } from '../../components/china-time';
import type { Nearest } from './api';

export function NearestInspectors({ lng, lat, district }: { lng: number; lat: number; district: string }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['teams', 'nearest', lng, lat, district],
    queryFn: () => api.get<{ items: Nearest[] }>('/api/teams/nearest', { lng, lat, district, limit: 3 }),
    retry: false,
  });
  if (q.isError) return null;
  const items = q.data?.items ?? [];
  return (
    <Alert
      type="info"
      style={{ marginBottom: 12 }}
      data-testid="nearest-inspectors"
      icon={<AimOutlined />}
      showIcon
      title={t('teams.nearest.title')}
      description={
        q.isPending ? (
          t('teams.nearest.loading')
        ) : items.length === 0 ? (
          <span data-testid="nearest-none">{t('teams.nearest.none')}</span>
        ) : (
          <List
            size="small"
            dataSource={items}
            renderItem={(n, i) => (
              <List.Item style={{ padding: '2px 0' }} data-testid="nearest-item">
                <Space wrap>
                  {i === 0 && <Tag color="blue">{t('teams.nearest.suggested')}</Tag>}
                  <Typography.Text strong>{n.name}</Typography.Text>
                  <span>{t('teams.nearest.distance', { m: n.distanceM })}</span>
                  <Typography.Text type="secondary">
                    {n.shiftName ?? ''} · {t(`teams.nearest.by.${n.onDutyBy}`)} ·{' '}
                    {t('teams.nearest.at', { time: formatChina(n.positionAt, 'HH:mm') })}
                  </Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        )
      }
    />
  );
}
