import { ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Drawer, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { ListResult } from '../../api/types';
import { formatTime } from '../../components/format';
import { showServerError } from '../../components/formErrors';
import { type Delivery, type DeliveryStatus, STATUS_COLORS, type UnitEndpoint } from './types';

/** The deliveries to one unit, newest first, with a replay button for dead or delivered ones. */
export function DeliveriesDrawer({ unit, onClose }: { unit: UnitEndpoint; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [status, setStatus] = useState<DeliveryStatus | undefined>();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);

  const list = useQuery({
    queryKey: ['endpoints', 'deliveries', unit.orgId, status, page, pageSize],
    queryFn: () =>
      api.get<ListResult<Delivery>>(`/api/endpoints/${unit.orgId}/deliveries`, { status, page, pageSize }),
    placeholderData: keepPreviousData,
  });

  const replay = useMutation({
    mutationFn: (d: Delivery) => api.post<Delivery>(`/api/deliveries/${d.id}/replay`),
    onSuccess: () => {
      void message.success(t('endpoints.replayed'));
      void qc.invalidateQueries({ queryKey: ['endpoints'] });
    },
    onError: (e) => showServerError(e, message),
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
          value={status}
          onChange={(v) => {
            setStatus(v || undefined);
            setPage(1);
          }}
          options={(['pending', 'delivered', 'dead'] as const).map((s) => ({
            value: s,
            label: statusLabel(s),
          }))}
          data-testid="deliveries-filter-status"
        />
        <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()}>
          {t('common.refresh')}
        </Button>
      </Space>
      <Table<Delivery>
        rowKey="id"
        size="small"
        data-testid="deliveries-table"
        loading={list.isFetching}
        columns={columns}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 1000 }}
        pagination={{
          current: page,
          pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { total }),
          onChange: (p, s) => {
            setPage(p);
            setPageSize(s);
          },
        }}
      />
    </Drawer>
  );
}
