/**
 * Open311 GeoReport v2 at `/open311/v2/`: discovery, services, service definitions, requests
 * (create, list, one) and tokens, each in XML or JSON by the resource's suffix. Registered with
 * that prefix, so what it sets here — the form parser, the error and not-found answers in the
 * spec's shape, the throttle — holds for these routes only.
 *
 * - Every route is public to the auth hook (`config.public`): GETs need no key, and `POST
 *   requests` carries its key in the form body, checked by the service.
 * - Bodies: `application/x-www-form-urlencoded` in UTF-8 only (the spec), at most BODY_LIMIT_BYTES,
 *   each field once; JSON and anything else is refused with the spec's 400.
 * - An empty parameter is an absent one (the spec), in the query and the body alike.
 * - `api_key` belongs in the body of `POST requests` only; in a URL it is refused (URLs are logged).
 * - Throttle: OPEN311_RATE_LIMIT_PER_MINUTE calls per source address per minute on this node over
 *   all of these routes together (IPv6 per /64; behind a proxy the address TRUST_PROXY lets
 *   through), then 429 with Retry-After; other addresses are not affected.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, languageOf } from '../../platform/errors.ts';
import type { App } from '../../platform/types.ts';
import type { SpatialService } from '../geo/index.ts';
import { asAppError, sendOpen311Error } from './errors.ts';
import { CONTENT_TYPES, type Format, renderDocument, renderList } from './format.ts';
import {
  bothForms,
  Discovery,
  errorAnswers,
  FormatParams,
  JurisdictionQuery,
  RequestCreateBody,
  RequestCreated,
  RequestCreateHeaders,
  RequestListQuery,
  RequestParams,
  ServiceDefinition,
  ServiceList,
  ServiceParams,
  ServiceRequestList,
  TokenAnswer,
  TokenParams,
} from './schemas.ts';
import {
  badParameter,
  checkJurisdiction,
  createRequest,
  discovery,
  getRequest,
  listRequests,
  listServices,
  resolveToken,
  serviceDefinition,
} from './service.ts';

export const OPEN311_PREFIX = '/open311/v2';
const tags = ['open311'];

/** Parses a UTF-8 form body into single values; a field given twice stays a list (and is refused). */
export function parseForm(text: string): Record<string, string | string[]> {
  return parseFormBytes(Buffer.from(text, 'utf8'));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** `a+b%E6%B5%8B` → its bytes: `+` a space, `%XX` the byte, any other byte itself (as URLSearchParams). */
function percentDecodedBytes(raw: Buffer): Uint8Array {
  const out = new Uint8Array(raw.length);
  let n = 0;
  const hex = (b: number | undefined) =>
    b === undefined
      ? -1
      : b >= 0x30 && b <= 0x39
        ? b - 0x30
        : (b | 0x20) >= 0x61 && (b | 0x20) <= 0x66
          ? (b | 0x20) - 0x57
          : -1;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b === 0x2b) out[n++] = 0x20;
    else if (b === 0x25 && hex(raw[i + 1]) >= 0 && hex(raw[i + 2]) >= 0) {
      out[n++] = hex(raw[i + 1]) * 16 + hex(raw[i + 2]);
      i += 2;
    } else out[n++] = b;
  }
  return out.subarray(0, n);
}

/**
 * Parses a form body's bytes as `application/x-www-form-urlencoded` in UTF-8. Each name and value
 * is percent-decoded to bytes and those bytes must be UTF-8: a field whose bytes are not (a
 * `%FF`, Latin-1 text) is refused with 400 naming it, rather than published with U+FFFD in it.
 */
export function parseFormBytes(body: Buffer): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x26, start);
    if (end < 0) end = body.length;
    const part = body.subarray(start, end);
    start = end + 1;
    if (part.length === 0) continue;
    const eq = part.indexOf(0x3d);
    const rawName = eq < 0 ? part : part.subarray(0, eq);
    const rawValue = eq < 0 ? Buffer.alloc(0) : part.subarray(eq + 1);
    const nameBytes = percentDecodedBytes(rawName);
    let k: string;
    try {
      k = utf8.decode(nameBytes);
    } catch {
      throw notUtf8(lenient.decode(nameBytes), true);
    }
    let v: string;
    try {
      v = utf8.decode(percentDecodedBytes(rawValue));
    } catch {
      throw notUtf8(k, false);
    }
    const had = out[k];
    out[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return out;
}

const notUtf8 = (field: string, name: boolean) =>
  badParameter(
    field,
    name ? `表单中有字段名不是 UTF-8 编码：${field}` : `${field} 不是 UTF-8 编码的文本（表单须为 UTF-8）`,
    name
      ? `A field name of the form is not UTF-8: ${field}`
      : `${field} is not UTF-8 text (the form must be UTF-8)`,
  );

/** Drops empty parameters: the spec treats them as absent. */
function dropEmpty(o: unknown) {
  if (!o || typeof o !== 'object') return;
  for (const [k, v] of Object.entries(o)) if (v === '') delete (o as Record<string, unknown>)[k];
}

