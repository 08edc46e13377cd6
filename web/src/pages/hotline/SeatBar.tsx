/**
 * The operator's seat (坐席): sign in at a seat for some of the hotline's lines — calls routed to
 * the seat, or ringing on those lines, then pop this console — and sign out.
 */
import { CustomerServiceOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Card, Checkbox, Form, Input, Space, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useSave } from '../../components/FormModal';
import { formatTime } from '../../components/format';
import { hotlineKeys, type MySeat, useMySeat } from './api';

export function SeatBar() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const seat = useMySeat();
  const [form] = Form.useForm<{ seat: string; lines: string[] }>();
  const signIn = useSave({
    mutationFn: (v: { seat: string; lines: string[] }) => api.put<MySeat>('/api/hotline/seat', v),
    success: t('hotline.seat.signedIn'),
    form,
    onSaved: (r) => qc.setQueryData(hotlineKeys.seat, r),
  });
  const signOut = useSave({
    mutationFn: () => api.delete<void>('/api/hotline/seat'),
    success: t('hotline.seat.signedOut'),
    invalidate: hotlineKeys.seat,
  });
  const lines = seat.data?.lines ?? [];
  const mine = seat.data?.seat;
  // Every line of the hotline is offered, all ticked until the operator untick some.
  const linesKey = lines.join(',');
  useEffect(() => {
    if (linesKey && !form.getFieldValue('lines')) form.setFieldsValue({ lines: linesKey.split(',') });
  }, [linesKey, form]);
  return (
    <Card size="small" style={{ marginBottom: 12 }} data-testid="hotline-seat">
      {mine ? (
        <Space wrap>
          <CustomerServiceOutlined style={{ color: '#52c41a', fontSize: 18 }} />
          <Typography.Text strong data-testid="hotline-seat-status">
            {t('hotline.seat.at', { seat: mine.seat })}
          </Typography.Text>
          {mine.lines.map((l) => (
            <Tag key={l} color="blue">
              {l}
            </Tag>
          ))}
          <Typography.Text type="secondary">
            {t('hotline.seat.since', { at: formatTime(mine.signedInAt) })}
          </Typography.Text>
          <Button size="small" onClick={() => signOut.mutate(undefined)} data-testid="hotline-seat-out">
            {t('hotline.seat.signOut')}
          </Button>
        </Space>
      ) : (
        <Form
          form={form}
          layout="inline"
          onFinish={(v) => signIn.mutate({ seat: v.seat.trim(), lines: v.lines })}
        >
          <Typography.Text type="secondary" style={{ marginRight: 12 }}>
            {t('hotline.seat.hint')}
          </Typography.Text>
          <Form.Item
            name="seat"
            label={t('hotline.seat.seat')}
            rules={[{ required: true, pattern: /^[0-9A-Za-z_-]{1,20}$/, message: t('hotline.seat.invalid') }]}
          >
            <Input style={{ width: 110 }} placeholder="8001" data-testid="hotline-seat-input" />
          </Form.Item>
          <Form.Item
            name="lines"
            label={t('hotline.seat.lines')}
            rules={[{ required: true, type: 'array', min: 1 }]}
          >
            <Checkbox.Group options={lines.map((l) => ({ value: l, label: l }))} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={signIn.isPending} data-testid="hotline-seat-in">
            {t('hotline.seat.signIn')}
          </Button>
        </Form>
      )}
    </Card>
  );
}
