/**
 * The form of one action: exactly the fields the server says the action requires (one component
 * each, from ActionFields), submitted with the case version the user saw when opening it.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Modal, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RequiredField } from '../../../../common/workflow.ts';
import { api, detailField, isApiError } from '../../api/client';
import { useMe } from '../../api/queries';
import { NearestInspectors } from '../../pages/teams/NearestInspectors';
import { testIdProps } from '../format';
import { ActionClocks, DecidedApplication } from './ActionContext';
import { type ActionValues, fieldsInOrder, useActionSuggestions } from './ActionFields';
import type { AvailableAction, CaseSummary } from './api';
import { actionLabel, stateLabel } from './CaseBits';

export function ActionDialog({
  action,
  version,
  c,
  onClose,
  onDone,
}: {
  action: AvailableAction;
  version: number;
  c: CaseSummary;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<ActionValues>();
  const [error, setError] = useState<string | null>(null);
  const required: ReadonlySet<RequiredField> = new Set(action.fields.filter((f) => f !== 'version'));
  // Every field the form shows: the required ones and those the action offers (a comment…).
  const fields: ReadonlySet<RequiredField> = new Set([...required, ...action.optional]);
  const suggested = useActionSuggestions(c, required);
  // Sending an inspector on site (核实/核查): the nearest on-duty ones as a suggestion (teams).
  const { data: me } = useMe();
  const sendsInspector =
    (action.action === 'request_verify' || action.action === 'request_check') &&
    (me?.permissions.includes('teams:read') ?? false);
  // The classifier answers after the form opened: its first type fills the field unless chosen.
  const wantsType = fields.has('matterType');
  useEffect(() => {
    if (suggested.matterType && wantsType && !form.getFieldValue('matterType')) {
      form.setFieldValue('matterType', suggested.matterType);
    }
  }, [suggested.matterType, wantsType, form]);

  const submit = useMutation({
    mutationFn: (v: ActionValues) => {
      const body: Record<string, unknown> = { version };
      for (const f of fields) {
        const value = v[f as keyof ActionValues];
        if (value !== undefined && value !== '') body[f] = value;
      }
      return api.post<CaseSummary>(`/api/cases/${c.id}/actions/${action.action}`, body);
    },
    onSuccess: (res) => {
      void message.success(
        t('case.actionDone', { action: actionLabel(t, action.action), state: stateLabel(t, res.state) }),
      );
      void qc.invalidateQueries({ queryKey: ['cases'] });
      onDone();
    },
    onError: (err) => {
      if (isApiError(err) && err.status === 409) {
        void message.warning(t('case.conflict'));
        void qc.invalidateQueries({ queryKey: ['cases'] });
        onDone();
        return;
      }
      const msg = err instanceof Error ? err.message : String(err);
      setError(msg);
      if (isApiError(err)) {
        const placed: { name: (string | number)[]; errors: string[] }[] = [];
        for (const d of err.details) {
          const f = detailField(d);
          if (!f || !fields.has(f as RequiredField)) continue;
          const text = err.code === 'VALIDATION_FAILED' && d.message ? d.message : msg;
          // The extension's error belongs beside its amount, the part the user types.
          placed.push({ name: f === 'extension' ? ['extension', 'amount'] : [f], errors: [text] });
        }
        form.setFields(placed as Parameters<typeof form.setFields>[0]);
      }
    },
  });

  const initial: ActionValues = {
    unitId: fields.has('unitId') ? suggested.unitId : undefined,
    matterType: fields.has('matterType') ? suggested.matterType : undefined,
    extension: fields.has('extension') ? { unit: 'work_day' } : undefined,
    // An earlier step's words the table says the form starts with (the check's finding).
    reason: action.prefill?.reason,
    note: action.prefill?.note,
  };

  return (
    <Modal
      open
      title={
        <Space>
          <span>{actionLabel(t, action.action)}</span>
          <Typography.Text type="secondary" style={{ fontSize: 13, fontWeight: 'normal' }}>
            {c.code}
          </Typography.Text>
        </Space>
      }
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('case.confirmAction')}
      // Until the classifier answered, the type it is about to propose is not there to confirm.
      okButtonProps={{
        loading: submit.isPending,
        disabled: !!suggested.loading && wantsType,
        ...testIdProps('action-submit'),
      }}
      cancelButtonProps={testIdProps('action-cancel')}
      destroyOnHidden
      width={fields.has('filingConditionId') || fields.has('photos') ? 620 : 520}
      data-testid="action-dialog"
    >
      {action.to !== c.state && (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
          {t('case.actionMovesTo', { from: stateLabel(t, c.state), to: stateLabel(t, action.to) })}
        </Typography.Paragraph>
      )}
      {c.version !== version && !error && (
        <Alert
          type="warning"
          showIcon
          title={t('case.changedMeanwhile')}
          style={{ marginBottom: 12 }}
          data-testid="action-stale"
        />
      )}
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="action-error" />
      )}
      {action.decides && <DecidedApplication c={c} application={action.decides} />}
      {action.clocks.length > 0 && <ActionClocks clocks={action.clocks} />}
      {sendsInspector && (
        <NearestInspectors lng={c.location.lng} lat={c.location.lat} district={c.districtCode} />
      )}
      <Form<ActionValues>
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={(v) => {
          setError(null);
          submit.mutate(v);
        }}
        requiredMark
      >
        {fieldsInOrder(fields).map(([name, Field]) => (
          <Field
            key={name}
            form={form}
            c={c}
            action={action}
            suggested={suggested}
            required={required.has(name)}
          />
        ))}
        {fields.size === 0 && (
          <Typography.Paragraph data-testid="action-confirm-text">
            {t('case.confirmText', { action: actionLabel(t, action.action), code: c.code })}
          </Typography.Paragraph>
        )}
      </Form>
    </Modal>
  );
}
