/** Patrol coverage (巡查覆盖): per rostered shift of a day, the share of the person's grids their track passed through. */
import { useQuery } from '@tanstack/react-query';
import { DatePicker, Progress, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { formatChina } from '../../components/china-time';
import { useDay } from './AttendanceTab';
import { type Coverage, teamsKey } from './api';

export function CoverageTab() {
  const { t } = useTranslation();
  const [date, setDate] = useDay();
  const q = useQuery({
    queryKey: [...teamsKey, 'coverage', date],
    queryFn: () => api.get<{ items: Coverage[] }>('/api/teams/coverage', { date }),
  });
  const columns: ColumnsType<Coverage> = [
    { title: t('teams.member.name'), dataIndex: 'name', width: 150 },
    {
      title: t('teams.attendance.shift'),
      key: 'shift',
      render: (_, c) =>
        `${c.shiftName} ${formatChina(c.shiftStart, 'HH:mm')}–${formatChina(c.shiftEnd, 'HH:mm')}`,
    },
    {
      title: t('teams.coverage.ratio'),
      dataIndex: 'ratio',
      width: 220,
      render: (r: number, c) => (
        <Space>
          <Progress percent={Math.round(r * 100)} size="small" style={{ width: 120 }} />
          <span>
            {c.covered.length}/{c.grids}
          </span>
        </Space>
      ),
    },
    { title: t('teams.coverage.positions'), dataIndex: 'positions', width: 100 },
    {
      title: t('teams.coverage.covered'),
      dataIndex: 'covered',
      render: (ids: string[]) => (
        <Space size={[4, 4]} wrap>
          {ids.map((id) => (
            <Tag key={id}>{id}</Tag>
          ))}
        </Space>
      ),
    },
  ];
  return (
    <div data-testid="teams-coverage">
      <Space style={{ marginBottom: 12 }}>
        <DatePicker
          allowClear={false}
          value={dayjs(date)}
          onChange={(d) => d && setDate(d.format('YYYY-MM-DD'))}
        />
        <Typography.Text type="secondary">{t('teams.coverage.hint')}</Typography.Text>
      </Space>
      <Table<Coverage>
        rowKey={(c) => `${c.userId}-${c.day}`}
        size="small"
        loading={q.isPending}
        columns={columns}
        dataSource={q.data?.items ?? []}
        pagination={false}
      />
    </div>
  );
}
