import {
  and,
  arrayContains,
  asc,
  count,
  eq,
  getViewSelectedFields,
  gt,
  ilike,
  inArray,
  isNull,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { likeLiteral } from '../../platform/like.ts';
import { type OrgRelationRow, orgRelation } from '../org/index.ts';
import { apiKey, appUser, session } from './tables.ts';

export type UserRow = typeof appUser.$inferSelect;
export type OrgRow = OrgRelationRow;
/** The organisation's whole row in a selection (read through org's read-only relation). */
const orgRow = getViewSelectedFields(orgRelation);
export type ApiKeyRow = typeof apiKey.$inferSelect;
export type SessionRow = typeof session.$inferSelect;

export async function findUserByUsername(db: Db, username: string) {
  const [row] = await db
    .select({ user: appUser, org: orgRow })
    .from(appUser)
    .innerJoin(orgRelation, eq(orgRelation.id, appUser.orgId))
    .where(eq(appUser.username, username));
  return row;
}

export async function findUserWithOrg(db: Db, id: string, forUpdate = false) {
  const q = db
    .select({ user: appUser, org: orgRow })
    .from(appUser)
    .innerJoin(orgRelation, eq(orgRelation.id, appUser.orgId))
    .where(eq(appUser.id, id));
  const [row] = forUpdate ? await q.for('update', { of: appUser }) : await q;
  return row;
}

/**
 * The query behind every authenticated request: prepared once per database handle so
 * PostgreSQL plans it once per connection instead of on every request.
 */
const sessionLookups = new WeakMap<Db, ReturnType<typeof prepareSessionLookup>>();
function prepareSessionLookup(db: Db) {
  return db
    .select({ session, user: appUser, org: orgRow })
    .from(session)
    .innerJoin(appUser, eq(appUser.id, session.userId))
    .innerJoin(orgRelation, eq(orgRelation.id, appUser.orgId))
    .where(eq(session.tokenHash, sql.placeholder('tokenHash')))
    .prepare('session_by_token_hash');
}

export async function findSessionByTokenHash(db: Db, tokenHash: string) {
  let lookup = sessionLookups.get(db);
  if (!lookup) {
    lookup = prepareSessionLookup(db);
    sessionLookups.set(db, lookup);
  }
  const [row] = await lookup.execute({ tokenHash });
  return row;
}

export async function insertSession(db: Db, values: typeof session.$inferInsert) {
  const [row] = await db.insert(session).values(values).returning();
  return row;
}

export async function revokeSession(db: Db, id: string) {
  await db
    .update(session)
    .set({ revokedAt: new Date() })
    .where(and(eq(session.id, id), isNull(session.revokedAt)));
}

export async function revokeUserSessions(db: Db, userId: string, exceptSessionId?: string) {
  await db
    .update(session)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(session.userId, userId),
        isNull(session.revokedAt),
        exceptSessionId ? sql`${session.id} <> ${exceptSessionId}` : undefined,
      ),
    );
}

/** Last-seen bookkeeping is throttled to one write a minute per session. */
export async function touchSession(db: Db, id: string) {
  await db
    .update(session)
    .set({ lastSeenAt: new Date() })
    .where(and(eq(session.id, id), sql`${session.lastSeenAt} < now() - interval '60 seconds'`));
}

export async function updateUserRow(db: Db, id: string, patch: Partial<typeof appUser.$inferInsert>) {
  const [row] = await db.update(appUser).set(patch).where(eq(appUser.id, id)).returning();
  return row;
}

export async function updateUserVersioned(
  db: Db,
  id: string,
  version: number,
  patch: Partial<typeof appUser.$inferInsert>,
) {
  const [row] = await db
    .update(appUser)
    .set({ ...patch, updatedAt: new Date(), version: version + 1 })
    .where(and(eq(appUser.id, id), eq(appUser.version, version)))
    .returning();
  return row;
}

export async function insertUser(db: Db, values: typeof appUser.$inferInsert) {
  const [row] = await db.insert(appUser).values(values).returning();
  return row;
}

export async function listUsers(
  db: Db,
  filters: { scope?: SQL; q?: string; orgId?: string; role?: string },
  page: number,
  pageSize: number,
) {
  const where = and(
    filters.scope,
    filters.q
      ? or(
          ilike(appUser.username, `%${likeLiteral(filters.q)}%`),
          ilike(appUser.displayName, `%${likeLiteral(filters.q)}%`),
        )
      : undefined,
    filters.orgId ? eq(appUser.orgId, filters.orgId) : undefined,
    filters.role ? arrayContains(appUser.roles, [filters.role]) : undefined,
  );
  const [rows, [{ n }]] = await Promise.all([
    db
      .select({ user: appUser, org: orgRow })
      .from(appUser)
      .innerJoin(orgRelation, eq(orgRelation.id, appUser.orgId))
      .where(where)
      .orderBy(asc(appUser.username))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db
      .select({ n: count() })
      .from(appUser)
      .innerJoin(orgRelation, eq(orgRelation.id, appUser.orgId))
      .where(where),
  ]);
  return { rows, total: Number(n) };
}

export async function findApiKeyByPrefix(db: Db, prefix: string) {
  const [row] = await db
    .select({ key: apiKey, org: orgRow })
    .from(apiKey)
    .innerJoin(orgRelation, eq(orgRelation.id, apiKey.orgId))
    .where(eq(apiKey.prefix, prefix));
  return row;
}

