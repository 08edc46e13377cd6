/**
 * A GeoReport v2 client: what the outbox uses to forward a case to a department that runs an
 * Open311 server, and to read back what became of it. Every call goes through the platform's
 * OutboundClient (server/platform/outbound.ts: https unless the city allows http, no internal
 * address unless OUTBOUND_ALLOW lists it, no redirects, one deadline, bounded answers).
 *
 * It speaks either form: XML (the spec's mandatory one, so every server has it; the default) or
 * JSON. It reads what real servers send, not only what the spec prints: codes and ids as numbers
 * or strings, a POST answered with a `token` instead of an id (then `tokens/{token}` gives the id
 * later), a JSON list wrapped in `service_requests`, statuses other than open and closed. What a
 * server answers is kept only as the fields named here, as plain text, bounded; a failure is a
 * status and a class (`HTTP 503 (http_error)`, `protocol (bad_answer)`), never the server's text.
 */
import { XMLParser } from 'fast-xml-parser';
import { describeOutcome, type OutboundClient, OutboundError } from '../../platform/outbound.ts';

export type GeoReportFormat = 'xml' | 'json';

export interface GeoReportTarget {
  /** The endpoint's base URL, e.g. `https://dept.example.cn/open311/v2` (a trailing slash is fine). */
  baseUrl: string;
  apiKey: string;
  jurisdictionId?: string | null;
  format: GeoReportFormat;
}

export interface ClientEnv {
  outbound: OutboundClient;
  /** The city setting `outbound.allowHttp`. */
  allowHttp: boolean;
  timeoutMs: number;
}

/** What the client keeps of a remote request. */
export interface RemoteRequest {
  serviceRequestId: string;
  /** `open`, `closed`, or what the server said (lower case, at most 40 characters). */
  status: string | null;
  statusNotes: string | null;
  updatedAt: string | null;
}

export type ClientResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface NewRequest {
  serviceCode: string;
  lat: number;
  long: number;
  description?: string;
  addressString?: string;
}

const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  ignoreDeclaration: true,
  processEntities: true,
  isArray: (name) => name === 'request' || name === 'error',
});

/** Text from the other side as it may be kept: no control characters, bounded. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
function text(v: unknown, max: number): string | null {
  if (v === undefined || v === null || typeof v === 'object') return null;
  const s = String(v).replace(CONTROL, '').trim();
  return s === '' ? null : s.slice(0, max);
}

/** A resource's URL; a GET carries the jurisdiction in its query (a POST in its form). */
const url = (t: GeoReportTarget, resource: string, method: 'GET' | 'POST') => {
  const q =
    method === 'GET' && t.jurisdictionId
      ? `?${new URLSearchParams({ jurisdiction_id: t.jurisdictionId })}`
      : '';
  return `${t.baseUrl.replace(/\/+$/, '')}/${resource}.${t.format}${q}`;
};

/** The request items of an answer in either form, or null when it is not one. */
function requestsOf(format: GeoReportFormat, body: Buffer): Record<string, unknown>[] | null {
  try {
    if (format === 'json') {
      const v = JSON.parse(body.toString('utf8')) as unknown;
      const list = Array.isArray(v) ? v : (v as { service_requests?: unknown })?.service_requests;
      const items = Array.isArray(list) ? list : (list as { request?: unknown })?.request;
      return Array.isArray(items) && items.every((i) => i && typeof i === 'object')
        ? (items as Record<string, unknown>[])
        : null;
    }
    const doc = xml.parse(body.toString('utf8')) as { service_requests?: { request?: unknown } | '' };
    if (doc.service_requests === undefined) return null;
    const items = doc.service_requests === '' ? [] : doc.service_requests.request;
    return Array.isArray(items) ? (items as Record<string, unknown>[]) : null;
  } catch {
    return null;
  }
}

