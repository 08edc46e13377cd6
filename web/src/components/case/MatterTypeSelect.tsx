/**
 * The matter type of a report, chosen from the enabled types by code or name (typed to filter):
 * the one control the desktop intake and the hotline's report form share. Inside a Form.Item it
 * takes the item's value and onChange like any input.
 */
import { Select, type SelectProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMatterTypeList } from './api';

export function MatterTypeSelect(props: SelectProps<string> & { 'data-testid'?: string }) {
  const { t } = useTranslation();
  const types = useMatterTypeList();
  return (
    <Select
      allowClear
      showSearch={{
        filterOption: (input, o) =>
          String(o?.label ?? '')
            .toLowerCase()
            .includes(input.trim().toLowerCase()),
      }}
      placeholder={t('intake.typePlaceholder')}
      loading={types.isLoading}
      options={(types.data?.items ?? []).map((ty) => ({ value: ty.code, label: `${ty.code} ${ty.name}` }))}
      {...props}
    />
  );
}