export async function findApiKey(db: Db, id: string) {
  const [row] = await db
    .select({ key: apiKey, org: orgRow })
    .from(apiKey)
    .innerJoin(orgRelation, eq(orgRelation.id, apiKey.orgId))
    .where(eq(apiKey.id, id));
  return row;
}

export async function touchApiKey(db: Db, id: string) {
  await db
    .update(apiKey)
    .set({ lastUsedAt: new Date() })
    .where(
      and(
        eq(apiKey.id, id),
        or(isNull(apiKey.lastUsedAt), sql`${apiKey.lastUsedAt} < now() - interval '60 seconds'`),
      ),
    );
}

export async function listApiKeys(db: Db, scope: SQL | undefined, orgId?: string) {
  return db
    .select({ key: apiKey, org: orgRow })
    .from(apiKey)
    .innerJoin(orgRelation, eq(orgRelation.id, apiKey.orgId))
    .where(and(scope, orgId ? eq(apiKey.orgId, orgId) : undefined))
    .orderBy(asc(apiKey.createdAt));
}

export async function insertApiKey(db: Db, values: typeof apiKey.$inferInsert) {
  const [row] = await db.insert(apiKey).values(values).returning();
  return row;
}

export async function revokeApiKeyRow(db: Db, id: string) {
  const [row] = await db
    .update(apiKey)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKey.id, id), isNull(apiKey.revokedAt)))
    .returning();
  return row;
}

export const notExpired = () => gt(session.expiresAt, sql`now()`);

/** Enabled users of the organisations holding one of the roles: who a notification goes to. */
export async function usersWithRoles(db: Db, orgIds: string[], roles: string[]) {
  if (orgIds.length === 0) return [];
  return db
    .select({ id: appUser.id })
    .from(appUser)
    .where(
      and(
        inArray(appUser.orgId, orgIds),
        eq(appUser.disabled, false),
        or(...roles.map((r) => sql`${r} = ANY(${appUser.roles})`)),
      ),
    );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The enabled users among the ids (anything not a user id is skipped), each with its organisation. */
export async function enabledUsersWithOrg(db: Db, ids: readonly string[]) {
  const userIds = [...new Set(ids.filter((id) => UUID.test(id)))];
  if (userIds.length === 0) return [];
  return db
    .select({ user: appUser, org: orgRow })
    .from(appUser)
    .innerJoin(orgRelation, eq(orgRelation.id, appUser.orgId))
    .where(and(inArray(appUser.id, userIds), eq(appUser.disabled, false)));
}

/**
 * Of `ids`, the users signed in now: enabled, with a session neither revoked nor expired. What a
 * desk reads to know whether someone is still at it (a hotline seat is held while its operator is
 * signed in: signing out, being disabled or the session lapsing frees it).
 */
export async function usersSignedIn(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const userIds = [...new Set(ids.filter((id) => UUID.test(id)))];
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ id: session.userId })
    .from(session)
    .innerJoin(appUser, eq(appUser.id, session.userId))
    .where(
      and(
        inArray(session.userId, userIds),
        isNull(session.revokedAt),
        gt(session.expiresAt, sql`now()`),
        eq(appUser.disabled, false),
      ),
    );
  return new Set(rows.map((r) => r.id));
}

/** An account that acted or reported, as people read it. */
export type AccountName =
  | { kind: 'user'; name: string; login: string }
  | { kind: 'api_key'; name: string; login: null };

/**
 * The accounts behind ids (user or API key ids; anything else is skipped), disabled or revoked
 * ones included: a report keeps the account that made it.
 */
export async function accountNames(db: Db, ids: readonly string[]): Promise<Map<string, AccountName>> {
  const wanted = [...new Set(ids.filter((id) => UUID.test(id)))];
  if (wanted.length === 0) return new Map();
  const [users, keys] = await Promise.all([
    db
      .select({ id: appUser.id, name: appUser.displayName, login: appUser.username })
      .from(appUser)
      .where(inArray(appUser.id, wanted)),
    db.select({ id: apiKey.id, name: apiKey.name }).from(apiKey).where(inArray(apiKey.id, wanted)),
  ]);
  return new Map<string, AccountName>([
    ...users.map((u) => [u.id, { kind: 'user' as const, name: u.name, login: u.login }] as const),
    ...keys.map((k) => [k.id, { kind: 'api_key' as const, name: k.name, login: null }] as const),
  ]);
}

/**
 * What the timeline shows for its actors: a user's display name, an API key's name, by the
 * event's actor id (events keep the username, which people do not read as a name).
 */
export async function actorDisplayNames(
  db: Db,
  actors: { actorType: string; actorId: string | null }[],
): Promise<Map<string, string>> {
  const ids = (type: string) => [
    ...new Set(
      actors.filter((a) => a.actorType === type && a.actorId && UUID.test(a.actorId)).map((a) => a.actorId!),
    ),
  ];
  const userIds = ids('user');
  const keyIds = ids('api_key');
  const [users, keys] = await Promise.all([
    userIds.length
      ? db
          .select({ id: appUser.id, name: appUser.displayName })
          .from(appUser)
          .where(inArray(appUser.id, userIds))
      : [],
    keyIds.length
      ? db.select({ id: apiKey.id, name: apiKey.name }).from(apiKey).where(inArray(apiKey.id, keyIds))
      : [],
  ]);
  return new Map([...users, ...keys].map((r) => [r.id, r.name]));
}
