import { ReloadOutlined } from '@ant-design/icons';
import { Button, Drawer, Popconfirm, Select, Space, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { ListResult } from '../../api/types';
import { useSave } from '../../components/FormModal';
import { formatTime } from '../../components/format';
import { PagedTable, usePagedList } from '../../components/PagedList';
import { type Delivery, type DeliveryStatus, STATUS_COLORS, type UnitEndpoint } from './types';

/** The deliveries to one unit, newest first, with a replay button for dead or delivered ones. */
export function DeliveriesDrawer({ unit, onClose }: { unit: UnitEndpoint; onClose: () => void }) {
  const { t } = useTranslation();
  const list = usePagedList<ListResult<Delivery>, { status?: DeliveryStatus }>({
    queryKey: ['endpoints', 'deliveries', unit.orgId],
    path: `/api/endpoints/${unit.orgId}/deliveries`,
  });

  const replay = useSave({
    mutationFn: (d: Delivery) => api.post<Delivery>(`/api/deliveries/${d.id}/replay`),
    success: t('endpoints.replayed'),
    invalidate: ['endpoints'],
  });

  const statusLabel = (s: DeliveryStatus) => t(`endpoints.status.${s}`);
  const columns: ColumnsType<Delivery> = [
    {
      title: t('endpoints.case'),
      dataIndex: 'caseCode',
      width: 200,
      render: (code: string | null, d) =>
        d.caseId ? <Link to={`/cases/${d.caseId}`}>{code ?? d.caseId}</Link> : '—',
    },
    {
      title: t('endpoints.statusTitle'),
      dataIndex: 'status',
      width: 100,
      render: (s: DeliveryStatus) => <Tag color={STATUS_COLORS[s]}>{statusLabel(s)}</Tag>,
    },
    { title: t('endpoints.attempts'), dataIndex: 'attempts', width: 80, align: 'right' },
    {
      title: t('endpoints.lastError'),
      dataIndex: 'lastError',
      ellipsis: true,
      render: (e: string | null) =>
        e ? (
          <Typography.Text type="danger" ellipsis={{ tooltip: e }}>
            {e}
          </Typography.Text>
        ) : (
          '—'
        ),
    },
    {
      title: t('endpoints.nextAttemptAt'),
      dataIndex: 'nextAttemptAt',
      width: 170,
      render: (v: string, d) => (d.status === 'pending' ? formatTime(v) : '—'),
    },
    { title: t('endpoints.deliveredAt'), dataIndex: 'deliveredAt', width: 170, render: formatTime },
    { title: t('common.createdAt'), dataIndex: 'createdAt', width: 170, render: formatTime },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_, d) =>
        d.status === 'pending' ? null : (
          <Popconfirm title={t('endpoints.confirmReplay')} onConfirm={() => replay.mutate(d)}>
            <Button type="link" size="small" data-testid={`delivery-replay-${d.id}`}>
              {t('endpoints.replay')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Drawer
      open
      size={1100}
      title={t('endpoints.deliveriesTitle', { name: unit.orgName })}
      onClose={onClose}
      data-testid="deliveries-drawer"
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <span>{t('endpoints.statusTitle')}:</span>
        <Select<DeliveryStatus>
          allowClear
          style={{ width: 160 }}
          placeholder={t('common.all')}
          value={list.filters.status}
          onChange={(v) => list.setFilters({ status: v || undefined })}
          options={(['pending', 'delivered', 'dead'] as const).map((s) => ({
            value: s,
            label: statusLabel(s),
          }))}
          data-testid="deliveries-filter-status"
        />
        <Button icon={<ReloadOutlined />} onClick={() => void list.query.refetch()}>
          {t('common.refresh')}
        </Button>
      </Space>
      <PagedTable<Delivery>
        list={list}
        size="small"
        data-testid="deliveries-table"
        columns={columns}
        scroll={{ x: 1000 }}
      />
    </Drawer>
  );
}
