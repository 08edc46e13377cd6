/**
 * Logging in and out, resolving a bearer token or API key to an actor, and the caller's own
 * profile. Failed logins are throttled per (account, source address) in login-throttle.ts.
 */
import { timingSafeEqual } from 'node:crypto';
import { type Locale, menuOf, type Permission, permissionsOf, type Role } from '../../../common/identity.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { Config } from '../../platform/config.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { toOrgDto } from '../org/index.ts';
import * as throttle from './login-throttle.ts';
import { assertPasswordStrength, dummyPasswordHash, hashPassword, verifyPassword } from './password.ts';
import { scopeOf } from './policy.ts';
import * as repo from './repository.ts';
import type { MeDto, UserDto } from './schemas.ts';
import {
  type CachedPrincipal,
  freezeActor,
  profileOf,
  rememberProfile,
  type SessionCache,
} from './session-cache.ts';
import { newSessionToken, parseApiKey, sha256 } from './tokens.ts';

export type AuthSettings = Pick<Config, 'sessionTtlHours'> & throttle.ThrottleSettings;

export function toUserDto(user: repo.UserRow, org: repo.OrgRow): UserDto {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    orgId: user.orgId,
    orgName: org.name,
    roles: user.roles as Role[],
    phone: user.phone,
    locale: user.locale as Locale,
    disabled: user.disabled,
    lockedUntil: user.lockedUntil && user.lockedUntil > new Date() ? user.lockedUntil.toISOString() : null,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    version: user.version,
  };
}

export function userActor(user: repo.UserRow, org: repo.OrgRow, sessionId?: string): Actor {
  const roles = user.roles as Role[];
  return {
    type: 'user',
    id: user.id,
    name: user.username,
    orgId: org.id,
    roles,
    permissions: permissionsOf(roles),
    scope: scopeOf(org),
    sessionId,
  };
}

export function meOf(user: repo.UserRow, org: repo.OrgRow): MeDto {
  const actor = userActor(user, org);
  return {
    user: toUserDto(user, org),
    org: toOrgDto(org),
    scope: actor.scope,
    permissions: actor.permissions,
    menu: menuOf(actor.permissions, actor.scope.kind),
  };
}

type LoginOutcome = { ok: true; token: string; me: MeDto } | { ok: false };

/** Why a login failed, for the audit trail only: the caller gets one answer for all of them. */
type FailureReason = 'unknown_user' | 'disabled' | 'held' | 'wrong_password';

/**
 * Every failed login answers the same (401 AUTH_INVALID_CREDENTIALS, same message, no details)
 * and costs the same work: an unknown name is checked against a dummy hash, a held address still
 * pays the scrypt, and each failure runs the same statements. Only the audit trail tells why.
 */
export async function login(
  db: Db,
  ctx: RequestContext,
  settings: AuthSettings,
  input: { username: string; password: string; userAgent?: string },
): Promise<{ token: string; me: MeDto }> {
  const username = input.username.trim().toLowerCase();
  const source = throttle.sourceKey(ctx.sourceIp);
  await throttle.sweep(db);
  // Per address and before any password work, so a flood costs no scrypt.
  await throttle.countAttempt(db, source, settings.loginRateLimitPerMinute);
  const found = await repo.findUserByUsername(db, username);
  const passwordOk = await verifyPassword(
    input.password,
    found?.user.passwordHash ?? (await dummyPasswordHash()),
  );
  const outcome: LoginOutcome = await db.transaction(async (tx) => {
    const pair = await throttle.lockPair(tx, username, source);
    const reason: FailureReason | null = !found
      ? 'unknown_user'
      : pair.heldUntil
        ? 'held'
        : found.user.disabled
          ? 'disabled'
          : passwordOk
            ? null
            : 'wrong_password';
    if (reason) {
      const failed = { ...ctx, actor: { ...ctx.actor, name: username } };
      const target = {
        entityType: 'user' as const,
        entityId: found?.user.id ?? null,
        districtCode: found?.org.districtCode ?? null,
      };
      const counted = await throttle.recordFailure(tx, username, source, pair, settings);
      await recordEvent(tx, failed, {
        action: 'auth.login_failed',
        ...target,
        after: {
          username,
          reason,
          failures: counted.failures,
          heldUntil: counted.heldUntil?.toISOString() ?? null,
        },
      });
      if (counted.started && counted.heldUntil) {
        // The lockout in the audit trail: which address, which account, until when.
        await recordEvent(tx, failed, {
          action: 'auth.lockout',
          ...target,
          after: {
            username,
            // The address as counted: an IPv4 address, or an IPv6 /64 (the event's sourceIp has the full one).
            source,
            failures: counted.failures,
            heldUntil: counted.heldUntil.toISOString(),
          },
        });
      }
      return { ok: false };
    }
    const { user, org } = found!;
    await throttle.forgetPair(tx, username, source);
    const token = newSessionToken();
    const s = await repo.insertSession(tx, {
      tokenHash: sha256(token),
      userId: user.id,
      expiresAt: new Date(pair.now.getTime() + settings.sessionTtlHours * 3_600_000),
      sourceIp: ctx.sourceIp,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
    });
    await recordEvent(
      tx,
      { ...ctx, actor: userActor(user, org, s.id) },
      {
        action: 'auth.login',
        entityType: 'session',
        entityId: s.id,
        districtCode: org.districtCode,
        after: { userId: user.id, expiresAt: s.expiresAt.toISOString() },
      },
    );
    return { ok: true, token, me: meOf(user, org) };
  });
  if (!outcome.ok) throw new AppError('AUTH_INVALID_CREDENTIALS');
  return { token: outcome.token, me: outcome.me };
}