async function call(
  env: ClientEnv,
  req: { url: string; method: 'GET' | 'POST'; body?: string; headers?: Record<string, string> },
): Promise<ClientResult<{ status: number; body: Buffer }>> {
  try {
    const res = await env.outbound.request({
      url: req.url,
      method: req.method,
      headers: { 'user-agent': 'CityOps-Open311/1', ...req.headers },
      body: req.body,
      allowHttp: env.allowHttp,
      timeoutMs: env.timeoutMs,
    });
    return { ok: true, value: { status: res.status, body: res.body } };
  } catch (err) {
    if (err instanceof OutboundError) return { ok: false, error: describeOutcome(err) };
    throw err;
  }
}

const BAD_ANSWER = 'protocol (bad_answer)';

/**
 * `POST requests`: creates the request. The answer holds its id, or a token to resolve later.
 * `idempotencyKey` goes in an `Idempotency-Key` header, which CityOps servers honour (a retry
 * after a lost answer is answered with the first request) and others ignore.
 */
export async function postRequest(
  env: ClientEnv,
  target: GeoReportTarget,
  r: NewRequest,
  idempotencyKey: string,
): Promise<ClientResult<{ serviceRequestId: string | null; token: string | null }>> {
  const form = new URLSearchParams({
    api_key: target.apiKey,
    service_code: r.serviceCode,
    lat: String(r.lat),
    long: String(r.long),
  });
  if (target.jurisdictionId) form.set('jurisdiction_id', target.jurisdictionId);
  if (r.description) form.set('description', r.description.slice(0, 4000));
  if (r.addressString) form.set('address_string', r.addressString.slice(0, 200));
  const res = await call(env, {
    url: url(target, 'requests', 'POST'),
    method: 'POST',
    body: form.toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'idempotency-key': idempotencyKey,
    },
  });
  if (!res.ok) return res;
  if (res.value.status < 200 || res.value.status >= 300)
    return { ok: false, error: describeOutcome(res.value) };
  const [first] = requestsOf(target.format, res.value.body) ?? [];
  const serviceRequestId = text(first?.service_request_id, 200);
  const token = text(first?.token, 200);
  if (!serviceRequestId && !token) return { ok: false, error: BAD_ANSWER };
  return { ok: true, value: { serviceRequestId, token } };
}

/** `GET tokens/{token}`: the request id once the server made the request; null while it has not. */
export async function resolveToken(
  env: ClientEnv,
  target: GeoReportTarget,
  token: string,
): Promise<ClientResult<string | null>> {
  const res = await call(env, {
    url: url(target, `tokens/${encodeURIComponent(token)}`, 'GET'),
    method: 'GET',
  });
  if (!res.ok) return res;
  if (res.value.status === 404) return { ok: true, value: null };
  if (res.value.status < 200 || res.value.status >= 300)
    return { ok: false, error: describeOutcome(res.value) };
  const items = requestsOf(target.format, res.value.body);
  if (!items) return { ok: false, error: BAD_ANSWER };
  return { ok: true, value: text(items[0]?.service_request_id, 200) };
}

/** `GET requests/{id}`: the request as the server shows it now; null when it says there is none. */
export async function getRequest(
  env: ClientEnv,
  target: GeoReportTarget,
  serviceRequestId: string,
): Promise<ClientResult<RemoteRequest | null>> {
  const res = await call(env, {
    url: url(target, `requests/${encodeURIComponent(serviceRequestId)}`, 'GET'),
    method: 'GET',
  });
  if (!res.ok) return res;
  if (res.value.status === 404) return { ok: true, value: null };
  if (res.value.status < 200 || res.value.status >= 300)
    return { ok: false, error: describeOutcome(res.value) };
  const items = requestsOf(target.format, res.value.body);
  if (!items) return { ok: false, error: BAD_ANSWER };
  const item = items.find((i) => text(i.service_request_id, 200) === serviceRequestId) ?? items[0];
  if (!item) return { ok: true, value: null };
  return {
    ok: true,
    value: {
      serviceRequestId,
      status: text(item.status, 40)?.toLowerCase() ?? null,
      statusNotes: text(item.status_notes, 2000),
      updatedAt: text(item.updated_datetime, 40),
    },
  };
}

/** Whether a remote status means the department is done with it (the spec's `closed`). */
export const isClosedStatus = (status: string | null) => status === 'closed';
