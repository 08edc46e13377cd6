/**
 * The weekly roster (周排班): one row per person, one column per day (Monday..Sunday); each cell a
 * shift, rest (休息) or nothing yet. A manager changes a cell in place (saved at once at the version
 * shown; an overlap or a change meanwhile is refused by the server and said so) and applies a
 * roster template to the whole week of the people shown.
 */
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, DatePicker, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import { chinaNow } from '../../components/china-time';
import { addDays, type Member, mondayOf, type Template, teamsKey, type Week } from './api';

const REST = '__rest';

export function RosterTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { data: me } = useMe();
  const canManage = me?.permissions.includes('teams:manage') ?? false;
  const qc = useQueryClient();
  const [week, setWeek] = useState(() => mondayOf(chinaNow().format('YYYY-MM-DD')));
  const [templateId, setTemplateId] = useState<string>();
  const key = [...teamsKey, 'roster', week];
  const q = useQuery({ queryKey: key, queryFn: () => api.get<Week>('/api/teams/roster', { week }) });
  const templates = useQuery({
    queryKey: [...teamsKey, 'templates'],
    queryFn: () => api.get<{ items: Template[] }>('/api/teams/templates'),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: [...teamsKey, 'roster'] });
  const save = useMutation({
    mutationFn: (c: { userId: string; day: string; shiftId: string | null; version?: number }) =>
      api.put('/api/teams/roster', { cells: [c] }),
    onSuccess: () => {
      void message.success(t('teams.roster.saved'));
      void refresh();
    },
    onError: (e) => {
      void message.error((e as Error).message);
      void refresh();
    },
  });
  const apply = useMutation({
    mutationFn: () =>
      api.post('/api/teams/roster/apply-template', {
        templateId,
        week,
        userIds: q.data?.people.map((p) => p.userId) ?? [],
      }),
    onSuccess: () => {
      void message.success(t('teams.roster.applied'));
      void refresh();
    },
    onError: (e) => void message.error((e as Error).message),
  });
  const data = q.data;
  const shiftById = new Map((data?.shifts ?? []).map((s) => [s.id, s]));
  const today = chinaNow().format('YYYY-MM-DD');
  const columns: ColumnsType<Member> = [
    {
      title: t('teams.member.name'),
      dataIndex: 'name',
      fixed: 'left',
      width: 150,
      render: (name: string, m) => (
        <Space direction="vertical" size={0}>
          <span>{name}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {m.posts.map((p) => t(`teams.post.${p}`)).join('、')}
          </Typography.Text>
        </Space>
      ),
    },
    ...(data?.days ?? []).map((day, i) => ({
      title: (
        <span style={day === today ? { color: '#1677ff', fontWeight: 600 } : undefined}>
          {t(`teams.weekday.${i + 1}`)} {day.slice(5)}
        </span>
      ),
      key: day,
      width: 140,
      render: (_: unknown, m: Member) => {
        const cell = data?.cells.find((c) => c.userId === m.userId && c.day === day);
        const value = cell ? (cell.shiftId ?? REST) : undefined;
        const shift = cell?.shiftId ? shiftById.get(cell.shiftId) : undefined;
        if (!canManage) {
          return cell ? (
            <Tag color={shift?.colour ?? undefined}>{shift ? shift.name : t('teams.roster.rest')}</Tag>
          ) : (
            <Typography.Text type="secondary">—</Typography.Text>
          );
        }
        return (
          <Select
            size="small"
            style={{ width: '100%' }}
            value={value}
            placeholder="—"
            data-testid={`roster-cell-${m.username ?? m.userId}-${day}`}
            data-generated={cell?.generated ? 'true' : 'false'}
            onChange={(v: string) =>
              save.mutate({ userId: m.userId, day, shiftId: v === REST ? null : v, version: cell?.version })
            }
            options={[
              ...(data?.shifts ?? [])
                .filter((s) => s.active)
                .map((s) => ({
                  value: s.id,
                  label: (
                    <span>
                      <span
                        style={{
                          display: 'inline-block',
                          width: 8,
                          height: 8,
                          borderRadius: 4,
                          marginRight: 6,
                          background: s.colour ?? '#999',
                        }}
                      />
                      {s.name}
                    </span>
                  ),
                  title: `${s.name} ${s.start}–${s.end}`,
                })),
              { value: REST, label: t('teams.roster.rest') },
            ]}
          />
        );
      },
    })),
  ];
  return (
    <div data-testid="teams-roster">
      <Space wrap style={{ marginBottom: 12 }}>
        <Button
          icon={<LeftOutlined />}
          onClick={() => setWeek(addDays(week, -7))}
          aria-label={t('teams.roster.prev')}
        />
        <DatePicker
          picker="week"
          allowClear={false}
          value={dayjs(week)}
          onChange={(d) => d && setWeek(mondayOf(d.format('YYYY-MM-DD')))}
        />
        <Button
          icon={<RightOutlined />}
          onClick={() => setWeek(addDays(week, 7))}
          aria-label={t('teams.roster.next')}
        />
        <Typography.Text type="secondary" data-testid="roster-week">
          {t('teams.roster.weekOf', { from: week, to: addDays(week, 6) })}
        </Typography.Text>
        {canManage && (
          <>
            <Select
              style={{ width: 200 }}
              placeholder={t('teams.roster.template')}
              value={templateId}
              onChange={setTemplateId}
              options={(templates.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))}
              data-testid="roster-template"
            />
            <Popconfirm
              title={t('teams.roster.applyConfirm', { n: data?.people.length ?? 0 })}
              onConfirm={() => apply.mutate()}
              disabled={!templateId}
            >
              <Button disabled={!templateId} loading={apply.isPending} data-testid="roster-apply">
                {t('teams.roster.apply')}
              </Button>
            </Popconfirm>
          </>
        )}
      </Space>
      <Table<Member>
        rowKey="userId"
        size="small"
        loading={q.isPending || save.isPending}
        columns={columns}
        dataSource={data?.people ?? []}
        pagination={false}
        scroll={{ x: 1150 }}
      />
      {data?.cells.some((c) => c.generated) && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }} data-testid="roster-generated">
          {t('teams.generatedNote')}
        </Typography.Paragraph>
      )}
      <Space wrap style={{ marginTop: 8 }}>
        {(data?.shifts ?? []).map((s) => (
          <Tag key={s.id} color={s.colour ?? undefined}>
            {s.name} {s.start}–{s.end}
            {s.crossesMidnight ? ` (${t('teams.shift.nextDay')})` : ''}
            {s.generated ? ` · ${t('teams.generated')}` : ''}
          </Tag>
        ))}
      </Space>
    </div>
  );
}
