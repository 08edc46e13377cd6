import { useMutation } from '@tanstack/react-query';
import type { ButtonProps } from 'antd';
import { App, Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { testIdProps } from '../components/format';
import { showServerError } from '../components/formErrors';
import { newPasswordRules } from '../components/passwordRules';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

export function ChangePasswordDialog({
  open,
  onClose,
  onDone,
}: {
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const change = useMutation({
    mutationFn: (v: Values) =>
      api.post<void>('/api/me/password', { currentPassword: v.currentPassword, newPassword: v.newPassword }),
    onSuccess: () => {
      form.resetFields();
      onDone();
    },
    onError: (e) => showServerError(e, message, form),
  });

  return (
    <Modal
      open={open}
      title={t('layout.changePassword')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={change.isPending}
      destroyOnHidden
      okButtonProps={testIdProps<ButtonProps>('change-password-submit')}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => change.mutate(v)}
        data-testid="change-password-form"
      >
        <Form.Item
          name="currentPassword"
          label={t('password.current')}
          rules={[{ required: true, message: t('password.currentRequired') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="newPassword" label={t('password.new')} rules={newPasswordRules(t)}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <ConfirmPasswordItem />
      </Form>
    </Modal>
  );
}

/** A "repeat the new password" field that must match `newPassword`. */
export function ConfirmPasswordItem() {
  const { t } = useTranslation();
  return (
    <Form.Item
      name="confirm"
      label={t('password.confirm')}
      dependencies={['newPassword']}
      rules={[
        { required: true, message: t('password.confirmRequired') },
        ({ getFieldValue }) => ({
          validator: (_, value) =>
            !value || getFieldValue('newPassword') === value
              ? Promise.resolve()
              : Promise.reject(new Error(t('password.mismatch'))),
        }),
      ]}
    >
      <Input.Password autoComplete="new-password" />
    </Form.Item>
  );
}
