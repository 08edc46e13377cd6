import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Space } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { showServerError } from '../../components/formErrors';
import type { WorkWindow } from './model';

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

interface Values {
  windows: WorkWindow[];
  reason?: string;
}

/** The working windows of a working day (China time), saved with the version they replace. */
export function WindowsEditor({
  windows,
  version,
  onSaved,
}: {
  windows: WorkWindow[];
  version: number;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  useEffect(() => form.setFieldsValue({ windows, reason: '' }), [windows, form]);

  const save = useMutation({
    mutationFn: (v: Values) =>
      api.put('/api/calendar/windows', { windows: v.windows, version, reason: v.reason || undefined }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      onSaved();
    },
    onError: (e) => showServerError(e, message, form),
  });

  return (
    <Card size="small" title={t('calendar.windows')} data-testid="calendar-windows">
      <Form form={form} onFinish={(v) => save.mutate(v)} layout="vertical">
        <Form.List name="windows">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f, i) => (
                <Space key={f.key} align="baseline" data-testid={`calendar-window-${i}`}>
                  <Form.Item
                    name={[f.name, 'start']}
                    rules={[{ required: true, pattern: CLOCK, message: 'HH:MM' }]}
                  >
                    <Input style={{ width: 90 }} placeholder="08:00" />
                  </Form.Item>
                  <span>–</span>
                  <Form.Item
                    name={[f.name, 'end']}
                    rules={[{ required: true, pattern: CLOCK, message: 'HH:MM' }]}
                  >
                    <Input style={{ width: 90 }} placeholder="12:00" />
                  </Form.Item>
                  {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(f.name)} />}
                </Space>
              ))}
              {fields.length < 6 && (
                <Form.Item>
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ start: '', end: '' })}>
                    {t('calendar.addWindow')}
                  </Button>
                </Form.Item>
              )}
            </>
          )}
        </Form.List>
        <Form.Item name="reason" label={t('calendar.reason')}>
          <Input maxLength={500} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="calendar-windows-save">
          {t('calendar.saveWindows')}
        </Button>
      </Form>
    </Card>
  );
}
