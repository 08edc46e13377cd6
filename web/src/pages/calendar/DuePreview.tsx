import { useMutation } from '@tanstack/react-query';
import { App, Button, Card, Form, InputNumber, Select, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { ApiResponse } from '../../api/types';
import { ChinaDatePicker } from '../../components/ChinaPicker';
import { fromChinaPicker } from '../../components/china-time';
import { showServerError } from '../../components/formErrors';
import { formatChina, TIME_UNITS, type TimeUnit } from './model';

interface Values {
  start: Dayjs;
  amount: number;
  unit: TimeUnit;
}

/** Deadline preview: start (China time) + amount in a unit → due, from /api/calendar/due. */
export function DuePreview() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const run = useMutation({
    mutationFn: (v: Values) =>
      api.get<ApiResponse<'/api/calendar/due', 'get'>>('/api/calendar/due', {
        // The picked wall-clock time is China time, whatever the browser's zone
        // (to the minute the picker shows: its "now" carries seconds).
        start: fromChinaPicker(v.start.startOf('minute')),
        amount: v.amount,
        unit: v.unit,
      }),
    onError: (e) => showServerError(e, message, form),
  });
  return (
    <Card size="small" title={t('calendar.preview')} data-testid="calendar-preview">
      <Form
        form={form}
        layout="vertical"
        initialValues={{ amount: 2, unit: 'work_hour' }}
        onFinish={(v) => run.mutate(v)}
      >
        {/* The label already says 北京时间 / China time. */}
        <Form.Item name="start" label={t('calendar.start')} rules={[{ required: true }]}>
          <ChinaDatePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            style={{ width: '100%' }}
            data-testid="calendar-preview-start"
          />
        </Form.Item>
        <Form.Item name="amount" label={t('calendar.amount')} rules={[{ required: true }]}>
          <InputNumber min={0.01} max={10000} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="unit" label={t('calendar.unit')} rules={[{ required: true }]}>
          <Select options={TIME_UNITS.map((u) => ({ value: u, label: t(`calendar.units.${u}`) }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={run.isPending} data-testid="calendar-preview-run">
          {t('calendar.compute')}
        </Button>
      </Form>
      {run.data && (
        <Typography.Paragraph style={{ marginTop: 12 }} data-testid="calendar-preview-due">
          {t('calendar.due')}: <Typography.Text strong>{formatChina(run.data.due)}</Typography.Text>{' '}
          <Typography.Text type="secondary">({t('calendar.chinaTime')})</Typography.Text>
        </Typography.Paragraph>
      )}
    </Card>
  );
}
