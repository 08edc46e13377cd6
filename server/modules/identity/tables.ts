import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { org } from '../org/tables.ts';

export const appUser = pgTable(
  'app_user',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => org.id),
    roles: text('roles').array().notNull().default(sql`'{}'::text[]`),
    phone: text('phone'),
    locale: text('locale').notNull().default('zh-CN'),
    /** scrypt$N$r$p$salt$hash — see password.ts; never leaves the server. */
    passwordHash: text('password_hash').notNull(),
    disabled: boolean('disabled').notNull().default(false),
    /**
     * Until when sign-in to this account is held back from at least one source address (the
     * latest hold in login_throttle), shown to administrators. Login decides from login_throttle
     * alone: the account itself is never locked, so an attacker cannot lock its owner out.
     */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('app_user_org_idx').on(t.orgId)],
);

/** A login session. Only the SHA-256 of the opaque token is stored. */
export const session = pgTable(
  'session',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    tokenHash: text('token_hash').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => appUser.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    sourceIp: text('source_ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('session_user_idx').on(t.userId)],
);

/** A machine client's key, scoped to one organisation and a set of permissions. */
export const apiKey = pgTable(
  'api_key',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    name: text('name').notNull(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => org.id),
    /** Public part of the key (cok_<prefix>_<secret>), used to find the row. */
    prefix: text('prefix').notNull().unique(),
    secretHash: text('secret_hash').notNull(),
    permissions: text('permissions').array().notNull().default(sql`'{}'::text[]`),
    createdBy: uuid('created_by').references(() => appUser.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('api_key_org_idx').on(t.orgId)],
);

/**
 * Failed sign-ins in a row per (account name as typed, source address), shared by every node.
 * Keyed by the name rather than the user so an unknown name is throttled exactly like a real one
 * (the throttle tells nothing about which accounts exist). After LOGIN_MAX_FAILURES the pair is
 * held back for LOGIN_LOCK_MINUTES, doubling with each further failure; a success from that
 * address deletes the row, and a row is forgotten a day after its last change.
 */
export const loginThrottle = pgTable(
  'login_throttle',
  {
    username: text('username').notNull(),
    sourceIp: text('source_ip').notNull(),
    failures: integer('failures').notNull().default(0),
    heldUntil: timestamp('held_until', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.username, t.sourceIp] }),
    index('login_throttle_updated_idx').on(t.updatedAt),
  ],
);

/** Login attempts per source address per minute (LOGIN_RATE_LIMIT_PER_MINUTE), across nodes. */
export const loginRate = pgTable(
  'login_rate',
  {
    sourceIp: text('source_ip').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.sourceIp, t.windowStart] }),
    index('login_rate_window_idx').on(t.windowStart),
  ],
);
