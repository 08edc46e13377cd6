/**
 * The grant rule, for people and machines alike, in one place: nobody hands out a role, a
 * permission or a scope they do not hold themselves, and nobody changes, disables, revokes or
 * resets the password of an account that holds more than they do (a role, a permission or a
 * wider scope they lack). Every path that creates or changes a user, a user's roles or
 * organisation, or an API key asks this module; visibility (who may see the account at all) stays
 * in policy.ts and answers first, so an account outside the scope still "does not exist".
 *
 * Roles are held, not only their permissions: a workflow role (inspector, dispatcher, …) lets its
 * holder act in the case loop, which no permission expresses. An administrator holds every role of
 * its scope, because assigning the jobs of its scope is what it is for; an API key holds no role,
 * so a key can neither give one nor change an account that has one.
 */
import {
  PERMISSIONS,
  type Permission,
  permissionsOf,
  ROLES,
  type Role,
  type Scope,
} from '../../../common/identity.ts';
import type { Actor } from '../../platform/context.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import { scopeOf } from './policy.ts';

/** What an account holds and where: the measure both sides of every grant are compared by. */
export interface Holding {
  roles: readonly Role[];
  permissions: readonly Permission[];
  scope: Scope;
}

/** What a grant hands out: roles (with their permissions), explicit permissions, and the scope. */
export interface Grant {
  roles?: readonly Role[];
  permissions?: readonly Permission[];
  scope: Scope;
}

type OrgLike = Parameters<typeof scopeOf>[0];

/** Does `outer` reach everywhere `inner` reaches? The city covers all; a district its own district and units. */
export function scopeCovers(outer: Scope, inner: Scope): boolean {
  if (outer.kind === 'city') return true;
  if (outer.kind === 'district') {
    return inner.kind !== 'city' && inner.districtCode === outer.districtCode && !!outer.districtCode;
  }
  return inner.kind === 'unit' && inner.orgId === outer.orgId;
}

/** What the caller holds. A user's roles (all of them for an administrator); a key none. */
export function holdingOf(actor: Actor): Holding {
  const roles: readonly Role[] =
    actor.type !== 'user' ? [] : actor.roles.includes('admin') ? ROLES : actor.roles;
  return { roles, permissions: actor.permissions, scope: actor.scope };
}

/** A person's account: the roles it has, their permissions, the scope of its organisation. */
export function userHolding(user: { roles: readonly string[] }, org: OrgLike): Holding {
  const roles = user.roles as Role[];
  return { roles, permissions: permissionsOf(roles), scope: scopeOf(org) };
}

/** A machine's account: the permissions listed on the key, the scope of its organisation. */
export function apiKeyHolding(key: { permissions: readonly string[] }, org: OrgLike): Holding {
  return { roles: [], permissions: key.permissions as Permission[], scope: scopeOf(org) };
}

/** What `other` holds beyond `holder`: roles, permissions, and whether its scope is wider. */
export interface Excess {
  roles: Role[];
  permissions: Permission[];
  scope: boolean;
}

export function excessOver(holder: Holding, other: Grant): Excess | null {
  const roles = [...new Set(other.roles ?? [])].filter((r) => !holder.roles.includes(r));
  const handed = new Set<Permission>([...(other.permissions ?? []), ...permissionsOf(other.roles ?? [])]);
  const permissions = PERMISSIONS.filter((p) => handed.has(p) && !holder.permissions.includes(p));
  const scope = !scopeCovers(holder.scope, other.scope);
  return roles.length || permissions.length || scope ? { roles, permissions, scope } : null;
}

function describe(e: Excess, lang: 'zh' | 'en'): string {
  const parts: string[] = [];
  if (e.roles.length) parts.push(`${lang === 'zh' ? '角色' : 'roles'} ${e.roles.join(', ')}`);
  if (e.permissions.length)
    parts.push(`${lang === 'zh' ? '权限' : 'permissions'} ${e.permissions.join(', ')}`);
  if (e.scope) parts.push(lang === 'zh' ? '更大的管辖范围' : 'a wider scope');
  return parts.join(lang === 'zh' ? '；' : '; ');
}

function details(e: Excess, fields: { roles: string; permissions: string; scope: string }): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  if (e.roles.length) out.push({ field: fields.roles, message: e.roles.join(', '), roles: e.roles });
  if (e.permissions.length) {
    out.push({ field: fields.permissions, message: e.permissions.join(', '), permissions: e.permissions });
  }
  if (e.scope) out.push({ field: fields.scope, message: 'scope wider than your own' });
  return out;
}

/**
 * Refuses (403 GRANT_EXCEEDS_OWN) handing out anything the caller does not hold: a role, a
 * permission (directly or through a role) or an organisation outside its scope. `fields` names
 * the request fields the details point at.
 */
export function assertMayGrant(
  actor: Actor,
  grant: Grant,
  fields = { roles: 'body.roles', permissions: 'body.permissions', scope: 'body.orgId' },
): void {
  const excess = excessOver(holdingOf(actor), grant);
  if (!excess) return;
  throw new AppError('GRANT_EXCEEDS_OWN', {
    zh: `不能授予自己不具备的：${describe(excess, 'zh')}`,
    en: `You cannot grant what you do not hold yourself: ${describe(excess, 'en')}`,
    details: details(excess, fields),
  });
}

/**
 * Refuses (403 ACCOUNT_EXCEEDS_OWN) changing, disabling, revoking or resetting the password of an
 * account that holds a role, a permission or a scope the caller lacks. Equal is allowed: one
 * district administrator may look after another.
 */
export function assertMayManage(actor: Actor, target: Holding): void {
  const excess = excessOver(holdingOf(actor), target);
  if (!excess) return;
  throw new AppError('ACCOUNT_EXCEEDS_OWN', {
    zh: `该账号拥有您不具备的${describe(excess, 'zh')}，您不能修改、停用或重置它`,
    en: `The account holds ${describe(excess, 'en')} beyond your own; you cannot change, disable or reset it`,
    details: details(excess, { roles: 'roles', permissions: 'permissions', scope: 'orgId' }),
  });
}