/** The rendered document, typed as the form asks (the route's schema documents both forms). */
const answer = (reply: FastifyReply, format: Format, text: string) =>
  reply.type(CONTENT_TYPES[format]).send(text);

const langOf = (request: FastifyRequest) => languageOf(request.headers['accept-language']);

const formatError = (format: string) =>
  new AppError('NOT_FOUND', {
    zh: `不支持的格式：.${format}（请用 .xml 或 .json）`,
    en: `Unsupported format: .${format} (use .xml or .json)`,
    details: [{ field: 'format', message: format }],
  });

/** `.html` and the like: the resource does not exist in that form (404), rather than a bad request. */
function isFormatProblem(err: unknown): boolean {
  const e = err as { validation?: { instancePath?: string }[]; validationContext?: string };
  return e.validationContext === 'params' && !!e.validation?.some((v) => v.instancePath === '/format');
}

export const open311Routes = (spatial: SpatialService) =>
  async function open311Plugin(app: App) {
    // The spec's bodies are forms; JSON and plain text are not what it speaks.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'buffer', bodyLimit: app.config.bodyLimitBytes },
      (request, body, done) => {
        const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(String(request.headers['content-type']))?.[1];
        if (charset && !/^utf-?8$/i.test(charset)) {
          done(
            new AppError('UNSUPPORTED_MEDIA_TYPE', {
              zh: `表单须为 UTF-8 编码，收到：${charset}`,
              en: `The form must be UTF-8; got: ${charset}`,
              details: [{ field: 'headers.content-type', message: charset }],
            }),
          );
          return;
        }
        try {
          done(null, parseFormBytes(body as Buffer));
        } catch (err) {
          done(err as Error);
        }
      },
    );

    app.setErrorHandler((error, request, reply) => {
      const err = isFormatProblem(error)
        ? formatError(String((request.params as { format?: string }).format))
        : asAppError(error);
      if (err.status >= 500) request.log.error({ err: error }, 'open311 request failed');
      return sendOpen311Error(request, reply, err);
    });
    app.setNotFoundHandler((request, reply) =>
      sendOpen311Error(
        request,
        reply,
        new AppError('ROUTE_NOT_FOUND', {
          zh: `没有该资源：${request.method} ${request.url.split('?')[0]}（见 ${OPEN311_PREFIX}/discovery.xml）`,
          en: `No such resource: ${request.method} ${request.url.split('?')[0]} (see ${OPEN311_PREFIX}/discovery.xml)`,
        }),
      ),
    );

    const limit = app.config.open311RateLimitPerMinute;
    if (limit > 0) {
      // One budget per address for the whole surface, checked before anything is read or parsed.
      app.addHook('onRequest', app.rateLimit({ max: limit, timeWindow: 60_000, ipv6Subnet: 64 }));
    }
    app.addHook('preValidation', async (request) => {
      dropEmpty(request.query);
      dropEmpty(request.body);
      // Some clients send their key with every call. Reading needs none, and a key in a URL ends up
      // in access logs and proxies' histories: refused, saying why.
      if (Object.hasOwn((request.query ?? {}) as object, 'api_key')) {
        throw badParameter(
          'api_key',
          'api_key 只在 POST requests 的表单正文中使用：读取不需要密钥，密钥也不应出现在网址中（网址会被记入日志）',
          'api_key belongs in the form body of POST requests only: reading needs no key, and a key in a URL ends up in logs',
        );
      }
    });

    app.get(
      '/discovery.:format',
      {
        config: { public: true, operation: 'open311.discovery' },
        schema: {
          tags,
          summary: 'Service discovery / 服务发现',
          description:
            'Where this GeoReport v2 endpoint is, its formats, whom to contact and how to get a key.',
          params: FormatParams,
          querystring: JurisdictionQuery,
          response: { 200: bothForms('the discovery document', Discovery), ...errorAnswers([400, 404, 429]) },
        },
      },
      async (request, r) => {
        const doc = await discovery(app.db, `${request.protocol}://${request.host}`, langOf(request));
        return answer(r, request.params.format, renderDocument(request.params.format, 'discovery', doc));
      },
    );

    app.get(
      '/services.:format',
      {
        config: { public: true, operation: 'open311.services' },
        schema: {
          tags,
          summary: 'Service list: the enabled matter types / 服务列表（启用的事项类型）',
          description:
            '`service_code` is the matter type code of the catalogue (GB/T 47678.5-2026, local types 99xxx), `group` its category; every service is `realtime` (the request id comes back at once) and has a definition (`metadata`).',
          params: FormatParams,
          querystring: JurisdictionQuery,
          response: { 200: bothForms('the services', ServiceList), ...errorAnswers([400, 404, 429]) },
        },
      },
      async (request, r) => {
        checkJurisdiction(app.config, request.query.jurisdiction_id);
        const list = await listServices(app.db);
        return answer(
          r,
          request.params.format,
          renderList(request.params.format, 'services', 'service', list),
        );
      },
    );

    app.get(
      '/services/:service_code.:format',
      {
        config: { public: true, operation: 'open311.service' },
        schema: {
          tags,
          summary: "Service definition: the type's disposal standard / 服务定义（立结案规范）",
          description:
            'The disposal standard (立结案规范) of the matter type as display-only attributes (`variable: false`): filing conditions, time limits, closing conditions. No attribute is input.',
          params: ServiceParams,
          querystring: JurisdictionQuery,
          response: {
            200: bothForms('the service definition', ServiceDefinition),
            ...errorAnswers([400, 404, 429]),
          },
        },
      },
      async (request, r) => {
        checkJurisdiction(app.config, request.query.jurisdiction_id);
        const def = await serviceDefinition(app.db, request.params.service_code, langOf(request));
        return answer(
          r,
          request.params.format,
          renderDocument(request.params.format, 'service_definition', def),
        );
      },
    );

    app.post(
      '/requests.:format',
      {
        config: { public: true, operation: 'open311.requests.create' },
        schema: {
          tags,
          summary: 'Create a request: a report through the one intake / 提交请求（上报）',
          description:
            "Form-encoded (`application/x-www-form-urlencoded`, UTF-8). `api_key`: a platform API key holding `case:report` (missing or bad: 403); a key reports where its organisation may (a district key in its district). One location: `lat` and `long` (WGS84), or `address_id` / `address_string` of the gazetteer (both together must name the same place, else 400); a position with an address whose place lies more than 300 m away is 400, nearer the position is taken and the address the client wrote is the request's. Every field must be UTF-8 (else 400 naming it). The request becomes a report like any other: the grid, the routing suggestion and the duplicate check of intake, on the channel `department` (a unit's key) or `app` (any other). `media_url` is kept as a link, never fetched. An `Idempotency-Key` header makes retries safe: the same form again is answered with the first request; a different form under a used key is refused (409).",
          consumes: ['application/x-www-form-urlencoded'],
          params: FormatParams,
          headers: RequestCreateHeaders,
          body: RequestCreateBody,
          response: {
            200: bothForms('the new request (or the one this Idempotency-Key made)', RequestCreated),
            ...errorAnswers([400, 403, 404, 409, 429]),
          },
        },
      },
      async (request, r) => {
        const out = await createRequest(
          app.db,
          spatial,
          app.config,
          request.ctx,
          request.body,
          request.headers['idempotency-key'] as string | undefined,
        );
        return answer(
          r,
          request.params.format,
          renderList(request.params.format, 'service_requests', 'request', out),
        );
      },
    );

    app.get(
      '/requests.:format',
      {
        config: { public: true, operation: 'open311.requests.list' },
        schema: {
          tags,
          summary: 'Public requests, newest first / 公开的请求',
          description:
            "Reports made in the open (the public website, apps — Open311 included —, WeChat, departments' own reports) whose case has a type, as their public view: no reporter, no staff, no unit. Default: the last 90 days; a range spans at most 90 days; at most 1,000 answers. `service_request_id` overrides every other filter.",
          params: FormatParams,
          querystring: RequestListQuery,
          response: { 200: bothForms('the requests', ServiceRequestList), ...errorAnswers([400, 404, 429]) },
        },
      },
      async (request, r) => {
        const list = await listRequests(app.db, spatial, app.config, request.query, langOf(request));
        return answer(
          r,
          request.params.format,
          renderList(request.params.format, 'service_requests', 'request', list),
        );
      },
    );

    app.get(
      '/requests/:service_request_id.:format',
      {
        config: { public: true, operation: 'open311.requests.get' },
        schema: {
          tags,
          summary: 'One public request / 单个请求',
          params: RequestParams,
          querystring: JurisdictionQuery,
          response: { 200: bothForms('the request', ServiceRequestList), ...errorAnswers([400, 404, 429]) },
        },
      },
      async (request, r) => {
        const list = await getRequest(
          app.db,
          spatial,
          app.config,
          request.params.service_request_id,
          request.query.jurisdiction_id,
          langOf(request),
        );
        return answer(
          r,
          request.params.format,
          renderList(request.params.format, 'service_requests', 'request', list),
        );
      },
    );

    app.get(
      '/tokens/:token.:format',
      {
        config: { public: true, operation: 'open311.tokens' },
        schema: {
          tags,
          summary: 'A tracking code → its request id / 查询码换取请求编号',
          description:
            "The token is a report's tracking code (查询码), from Open311 or the public portal; answered for public requests only.",
          params: TokenParams,
          querystring: JurisdictionQuery,
          response: { 200: bothForms('the request id', TokenAnswer), ...errorAnswers([400, 404, 429]) },
        },
      },
      async (request, r) => {
        const list = await resolveToken(
          app.db,
          app.config,
          request.params.token,
          request.query.jurisdiction_id,
        );
        return answer(
          r,
          request.params.format,
          renderList(request.params.format, 'service_requests', 'request', list),
        );
      },
    );
  };
