/**
 * Resolves who is calling before any handler runs: the session cookie of the web app or an
 * `Authorization: Bearer` token (session token or API key). Routes marked public skip the check.
 */
import type { Scope } from '../../../common/identity.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import { AppError, languageOf } from '../../platform/errors.ts';
import type { App } from '../../platform/types.ts';
import { authenticate } from './auth-service.ts';
import { SESSION_COOKIE } from './tokens.ts';

const ANONYMOUS: Actor = {
  type: 'anonymous',
  id: null,
  name: 'anonymous',
  orgId: null,
  roles: [],
  permissions: [],
  scope: { kind: 'unit', orgId: '', districtCode: null } as Scope,
};

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

export function installAuth(app: App) {
  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.addHook('onRequest', async (request) => {
    const lang = languageOf(request.headers['accept-language']);
    request.ctx = { actor: ANONYMOUS, requestId: request.id, sourceIp: request.ip, lang };
    if (request.routeOptions.config?.public || !request.routeOptions.url) return;
    const credential = credentialOf(request.headers, request.cookies ?? {});
    if (!credential) throw new AppError('AUTH_REQUIRED');
    request.ctx.actor = await authenticate(app.db, credential);
  });
}
