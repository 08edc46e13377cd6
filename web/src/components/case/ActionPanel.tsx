/**
 * The actions the caller may take on the case now: one button per entry of the server's
 * `actions` (GET /api/cases/:id), never derived from roles here. Each opens a form with exactly
 * the fields that action requires; the submit carries the case `version` (optimistic concurrency).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Rate,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import type { TFunction } from 'i18next';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { suggestTypes } from '../../../../common/suggest.ts';
import {
  type CaseAction,
  DANGER_ACTIONS,
  SIDE_ACTIONS,
  TERMINAL_STATES,
} from '../../../../common/workflow.ts';
import { api, detailField, isApiError } from '../../api/client';
import type { ListResult } from '../../api/types';
import { testIdProps } from '../format';
import {
  type AvailableAction,
  type CaseDetail,
  type CaseSummary,
  type DuplicateCandidate,
  EXTENSION_UNITS,
  useMatterTypeList,
  useUnits,
} from './api';
import { actionLabel, stateLabel, timeUnitLabel } from './CaseBits';
import { PhotoUpload } from './Photos';

/** Danger buttons and side actions, as the transition table declares them (tone, placement). */
const DANGER = DANGER_ACTIONS;
const SIDE = SIDE_ACTIONS;

export function ActionPanel({ detail, onDone }: { detail: CaseDetail; onDone: () => void }) {
  const { t } = useTranslation();
  // The version the user saw when opening the form is the one the action names: a change by
  // someone else meanwhile (live refresh) ends in 409 CONFLICT rather than acting on a case
  // the user has not seen.
  const [open, setOpen] = useState<{ action: AvailableAction; version: number } | null>(null);
  const main = detail.actions.filter((a) => !SIDE.has(a.action));
  const side = detail.actions.filter((a) => SIDE.has(a.action));
  if (detail.actions.length === 0) {
    return (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={t('case.noActions')}
        data-testid="case-no-actions"
      />
    );
  }
  const button = (a: AvailableAction, primary: boolean) => (
    <Button
      key={a.action}
      type={primary && !DANGER.has(a.action) ? 'primary' : 'default'}
      danger={DANGER.has(a.action)}
      onClick={() => setOpen({ action: a, version: detail.case.version })}
      data-testid={`action-${a.action}`}
      block
    >
      {actionLabel(t, a.action)}
    </Button>
  );
  return (
    <div data-testid="case-actions">
      <Space orientation="vertical" style={{ width: '100%' }} size={8}>
        {main.map((a) => button(a, true))}
        {side.length > 0 && main.length > 0 && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('case.sideActions')}
          </Typography.Text>
        )}
        <Space wrap size={8}>
          {side.map((a) => (
            <Button
              key={a.action}
              size="small"
              danger={DANGER.has(a.action)}
              onClick={() => setOpen({ action: a, version: detail.case.version })}
              data-testid={`action-${a.action}`}
            >
              {actionLabel(t, a.action)}
            </Button>
          ))}
        </Space>
      </Space>
      {open && (
        <ActionDialog
          key={`${open.action.action}-${open.version}`}
          action={open.action}
          version={open.version}
          c={detail.case}
          onClose={() => setOpen(null)}
          onDone={() => {
            setOpen(null);
            onDone();
          }}
        />
      )}
    </div>
  );
}

interface FormValues {
  reason?: string;
  note?: string;
  photos?: string[];
  unitId?: string;
  matterType?: string;
  filingConditionId?: string;
  targetCaseId?: string;
  extension?: { amount?: number; unit?: string };
  rating?: number;
}

