/**
 * The one way the server calls out over HTTP (test: outbound-only.test.ts). Every module that
 * sends to a URL somebody typed in — units' endpoints today, webhooks and connectors later — goes
 * through `OutboundClient`, which enforces the rules against server-side request forgery:
 *
 * - `https://`, or `http://` only when the caller says an admin allowed it (`allowHttp`); no
 *   user name or password in the URL.
 * - The host is resolved (IP literals as they are, `localhost` and `*.localhost` as loopback
 *   without asking DNS) and EVERY address is classified (outbound-address.ts): only public
 *   addresses are reached, plus the internal ones the operator lists in OUTBOUND_ALLOW;
 *   unspecified, metadata, multicast and broadcast addresses never.
 * - `check` does this when a URL is saved; `request` does it again on every call, because the
 *   name may resolve elsewhere by then (DNS rebinding), and then connects to the address it
 *   checked: the socket gets the vetted addresses through `lookup`, so no second resolution
 *   happens between the check and the connection, while the Host header and TLS SNI (and the
 *   certificate check) keep the name.
 * - No redirect is followed (node:http never follows one; a 3xx is just a status). One deadline
 *   covers resolution, connection, headers and body; the body is read up to a bound, or not at
 *   all.
 * - Failures are `OutboundError`s with a class and, at most, a system error code — never text
 *   the other side sent — so whatever is shown to a user (a delivery's `lastError`) cannot
 *   reflect an internal answer.
 */
import dns from 'node:dns';
import type { IncomingHttpHeaders } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { AllowList } from './allow-list.ts';
import { AppError } from './errors.ts';
import {
  ADDRESS_CLASS_NAMES,
  type AddressClass,
  bareHost,
  classifyAddress,
  isLocalhostName,
  NEVER_ALLOWED,
} from './outbound-address.ts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (default: the system resolver, /etc/hosts included). */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolve: Resolve = async (hostname) =>
  (await dns.promises.lookup(hostname, { all: true, order: 'verbatim' })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** Why a URL may not be called. */
export type UrlProblem =
  | { kind: 'invalid' }
  | { kind: 'scheme'; scheme: string }
  | { kind: 'http_not_allowed' }
  | { kind: 'credentials' }
  | { kind: 'address'; host: string; literal: boolean; address: string; cls: AddressClass }
  | { kind: 'unresolved'; host: string; code: string };

export type OutboundFailure =
  | 'url_refused'
  | 'address_refused'
  | 'dns'
  | 'connect'
  | 'tls'
  | 'timeout'
  | 'response_too_large'
  | 'protocol';

/**
 * A call that did not produce a response. `detail` is a class of address, a URL problem or a
 * system error code (ECONNREFUSED, CERT_HAS_EXPIRED…): never text from the other side.
 */
export class OutboundError extends Error {
  constructor(
    readonly failure: OutboundFailure,
    readonly detail?: string,
  ) {
    super(detail ? `${failure} (${detail})` : failure);
    this.name = 'OutboundError';
  }
}

export interface OutboundRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Whether `http://` may be used (an admin setting of the caller's). */
  allowHttp: boolean;
  /** One deadline for resolution, connection, response headers and body. */
  timeoutMs: number;
  /**
   * The most response body bytes read (default 64 KiB; more → `response_too_large`), or
   * `'discard'` to read none: the status is all the caller wants.
   */
  responseBody?: number | 'discard';
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type CheckResult =
  | { ok: true; url: URL; addresses: ResolvedAddress[] }
  | { ok: false; problem: UrlProblem };

export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

/** Scheme and form of a URL, before any resolution. */
export function parseOutboundUrl(raw: string, allowHttp: boolean): { url: URL } | { problem: UrlProblem } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: { kind: 'invalid' } };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: { kind: 'scheme', scheme: url.protocol.replace(/:$/, '') } };
  }
  if (!url.hostname) return { problem: { kind: 'invalid' } };
  if (url.username || url.password) return { problem: { kind: 'credentials' } };
  if (url.protocol === 'http:' && !allowHttp) return { problem: { kind: 'http_not_allowed' } };
  return { url };
}

const errorCode = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,64}$/.test(code) ? code : undefined;
};

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL_)/;

