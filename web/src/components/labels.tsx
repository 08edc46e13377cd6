import { Tag } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';

const ROLE_COLORS: Record<string, string> = {
  admin: 'red',
  leader: 'gold',
  supervisor: 'purple',
  dispatcher: 'blue',
  shift_leader: 'geekblue',
  acceptor: 'cyan',
  inspector: 'green',
  unit_handler: 'orange',
};

const KIND_COLORS: Record<string, string> = {
  city_center: 'red',
  district_center: 'blue',
  unit: 'green',
};

export const roleLabel = (t: TFunction, role: string) => t(`role.${role}`, { defaultValue: role });
export const orgKindLabel = (t: TFunction, kind: string) => t(`orgKind.${kind}`, { defaultValue: kind });
export const permissionLabel = (t: TFunction, p: string) => t(`permission.${p}`, { defaultValue: p });

export function RoleTags({ roles }: { roles: readonly string[] }) {
  const { t } = useTranslation();
  return (
    <>
      {roles.map((r) => (
        <Tag key={r} color={ROLE_COLORS[r]} style={{ marginBottom: 2 }}>
          {roleLabel(t, r)}
        </Tag>
      ))}
    </>
  );
}

export function OrgKindTag({ kind }: { kind: string }) {
  const { t } = useTranslation();
  return <Tag color={KIND_COLORS[kind]}>{orgKindLabel(t, kind)}</Tag>;
}
