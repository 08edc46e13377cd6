/**
 * The header's "my work" badge next to the bell: how many cases wait on the caller now
 * (GET /api/cases/waiting, the totals of their work queue), for roles that have a queue; a click
 * opens the queue. Refreshed live from /api/stream like the bell.
 */
import { CheckSquareOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { QUEUE_OWNERS, type WorkflowRole } from '../../../common/workflow.ts';
import { api } from '../api/client';
import type { ApiResponse } from '../api/types';
import { useCaseEvents } from '../components/case/stream';

type Waiting = ApiResponse<'/api/cases/waiting', 'get'>;

/** Whether a user of these roles has a work queue (the transition table's work owners). */
export const hasWorkQueue = (roles: readonly string[]) =>
  roles.some((r) => QUEUE_OWNERS.includes(r as WorkflowRole));

export function WaitingBadge() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const waiting = useQuery({
    queryKey: ['cases', 'waiting'],
    queryFn: () => api.get<Waiting>('/api/cases/waiting'),
    refetchInterval: 120_000,
    staleTime: 5_000,
  });
  useCaseEvents(() => void waiting.refetch(), { debounceMs: 1000 });
  const total = waiting.data?.total ?? 0;
  const detail = [
    ...(waiting.data?.queues ?? []).map((q) => t('waiting.queue', { role: t(`role.${q.role}`), n: q.total })),
    // Own reports open to self-disposal are not work given to the caller: named apart, not counted.
    ...(waiting.data?.own ? [t('waiting.own', { n: waiting.data.own })] : []),
  ].join(' · ');
  return (
    <Tooltip title={detail || t('waiting.hint')}>
      <Button
        type="text"
        icon={<CheckSquareOutlined />}
        onClick={() => void navigate('/cases')}
        data-testid="waiting-badge"
        aria-label={t('waiting.label', { n: total })}
      >
        <Badge
          count={t('waiting.label', { n: total })}
          color={total > 0 ? '#fa8c16' : '#bfbfbf'}
          data-testid="waiting-count"
          data-count={total}
        />
      </Button>
    </Tooltip>
  );
}
