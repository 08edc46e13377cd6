/**
 * Who may see and change organisations. The city sees all; a district sees city-level bodies
 * and its own district's; a unit sees itself and the centres above it.
 */
import { and, eq, isNull, ne, or, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/context.ts';
import { org } from './tables.ts';

export interface OrgLike {
  id: string;
  kind: 'city_center' | 'district_center' | 'unit';
  districtCode: string | null;
}

export function canReadOrg(actor: Actor, o: OrgLike): boolean {
  if (!actor.permissions.includes('org:read')) return false;
  const s = actor.scope;
  if (s.kind === 'city') return true;
  if (s.kind === 'district') return o.districtCode === null || o.districtCode === s.districtCode;
  return (
    o.id === s.orgId || (o.kind !== 'unit' && (o.districtCode === null || o.districtCode === s.districtCode))
  );
}

/** The same rule as canReadOrg, as a SQL condition for lists (undefined: no restriction). */
export function orgReadFilter(actor: Actor): SQL | undefined {
  const s = actor.scope;
  if (s.kind === 'city') return undefined;
  if (s.kind === 'district') return or(isNull(org.districtCode), eq(org.districtCode, s.districtCode));
  const sameDistrict = s.districtCode ? eq(org.districtCode, s.districtCode) : isNull(org.districtCode);
  return or(eq(org.id, s.orgId), and(ne(org.kind, 'unit'), or(isNull(org.districtCode), sameDistrict)));
}

export function canManageOrg(actor: Actor, o: OrgLike): boolean {
  if (!actor.permissions.includes('org:manage')) return false;
  const s = actor.scope;
  if (s.kind === 'city') return true;
  if (s.kind === 'district') return o.districtCode === s.districtCode;
  return o.id === s.orgId;
}

/** Creating: the city creates anything; a district creates units of its own district. */
export function canCreateOrg(
  actor: Actor,
  input: { kind: OrgLike['kind']; districtCode: string | null },
): boolean {
  if (!actor.permissions.includes('org:manage')) return false;
  const s = actor.scope;
  if (s.kind === 'city') return true;
  if (s.kind === 'district') return input.kind === 'unit' && input.districtCode === s.districtCode;
  return false;
}
