import { Select, type SelectProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAllOrgs } from '../api/queries';
import { orgKindLabel } from './labels';

type Props = Omit<SelectProps<string>, 'options' | 'mode'> & {
  /** Orgs not to offer (e.g. an org itself as its own parent). */
  excludeIds?: string[];
};

/** A searchable select of the organisations the caller can see (GET /api/orgs). */
export function OrgSelect({ excludeIds, ...props }: Props) {
  const { t } = useTranslation();
  const orgs = useAllOrgs();
  const options = (orgs.data ?? [])
    .filter((o) => !excludeIds?.includes(o.id))
    .map((o) => ({
      value: o.id,
      label: o.name,
      search: `${o.name} ${o.code} ${o.districtCode ?? ''}`.toLowerCase(),
      kind: o.kind,
    }));
  return (
    <Select<string>
      showSearch={{
        filterOption: (input, option) => (option?.search ?? '').includes(input.trim().toLowerCase()),
      }}
      loading={orgs.isLoading}
      placeholder={t('user.orgPlaceholder')}
      optionRender={(option) => (
        <span>
          {option.data.label}{' '}
          <span style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>{orgKindLabel(t, option.data.kind)}</span>
        </span>
      )}
      {...props}
      options={options}
    />
  );
}
