/**
 * Who may see and change users and API keys. An administrator acts inside their own scope:
 * the city's over everyone, a district's over the organisations of that district, a unit's over
 * its own people. Anyone outside that scope is told the record does not exist.
 */
import type { SQL } from 'drizzle-orm';
import type { OrgKind, Permission, Role, Scope } from '../../../common/identity.ts';
import type { Actor } from '../../platform/context.ts';
import { defineScope } from '../../platform/scope.ts';
import { orgRelation } from '../org/index.ts';

interface OrgLike {
  id: string;
  kind: OrgKind;
  districtCode: string | null;
}

/**
 * An administrator's reach, over the organisation a user or key belongs to: the city's over
 * everyone, a district's over the organisations of its district, a unit's over itself.
 */
const reach = {
  columns: { id: orgRelation.id, districtCode: orgRelation.districtCode },
  city: true,
  district: (d: Extract<Scope, { kind: 'district' }>) => ({ districtCode: d.districtCode }),
  unit: (u: Extract<Scope, { kind: 'unit' }>) => ({ id: u.orgId }),
} as const;

export const adminReach = defineScope(reach);
export const userRead = defineScope({ ...reach, permission: 'user:read' });
export const userManage = defineScope({ ...reach, permission: 'user:manage' });
export const apiKeyManage = defineScope({ ...reach, permission: 'apikey:manage' });

/** Is this organisation inside the actor's administrative reach? */
export const orgInAdminScope = (scope: Scope, o: OrgLike): boolean => adminReach.allows({ scope }, o);

/** The same reach as a SQL condition on `org` (undefined: no restriction). */
export const adminScopeFilter = (scope: Scope): SQL | undefined => adminReach.filter({ scope });

export const has = (actor: Actor, p: Permission) => actor.permissions.includes(p);

export const canReadUser = (actor: Actor, userOrg: OrgLike) => userRead.allows(actor, userOrg);
export const canManageUser = (actor: Actor, userOrg: OrgLike) => userManage.allows(actor, userOrg);
export const canManageApiKeys = (actor: Actor, keyOrg: OrgLike) => apiKeyManage.allows(actor, keyOrg);

/** Which roles a person of each kind of organisation may hold (domain.md §2, §5). */
export const ROLES_BY_ORG_KIND: Record<OrgKind, readonly Role[]> = {
  city_center: [
    'inspector',
    'acceptor',
    'shift_leader',
    'dispatcher',
    'supervisor',
    'leader',
    'admin',
    // The city's 12345 desk (the districts have desks of their own).
    'hotline_operator',
  ],
  // A district's 12345 desk: its operators answer the calls routed to the district.
  district_center: [
    'inspector',
    'acceptor',
    'shift_leader',
    'dispatcher',
    'leader',
    'admin',
    'hotline_operator',
  ],
  unit: ['unit_handler', 'leader', 'admin'],
};

export function scopeOf(o: OrgLike): Scope {
  if (o.kind === 'city_center') return { kind: 'city' };
  if (o.kind === 'district_center') return { kind: 'district', districtCode: o.districtCode ?? '' };
  return { kind: 'unit', orgId: o.id, districtCode: o.districtCode };
}