/** A socket-level error as a class; its code kept only when it is a system/TLS/parser code. */
function classify(err: unknown, tls: boolean): OutboundError {
  if (err instanceof OutboundError) return err;
  const code = errorCode(err);
  // EPROTO on a TLS connection: the handshake failed (e.g. the other side does not speak TLS).
  if (code && (TLS_CODE.test(code) || (tls && code === 'EPROTO'))) return new OutboundError('tls', code);
  if (code?.startsWith('HPE_')) return new OutboundError('protocol', code);
  return new OutboundError('connect', code);
}

/** A socket `lookup` that answers only with the addresses that were checked. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return ((
    _hostname: string,
    options: dns.LookupOptions | number,
    callback: (
      err: NodeJS.ErrnoException | null,
      address: string | dns.LookupAddress[],
      family?: number,
    ) => void,
  ) => {
    const opts = typeof options === 'number' ? { family: options } : (options ?? {});
    const family = opts.family === 'IPv4' ? 4 : opts.family === 'IPv6' ? 6 : opts.family;
    const list = addresses.filter((a) => !family || a.family === family);
    if (list.length === 0) {
      const err: NodeJS.ErrnoException = new Error('no checked address of the asked family');
      err.code = 'ENOTFOUND';
      callback(err, '', 0);
    } else if (opts.all) callback(null, list);
    else callback(null, list[0].address, list[0].family);
  }) as LookupFunction;
}

export interface OutboundClientOptions {
  /** OUTBOUND_ALLOW: internal addresses the operator opened (never the NEVER_ALLOWED classes). */
  allow: AllowList;
  resolve?: Resolve;
}

export class OutboundClient {
  private readonly allow: AllowList;
  private readonly resolveName: Resolve;

  constructor(opts: OutboundClientOptions) {
    this.allow = opts.allow;
    this.resolveName = opts.resolve ?? systemResolve;
  }

  /** The class that refuses an address, or null when it may be reached. */
  refusedClass(address: string): AddressClass | null {
    const cls = classifyAddress(address) ?? 'reserved';
    if (cls === 'public') return null;
    if (NEVER_ALLOWED.has(cls)) return cls;
    return this.allow.allows(address) ? null : cls;
  }

  /**
   * Parses, resolves and checks a URL: every address the host resolves to must be reachable.
   * A name that does not resolve is reported as `unresolved` (the caller decides: saving may
   * accept it, since every call checks again; sending fails).
   */
  async check(raw: string, opts: { allowHttp: boolean; deadline?: number }): Promise<CheckResult> {
    const parsed = parseOutboundUrl(raw, opts.allowHttp);
    if ('problem' in parsed) return { ok: false, problem: parsed.problem };
    const { url } = parsed;
    const host = bareHost(url);
    const literal = isIP(host) !== 0;
    let addresses: ResolvedAddress[];
    if (literal) addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
    else if (isLocalhostName(host)) {
      addresses = [
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ];
    } else {
      try {
        addresses = await this.withDeadline(this.resolveName(host), opts.deadline);
      } catch (err) {
        if (err instanceof OutboundError) throw err;
        return { ok: false, problem: { kind: 'unresolved', host, code: errorCode(err) ?? 'ENOTFOUND' } };
      }
      if (addresses.length === 0) {
        return { ok: false, problem: { kind: 'unresolved', host, code: 'ENODATA' } };
      }
    }
    for (const a of addresses) {
      const cls = this.refusedClass(a.address);
      if (cls) return { ok: false, problem: { kind: 'address', host, literal, address: a.address, cls } };
    }
    return { ok: true, url, addresses };
  }

  /** One call, checked again now and sent to the checked addresses. Throws OutboundError. */
  async request(req: OutboundRequest): Promise<OutboundResponse> {
    const deadline = Date.now() + req.timeoutMs;
    const checked = await this.check(req.url, { allowHttp: req.allowHttp, deadline });
    if (!checked.ok) {
      const p = checked.problem;
      if (p.kind === 'address') throw new OutboundError('address_refused', p.cls);
      if (p.kind === 'unresolved') throw new OutboundError('dns', p.code);
      throw new OutboundError('url_refused', p.kind);
    }
    const { url, addresses } = checked;
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new OutboundError('timeout');
    const maxBytes = req.responseBody === 'discard' ? 0 : (req.responseBody ?? DEFAULT_MAX_RESPONSE_BYTES);
    const discard = req.responseBody === 'discard';
    const transport = url.protocol === 'https:' ? https : http;

    return new Promise<OutboundResponse>((resolve, reject) => {
      let settled = false;
      const finish = (err: OutboundError | null, res?: OutboundResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          request.destroy();
          reject(err);
        } else resolve(res!);
      };
      const request = transport.request({
        protocol: url.protocol,
        hostname: bareHost(url),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers: req.headers,
        // A fresh connection to the checked address; no pooled socket from another check.
        agent: false,
        lookup: pinnedLookup(addresses),
      });
      const timer = setTimeout(() => finish(new OutboundError('timeout')), remaining);
      request.on('error', (err) => finish(classify(err, transport === https)));
      request.on('response', (res) => {
        const status = res.statusCode ?? 0;
        // Settled first, destroyed after: destroying emits 'aborted', which must not decide.
        if (discard) {
          finish(null, { status, headers: res.headers, body: Buffer.alloc(0) });
          res.destroy();
          return;
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          finish(new OutboundError('response_too_large'));
          res.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            finish(new OutboundError('response_too_large'));
            res.destroy();
          } else chunks.push(chunk);
        });
        res.on('end', () => finish(null, { status, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', (err) => finish(classify(err, transport === https)));
        res.on('aborted', () => finish(new OutboundError('connect', 'ECONNRESET')));
      });
      request.end(req.body);
    });
  }

