/**
 * Who may see and change users and API keys. An administrator acts inside their own scope:
 * the city's over everyone, a district's over the organisations of that district, a unit's over
 * its own people. Anyone outside that scope is told the record does not exist.
 */
import { eq, type SQL } from 'drizzle-orm';
import type { OrgKind, Permission, Role, Scope } from '../../../common/identity.ts';
import type { Actor } from '../../platform/context.ts';
import { org } from '../org/tables.ts';

interface OrgLike {
  id: string;
  kind: OrgKind;
  districtCode: string | null;
}

/** Is this organisation inside the actor's administrative reach? */
export function orgInAdminScope(scope: Scope, o: OrgLike): boolean {
  if (scope.kind === 'city') return true;
  if (scope.kind === 'district') return o.districtCode === scope.districtCode;
  return o.id === scope.orgId;
}

export function adminScopeFilter(scope: Scope): SQL | undefined {
  if (scope.kind === 'city') return undefined;
  if (scope.kind === 'district') return eq(org.districtCode, scope.districtCode);
  return eq(org.id, scope.orgId);
}

export const has = (actor: Actor, p: Permission) => actor.permissions.includes(p);

export const canReadUser = (actor: Actor, userOrg: OrgLike) =>
  has(actor, 'user:read') && orgInAdminScope(actor.scope, userOrg);
export const canManageUser = (actor: Actor, userOrg: OrgLike) =>
  has(actor, 'user:manage') && orgInAdminScope(actor.scope, userOrg);
export const canManageApiKeys = (actor: Actor, keyOrg: OrgLike) =>
  has(actor, 'apikey:manage') && orgInAdminScope(actor.scope, keyOrg);

/** Which roles a person of each kind of organisation may hold (domain.md §2, §5). */
export const ROLES_BY_ORG_KIND: Record<OrgKind, readonly Role[]> = {
  city_center: ['inspector', 'acceptor', 'shift_leader', 'dispatcher', 'supervisor', 'leader', 'admin'],
  district_center: ['inspector', 'acceptor', 'shift_leader', 'dispatcher', 'leader', 'admin'],
  unit: ['unit_handler', 'leader', 'admin'],
};

export function scopeOf(o: OrgLike): Scope {
  if (o.kind === 'city_center') return { kind: 'city' };
  if (o.kind === 'district_center') return { kind: 'district', districtCode: o.districtCode ?? '' };
  return { kind: 'unit', orgId: o.id, districtCode: o.districtCode };
}
