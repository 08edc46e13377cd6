/**
 * Who may manage a unit's endpoint and its deliveries: holders of `endpoint:manage` within their
 * administrative reach — the city admin any unit, a district admin the units of its district, a
 * unit admin its own unit. Outside that reach a unit's endpoint does not exist (404).
 */
import { and, eq, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { org } from '../org/tables.ts';

interface OrgLike {
  id: string;
  kind: 'city_center' | 'district_center' | 'unit';
  districtCode: string | null;
}

export function requireEndpointManage(actor: Actor) {
  if (!actor.permissions.includes('endpoint:manage')) throw new AppError('FORBIDDEN');
}

export function canManageEndpointOf(actor: Actor, o: OrgLike): boolean {
  if (!actor.permissions.includes('endpoint:manage') || o.kind !== 'unit') return false;
  const s = actor.scope;
  if (s.kind === 'city') return true;
  if (s.kind === 'district') return o.districtCode === s.districtCode;
  return o.id === s.orgId;
}

/** The units whose endpoints the actor manages, as a SQL condition on `org`. */
export function endpointScopeFilter(actor: Actor): SQL | undefined {
  const s = actor.scope;
  const unit = eq(org.kind, 'unit');
  if (s.kind === 'city') return unit;
  if (s.kind === 'district') return and(unit, eq(org.districtCode, s.districtCode));
  return and(unit, eq(org.id, s.orgId));
}