  private withDeadline<T>(p: Promise<T>, deadline: number | undefined): Promise<T> {
    if (deadline === undefined) return p;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new OutboundError('timeout')),
        Math.max(0, deadline - Date.now()),
      );
      p.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }
}

/** What a failed call or a non-2xx answer leaves in a record: a status and a class, no text. */
export function describeOutcome(outcome: OutboundError | { status: number }): string {
  if (outcome instanceof OutboundError) return outcome.message;
  const { status } = outcome;
  if (status >= 300 && status < 400) return `HTTP ${status} (redirect_not_followed)`;
  return `HTTP ${status} (http_error)`;
}

/**
 * A URL that may not be saved, as a bilingual 4xx naming the problem (`field`: where the URL is
 * in the request). Malformed URLs are VALIDATION_FAILED (400); URLs that are well formed but
 * point where the platform does not call are OUTBOUND_URL_REFUSED (422).
 */
export function urlProblemError(p: UrlProblem, field: string): AppError {
  const error = (code: 'VALIDATION_FAILED' | 'OUTBOUND_URL_REFUSED', zh: string, en: string, rule: string) =>
    new AppError(code, {
      zh,
      en,
      details: [{ field, message: en, rule }],
      detailsZh: [{ field, message: zh, rule }],
    });
  switch (p.kind) {
    case 'invalid':
      return error(
        'VALIDATION_FAILED',
        '地址须为 https:// 开头的完整 URL',
        'The URL must be a full https:// URL',
        'url',
      );
    case 'scheme':
      return error(
        'VALIDATION_FAILED',
        `不支持的协议 ${p.scheme}:，地址须以 https:// 开头`,
        `The scheme ${p.scheme}: is not supported; the URL must start with https://`,
        'scheme',
      );
    case 'credentials':
      return error(
        'VALIDATION_FAILED',
        '地址中不能包含用户名或密码',
        'The URL must not carry a user name or password',
        'credentials',
      );
    case 'http_not_allowed':
      return error(
        'OUTBOUND_URL_REFUSED',
        '须使用 https:// 地址；只有市级管理员在设置 outbound.allowHttp 中允许后才能使用 http://',
        "Use an https:// URL; http:// is accepted only after the city's administrator allows it (setting outbound.allowHttp)",
        'http_not_allowed',
      );
    case 'unresolved':
      return error(
        'OUTBOUND_URL_REFUSED',
        `无法解析主机名 ${p.host}`,
        `The host name ${p.host} does not resolve`,
        'unresolved',
      );
    case 'address': {
      const name = ADDRESS_CLASS_NAMES[p.cls];
      const where = p.literal
        ? { zh: `${p.host} 是${name.zh}`, en: `${p.host} is ${name.en}` }
        : { zh: `主机 ${p.host} 解析到${name.zh}`, en: `The host ${p.host} resolves to ${name.en}` };
      const hint = NEVER_ALLOWED.has(p.cls)
        ? { zh: '', en: '' }
        : {
            zh: '；接收方确在内网时，由运维人员在 OUTBOUND_ALLOW 中放行',
            en: '; for a receiver on a private network the operator lists it in OUTBOUND_ALLOW',
          };
      return error(
        'OUTBOUND_URL_REFUSED',
        `${where.zh}，不能作为对外发送的目标${hint.zh}`,
        `${where.en}, which outbound calls may not reach${hint.en}`,
        p.cls,
      );
    }
  }
}
