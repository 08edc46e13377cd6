/** A day's attendance (考勤): each rostered person's shift, clock in and out, area, status; the daily report. */
import { DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { App, Button, DatePicker, Space, Statistic, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { downloadFile } from '../../api/download';
import { chinaNow, formatChina } from '../../components/china-time';
import { type Attendance, STATUS_COLOUR, teamsKey } from './api';

export function useDay() {
  return useState(() => chinaNow().format('YYYY-MM-DD'));
}

export function AttendanceTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [date, setDate] = useDay();
  const q = useQuery({
    queryKey: [...teamsKey, 'attendance', date],
    queryFn: () => api.get<{ items: Attendance[] }>('/api/teams/attendance', { date }),
  });
  const report = useMutation({
    mutationFn: () =>
      downloadFile(
        '/api/teams/reports/daily.xlsx',
        { date },
        `attendance-${date}.xlsx`,
        t('teams.report.failed'),
      ),
    onError: (e) => void message.error((e as Error).message),
  });
  const items = q.data?.items ?? [];
  const count = (s: string[]) => items.filter((i) => s.includes(i.status)).length;
  const time = (v: string | null) => (v ? formatChina(v, 'HH:mm') : '—');
  const columns: ColumnsType<Attendance> = [
    { title: t('teams.member.name'), dataIndex: 'name', width: 150 },
    {
      title: t('teams.attendance.shift'),
      key: 'shift',
      render: (_, a) => (a.shiftName ? `${a.shiftName} ${time(a.shiftStart)}–${time(a.shiftEnd)}` : '—'),
    },
    {
      title: t('teams.attendance.clockIn'),
      key: 'in',
      render: (_, a) => (
        <Space size={4}>
          {time(a.clockInAt)}
          {a.clockInInside === true && <Tag color="green">{t('teams.attendance.inside')}</Tag>}
          {a.clockInInside === false && (
            <Tag color="red">{t('teams.attendance.outside', { m: a.clockInDistanceM ?? '—' })}</Tag>
          )}
          {a.late && <Tag color="orange">{t('teams.status.late')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('teams.attendance.clockOut'),
      key: 'out',
      render: (_, a) => (
        <Space size={4}>
          {time(a.clockOutAt)}
          {a.clockOutInside === false && <Tag color="red">{t('teams.attendance.outsideShort')}</Tag>}
          {a.earlyLeave && <Tag color="orange">{t('teams.status.early_leave')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('teams.attendance.status'),
      dataIndex: 'status',
      render: (s: string) => (
        <Tag color={STATUS_COLOUR[s]} data-testid="attendance-status" data-status={s}>
          {t(`teams.status.${s}`)}
        </Tag>
      ),
    },
  ];
  return (
    <div data-testid="teams-attendance">
      <Space wrap style={{ marginBottom: 12 }}>
        <DatePicker
          allowClear={false}
          value={dayjs(date)}
          onChange={(d) => d && setDate(d.format('YYYY-MM-DD'))}
        />
        <Button
          icon={<DownloadOutlined />}
          loading={report.isPending}
          onClick={() => report.mutate()}
          data-testid="attendance-report"
        >
          {t('teams.report.download')}
        </Button>
      </Space>
      <Space size={32} style={{ display: 'flex', marginBottom: 12 }} wrap>
        <Statistic title={t('teams.attendance.rostered')} value={items.filter((i) => i.shiftId).length} />
        <Statistic title={t('teams.status.on_duty')} value={count(['on_duty'])} />
        <Statistic title={t('teams.status.normal')} value={count(['normal'])} />
        <Statistic
          title={t('teams.attendance.lateOrEarly')}
          value={count(['late', 'early_leave', 'late_early'])}
        />
        <Statistic title={t('teams.status.absent')} value={count(['absent'])} />
      </Space>
      <Table<Attendance>
        rowKey="userId"
        size="small"
        loading={q.isPending}
        columns={columns}
        dataSource={items}
        pagination={false}
      />
    </div>
  );
}