export async function logout(db: Db, ctx: RequestContext): Promise<void> {
  const sessionId = ctx.actor.sessionId;
  if (!sessionId) throw new AppError('AUTH_REQUIRED');
  await db.transaction(async (tx) => {
    await repo.revokeSession(tx, sessionId);
    await recordEvent(tx, ctx, {
      action: 'auth.logout',
      entityType: 'session',
      entityId: sessionId,
      districtCode: ctx.actor.scope.kind === 'city' ? null : (ctx.actor.scope.districtCode ?? null),
      after: { revoked: true },
    });
  });
}

/**
 * Resolves a bearer credential (session token or API key) to an actor, or throws 401. With the
 * node's session cache (session-cache.ts) a known credential costs no database read; expiry is
 * still checked against the stored instant on every request.
 */
export async function authenticate(db: Db, credential: string, cache?: SessionCache): Promise<Actor> {
  const hash = sha256(credential);
  const hit = cache?.get(hash);
  if (hit) {
    const now = Date.now();
    if (hit.expiresAt <= now) {
      cache!.forget(hash);
      throw new AppError('AUTH_TOKEN_EXPIRED');
    }
    // Last-seen bookkeeping at most once a minute per session or key and node.
    if (now - hit.touchedAt > 60_000) {
      hit.touchedAt = now;
      if (hit.sessionId) await repo.touchSession(db, hit.sessionId);
      else if (hit.apiKeyId) await repo.touchApiKey(db, hit.apiKeyId);
    }
    return hit.actor;
  }
  const version = cache?.version ?? 0;
  const key = parseApiKey(credential);
  const principal = key
    ? await authenticateApiKey(db, key.prefix, key.secret)
    : await authenticateSession(db, hash);
  cache?.set(hash, principal, version);
  return principal.actor;
}

async function authenticateSession(db: Db, tokenHash: string): Promise<CachedPrincipal> {
  const found = await repo.findSessionByTokenHash(db, tokenHash);
  if (!found || found.session.revokedAt) throw new AppError('AUTH_INVALID_TOKEN');
  if (found.session.expiresAt <= new Date()) throw new AppError('AUTH_TOKEN_EXPIRED');
  if (found.user.disabled) throw new AppError('AUTH_ACCOUNT_DISABLED');
  let touchedAt = found.session.lastSeenAt.getTime();
  // Last-seen bookkeeping at most once a minute: most requests then cost one indexed read.
  if (Date.now() - touchedAt > 60_000) {
    await repo.touchSession(db, found.session.id);
    touchedAt = Date.now();
  }
  const actor = freezeActor(userActor(found.user, found.org, found.session.id));
  rememberProfile(actor, { user: found.user, org: found.org });
  return {
    actor,
    sessionId: found.session.id,
    userId: found.user.id,
    apiKeyId: null,
    orgId: found.org.id,
    expiresAt: found.session.expiresAt.getTime(),
    touchedAt,
  };
}

