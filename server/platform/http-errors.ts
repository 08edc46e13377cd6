/**
 * The one error renderer: every failure leaves the server as
 * `{ "error": { "code", "message", "details" } }` with a stable code and the caller's language.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, detailsFor, type ErrorDetail, languageOf, messageFor } from './errors.ts';
import { FIELD_MESSAGE, zhValidationMessage } from './validation-messages.ts';

interface PgLikeError {
  code?: string;
  constraint?: string;
  detail?: string;
}

function fromFastify(err: FastifyError): AppError | null {
  if (err.validation) {
    const details: ErrorDetail[] = [];
    const detailsZh: ErrorDetail[] = [];
    for (const v of err.validation) {
      const base = `${err.validationContext ?? 'body'}${v.instancePath ?? ''}`.replace(/\//g, '.');
      const params = (v.params ?? {}) as Record<string, unknown>;
      const field =
        typeof params.additionalProperty === 'string'
          ? `${base}.${params.additionalProperty}`
          : typeof params.missingProperty === 'string'
            ? `${base}.${params.missingProperty}`
            : base;
      // A field that says what a person must do (`x-message`, see FIELD_MESSAGE) says it once,
      // whichever of its rules failed; the others read the rule.
      // Ajv's errors carry parentSchema (verbose, validation.ts); Fastify's type leaves it out.
      const { parentSchema } = v as { parentSchema?: { [FIELD_MESSAGE]?: { zh: string; en: string } } };
      const own = parentSchema?.[FIELD_MESSAGE];
      if (own && details.some((d) => d.field === field && d.message === own.en)) continue;
      details.push({ field, message: own?.en ?? v.message ?? 'invalid', rule: v.keyword });
      detailsZh.push({ field, message: own?.zh ?? zhValidationMessage(v), rule: v.keyword });
    }
    return new AppError('VALIDATION_FAILED', { details, detailsZh });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('MALFORMED_JSON');
    default:
  }
  if (err instanceof SyntaxError && err.statusCode === 400) return new AppError('MALFORMED_JSON');
  if (err.statusCode === 429) return new AppError('RATE_LIMITED');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError('BAD_REQUEST', { details: [{ message: err.message }] });
  }
  return null;
}

function fromDatabase(err: PgLikeError): AppError | null {
  // A unique index caught a duplicate the service did not pre-check (or a race between two).
  if (err.code === '23505')
    return new AppError('DUPLICATE', { details: [{ message: err.constraint ?? '' }] });
  if (err.code === '23503')
    return new AppError('INVALID_REFERENCE', { details: [{ message: err.constraint ?? '' }] });
  if (err.code === '40001' || err.code === '40P01') return new AppError('CONFLICT');
  return null;
}

export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  const e = err as FastifyError & PgLikeError;
  return fromFastify(e) ?? fromDatabase(e) ?? fromDatabase((e as { cause?: PgLikeError }).cause ?? {});
}

export function renderError(request: FastifyRequest, reply: FastifyReply, err: AppError) {
  const lang = languageOf(request.headers['accept-language']);
  if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
  return reply.status(err.status).send({
    error: { code: err.code, message: messageFor(err, lang), details: detailsFor(err, lang) },
  });
}

export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError) {
      if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
      return renderError(request, reply, appError);
    }
    request.log.error({ err: error }, 'unhandled error');
    return renderError(request, reply, new AppError('INTERNAL'));
  });
}
