/**
 * GPS告警 — the GPS alarms the caller may see (GET /api/gps/alarms): a fence's rule broken
 * (entering, leaving, overspeed) or a terminal's own alarm (SOS, fatigue…), newest first, filtered
 * by state, kind, source and time; new alarms arrive live (the `gps_alarm` topic of /api/stream)
 * with a notice; acknowledging with a note, closing; the case an alarm raised is linked.
 */
import { useMutation } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  type ButtonProps,
  DatePicker,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { GPS_ALARM_KINDS, GPS_ALARM_SOURCES, GPS_ALARM_STATES } from '../../../../common/gps-alarms.ts';
import { api } from '../../api/client';
import { formatTime, testIdProps } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { type AlarmQuery, alarmKindName, type GpsAlarm, useAlarms, useLiveAlarms } from './fenceApi';

const STATE_COLOR: Record<string, string> = { open: 'red', acknowledged: 'gold', closed: 'default' };

export function AlarmsPage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const { message, notification } = AntApp.useApp();
  const [state, setState] = useState<string | undefined>('open');
  const [kind, setKind] = useState<string | undefined>();
  const [source, setSource] = useState<string | undefined>();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState(1);
  const [handling, setHandling] = useState<{ alarm: GpsAlarm; action: 'acknowledge' | 'close' } | null>(null);
  const [form] = Form.useForm<{ note?: string }>();
  const query: AlarmQuery = {
    state,
    kind,
    source,
    from: range?.[0]?.toISOString(),
    to: range?.[1]?.toISOString(),
    page,
    pageSize: 20,
  };
  const list = useAlarms(query);
  useLiveAlarms((f) => {
    notification.warning({
      key: `gps-alarm-${f.alarmId}`,
      title: t('gpsAlarms.newAlarm'),
      description: `${alarmKindName(f.kind, en)}${f.plate ? ` · ${f.plate}` : ''} · ${formatTime(f.at)}`,
      placement: 'bottomRight',
    });
  });
  const handle = useMutation({
    mutationFn: (v: { alarm: GpsAlarm; action: 'acknowledge' | 'close'; note?: string }) =>
      api.post<GpsAlarm>(`/api/gps/alarms/${v.alarm.id}/${v.action}`, {
        version: v.alarm.version,
        note: v.note?.trim() || null,
      }),
    onSuccess: (_r, v) => {
      void message.success(v.action === 'acknowledge' ? t('gpsAlarms.acknowledged') : t('gpsAlarms.closed'));
      setHandling(null);
      form.resetFields();
      void list.refetch();
    },
    onError: (err: Error) => void message.error(err.message),
  });

  return (
    <PageContainer testId="gps-alarms-page" title={t('gpsAlarms.title')}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          data-testid="alarm-state"
          allowClear
          placeholder={t('gpsAlarms.state')}
          style={{ width: 140 }}
          value={state}
          onChange={(v) => {
            setState(v);
            setPage(1);
          }}
          options={GPS_ALARM_STATES.map((s) => ({ value: s, label: t(`gpsAlarms.states.${s}`) }))}
        />
        <Select
          allowClear
          placeholder={t('gpsAlarms.kind')}
          style={{ width: 200 }}
          value={kind}
          onChange={(v) => {
            setKind(v);
            setPage(1);
          }}
          options={GPS_ALARM_KINDS.map((k) => ({ value: k, label: alarmKindName(k, en) }))}
        />
        <Select
          allowClear
          placeholder={t('gpsAlarms.source')}
          style={{ width: 140 }}
          value={source}
          onChange={(v) => {
            setSource(v);
            setPage(1);
          }}
          options={GPS_ALARM_SOURCES.map((s) => ({ value: s, label: t(`gpsAlarms.sources.${s}`) }))}
        />
        <DatePicker.RangePicker
          showTime
          value={range}
          onChange={(v) => {
            setRange(v);
            setPage(1);
          }}
        />
        <Button onClick={() => void list.refetch()}>{t('common.refresh')}</Button>
      </Space>
      <Table<GpsAlarm>
        data-testid="alarm-table"
        rowKey="id"
        size="middle"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={{
          current: page,
          pageSize: 20,
          total: list.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
        }}
        columns={[
          { title: t('gpsAlarms.at'), dataIndex: 'at', width: 170, render: (v: string) => formatTime(v) },
          {
            title: t('gpsAlarms.kind'),
            dataIndex: 'kind',
            render: (k: string, a) => (
              <Space size={4}>
                <Tag color={a.source === 'terminal' ? 'volcano' : 'blue'}>
                  {t(`gpsAlarms.sources.${a.source}`)}
                </Tag>
                <span>{alarmKindName(k, en)}</span>
              </Space>
            ),
          },
          {
            title: t('gpsAlarms.subject'),
            key: 'subject',
            render: (_v, a) =>
              a.terminalId ? (
                <span>
                  {a.plate ?? '—'} <Typography.Text type="secondary">{a.terminalPhone}</Typography.Text>
                </span>
              ) : (
                <span>{t('gpsAlarms.person')}</span>
              ),
          },
          { title: t('gpsAlarms.fence'), dataIndex: 'fenceName', render: (v: string | null) => v ?? '—' },
          {
            title: t('gpsAlarms.speed'),
            dataIndex: 'speed',
            width: 90,
            render: (v: number | null) => (v === null ? '—' : `${v} km/h`),
          },
          {
            title: t('gpsAlarms.state'),
            dataIndex: 'state',
            width: 110,
            render: (s: string, a) => (
              <Tooltip title={a.ackNote ?? a.closeNote ?? undefined}>
                <Tag color={STATE_COLOR[s]}>{t(`gpsAlarms.states.${s}`)}</Tag>
              </Tooltip>
            ),
          },
          {
            title: t('gpsAlarms.case'),
            key: 'case',
            render: (_v, a) =>
              a.caseId ? (
                <Link to={`/cases/${a.caseId}`}>{a.caseCode ?? t('gpsAlarms.case')}</Link>
              ) : a.caseError ? (
                <Tag color="red" title={a.caseError}>
                  {t(`gpsAlarms.caseErrors.${a.caseError}`, {
                    defaultValue: t('gpsAlarms.caseErrors.other', { code: a.caseError }),
                  })}
                </Tag>
              ) : (
                '—'
              ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 150,
            render: (_v, a) => (
              <Space size={4}>
                {a.state === 'open' && (
                  <Button
                    data-testid="alarm-acknowledge"
                    size="small"
                    type="primary"
                    onClick={() => setHandling({ alarm: a, action: 'acknowledge' })}
                  >
                    {t('gpsAlarms.acknowledge')}
                  </Button>
                )}
                {a.state !== 'closed' && (
                  <Button size="small" onClick={() => setHandling({ alarm: a, action: 'close' })}>
                    {t('gpsAlarms.close')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={!!handling}
        title={handling?.action === 'close' ? t('gpsAlarms.close') : t('gpsAlarms.acknowledge')}
        okText={t('gpsAlarms.confirm')}
        okButtonProps={testIdProps<ButtonProps>('alarm-handle-submit')}
        confirmLoading={handle.isPending}
        onCancel={() => setHandling(null)}
        onOk={() => {
          if (handling) handle.mutate({ ...handling, note: form.getFieldValue('note') });
        }}
        destroyOnHidden
      >
        {handling && (
          <Typography.Paragraph>
            {alarmKindName(handling.alarm.kind, en)} · {handling.alarm.plate ?? ''} ·{' '}
            {formatTime(handling.alarm.at)}
          </Typography.Paragraph>
        )}
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item name="note" label={t('gpsAlarms.note')}>
            <Input.TextArea data-testid="alarm-note" rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </PageContainer>
  );
}
