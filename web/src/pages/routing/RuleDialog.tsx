import { Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, request } from '../../api/client';
import { FormModal } from '../../components/FormModal';
import { OrgSelect } from '../../components/OrgSelect';
import { useMatterTypes } from '../catalog/api';
import { AREA_LEVELS, type Rule, TYPE_LEVELS } from './api';

interface Values {
  typeLevel: Rule['typeLevel'];
  matterCode?: string;
  matterMajor?: string;
  areaLevel: Rule['areaLevel'];
  areaCode: string;
  unitId: string;
  note?: string;
  reason: string;
}

const AREA_LENGTH = { district: 6, township: 9, community: 12, grid: 15 } as const;

/** Create a rule, edit one (unit, note), or deactivate one (mode 'deactivate'); every change needs a reason. */
export function RuleDialog({
  rule,
  mode,
  onClose,
}: {
  rule?: Rule;
  mode: 'create' | 'edit' | 'deactivate';
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const matters = useMatterTypes();
  const typeLevel = Form.useWatch('typeLevel', form);
  const areaLevel = Form.useWatch('areaLevel', form) ?? rule?.areaLevel ?? 'district';
  const save = (v: Values) => {
    const reason = v.reason.trim();
    if (mode === 'deactivate' && rule) {
      return request<Rule>('DELETE', `/api/routing/rules/${rule.id}`, {
        body: { version: rule.version, reason },
      });
    }
    if (mode === 'edit' && rule) {
      return api.patch<Rule>(`/api/routing/rules/${rule.id}`, {
        version: rule.version,
        reason,
        unitId: v.unitId,
        note: v.note?.trim() || null,
      });
    }
    return api.post<Rule>('/api/routing/rules', {
      matterCode: v.typeLevel === 'matter' ? v.matterCode : null,
      matterMajor: v.typeLevel === 'major' ? v.matterMajor : null,
      areaLevel: v.areaLevel,
      areaCode: v.areaCode.trim(),
      unitId: v.unitId,
      note: v.note?.trim() || null,
      reason,
    });
  };
  const majors = [...new Map((matters.data?.items ?? []).map((m) => [m.majorCode, m.majorName])).entries()];
  const locked = mode !== 'create';
  return (
    <FormModal<Values, Rule>
      title={t(`routing.${mode}Title`)}
      width={600}
      testId="routing-dialog"
      submitTestId="routing-dialog-submit"
      danger={mode === 'deactivate'}
      form={form}
      initialValues={
        rule
          ? {
              ...rule,
              matterCode: rule.matterCode ?? undefined,
              matterMajor: rule.matterMajor ?? undefined,
              note: rule.note ?? '',
            }
          : { typeLevel: 'default', areaLevel: 'district' }
      }
      mutationFn={save}
      success={t('common.saved')}
      invalidate={['routing']}
      refreshOnError="conflict"
      onClose={onClose}
    >
      <Form.Item name="typeLevel" label={t('routing.typeLevel')}>
        <Select
          disabled={locked}
          options={TYPE_LEVELS.map((l) => ({ value: l, label: t(`routing.typeLevels.${l}`) }))}
          data-testid="routing-field-type-level"
        />
      </Form.Item>
      {typeLevel === 'matter' && (
        <Form.Item name="matterCode" label={t('routing.matter')} rules={[{ required: true }]}>
          <Select
            disabled={locked}
            showSearch={{ optionFilterProp: 'label' }}
            options={(matters.data?.items ?? []).map((m) => ({
              value: m.code,
              label: `${m.code} ${m.name}`,
            }))}
            data-testid="routing-field-matter"
          />
        </Form.Item>
      )}
      {typeLevel === 'major' && (
        <Form.Item name="matterMajor" label={t('routing.major')} rules={[{ required: true }]}>
          <Select
            disabled={locked}
            options={majors.map(([code, name]) => ({ value: code, label: `${code} ${name ?? ''}` }))}
            data-testid="routing-field-major"
          />
        </Form.Item>
      )}
      <Form.Item name="areaLevel" label={t('routing.areaLevel')}>
        <Select
          disabled={locked}
          options={AREA_LEVELS.map((l) => ({ value: l, label: t(`routing.areaLevels.${l}`) }))}
          data-testid="routing-field-area-level"
        />
      </Form.Item>
      <Form.Item
        name="areaCode"
        label={t('routing.areaCode')}
        extra={t('routing.areaCodeHelp', { n: AREA_LENGTH[areaLevel as keyof typeof AREA_LENGTH] })}
        rules={[
          {
            required: true,
            pattern: new RegExp(`^\\d{${AREA_LENGTH[areaLevel as keyof typeof AREA_LENGTH]}}$`),
            message: t('routing.areaCodeFormat'),
          },
        ]}
      >
        <Input disabled={locked} style={{ fontFamily: 'monospace' }} data-testid="routing-field-area-code" />
      </Form.Item>
      <Form.Item name="unitId" label={t('routing.unit')} rules={[{ required: true }]}>
        <OrgSelect disabled={mode === 'deactivate'} data-testid="routing-field-unit" />
      </Form.Item>
      <Form.Item name="note" label={t('routing.note')}>
        <Input disabled={mode === 'deactivate'} maxLength={500} />
      </Form.Item>
      <Form.Item
        name="reason"
        label={t('routing.reason')}
        rules={[{ required: true, whitespace: true, message: t('routing.reasonRequired') }]}
      >
        <Input.TextArea autoSize maxLength={500} data-testid="routing-field-reason" />
      </Form.Item>
    </FormModal>
  );
}