/**
 * The actor of an API key given in a request's body rather than its Authorization header (Open311's
 * `api_key` form field). Only API keys (`cok_…`): a session token there is refused like a wrong key,
 * so a browser session can never be replayed through a form field. Revoked and unknown keys: 401
 * AUTH_INVALID_TOKEN.
 */
export async function apiKeyActor(db: Db, credential: string): Promise<Actor> {
  const key = parseApiKey(credential);
  if (!key) throw new AppError('AUTH_INVALID_TOKEN');
  return (await authenticateApiKey(db, key.prefix, key.secret)).actor;
}

async function authenticateApiKey(db: Db, prefix: string, secret: string): Promise<CachedPrincipal> {
  const found = await repo.findApiKeyByPrefix(db, prefix);
  const expected = Buffer.from(found?.key.secretHash ?? sha256('no-such-key'), 'hex');
  const actual = Buffer.from(sha256(secret), 'hex');
  if (!found || !timingSafeEqual(expected, actual) || found.key.revokedAt)
    throw new AppError('AUTH_INVALID_TOKEN');
  let touchedAt = found.key.lastUsedAt?.getTime() ?? 0;
  if (Date.now() - touchedAt > 60_000) {
    await repo.touchApiKey(db, found.key.id);
    touchedAt = Date.now();
  }
  const actor = freezeActor({
    type: 'api_key',
    id: found.key.id,
    name: `api-key:${found.key.name}`,
    orgId: found.org.id,
    roles: [],
    permissions: found.key.permissions as Permission[],
    scope: scopeOf(found.org),
  });
  return {
    actor,
    sessionId: null,
    userId: null,
    apiKeyId: found.key.id,
    orgId: found.org.id,
    expiresAt: Number.POSITIVE_INFINITY,
    touchedAt,
  };
}

async function currentUser(db: Db, ctx: RequestContext, forUpdate = false) {
  if (ctx.actor.type !== 'user' || !ctx.actor.id) {
    throw new AppError('FORBIDDEN', { zh: '仅限用户账号', en: 'Only user accounts have a profile' });
  }
  const found = await repo.findUserWithOrg(db, ctx.actor.id, forUpdate);
  if (!found) throw new AppError('AUTH_INVALID_TOKEN');
  return found;
}

export async function me(db: Db, ctx: RequestContext): Promise<MeDto> {
  // The rows this request's session was resolved from (cached rows are dropped on any change
  // to the user or their organisation): no second read of the same user.
  const { user, org } = profileOf(ctx.actor) ?? (await currentUser(db, ctx));
  return meOf(user, org);
}

export async function setPreferences(db: Db, ctx: RequestContext, input: { locale: Locale }): Promise<MeDto> {
  return db.transaction(async (tx) => {
    const { user, org } = await currentUser(tx, ctx, true);
    const updated = await repo.updateUserVersioned(tx, user.id, user.version, { locale: input.locale });
    await recordEvent(tx, ctx, {
      action: 'user.preferences',
      entityType: 'user',
      entityId: user.id,
      districtCode: org.districtCode,
      before: { locale: user.locale },
      after: { locale: input.locale },
    });
    return meOf(updated!, org);
  });
}

export async function changeOwnPassword(
  db: Db,
  ctx: RequestContext,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  assertPasswordStrength(input.newPassword, 'body.newPassword');
  const { user } = await currentUser(db, ctx);
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new AppError('AUTH_WRONG_PASSWORD', {
      details: [{ field: 'body.currentPassword', message: 'wrong' }],
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    const { user: locked, org } = await currentUser(tx, ctx, true);
    await repo.updateUserVersioned(tx, locked.id, locked.version, { passwordHash });
    // Other sessions of this user end: a changed password must lock out whoever had the old one.
    await repo.revokeUserSessions(tx, locked.id, ctx.actor.sessionId);
    await recordEvent(tx, ctx, {
      action: 'user.password_change',
      entityType: 'user',
      entityId: locked.id,
      districtCode: org.districtCode,
      before: { version: locked.version },
      after: { version: locked.version + 1, otherSessionsRevoked: true },
    });
  });
}
