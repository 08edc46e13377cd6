/**
 * One form item per field an action may require (`RequiredField` in common/workflow.ts), each
 * with the data it needs to offer choices. `ACTION_FIELDS` is keyed by that union: a field added
 * to the workflow does not build until it has a component here (or `null`, for one the dialog
 * carries itself). The record's order is the order of the form.
 */
import { useQuery } from '@tanstack/react-query';
import {
  Form,
  type FormInstance,
  Input,
  InputNumber,
  Radio,
  Rate,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import type { TFunction } from 'i18next';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type CaseAction, type RequiredField, TERMINAL_STATES } from '../../../../common/workflow.ts';
import { api } from '../../api/client';
import type { ListResult } from '../../api/types';
import { type SuggestedType, scorePercent, useSuggestions } from '../suggest/useSuggestions';
import { type AvailableAction, type CaseSummary, EXTENSION_UNITS, useMatterTypeList, useUnits } from './api';
import { stateLabel, timeUnitLabel } from './CaseBits';
import { useDuplicates } from './Duplicates';
import { PhotoUpload } from './Photos';

export interface ActionValues {
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

/** What the platform proposes before the user chooses: the case's type and its unit. */
export interface ActionSuggestions {
  matterType?: string;
  unitId?: string;
  /** The classifier's types for the case's words, best first (when the case has no type yet). */
  matterTypes?: SuggestedType[];
  /** The classifier has not answered yet (the type field is about to be filled). */
  loading?: boolean;
}

export interface FieldProps {
  form: FormInstance<ActionValues>;
  c: CaseSummary;
  action: AvailableAction;
  suggested: ActionSuggestions;
  /** Whether the action requires the field (else the form offers it: a comment, instructions). */
  required: boolean;
}
type FieldComponent = (props: FieldProps) => ReactNode;

/**
 * The suggested type (the case's own, else the classifier's first for its description and point)
 * and unit (the routing rule's, else the one the case was given), asked only when the action
 * needs them.
 */
export function useActionSuggestions(c: CaseSummary, fields: ReadonlySet<RequiredField>): ActionSuggestions {
  const classified = useSuggestions(c.description, c.location, {
    enabled: fields.has('matterType') && !c.matterCode,
    debounceMs: 0,
  });
  const matterTypes = c.matterCode ? [] : (classified.data?.matterTypes ?? []);
  const matterType = c.matterCode ?? matterTypes[0]?.code;
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
  return {
    matterType,
    matterTypes,
    loading: classified.isLoading,
    unitId: route.data?.unit.id ?? c.suggestedUnitId ?? undefined,
  };
}

const searchable = (input: string, o?: { search?: string }) =>
  (o?.search ?? '').includes(input.trim().toLowerCase());

function MatterTypeField({ form, c, suggested }: FieldProps) {
  const { t } = useTranslation();
  const types = useMatterTypeList();
  const options = (types.data?.items ?? []).map((ty) => ({
    value: ty.code,
    label: `${ty.code} ${ty.name}`,
    search: `${ty.code} ${ty.name} ${ty.majorName ?? ''}`.toLowerCase(),
  }));
  return (
    <Form.Item
      name="matterType"
      label={t('case.field.matterType')}
      rules={[{ required: true, message: t('case.required') }]}
      extra={
        !c.matterCode && (suggested.matterTypes?.length ?? 0) > 0 ? (
          <span data-testid="field-matterType-suggestions">
            {t('case.suggestedTypes')}{' '}
            {suggested.matterTypes!.map((s) => (
              <Tag
                key={s.code}
                style={{ cursor: 'pointer' }}
                onClick={() => {
                  form.setFieldValue('matterType', s.code);
                  form.setFieldValue('filingConditionId', undefined);
                }}
                data-testid="field-matterType-suggestion"
                data-code={s.code}
              >
                {s.code} {s.name} <span style={{ opacity: 0.6 }}>{scorePercent(s.score)}</span>
              </Tag>
            ))}
          </span>
        ) : undefined
      }
    >
      <Select
        showSearch={{ filterOption: searchable }}
        options={options}
        loading={types.isLoading}
        // The filing conditions belong to the type: another type clears the choice.
        onChange={() => form.setFieldValue('filingConditionId', undefined)}
        data-testid="field-matterType"
      />
    </Form.Item>
  );
}

function FilingConditionField({ form, suggested }: FieldProps) {
  const { t } = useTranslation();
  const chosenType = Form.useWatch('matterType', form) ?? suggested.matterType;
  const standard = useQuery({
    queryKey: ['catalog', 'standard', chosenType],
    enabled: !!chosenType,
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
  return (
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
  );
}

function UnitField({ c, suggested }: FieldProps) {
  const { t } = useTranslation();
  const units = useUnits();
  // A district's case goes to a unit of that district or to a city-level unit.
  const options = (units.data ?? [])
    .filter((u) => !u.districtCode || u.districtCode === c.districtCode)
    .map((u) => ({ value: u.id, label: u.name, search: `${u.name} ${u.code}`.toLowerCase() }));
  return (
    <Form.Item
      name="unitId"
      label={t('case.field.unitId')}
      rules={[{ required: true, message: t('case.required') }]}
      extra={suggested.unitId ? t('case.suggestedUnitHint') : undefined}
    >
      <Select
        showSearch={{ filterOption: searchable }}
        options={options}
        loading={units.isLoading}
        optionRender={(o) => (
          <span>
            {o.data.label}{' '}
            {o.data.value === suggested.unitId && <Tag color="green">{t('case.suggested')}</Tag>}
          </span>
        )}
        data-testid="field-unitId"
      />
    </Form.Item>
  );
}

/**
 * The case to merge into: first the open cases of the same type nearby (the duplicates intake
 * shows), then the district's open cases of that type, then any found by searching.
 */
function TargetCaseField({ c }: FieldProps) {
  const { t } = useTranslation();
  const duplicates = useDuplicates(c.location, c.matterCode);
  const sameType = useQuery({
    queryKey: ['cases', 'same-type', c.matterCode, c.districtCode],
    enabled: !!c.matterCode,
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
    enabled: caseSearch.trim().length >= 2,
    queryFn: () =>
      api.get<ListResult<CaseSummary>>('/api/cases', { view: 'all', q: caseSearch.trim(), pageSize: 10 }),
  });
  const caseOption = (x: CaseSummary) => ({
    value: x.id,
    label: `${x.code} · ${stateLabel(t, x.state)} · ${x.description.slice(0, 24)}`,
  });
  const options = [
    ...(duplicates.data?.items ?? [])
      .filter((d) => d.case.id !== c.id)
      .map((d) => ({
        value: d.case.id,
        label: `${d.case.code} · ${t('intake.distance', { m: d.distanceM })} · ${d.case.description.slice(0, 24)}`,
      })),
    ...(sameType.data?.items ?? [])
      .filter((x) => x.id !== c.id && !TERMINAL_STATES.includes(x.state))
      .map(caseOption),
    ...(searched.data?.items ?? []).filter((x) => x.id !== c.id).map(caseOption),
  ].filter((o, i, all) => all.findIndex((p) => p.value === o.value) === i);
  return (
    <Form.Item
      name="targetCaseId"
      label={t('case.field.targetCaseId')}
      rules={[{ required: true, message: t('case.required') }]}
    >
      <Select
        showSearch={{ filterOption: false, onSearch: setCaseSearch }}
        options={options}
        loading={duplicates.isLoading || searched.isFetching}
        placeholder={t('case.targetCasePlaceholder')}
        notFoundContent={t('case.noCandidates')}
        data-testid="field-targetCaseId"
      />
    </Form.Item>
  );
}

function ExtensionField() {
  const { t } = useTranslation();
  return (
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
  );
}

function RatingField() {
  const { t } = useTranslation();
  return (
    <Form.Item
      name="rating"
      label={t('case.field.rating')}
      rules={[{ required: true, message: t('case.required') }]}
    >
      <Rate data-testid="field-rating" />
    </Form.Item>
  );
}

function PhotosField({ required }: FieldProps) {
  const { t } = useTranslation();
  return (
    <Form.Item
      name="photos"
      label={t('case.field.photos')}
      rules={required ? [{ required: true, type: 'array', min: 1, message: t('case.photoRequired') }] : []}
    >
      <PhotoUpload testId="field-photos" />
    </Form.Item>
  );
}

function reasonLabel(t: TFunction, action: CaseAction): string {
  return t(`case.reasonFor.${action}`, { defaultValue: t('case.field.reason') });
}

/** What the note is for this action (处置情况, 受理意见, 派遣要求…), else 说明. */
export function noteLabel(t: TFunction, action: string): string {
  return t(`case.noteFor.${action}`, { defaultValue: t('case.field.note') });
}

function ReasonField({ action, required }: FieldProps) {
  const { t } = useTranslation();
  return (
    <Form.Item
      name="reason"
      label={reasonLabel(t, action.action)}
      rules={[{ required, whitespace: true, message: t('case.required') }, { max: 1000 }]}
      extra={action.prefill?.reason ? t('case.prefilled') : undefined}
    >
      <Input.TextArea rows={3} maxLength={1000} showCount data-testid="field-reason" />
    </Form.Item>
  );
}

function NoteField({ action, required }: FieldProps) {
  const { t } = useTranslation();
  return (
    <Form.Item
      name="note"
      label={noteLabel(t, action.action)}
      rules={[{ required, whitespace: true, message: t('case.required') }, { max: 2000 }]}
      extra={required ? undefined : t(`case.noteHint.${action.action}`, { defaultValue: '' }) || undefined}
    >
      <Input.TextArea
        rows={3}
        maxLength={2000}
        showCount
        placeholder={t(`case.notePlaceholder.${action.action}`, { defaultValue: '' }) || undefined}
        data-testid="field-note"
      />
    </Form.Item>
  );
}

export const ACTION_FIELDS: Readonly<Record<RequiredField, FieldComponent | null>> = {
  // The version is the one the user saw when opening the dialog, sent by the dialog itself.
  version: null,
  matterType: MatterTypeField,
  filingConditionId: FilingConditionField,
  unitId: UnitField,
  targetCaseId: TargetCaseField,
  extension: ExtensionField,
  rating: RatingField,
  photos: PhotosField,
  reason: ReasonField,
  note: NoteField,
};

/** The fields of one action in form order, each with its component. */
export function fieldsInOrder(fields: ReadonlySet<RequiredField>): [RequiredField, FieldComponent][] {
  return (Object.entries(ACTION_FIELDS) as [RequiredField, FieldComponent | null][]).filter(
    (e): e is [RequiredField, FieldComponent] => e[1] !== null && fields.has(e[0]),
  );
}
