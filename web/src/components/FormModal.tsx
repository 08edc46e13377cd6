/**
 * Saving from a list page: a mutation that says so, refreshes the lists it changed and shows the
 * server's error (beside the form field it names, when there is a form); and the create/edit
 * dialog built on it (a vertical form in a modal whose OK button submits it).
 */
import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';
import type { ButtonProps, FormInstance, FormProps } from 'antd';
import { App, Form, Modal } from 'antd';
import type { ReactNode } from 'react';
import { isApiError } from '../api/client';
import { testIdProps } from './format';
import { showServerError } from './formErrors';

export interface SaveOptions<V, R> {
  mutationFn: (values: V) => Promise<R>;
  /** Queries to refresh after a save (a prefix, e.g. `['users']`). */
  invalidate?: QueryKey;
  /**
   * Refresh them after a failure too: on a 409 (the row changed meanwhile, so the list shows the
   * new version) or after any error.
   */
  refreshOnError?: 'conflict' | 'always';
  /** The success message; none when omitted. */
  success?: string | ((result: R) => string);
  onSaved?: (result: R) => void;
  /** Server errors that name one of this form's fields are shown beside that field. */
  form?: FormInstance;
}

export function useSave<V, R>({
  mutationFn,
  invalidate,
  refreshOnError,
  success,
  onSaved,
  form,
}: SaveOptions<V, R>) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const refresh = () => {
    if (invalidate) void qc.invalidateQueries({ queryKey: invalidate });
  };
  return useMutation({
    mutationFn,
    onSuccess: (result: R) => {
      if (success) void message.success(typeof success === 'function' ? success(result) : success);
      refresh();
      onSaved?.(result);
    },
    onError: (e) => {
      showServerError(e, message, form);
      if (refreshOnError === 'always' || (refreshOnError === 'conflict' && isApiError(e) && e.status === 409))
        refresh();
    },
  });
}

export interface FormModalProps<V, R> extends Omit<SaveOptions<V, R>, 'form'> {
  title: ReactNode;
  width?: number;
  /** `data-testid` of the form and of the OK button. */
  testId: string;
  submitTestId: string;
  initialValues?: FormProps<V>['initialValues'];
  /** The form, when the caller watches its fields; otherwise the dialog makes its own. */
  form?: FormInstance<V>;
  /** Shown above the form. */
  intro?: ReactNode;
  /** A red OK button (the dialog removes or switches something off). */
  danger?: boolean;
  /** Cancel; also what happens after a save unless `onSaved` is given. */
  onClose: () => void;
  children: ReactNode;
}

/** An open create/edit dialog: OK submits the form, a save closes it (or calls `onSaved`). */
export function FormModal<V extends object, R = unknown>({
  title,
  width,
  testId,
  submitTestId,
  initialValues,
  form: givenForm,
  intro,
  danger,
  onClose,
  onSaved,
  children,
  ...save
}: FormModalProps<V, R>) {
  const [form] = Form.useForm<V>(givenForm);
  const mutation = useSave<V, R>({ ...save, form, onSaved: onSaved ?? onClose });
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={mutation.isPending}
      destroyOnHidden
      width={width}
      okButtonProps={{ ...testIdProps<ButtonProps>(submitTestId), danger }}
    >
      {intro}
      <Form<V>
        form={form}
        layout="vertical"
        data-testid={testId}
        initialValues={initialValues}
        onFinish={(v) => mutation.mutate(v)}
      >
        {children}
      </Form>
    </Modal>
  );
}
