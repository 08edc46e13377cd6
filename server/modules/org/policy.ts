/**
 * Who may see and change organisations. The city sees all; a district sees city-level bodies
 * and its own district's; a unit sees itself and the centres above it.
 */
import { defineScope } from '../../platform/scope.ts';
import { org } from './tables.ts';

export interface OrgLike {
  id: string;
  kind: 'city_center' | 'district_center' | 'unit';
  districtCode: string | null;
}

const columns = { id: org.id, kind: org.kind, districtCode: org.districtCode };

export const orgRead = defineScope({
  permission: 'org:read',
  columns,
  city: true,
  district: (d) => ({ districtCode: [null, d.districtCode] }),
  // Itself, and the centres it works under: the city centre and (a district's unit) its district's.
  unit: (u) => [{ id: u.orgId }, { kind: { not: 'unit' }, districtCode: [null, u.districtCode] }],
});

/** Changing an organisation: the city any, a district its district's, a unit itself. */
export const orgManage = defineScope({
  permission: 'org:manage',
  columns,
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => ({ id: u.orgId }),
});

/** Creating: the city creates anything; a district creates units of its own district. */
export const orgCreate = defineScope({
  permission: 'org:manage',
  columns: { kind: org.kind, districtCode: org.districtCode },
  city: true,
  district: (d) => ({ kind: 'unit', districtCode: d.districtCode }),
  unit: false,
});
