/**
 * Errors as GeoReport v2 writes them: `errors/error[]` of `{ code, description }` (in JSON the
 * array itself), in the form the resource asked for (XML when it asked for none it knows). The
 * spec's HTTP statuses are mandatory: 404 for what does not exist (a service code, a request, a
 * token, a jurisdiction, an unknown resource), 403 for a missing or bad `api_key` (and a key that
 * may not report), 400 for everything else — a bad location, a body too large or of the wrong
 * type, a location outside the key's district included. Three more, which the spec does not
 * forbid and clients need to tell apart: 429 with `Retry-After` when an address is throttled, 409
 * when an `Idempotency-Key` comes again with a different request (which no retry will fix), and
 * 500 when the platform itself failed (never the client's fault). The body's `code` is the
 * status; several problems with a request are several errors.
 *
 * Descriptions come from the platform's one error catalogue (server/platform/errors.ts), in
 * Chinese by default and in English for `Accept-Language: en`, and name the parameter at fault.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, detailsFor, languageOf, messageFor } from '../../platform/errors.ts';
import { toAppError } from '../../platform/http-errors.ts';
import { cspForPath } from '../../platform/web-security.ts';
import { CONTENT_TYPES, FORMATS, type Format, renderList } from './format.ts';

export interface Open311Error {
  code: number;
  description: string;
}

/** The HTTP status GeoReport v2 gives an error of the platform's catalogue. */
export function open311Status(err: AppError): number {
  if (err.status === 404) return 404;
  if (err.status === 401 || err.status === 403) return 403;
  if (err.status === 429 || err.code === 'IDEMPOTENCY_KEY_REUSED') return err.status;
  if (err.status >= 500) return err.status;
  return 400;
}

/** `body.service_code` → `service_code`: the parameter as the client sent it. */
const parameterOf = (field: string | undefined) =>
  field?.replace(/^(body|querystring|params|headers)\.?/, '').replace(/^\./, '') || undefined;

/** What Fastify said (English) refusing a request before any route, as a Chinese sentence. */
function zhReason(en: string): string {
  if (/valid url component|malformed|decode/i.test(en)) return '网址中的百分号编码无效';
  if (/too long|too large|length/i.test(en)) return '网址或其中的参数过长';
  if (/header/i.test(en)) return '请求头无效';
  return '请求的格式不正确';
}

/**
 * The error's entries: one per problem the error names, or its message alone. Every description
 * is in the caller's language: a detail the thrower wrote in English only (no Chinese details)
 * reads, in Chinese, the error's Chinese sentence instead, and a reason Fastify gave (English)
 * is shown to English callers only.
 */
export function open311Errors(err: AppError, lang: 'zh' | 'en'): Open311Error[] {
  const code = open311Status(err);
  const message = messageFor(err, lang);
  const details = detailsFor(err, lang);
  const untranslated = lang === 'zh' && !err.detailsZh;
  if (err.code === 'VALIDATION_FAILED' && details.length > 0) {
    const described = new Set<string>();
    return details.flatMap((d) => {
      const param = parameterOf(d.field);
      // detailsFor put the Chinese sentence in where the detail repeated the English one.
      const text = untranslated && d.message !== message ? message : d.message;
      const description = param ? `${param}: ${text}` : text;
      if (described.has(description)) return [];
      described.add(description);
      return [{ code, description }];
    });
  }
  // A request Fastify refused before any route (a malformed URL): its reason, which names no
  // secret — Fastify's own words in English, the kind of problem in Chinese.
  if (err.code === 'BAD_REQUEST' && details[0]?.message) {
    const reason = untranslated
      ? zhReason(details.map((d) => d.message).join('; '))
      : details.map((d) => d.message).join('; ');
    return [{ code, description: `${message}: ${reason}` }];
  }
  return [{ code, description: message }];
}

/** The format a URL asks for: its last suffix when it is one GeoReport knows, else XML. */
export function formatOfUrl(url: string): Format {
  const path = url.split('?')[0];
  const m = /\.([a-z]+)$/i.exec(path);
  const f = m?.[1].toLowerCase();
  return (FORMATS as readonly string[]).includes(f ?? '') ? (f as Format) : 'xml';
}

/** Sends an error the GeoReport way. */
export function sendOpen311Error(request: FastifyRequest, reply: FastifyReply, err: AppError) {
  const lang = languageOf(request.headers['accept-language']);
  const format = formatOfUrl(request.url);
  // A request refused before routing never met the security-header hook: the answer is data anyway.
  if (!reply.hasHeader('content-security-policy')) {
    reply
      .header('content-security-policy', cspForPath(request.url))
      .header('x-content-type-options', 'nosniff');
  }
  return reply
    .status(open311Status(err))
    .type(CONTENT_TYPES[format])
    .send(renderList(format, 'errors', 'error', open311Errors(err, lang)));
}

/** Whatever was thrown, as the platform's catalogue knows it (an unknown error is INTERNAL). */
export function asAppError(err: unknown): AppError {
  return toAppError(err) ?? new AppError('INTERNAL');
}
