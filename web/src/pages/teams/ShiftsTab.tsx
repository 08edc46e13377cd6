/** Shifts (班次) and roster templates (排班模板): listed for all readers; managers add and change them. */
import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import { FormModal } from '../../components/FormModal';
import { type Shift, type Template, teamsKey } from './api';

export function ShiftsTab() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const canManage = me?.permissions.includes('teams:manage') ?? false;
  const [dialog, setDialog] = useState<'shift' | 'template' | null>(null);
  const shifts = useQuery({
    queryKey: [...teamsKey, 'shifts'],
    queryFn: () => api.get<{ items: Shift[] }>('/api/teams/shifts'),
  });
  const templates = useQuery({
    queryKey: [...teamsKey, 'templates'],
    queryFn: () => api.get<{ items: Template[] }>('/api/teams/templates'),
  });
  const nameOf = (id: string | null) =>
    id ? (shifts.data?.items.find((s) => s.id === id)?.name ?? id) : t('teams.roster.rest');
  const owner = (d: string | null) => (d ? d : t('teams.shift.city'));
  const shiftColumns: ColumnsType<Shift> = [
    {
      title: t('teams.shift.name'),
      dataIndex: 'name',
      render: (n: string, s) => (
        <Space>
          <Tag color={s.colour ?? undefined}>{n}</Tag>
          {s.generated && <Tag>{t('teams.generated')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('teams.shift.time'),
      key: 'time',
      render: (_, s) => `${s.start}–${s.end}${s.crossesMidnight ? ` (${t('teams.shift.nextDay')})` : ''}`,
    },
    { title: t('teams.shift.owner'), dataIndex: 'districtCode', render: owner },
  ];
  const templateColumns: ColumnsType<Template> = [
    { title: t('teams.shift.name'), dataIndex: 'name', width: 180 },
    {
      title: t('teams.template.days'),
      dataIndex: 'days',
      render: (days: (string | null)[]) => (
        <Space size={[4, 4]} wrap>
          {days.map((d, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the seven weekdays are positions
            <Tag key={i}>
              {t(`teams.weekday.${i + 1}`)} {nameOf(d)}
            </Tag>
          ))}
        </Space>
      ),
    },
    { title: t('teams.shift.owner'), dataIndex: 'districtCode', width: 120, render: owner },
  ];
  return (
    <div data-testid="teams-shifts">
      <Typography.Title level={5}>{t('teams.tabs.shifts')}</Typography.Title>
      {canManage && (
        <Button icon={<PlusOutlined />} style={{ marginBottom: 12 }} onClick={() => setDialog('shift')}>
          {t('teams.shift.add')}
        </Button>
      )}
      <Table<Shift>
        rowKey="id"
        size="small"
        columns={shiftColumns}
        dataSource={shifts.data?.items ?? []}
        pagination={false}
      />
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('teams.template.title')}
      </Typography.Title>
      {canManage && (
        <Button icon={<PlusOutlined />} style={{ marginBottom: 12 }} onClick={() => setDialog('template')}>
          {t('teams.template.add')}
        </Button>
      )}
      <Table<Template>
        rowKey="id"
        size="small"
        columns={templateColumns}
        dataSource={templates.data?.items ?? []}
        pagination={false}
      />
      {dialog === 'shift' && (
        <FormModal<{ name: string; start: string; end: string }, Shift>
          title={t('teams.shift.add')}
          testId="shift-form"
          submitTestId="shift-submit"
          onClose={() => setDialog(null)}
          mutationFn={(v) => api.post<Shift>('/api/teams/shifts', v)}
          invalidate={teamsKey}
          success={t('teams.shift.saved')}
        >
          <Form.Item name="name" label={t('teams.shift.name')} rules={[{ required: true }]}>
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item name="start" label={t('teams.shift.start')} rules={[{ required: true }]} extra="HH:MM">
            <Input placeholder="08:00" />
          </Form.Item>
          <Form.Item
            name="end"
            label={t('teams.shift.end')}
            rules={[{ required: true }]}
            extra={t('teams.shift.endHint')}
          >
            <Input placeholder="16:00" />
          </Form.Item>
        </FormModal>
      )}
      {dialog === 'template' && (
        <FormModal<{ name: string; days: (string | undefined)[] }, Template>
          title={t('teams.template.add')}
          testId="template-form"
          submitTestId="template-submit"
          onClose={() => setDialog(null)}
          initialValues={{ days: Array(7).fill(undefined) }}
          mutationFn={(v) =>
            api.post<Template>('/api/teams/templates', { name: v.name, days: v.days.map((d) => d ?? null) })
          }
          invalidate={teamsKey}
          success={t('teams.template.saved')}
        >
          <Form.Item name="name" label={t('teams.shift.name')} rules={[{ required: true }]}>
            <Input maxLength={40} />
          </Form.Item>
          {[0, 1, 2, 3, 4, 5, 6].map((i) => (
            <Form.Item
              key={i}
              name={['days', i]}
              label={t(`teams.weekday.${i + 1}`)}
              style={{ marginBottom: 8 }}
            >
              <Select
                allowClear
                placeholder={t('teams.roster.rest')}
                options={(shifts.data?.items ?? []).map((s) => ({
                  value: s.id,
                  label: `${s.name} ${s.start}–${s.end}`,
                }))}
              />
            </Form.Item>
          ))}
        </FormModal>
      )}
    </div>
  );
}
