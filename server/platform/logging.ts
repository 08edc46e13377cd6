/**
 * pino JSON logs. Credentials never reach a log line: request bodies are not logged, and the
 * headers and fields that can carry a password or token are redacted should anything log them.
 * URLs are logged on every request, so a secret that travels in a URL is cut out of it too: the
 * public portal's tracking code (查询码: whoever holds it reads the report and rates the case),
 * an Open311 token, and keys or phone numbers put in a query string.
 */
import type { FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.secret',
  'body',
  'req.body',
];

const CENSOR = '[redacted]';

/** Path segments that are secrets: the segment after each of these prefixes. */
const SECRET_SEGMENTS: RegExp[] = [
  // The portal's API and its pages: /api/public/reports/{code}[/…], /public/track/{code}
  /^(\/api\/public\/reports\/)[^/?#]+/,
  /^(\/public\/track\/)[^/?#]+/,
  // Open311: /open311/v2/tokens/{token}.{format}
  /^(\/open311\/v2\/tokens\/)[^/?#.]+/,
];

/** Query parameters whose values are secrets or personal data. */
const SECRET_PARAMS = new Set([
  'api_key',
  'apikey',
  'token',
  'code',
  'trackingcode',
  'phone',
  'callernumber',
  'password',
]);

/** The URL as a log line may show it: secret path segments and query values replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  for (const re of SECRET_SEGMENTS) path = path.replace(re, `$1${CENSOR}`);
  if (q < 0) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replaceAll('+', ' '));
      } catch {
        // A malformed name is logged as sent; its value is still cut below if the name matches.
      }
      return eq >= 0 && SECRET_PARAMS.has(name.trim().toLowerCase()) ? `${rawName}=${CENSOR}` : pair;
    })
    .join('&');
  return `${path}?${query}`;
}

/** Fastify's own request serializer, with the URL redacted. */
function serializeRequest(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    serializers: { req: serializeRequest as unknown as (v: unknown) => unknown },
  };
}
