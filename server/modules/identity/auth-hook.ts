/**
 * Resolves who is calling before any handler runs: the session cookie of the web app or an
 * `Authorization: Bearer` token (session token or API key). Routes marked public skip the check.
 * Owns the node's session cache (session-cache.ts) and what drops its entries: identity events
 * this node's requests record (after their transaction, before their response) and identity
 * events any node records (from the event feed).
 */

import type { FastifyRequest } from 'fastify';
import type { Scope } from '../../../common/identity.ts';
import { observeEvents } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import { AppError, languageOf } from '../../platform/errors.ts';
import type { EventFeed } from '../../platform/event-feed.ts';
import type { App } from '../../platform/types.ts';
import { authenticate } from './auth-service.ts';
import { type Invalidation, invalidationOf, SessionCache } from './session-cache.ts';
import { SESSION_COOKIE } from './tokens.ts';

/**
 * The identity changes a request recorded, to drop once its transaction committed. A symbol
 * key, so the spread copies services make of a context (`{ ...ctx, actor }`) share the list.
 */
const WRITES = Symbol('identity writes');
interface Writes {
  cache: SessionCache;
  pending: Invalidation[];
}
type TrackedContext = RequestContext & { [WRITES]?: Writes };

const ANONYMOUS: Actor = {
  type: 'anonymous',
  id: null,
  name: 'anonymous',
  orgId: null,
  roles: [],
  permissions: [],
  scope: { kind: 'unit', orgId: '', districtCode: null } as Scope,
};

/**
 * The actor behind a request's bearer token or session cookie, outside the auth hook (the
 * metrics endpoint is public to allowed scrapers and authenticates callers itself).
 */
export async function authenticateRequest(app: App, request: FastifyRequest): Promise<Actor | null> {
  const credential = credentialOf(request.headers, request.cookies ?? {});
  return credential ? authenticate(app.db, credential) : null;
}

export function credentialOf(
  headers: Record<string, string | string[] | undefined>,
  cookies: Record<string, string | undefined>,
) {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
    if (!m)
      throw new AppError('AUTH_INVALID_TOKEN', {
        details: [{ field: 'headers.authorization', message: 'expected "Bearer <token>"' }],
      });
    return m[1];
  }
  return cookies[SESSION_COOKIE];
}

export function installAuth(app: App, feed?: EventFeed) {
  const cache = new SessionCache({
    ttlMs: app.config.authCacheTtlSeconds * 1000,
    maxEntries: app.config.authCacheMaxEntries,
  });
  // Passed to authenticate explicitly: two apps on one database (tests, a node's second server)
  // each keep and drop their own entries.
  const served = cache.enabled ? cache : undefined;
  // Inside the writing transaction: note the change for after the commit. Dropping now as well
  // also stops lookups already under way from storing what the transaction is about to change.
  const unobserve = observeEvents((ctx, input) => {
    const writes = (ctx as TrackedContext)[WRITES];
    if (writes?.cache !== cache) return;
    const inv = invalidationOf(input);
    if (!inv) return;
    cache.drop(inv);
    writes.pending.push(inv);
  });
  // Changes made on the other nodes (and this one's own, a second time).
  const unsubscribe = feed?.subscribe((rows) => {
    for (const row of rows) {
      const inv = invalidationOf(row);
      if (inv) cache.drop(inv);
    }
  });
  app.addHook('onClose', async () => {
    unobserve();
    unsubscribe?.();
  });

  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.addHook('onRequest', async (request) => {
    const lang = languageOf(request.headers['accept-language']);
    const ctx: TrackedContext = { actor: ANONYMOUS, requestId: request.id, sourceIp: request.ip, lang };
    ctx[WRITES] = { cache, pending: [] };
    request.ctx = ctx;
    if (request.routeOptions.config?.public || !request.routeOptions.url) return;
    const credential = credentialOf(request.headers, request.cookies ?? {});
    if (!credential) throw new AppError('AUTH_REQUIRED');
    request.ctx.actor = await authenticate(app.db, credential, served);
  });
  // The handler has returned, so its transaction is over: what it changed is dropped before the
  // caller (or anyone the caller tells) can send the next request.
  app.addHook('onSend', async (request, _reply, payload) => {
    const writes = (request.ctx as TrackedContext | null)?.[WRITES];
    if (writes?.pending.length) {
      for (const inv of writes.pending.splice(0)) cache.drop(inv);
    }
    return payload;
  });
}
