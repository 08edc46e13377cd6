import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ButtonProps } from 'antd';
import { App, Form, Input, Modal, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { testIdProps } from '../../components/format';
import { showServerError } from '../../components/formErrors';
import type { EndpointPutResult, UnitEndpoint } from './types';

interface Values {
  url: string;
  enabled: boolean;
}

/** Sets or edits a unit's endpoint; the server generates the secret on the first set. */
export function EndpointDialog({
  unit,
  onClose,
  onSaved,
}: {
  unit: UnitEndpoint;
  onClose: () => void;
  onSaved: (r: EndpointPutResult) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const save = useMutation({
    mutationFn: (v: Values) =>
      api.put<EndpointPutResult>(`/api/endpoints/${unit.orgId}`, {
        url: v.url.trim(),
        enabled: v.enabled,
        ...(unit.endpoint ? { version: unit.endpoint.version } : {}),
      }),
    onSuccess: (res) => {
      void qc.invalidateQueries({ queryKey: ['endpoints'] });
      void message.success(t('endpoints.saved'));
      onSaved(res);
    },
    onError: (e) => showServerError(e, message, form),
  });
  return (
    <Modal
      open
      title={t('endpoints.editTitle', { name: unit.orgName })}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={600}
      okButtonProps={testIdProps<ButtonProps>('endpoint-dialog-submit')}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        data-testid="endpoint-dialog"
        initialValues={{ url: unit.endpoint?.url ?? '', enabled: unit.endpoint?.enabled ?? true }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item
          name="url"
          label={t('endpoints.url')}
          extra={t('endpoints.urlHelp')}
          rules={[
            { required: true, whitespace: true, message: t('endpoints.urlRequired') },
            { pattern: /^https?:\/\/\S+$/i, message: t('endpoints.urlInvalid') },
          ]}
        >
          <Input
            maxLength={2000}
            placeholder="https://unit.example.cn/cityops/cases"
            data-testid="endpoint-field-url"
          />
        </Form.Item>
        <Form.Item
          name="enabled"
          label={t('endpoints.enabled')}
          valuePropName="checked"
          extra={t('endpoints.enabledHelp')}
        >
          <Switch data-testid="endpoint-field-enabled" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
