import i18n from '../i18n';

/** One entry of an error's `details`: the server names the field (as `field`, or a JSON path). */
export interface ErrorDetail {
  field?: string;
  path?: string;
  instancePath?: string;
  message?: string;
  code?: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  /** Seconds from a Retry-After header (429), when the server sent one. */
  readonly retryAfter: number | null;

  constructor(
    status: number,
    code: string,
    message: string,
    details: ErrorDetail[],
    retryAfter: number | null,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

let onUnauthorized: (() => void) | null = null;

/** Where a 401 sends a page: the phone app (/m, /m/…) to its own sign-in page, the rest to /login. */
export function loginPathFor(pathname: string): '/m/login' | '/login' {
  return pathname === '/m' || pathname.startsWith('/m/') ? '/m/login' : '/login';
}

/** The app registers what a 401 does (clear the cache, go to /login). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

type Query = Record<string, string | number | boolean | null | undefined>;

export function buildQuery(query?: Query): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Do not treat 401 as "session gone" (the login form itself). */
  skipAuthRedirect?: boolean;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': i18n.language || 'zh-CN',
  };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(`${path}${buildQuery(options.query)}`, {
      method,
      headers,
      body,
      credentials: 'include',
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', i18n.t('error.network'), [], null);
  }

  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.ok) return data as T;

  const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  const retryHeader = res.headers.get('Retry-After');
  const retryAfter = retryHeader && /^\d+$/.test(retryHeader) ? Number(retryHeader) : null;
  const apiError = new ApiError(
    res.status,
    err?.code ?? `HTTP_${res.status}`,
    err?.message ?? i18n.t('error.http', { status: res.status }),
    Array.isArray(err?.details) ? (err.details as ErrorDetail[]) : [],
    retryAfter,
  );
  if (res.status === 401 && !options.skipAuthRedirect) {
    if (onUnauthorized) onUnauthorized();
    else {
      const login = loginPathFor(window.location.pathname);
      if (window.location.pathname !== login) window.location.assign(login);
    }
  }
  throw apiError;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body'>) =>
    request<T>('POST', path, { ...opts, body: body ?? {} }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body: body ?? {} }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body: body ?? {} }),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** The field a detail is about, as a form field name ("/roles/0" → "roles"). */
export function detailField(d: ErrorDetail): string | null {
  const raw = d.field ?? d.path ?? d.instancePath;
  if (typeof raw !== 'string' || raw === '') return null;
  // "body.roles[0]", "/roles/0", "roles" → "roles"
  const parts = raw.split(/[/.[\]]/).filter(Boolean);
  if (parts.length > 1 && ['body', 'query', 'querystring', 'params'].includes(parts[0])) parts.shift();
  return parts[0] ?? null;
}
