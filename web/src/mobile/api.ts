import { ApiError, buildQuery, request } from '../api/client';
import type { ApiResponse, ListResult, Me } from '../api/types';
import i18n from '../i18n';
import { getSnapshot, putSnapshot, removeSnapshot } from './db';

// The contract's types (generated from the server's OpenAPI document) under the app's names.
export type CaseDetail = ApiResponse<'/api/cases/{id}', 'get'>;
export type CaseSummary = CaseDetail['case'];
export type CaseTask = CaseDetail['tasks'][number];
export type AvailableAction = CaseDetail['actions'][number];
export type TimelineEntry = CaseDetail['timeline'][number];
export type Light = NonNullable<CaseSummary['light']>;
export type ReportResult = ApiResponse<'/api/reports', 'post'>;
/** A report as its submitter follows it (GET /api/reports/:id, the items of GET /api/reports/mine). */
export type OwnReport = ApiResponse<'/api/reports/{id}', 'get'>;
export type GeoLookup = ApiResponse<'/api/geo/lookup', 'get'>;
export type MatterType = ApiResponse<'/api/catalog/types', 'get'>['items'][number];
export type { ListResult };

/** The photos a step of the timeline named (an action's input is kept in the event's `after.input`). */
export function photosOfStep(e: TimelineEntry): string[] {
  const input = e.after?.input;
  const photos = input && typeof input === 'object' ? (input as { photos?: unknown }).photos : undefined;
  return Array.isArray(photos) ? photos.filter((p): p is string => typeof p === 'string') : [];
}

let onUnauthorized: (() => void) | null = null;

/** The mobile shell says what a 401 does (go to /m/login). */
export function setMobileUnauthorized(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

type Query = Record<string, string | number | boolean | undefined>;

function handle401(e: unknown): never {
  if (e instanceof ApiError && e.status === 401 && onUnauthorized) onUnauthorized();
  throw e;
}

export const mapi = {
  get: <T>(path: string, query?: Query) =>
    request<T>('GET', path, { query, skipAuthRedirect: true }).catch(handle401),
  post: <T>(path: string, body?: unknown) =>
    request<T>('POST', path, { body: body ?? {}, skipAuthRedirect: true }).catch(handle401),
  put: <T>(path: string, body?: unknown) =>
    request<T>('PUT', path, { body: body ?? {}, skipAuthRedirect: true }).catch(handle401),
};

export interface Cached<T> {
  data: T;
  /** When the answer came from the network; older than this page's load when offline. */
  at: number;
  offline: boolean;
}

/**
 * A GET whose last answer is kept per user: with no network (status 0) the kept answer is
 * returned, marked offline. Any other error is thrown as usual.
 */
export async function cachedGet<T>(userId: string, path: string, query?: Query): Promise<Cached<T>> {
  const key = `${userId} ${path}${buildQuery(query)}`;
  try {
    const data = await mapi.get<T>(path, query);
    void putSnapshot(key, data).catch(() => undefined);
    return { data, at: Date.now(), offline: false };
  } catch (e) {
    if (e instanceof ApiError && e.status === 0) {
      const kept = await getSnapshot<T>(key).catch(() => undefined);
      if (kept) return { data: kept.data, at: kept.at, offline: true };
    }
    throw e;
  }
}

export const matterTypesKey = (userId: string) => ['mobile', 'data', 'matterTypes', userId] as const;

/** Enabled matter types (for the type hint while reporting), kept for offline use. */
export function fetchMatterTypes(userId: string): Promise<Cached<ListResult<MatterType>>> {
  return cachedGet<ListResult<MatterType>>(userId, '/api/catalog/types', {
    kind: 'matter',
    enabled: true,
    pageSize: 500,
  });
}

/**
 * The signed-in user, remembered for starting the app without a network. Signing in here keeps
 * the user ('me' snapshot) and signing out forgets it, so with none kept nobody is signed in to
 * this app: the answer is a 401 without asking (a GET /api/me would be a 401 that the browser
 * logs as an error on every visit before login). Only when the browser keeps nothing at all (no
 * IndexedDB) is the server asked.
 */
export async function fetchMe(): Promise<Me> {
  let kept: Awaited<ReturnType<typeof getSnapshot<Me>>>;
  let storage = true;
  try {
    kept = await getSnapshot<Me>('me');
  } catch {
    storage = false;
  }
  if (storage && !kept) {
    throw new ApiError(401, 'AUTH_REQUIRED', i18n.t('error.http', { status: 401 }), [], null);
  }
  try {
    const me = await mapi.get<Me>('/api/me');
    void putSnapshot('me', me).catch(() => undefined);
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 0 && kept) return kept.data;
    // The session is over: the next start goes to the sign-in page without asking.
    if (e instanceof ApiError && e.status === 401) await removeSnapshot('me').catch(() => undefined);
    throw e;
  }
}

/** POST /api/photos with one file; returns the photo's id (its content hash). */
export async function uploadPhoto(blob: Blob, name: string): Promise<string> {
  const form = new FormData();
  form.append('file', blob, name);
  let res: Response;
  try {
    res = await fetch('/api/photos', {
      method: 'POST',
      body: form,
      credentials: 'include',
      headers: { Accept: 'application/json', 'Accept-Language': i18n.language || 'zh-CN' },
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', i18n.t('error.network'), [], null);
  }
  const data = (await res.json().catch(() => null)) as {
    id?: string;
    error?: { code?: string; message?: string };
  } | null;
  if (res.ok && data?.id) return data.id;
  const err = new ApiError(
    res.status,
    data?.error?.code ?? `HTTP_${res.status}`,
    data?.error?.message ?? i18n.t('error.http', { status: res.status }),
    [],
    null,
  );
  return handle401(err);
}
