/** Administration of users: list, create, edit, disable, reset a password — inside the admin's scope. */
import type { Role } from '../../../common/identity.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { findOrgById } from '../org/index.ts';
import { toUserDto } from './auth-service.ts';
import { assertMayGrant, assertMayManage, userHolding } from './grants.ts';
import * as throttle from './login-throttle.ts';
import { assertPasswordStrength, hashPassword } from './password.ts';
import {
  adminScopeFilter,
  canManageUser,
  canReadUser,
  has,
  orgInAdminScope,
  ROLES_BY_ORG_KIND,
} from './policy.ts';
import * as repo from './repository.ts';
import type { UserCreateT, UserListQueryT, UserUpdateT } from './schemas.ts';

function assertRolesFit(roles: Role[], org: repo.OrgRow) {
  const allowed = ROLES_BY_ORG_KIND[org.kind];
  const bad = roles.filter((r) => !allowed.includes(r));
  if (bad.length) {
    throw new AppError('VALIDATION_FAILED', {
      zh: `角色与所属组织类型不符：${bad.join(', ')}`,
      en: `Roles not allowed in this kind of organisation: ${bad.join(', ')}`,
      details: [{ field: 'body.roles', message: `not allowed for ${org.kind}: ${bad.join(', ')}` }],
    });
  }
}

/** The target organisation must exist and lie in the admin's scope; otherwise it "does not exist". */
async function orgForAssignment(db: Db, ctx: RequestContext, orgId: string) {
  const org = await findOrgById(db, orgId);
  if (!org || !orgInAdminScope(ctx.actor.scope, org)) {
    throw new AppError('INVALID_REFERENCE', {
      zh: `组织不存在或不在管理范围内：${orgId}`,
      en: `Organisation not found or outside your scope: ${orgId}`,
      details: [{ field: 'body.orgId', message: 'unknown organisation' }],
    });
  }
  return org;
}

export async function listUsers(db: Db, ctx: RequestContext, q: UserListQueryT) {
  if (!has(ctx.actor, 'user:read')) throw new AppError('FORBIDDEN');
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.listUsers(
    db,
    { scope: adminScopeFilter(ctx.actor.scope), q: q.q, orgId: q.orgId, role: q.role },
    page,
    pageSize,
  );
  return { items: rows.map((r) => toUserDto(r.user, r.org)), total, page, pageSize };
}

async function visibleUser(db: Db, ctx: RequestContext, id: string, forUpdate = false) {
  if (!has(ctx.actor, 'user:read')) throw new AppError('FORBIDDEN');
  const found = await repo.findUserWithOrg(db, id, forUpdate);
  if (!found || !canReadUser(ctx.actor, found.org)) throw notFound('user', id);
  return found;
}

export async function getUser(db: Db, ctx: RequestContext, id: string) {
  const { user, org } = await visibleUser(db, ctx, id);
  return toUserDto(user, org);
}

export async function createUser(db: Db, ctx: RequestContext, input: UserCreateT) {
  if (!has(ctx.actor, 'user:manage')) throw new AppError('FORBIDDEN');
  assertPasswordStrength(input.password, 'body.password');
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const org = await orgForAssignment(tx, ctx, input.orgId);
    assertRolesFit(input.roles, org);
    assertMayGrant(ctx.actor, userHolding(input, org));
    if (await repo.findUserByUsername(tx, input.username)) {
      throw new AppError('DUPLICATE', {
        zh: `用户名已存在：${input.username}`,
        en: `Username already taken: ${input.username}`,
        details: [{ field: 'body.username', message: 'duplicate' }],
      });
    }
    const user = await repo.insertUser(tx, {
      username: input.username,
      displayName: input.displayName,
      orgId: org.id,
      roles: input.roles,
      phone: input.phone ?? null,
      passwordHash,
    });
    const dto = toUserDto(user, org);
    await recordEvent(tx, ctx, {
      action: 'user.create',
      entityType: 'user',
      entityId: user.id,
      districtCode: org.districtCode,
      after: dto,
    });
    return dto;
  });
}

export async function updateUser(db: Db, ctx: RequestContext, id: string, input: UserUpdateT) {
  return db.transaction(async (tx) => {
    const { user, org } = await visibleUser(tx, ctx, id, true);
    if (!canManageUser(ctx.actor, org)) throw new AppError('FORBIDDEN');
    assertMayManage(ctx.actor, userHolding(user, org));
    if (user.version !== input.version) {
      throw new AppError('CONFLICT', {
        details: [{ field: 'body.version', message: `current version is ${user.version}` }],
      });
    }
    if (id === ctx.actor.id && (input.disabled === true || (input.roles && !input.roles.includes('admin')))) {
      throw new AppError('UNPROCESSABLE', {
        zh: '不能停用自己或移除自己的管理员角色',
        en: 'You cannot disable yourself or drop your own admin role',
      });
    }
    const targetOrg =
      input.orgId && input.orgId !== org.id ? await orgForAssignment(tx, ctx, input.orgId) : org;
    const roles = (input.roles ?? user.roles) as Role[];
    assertRolesFit(roles, targetOrg);
    // What the account holds after the change is what the caller hands out.
    assertMayGrant(ctx.actor, userHolding({ roles }, targetOrg));
    // Re-enabling an account also lifts the holds on the addresses that failed to sign in to it.
    if (input.disabled === false) await throttle.forgetAccount(tx, user.username);
    const updated = await repo.updateUserVersioned(tx, id, input.version, {
      displayName: input.displayName,
      orgId: input.orgId,
      roles: input.roles,
      phone: input.phone,
      disabled: input.disabled,
    });
    if (!updated) throw new AppError('CONFLICT');
    // Scope or rights changed: sessions must pick up the new ones, so end them.
    if (input.disabled || input.orgId || input.roles) await repo.revokeUserSessions(tx, id);
    const before = toUserDto(user, org);
    const after = toUserDto(updated, targetOrg);
    await recordEvent(tx, ctx, {
      action: 'user.update',
      entityType: 'user',
      entityId: id,
      districtCode: targetOrg.districtCode,
      before,
      after,
    });
    return after;
  });
}

export async function resetPassword(db: Db, ctx: RequestContext, id: string, newPassword: string) {
  assertPasswordStrength(newPassword, 'body.newPassword');
  const passwordHash = await hashPassword(newPassword);
  await db.transaction(async (tx) => {
    const { user, org } = await visibleUser(tx, ctx, id, true);
    if (!canManageUser(ctx.actor, org)) throw new AppError('FORBIDDEN');
    assertMayManage(ctx.actor, userHolding(user, org));
    await repo.updateUserVersioned(tx, id, user.version, { passwordHash });
    // A new password lifts every hold: the old failures were against the old password.
    await throttle.forgetAccount(tx, user.username);
    await repo.revokeUserSessions(tx, id);
    await recordEvent(tx, ctx, {
      action: 'user.password_reset',
      entityType: 'user',
      entityId: id,
      districtCode: org.districtCode,
      before: { version: user.version },
      after: { version: user.version + 1, sessionsRevoked: true },
    });
  });
}
