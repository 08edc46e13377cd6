import { useMutation } from '@tanstack/react-query';
import { App, Form, Input, Modal, Radio } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { testIdProps } from '../../components/format';
import { showServerError } from '../../components/formErrors';
import type { CalendarDay, DayChoice } from './model';

interface Values {
  kind: DayChoice;
  name?: string;
  reason: string;
}

/** Set one date to holiday / make-up workday / back to the Mon–Fri rule, with a reason. */
export function DayDialog({
  date,
  current,
  onClose,
  onSaved,
}: {
  date: string | null;
  current: CalendarDay | undefined;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    if (date)
      form.setFieldsValue({ kind: current?.kind ?? 'default', name: current?.name ?? '', reason: '' });
  }, [date, current, form]);

  const save = useMutation({
    mutationFn: (v: Values) =>
      api.put(`/api/calendar/days/${date}`, { kind: v.kind, name: v.name?.trim() || null, reason: v.reason }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      onSaved();
      onClose();
    },
    onError: (e) => showServerError(e, message, form),
  });

  return (
    <Modal
      open={date !== null}
      title={t('calendar.editDay', { date })}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okButtonProps={testIdProps('calendar-day-save')}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)} data-testid="calendar-day-form">
        <Form.Item name="kind" label={t('calendar.kind')} rules={[{ required: true }]}>
          <Radio.Group>
            <Radio.Button value="holiday">{t('calendar.holiday')}</Radio.Button>
            <Radio.Button value="workday">{t('calendar.workday')}</Radio.Button>
            <Radio.Button value="default">{t('calendar.default')}</Radio.Button>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="name" label={t('calendar.name')}>
          <Input maxLength={50} placeholder={t('calendar.namePlaceholder')} />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('calendar.reason')}
          rules={[{ required: true, whitespace: true, message: t('calendar.reasonRequired') }]}
        >
          <Input.TextArea maxLength={500} rows={2} data-testid="calendar-day-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