function ActionDialog({
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
  const [form] = Form.useForm<FormValues>();
  const [error, setError] = useState<string | null>(null);
  const fields = new Set(action.fields.filter((f) => f !== 'version'));
  const types = useMatterTypeList(fields.has('matterType'));
  const units = useUnits(fields.has('unitId'));
  const suggestedType = useMemo(
    () => c.matterCode ?? suggestTypes(c.description, types.data?.items ?? [])[0]?.code,
    [c.matterCode, c.description, types.data],
  );
  const chosenType = Form.useWatch('matterType', form) ?? suggestedType;
  const standard = useQuery({
    queryKey: ['catalog', 'standard', chosenType],
    enabled: fields.has('filingConditionId') && !!chosenType,
    staleTime: 60_000,
    queryFn: () =>
      api.get<{ filingConditions: { id: string; text: string }[] }>(`/api/catalog/standards/${chosenType}`),
  });
  // A standard with a single filing condition leaves nothing to choose: it is preselected.
  const filingConditions = standard.data?.filingConditions;
  useEffect(() => {
    if (filingConditions?.length === 1 && !form.getFieldValue('filingConditionId')) {
      form.setFieldValue('filingConditionId', filingConditions[0].id);
    }
  }, [filingConditions, form]);
  const route = useQuery({
    queryKey: ['routing', 'resolve', c.matterCode, c.gridId],
    enabled: fields.has('unitId') && !!c.matterCode,
    staleTime: 60_000,
    retry: false,
    queryFn: () =>
      api.get<{ unit: { id: string; name: string } }>('/api/routing/resolve', {
        matterCode: c.matterCode,
        gridId: c.gridId,
      }),
  });
  const suggestedUnit = route.data?.unit.id ?? c.suggestedUnitId ?? undefined;
  const duplicates = useQuery({
    queryKey: ['reports', 'duplicates', c.id],
    enabled: fields.has('targetCaseId') && !!c.matterCode,
    retry: false,
    queryFn: () =>
      api.get<{ items: DuplicateCandidate[] }>('/api/reports/duplicates', {
        lng: c.location.lng,
        lat: c.location.lat,
        crs: 'wgs84',
        matterCode: c.matterCode,
      }),
  });
  const sameType = useQuery({
    queryKey: ['cases', 'same-type', c.matterCode, c.districtCode],
    enabled: fields.has('targetCaseId') && !!c.matterCode,
    queryFn: () =>
      api.get<ListResult<CaseSummary>>('/api/cases', {
        view: 'all',
        matterCode: c.matterCode,
        districtCode: c.districtCode,
        pageSize: 20,
      }),
  });
  const [caseSearch, setCaseSearch] = useState('');
  const searched = useQuery({
    queryKey: ['cases', 'search', caseSearch],
    enabled: fields.has('targetCaseId') && caseSearch.trim().length >= 2,
    queryFn: () =>
      api.get<ListResult<CaseSummary>>('/api/cases', { view: 'all', q: caseSearch.trim(), pageSize: 10 }),
  });

  const submit = useMutation({
    mutationFn: (v: FormValues) => {
      const body: Record<string, unknown> = { version };
      for (const f of fields) {
        const value = v[f as keyof FormValues];
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
          if (!f || !fields.has(f as never)) continue;
          const text = err.code === 'VALIDATION_FAILED' && d.message ? d.message : msg;
          placed.push({ name: f === 'extension' ? ['extension', 'amount'] : [f], errors: [text] });
        }
        form.setFields(placed as Parameters<typeof form.setFields>[0]);
      }
    },
  });

  const initial: FormValues = {
    unitId: fields.has('unitId') ? suggestedUnit : undefined,
    matterType: fields.has('matterType') ? suggestedType : undefined,
    extension: fields.has('extension') ? { unit: 'work_day' } : undefined,
  };

  const unitOptions = (units.data ?? [])
    .filter((u) => !u.districtCode || u.districtCode === c.districtCode)
    .map((u) => ({
      value: u.id,
      label: u.name,
      search: `${u.name} ${u.code}`.toLowerCase(),
    }));
  const typeOptions = (types.data?.items ?? []).map((ty) => ({
    value: ty.code,
    label: `${ty.code} ${ty.name}`,
    search: `${ty.code} ${ty.name} ${ty.majorName ?? ''}`.toLowerCase(),
  }));
  const candidateOptions = [
    ...(duplicates.data?.items ?? [])
      .filter((d) => d.case.id !== c.id)
      .map((d) => ({
        value: d.case.id,
        label: `${d.case.code} · ${t('intake.distance', { m: d.distanceM })} · ${d.case.description.slice(0, 24)}`,
      })),
    ...(sameType.data?.items ?? [])
      .filter((x) => x.id !== c.id && !TERMINAL_STATES.includes(x.state))
      .map((x) => ({
        value: x.id,
        label: `${x.code} · ${stateLabel(t, x.state)} · ${x.description.slice(0, 24)}`,
      })),
    ...(searched.data?.items ?? [])
      .filter((x) => x.id !== c.id)
      .map((x) => ({
        value: x.id,
        label: `${x.code} · ${stateLabel(t, x.state)} · ${x.description.slice(0, 24)}`,
      })),
  ].filter((o, i, all) => all.findIndex((p) => p.value === o.value) === i);

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
      okButtonProps={{ loading: submit.isPending, ...testIdProps('action-submit') }}
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
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={(v) => {
          setError(null);
          submit.mutate(v);
        }}
        requiredMark
      >
        {fields.has('matterType') && (
          <Form.Item
            name="matterType"
            label={t('case.field.matterType')}
            rules={[{ required: true, message: t('case.required') }]}
            extra={
              suggestedType && !c.matterCode ? t('case.suggestedType', { code: suggestedType }) : undefined
            }
          >
            <Select
              showSearch={{
                filterOption: (input, o) => (o?.search ?? '').includes(input.trim().toLowerCase()),
              }}
              options={typeOptions}
              loading={types.isLoading}
              onChange={() => form.setFieldValue('filingConditionId', undefined)}
              data-testid="field-matterType"
            />
          </Form.Item>
        )}
        {fields.has('filingConditionId') && (
          <Form.Item
            name="filingConditionId"
            label={t('case.field.filingConditionId')}
            rules={[{ required: true, message: t('case.required') }]}
          >
            {standard.data ? (
              <Radio.Group
                data-testid="field-filingConditionId"
                style={{ display: 'flex', flexDirection: 'column', gap: 6 }}
              >
                {standard.data.filingConditions.map((fc) => (
                  <Radio key={fc.id} value={fc.id}>
                    {fc.text}
                  </Radio>
                ))}
              </Radio.Group>
            ) : (
              <Typography.Text type="secondary">
                {standard.isLoading ? t('case.loading') : t('case.chooseTypeFirst')}
              </Typography.Text>
            )}
          </Form.Item>
        )}
        {fields.has('unitId') && (
          <Form.Item
            name="unitId"
            label={t('case.field.unitId')}
            rules={[{ required: true, message: t('case.required') }]}
            extra={suggestedUnit ? t('case.suggestedUnitHint') : undefined}
          >
            <Select
              showSearch={{
                filterOption: (input, o) => (o?.search ?? '').includes(input.trim().toLowerCase()),
              }}
              options={unitOptions}
              loading={units.isLoading}
              optionRender={(o) => (
                <span>
                  {o.data.label}{' '}
                  {o.data.value === suggestedUnit && <Tag color="green">{t('case.suggested')}</Tag>}
                </span>
              )}
              data-testid="field-unitId"
            />
          </Form.Item>
        )}
        {fields.has('targetCaseId') && (
          <Form.Item
            name="targetCaseId"
            label={t('case.field.targetCaseId')}
            rules={[{ required: true, message: t('case.required') }]}
          >
            <Select
              showSearch={{ filterOption: false, onSearch: setCaseSearch }}
              options={candidateOptions}
              loading={duplicates.isLoading || searched.isFetching}
              placeholder={t('case.targetCasePlaceholder')}
              notFoundContent={t('case.noCandidates')}
              data-testid="field-targetCaseId"
            />
          </Form.Item>
        )}
        {fields.has('extension') && (
          <Form.Item label={t('case.field.extension')} required>
            <Space.Compact>
              <Form.Item
                name={['extension', 'amount']}
                noStyle
                rules={[{ required: true, message: t('case.required') }]}
              >
                <InputNumber
                  min={0.5}
                  max={1000}
                  step={1}
                  style={{ width: 140 }}
                  data-testid="field-extension-amount"
                />
              </Form.Item>
              <Form.Item name={['extension', 'unit']} noStyle>
                <Select
                  style={{ width: 140 }}
                  options={EXTENSION_UNITS.map((u) => ({ value: u, label: timeUnitLabel(t, u) }))}
                  data-testid="field-extension-unit"
                />
              </Form.Item>
            </Space.Compact>
          </Form.Item>
        )}
        {fields.has('rating') && (
          <Form.Item
            name="rating"
            label={t('case.field.rating')}
            rules={[{ required: true, message: t('case.required') }]}
          >
            <Rate data-testid="field-rating" />
          </Form.Item>
        )}
        {fields.has('photos') && (
          <Form.Item
            name="photos"
            label={t('case.field.photos')}
            rules={[{ required: true, type: 'array', min: 1, message: t('case.photoRequired') }]}
          >
            <PhotoUpload testId="field-photos" />
          </Form.Item>
        )}
        {fields.has('reason') && (
          <Form.Item
            name="reason"
            label={reasonLabel(t, action.action)}
            rules={[{ required: true, whitespace: true, message: t('case.required') }, { max: 1000 }]}
          >
            <Input.TextArea rows={3} maxLength={1000} showCount data-testid="field-reason" />
          </Form.Item>
        )}
        {fields.has('note') && (
          <Form.Item
            name="note"
            label={t('case.field.note')}
            rules={[{ required: true, whitespace: true, message: t('case.required') }, { max: 2000 }]}
          >
            <Input.TextArea rows={3} maxLength={2000} showCount data-testid="field-note" />
          </Form.Item>
        )}
        {fields.size === 0 && (
          <Typography.Paragraph data-testid="action-confirm-text">
            {t('case.confirmText', { action: actionLabel(t, action.action), code: c.code })}
          </Typography.Paragraph>
        )}
      </Form>
    </Modal>
  );
}

function reasonLabel(t: TFunction, action: CaseAction): string {
  return t(`case.reasonFor.${action}`, { defaultValue: t('case.field.reason') });
}
