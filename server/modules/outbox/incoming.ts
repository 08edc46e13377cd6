/**
 * Signed feedback from a unit's own system. The unit's system acts on its cases through the
 * ordinary case action route (`POST /api/cases/:id/actions/:action`) with an API key holding
 * `case:unit_feedback`, and must sign each such call with the unit's endpoint secret:
 * `X-CityOps-Timestamp: <Unix seconds>` and `X-CityOps-Signature: sha256=<hex HMAC-SHA256 of
 * "<timestamp>.<raw body>">`. A missing or wrong signature, a timestamp more than five minutes
 * from now, or a unit with no endpoint secret → 401 SIGNATURE_INVALID, before the case is touched.
 *
 * Only those JSON action calls are signed. Photo uploads (`POST /api/photos`, multipart) with the
 * same key are not: a photo changes no case by itself, is stored by content hash, and reaches a
 * case only through a signed action that names its id.
 *
 * To check the signature the exact bytes are needed, so for these requests (and only these) a
 * preParsing hook keeps a copy of the raw body and hands Fastify's usual JSON parser a stream of
 * the same bytes; every other request is parsed exactly as before.
 */
import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/types.ts';
import { findEndpoint } from './repository.ts';
import { HEADER_SIGNATURE, HEADER_TIMESTAMP, verify } from './signature.ts';

/** The operation name of the case action route (server/modules/cases/routes.ts). */
const SIGNED_OPERATIONS = new Set(['cases.act']);

const rawBodies = new WeakMap<FastifyRequest, Buffer>();

export function needsSignature(request: FastifyRequest): boolean {
  const actor = request.ctx?.actor;
  return (
    request.method === 'POST' &&
    SIGNED_OPERATIONS.has(request.routeOptions.config?.operation ?? '') &&
    actor?.type === 'api_key' &&
    actor.permissions.includes('case:unit_feedback')
  );
}

const header = (request: FastifyRequest, name: string) => {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function installFeedbackSignature(app: App) {
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (!needsSignature(request)) return payload;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += b.length;
      if (size > app.config.bodyLimitBytes) throw new AppError('PAYLOAD_TOO_LARGE');
      chunks.push(b);
    }
    const raw = Buffer.concat(chunks);
    rawBodies.set(request, raw);
    const copy = Readable.from([raw]) as Readable & { receivedEncodedLength?: number };
    copy.receivedEncodedLength = raw.length;
    return copy;
  });

  app.addHook('preValidation', async (request) => {
    if (!needsSignature(request)) return;
    const actor = request.ctx.actor;
    const orgId = actor.scope.kind === 'unit' ? actor.scope.orgId : actor.orgId;
    const endpoint = orgId ? await findEndpoint(app.db, orgId) : undefined;
    const result = endpoint
      ? verify(
          endpoint.secret,
          header(request, HEADER_TIMESTAMP),
          header(request, HEADER_SIGNATURE),
          rawBodies.get(request) ?? Buffer.alloc(0),
        )
      : { ok: false as const, reason: 'the unit has no endpoint secret; an admin sets one first' };
    if (!result.ok) {
      throw new AppError('SIGNATURE_INVALID', {
        details: [{ field: `headers.${HEADER_SIGNATURE}`, message: result.reason }],
      });
    }
  });
}
