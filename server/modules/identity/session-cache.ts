/**
 * The authenticated hot path: who holds a session token or API key, kept per node so most
 * requests reach the database not at all. The database stays the truth; an entry is only a copy
 * of a lookup that succeeded, and it is dropped
 *   - at once on this node when a request records an event about the session, the user, the API
 *     key or the organisation behind it (logout, disabling, roles, organisation, password), after
 *     that request's transaction committed and before its response leaves;
 *   - within a second on every other node, when the same event arrives on the event feed;
 *   - at the latest after the time to live, so an event a node never saw (feed down, a row the
 *     feed skipped) cannot keep a revoked session working for longer than that.
 * Session expiry is checked on every hit against the stored instant, so it stays exact.
 */
import type { Actor } from '../../platform/context.ts';
import type { OrgRow, UserRow } from './repository.ts';

/** What an identity event makes stale. */
export type Invalidation = { kind: 'session' | 'user' | 'api_key' | 'org'; id: string } | { kind: 'all' };

/** The entity types whose events change who may do what (identity.ts and org services record them). */
const KINDS: Record<string, Exclude<Invalidation['kind'], 'all'>> = {
  session: 'session',
  user: 'user',
  api_key: 'api_key',
  org: 'org',
};

/**
 * Events that only add a record (a new session at login, a new user, key or organisation): no
 * cached principal can be stale through them, and dropping on each login would throw away the
 * entry another node has only just stored for the new session.
 */
const CREATIONS = new Set(['auth.login', 'user.create', 'apikey.create', 'org.create']);

/**
 * Which cached principals an event (recorded now, or read from the feed) makes stale; null when
 * it changes no identity. Keyed on the entity, not the action, so a new kind of identity change
 * (a grant, a permission edit of an API key) drops the cache without anyone remembering to.
 */
export function invalidationOf(e: {
  action: string;
  entityType: string;
  entityId: string | null;
}): Invalidation | null {
  const kind = KINDS[e.entityType];
  if (!kind || CREATIONS.has(e.action)) return null;
  if (e.entityId) return { kind, id: e.entityId };
  // A login attempt for an unknown name has no record to name and changes nothing; any other
  // identity event without one is taken to touch everybody rather than nobody.
  if (e.action.startsWith('auth.login')) return null;
  return { kind: 'all' };
}

/** The user and organisation rows a session was resolved with: `GET /api/me` answers from them. */
export interface Profile {
  user: UserRow;
  org: OrgRow;
}

export interface CachedPrincipal {
  /** Frozen: one object serves many requests, none may change it for the others. */
  actor: Actor;
  sessionId: string | null;
  userId: string | null;
  apiKeyId: string | null;
  orgId: string;
  /** Session expiry in ms since the epoch (Infinity for an API key); checked on every hit. */
  expiresAt: number;
  /** When `last_seen_at` / `last_used_at` was last written or read: throttles that write. */
  touchedAt: number;
}

interface Slot {
  value: CachedPrincipal;
  /** The end of the time to live (ms since the epoch). */
  until: number;
}

export interface SessionCacheOptions {
  ttlMs: number;
  maxEntries: number;
  /** The clock (tests move it). */
  now?: () => number;
}

/**
 * Credential hash → principal, at most `maxEntries` (the oldest entry goes first) for at most
 * `ttlMs` each. A lookup that overlapped a drop is not stored (`version`/`set`), so a read that
 * began before a revocation committed cannot put the revoked session back after it was dropped.
 */
export class SessionCache {
  private readonly slots = new Map<string, Slot>();
  private generation = 0;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(opts: SessionCacheOptions) {
    this.ttlMs = opts.ttlMs;
    this.maxEntries = opts.maxEntries;
    this.now = opts.now ?? (() => Date.now());
  }

  /** A time to live or size of 0 turns the cache off: every request reads the database. */
  get enabled(): boolean {
    return this.ttlMs > 0 && this.maxEntries > 0;
  }

  get size(): number {
    return this.slots.size;
  }

  get(key: string): CachedPrincipal | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    if (slot.until <= this.now()) {
      this.slots.delete(key);
      return undefined;
    }
    return slot.value;
  }

  /** Read before the database lookup and hand to `set`. */
  get version(): number {
    return this.generation;
  }

  /** Stores a lookup's result unless something was dropped since `version` was read. */
  set(key: string, value: CachedPrincipal, version: number): boolean {
    if (!this.enabled || version !== this.generation) return false;
    this.slots.delete(key);
    while (this.slots.size >= this.maxEntries) {
      const oldest = this.slots.keys().next().value as string;
      this.slots.delete(oldest);
    }
    this.slots.set(key, { value, until: this.now() + this.ttlMs });
    return true;
  }

  /** Forgets one credential (a session found expired on a hit). */
  forget(key: string): void {
    this.slots.delete(key);
  }

  drop(inv: Invalidation): void {
    this.generation++;
    if (inv.kind === 'all') {
      this.slots.clear();
      return;
    }
    for (const [key, { value: p }] of this.slots) {
      const hit =
        inv.kind === 'session'
          ? p.sessionId === inv.id
          : inv.kind === 'user'
            ? p.userId === inv.id
            : inv.kind === 'api_key'
              ? p.apiKeyId === inv.id
              : p.orgId === inv.id;
      if (hit) this.slots.delete(key);
    }
  }
}

/** The rows each session actor was resolved from, so `/api/me` need not read them again. */
const profiles = new WeakMap<Actor, Profile>();

export function rememberProfile(actor: Actor, profile: Profile): void {
  profiles.set(actor, profile);
}

export function profileOf(actor: Actor): Profile | undefined {
  return profiles.get(actor);
}

/** Freezes an actor and the arrays and scope inside it. */
export function freezeActor(actor: Actor): Actor {
  Object.freeze(actor.roles);
  Object.freeze(actor.permissions);
  Object.freeze(actor.scope);
  return Object.freeze(actor);
}
