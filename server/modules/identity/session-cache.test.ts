import { describe, expect, it } from 'vitest';
import type { Actor } from '../../platform/context.ts';
import {
  type CachedPrincipal,
  freezeActor,
  invalidationOf,
  SessionCache,
  type SessionCacheOptions,
} from './session-cache.ts';

function principal(p: Partial<CachedPrincipal> & { sessionId?: string | null } = {}): CachedPrincipal {
  const actor: Actor = {
    type: 'user',
    id: p.userId ?? 'u1',
    name: 'haishu.dispatcher',
    orgId: p.orgId ?? 'o1',
    roles: ['dispatcher'],
    permissions: ['case:read'],
    scope: { kind: 'district', districtCode: '330203' },
    sessionId: p.sessionId ?? 's1',
  };
  return {
    actor,
    sessionId: 's1',
    userId: 'u1',
    apiKeyId: null,
    orgId: 'o1',
    expiresAt: Number.POSITIVE_INFINITY,
    touchedAt: 0,
    ...p,
  };
}

function cacheWithClock(opts: Partial<SessionCacheOptions> = {}) {
  const clock = { t: 1_000_000 };
  const cache = new SessionCache({ ttlMs: 30_000, maxEntries: 100, now: () => clock.t, ...opts });
  return { cache, clock };
}

describe('SessionCache', () => {
  it('returns what was stored until the time to live ends, then forgets it', () => {
    const { cache, clock } = cacheWithClock();
    const p = principal();
    expect(cache.set('h1', p, cache.version)).toBe(true);
    expect(cache.get('h1')).toBe(p);
    clock.t += 29_999;
    expect(cache.get('h1')).toBe(p);
    clock.t += 1;
    expect(cache.get('h1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps at most maxEntries, dropping the oldest first', () => {
    const { cache } = cacheWithClock({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c', 'd']) cache.set(k, principal({ sessionId: k }), cache.version);
    expect(cache.size).toBe(3);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('d')?.sessionId).toBe('d');
    // Storing a key again renews its place: it is no longer the oldest.
    cache.set('b', principal({ sessionId: 'b' }), cache.version);
    cache.set('e', principal({ sessionId: 'e' }), cache.version);
    expect(cache.get('b')?.sessionId).toBe('b');
    expect(cache.get('c')).toBeUndefined();
  });

  it('does not store a lookup that began before a drop (a revocation committing meanwhile)', () => {
    const { cache } = cacheWithClock();
    const before = cache.version;
    // The lookup reads the session; meanwhile a logout of some session is recorded and dropped.
    cache.drop({ kind: 'session', id: 's1' });
    expect(cache.set('h1', principal(), before)).toBe(false);
    expect(cache.get('h1')).toBeUndefined();
    // A lookup that began after the drop read the committed state: it is kept.
    expect(cache.set('h1', principal(), cache.version)).toBe(true);
  });

  it('drops by session, user, API key, organisation, or everything', () => {
    const { cache } = cacheWithClock();
    const fill = () => {
      cache.set('s1', principal({ sessionId: 's1', userId: 'u1', orgId: 'o1' }), cache.version);
      cache.set('s2', principal({ sessionId: 's2', userId: 'u1', orgId: 'o1' }), cache.version);
      cache.set('s3', principal({ sessionId: 's3', userId: 'u2', orgId: 'o2' }), cache.version);
      cache.set(
        'k1',
        principal({ sessionId: null, userId: null, apiKeyId: 'k1', orgId: 'o1' }),
        cache.version,
      );
    };
    const left = () => ['s1', 's2', 's3', 'k1'].filter((k) => cache.get(k));

    fill();
    cache.drop({ kind: 'session', id: 's2' });
    expect(left()).toEqual(['s1', 's3', 'k1']);
    fill();
    cache.drop({ kind: 'user', id: 'u1' });
    expect(left()).toEqual(['s3', 'k1']);
    fill();
    cache.drop({ kind: 'api_key', id: 'k1' });
    expect(left()).toEqual(['s1', 's2', 's3']);
    fill();
    cache.drop({ kind: 'org', id: 'o1' });
    expect(left()).toEqual(['s3']);
    fill();
    cache.drop({ kind: 'all' });
    expect(left()).toEqual([]);
  });

  it('is off with a time to live or a size of 0', () => {
    for (const opts of [{ ttlMs: 0 }, { maxEntries: 0 }]) {
      const { cache } = cacheWithClock(opts);
      expect(cache.enabled).toBe(false);
      expect(cache.set('h1', principal(), cache.version)).toBe(false);
      expect(cache.get('h1')).toBeUndefined();
    }
  });
});

describe('invalidationOf', () => {
  it('maps identity events to what they make stale', () => {
    expect(invalidationOf({ action: 'auth.logout', entityType: 'session', entityId: 's1' })).toEqual({
      kind: 'session',
      id: 's1',
    });
    for (const action of ['user.update', 'user.password_change', 'user.password_reset', 'user.preferences']) {
      expect(invalidationOf({ action, entityType: 'user', entityId: 'u1' })).toEqual({
        kind: 'user',
        id: 'u1',
      });
    }
    expect(invalidationOf({ action: 'apikey.revoke', entityType: 'api_key', entityId: 'k1' })).toEqual({
      kind: 'api_key',
      id: 'k1',
    });
    expect(invalidationOf({ action: 'org.update', entityType: 'org', entityId: 'o1' })).toEqual({
      kind: 'org',
      id: 'o1',
    });
  });

  it('keys on the entity, so an identity action nobody listed still drops the cache', () => {
    expect(invalidationOf({ action: 'apikey.permissions', entityType: 'api_key', entityId: 'k9' })).toEqual({
      kind: 'api_key',
      id: 'k9',
    });
    expect(invalidationOf({ action: 'user.bulk_disable', entityType: 'user', entityId: null })).toEqual({
      kind: 'all',
    });
  });

  it('ignores events that only add a record: a new session, user, key or organisation', () => {
    expect(invalidationOf({ action: 'auth.login', entityType: 'session', entityId: 's9' })).toBeNull();
    expect(invalidationOf({ action: 'user.create', entityType: 'user', entityId: 'u9' })).toBeNull();
    expect(invalidationOf({ action: 'apikey.create', entityType: 'api_key', entityId: 'k9' })).toBeNull();
    expect(invalidationOf({ action: 'org.create', entityType: 'org', entityId: 'o9' })).toBeNull();
    // A failed login of a known account changes its failure count or lock, which /api/me shows.
    expect(invalidationOf({ action: 'auth.login_failed', entityType: 'user', entityId: 'u1' })).toEqual({
      kind: 'user',
      id: 'u1',
    });
  });

  it('ignores events about other things and failed logins of unknown names', () => {
    expect(invalidationOf({ action: 'case.dispatch', entityType: 'case', entityId: 'c1' })).toBeNull();
    expect(invalidationOf({ action: 'setting.update', entityType: 'setting', entityId: 'x' })).toBeNull();
    expect(invalidationOf({ action: 'auth.login_failed', entityType: 'user', entityId: null })).toBeNull();
  });
});

describe('freezeActor', () => {
  it('makes a shared actor unchangeable, down to its roles, permissions and scope', () => {
    const actor = freezeActor(principal().actor);
    expect(() => {
      (actor.permissions as string[]).push('user:manage');
    }).toThrow(TypeError);
    expect(() => {
      (actor as { name: string }).name = 'x';
    }).toThrow(TypeError);
    expect(() => {
      (actor.scope as { kind: string }).kind = 'city';
    }).toThrow(TypeError);
  });
});
