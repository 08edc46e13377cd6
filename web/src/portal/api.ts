/**
 * The public portal's calls: /api/public only, without a session or cookie (`credentials: 'omit'`),
 * in the page's language. Failures become the web client's `ApiError` (code, message in the
 * caller's language, details, Retry-After), but a 401 here never sends anyone to a login page.
 * Response types are the generated contract (web/src/api/schema.d.ts).
 */
import type { PortalReportForm } from '../../../common/public-report.ts';
import { ApiError, buildQuery, type ErrorDetail } from '../api/client';
import type { ApiResponse } from '../api/types';
import i18n from '../i18n';

export type TrackView = ApiResponse<'/api/public/reports/{code}', 'get'>;
export type ReportResult = ApiResponse<'/api/public/reports', 'post'>;
export type NearbyList = ApiResponse<'/api/public/nearby', 'get'>;
export type NearbyItem = NearbyList['items'][number];
export type PublicTypes = ApiResponse<'/api/public/types', 'get'>;
export type PublicType = PublicTypes['items'][number];
export type Suggestions = ApiResponse<'/api/public/suggest', 'post'>;
export type PublicPlaces = ApiResponse<'/api/public/places', 'get'>;
export type PublicPlace = PublicPlaces['items'][number];
export type PublicLocation = ApiResponse<'/api/public/locate', 'get'>;
export type PublicRanking = ApiResponse<'/api/public/rankings', 'get'>;
export type PublicRankingLine = NonNullable<PublicRanking['ranking']>['lines'][number];
export type RankingSubjectType = PublicRanking['subjectType'];
export type RatingResult = 'satisfied' | 'basically_satisfied' | 'dissatisfied';
export type { PortalReportForm };

type Query = Record<string, string | number | undefined>;

async function call<T>(
  method: string,
  path: string,
  opts: { query?: Query; json?: unknown; form?: FormData } = {},
) {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': i18n.language || 'zh-CN',
  };
  let body: BodyInit | undefined;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.form) body = opts.form;
  let res: Response;
  try {
    res = await fetch(`${path}${buildQuery(opts.query)}`, { method, headers, body, credentials: 'omit' });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', i18n.t('error.network'), [], null);
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (res.ok) return data as T;
  const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  const retry = res.headers.get('Retry-After');
  throw new ApiError(
    res.status,
    err?.code ?? `HTTP_${res.status}`,
    err?.message ?? i18n.t('error.http', { status: res.status }),
    Array.isArray(err?.details) ? (err.details as ErrorDetail[]) : [],
    retry && /^\d+$/.test(retry) ? Number(retry) : null,
  );
}

export const portalApi = {
  /** Sends the report: its fields as the form's `report` part, the photos as `photos` files. */
  report(fields: PortalReportForm, photos: readonly Blob[]) {
    const form = new FormData();
    form.append('report', JSON.stringify(fields));
    photos.forEach((p, i) => {
      form.append('photos', p, `photo-${i + 1}.${p.type === 'image/png' ? 'png' : 'jpg'}`);
    });
    return call<ReportResult>('POST', '/api/public/reports', { form });
  },
  track: (code: string) => call<TrackView>('GET', `/api/public/reports/${encodeURIComponent(code)}`),
  rate: (code: string, result: RatingResult, note?: string) =>
    call<TrackView>('POST', `/api/public/reports/${encodeURIComponent(code)}/rating`, {
      json: { result, ...(note ? { note } : {}) },
    }),
  nearby: (lng: number, lat: number, radius?: number) =>
    call<NearbyList>('GET', '/api/public/nearby', {
      query: { lng: lng.toFixed(6), lat: lat.toFixed(6), radius },
    }),
  types: () => call<PublicTypes>('GET', '/api/public/types'),
  /** Types for the words; with the chosen point (WGS84), components standing near it count too. */
  suggest: (text: string, at?: { lng: number; lat: number } | null) =>
    call<Suggestions>('POST', '/api/public/suggest', {
      json: at ? { text, lng: Number(at.lng.toFixed(6)), lat: Number(at.lat.toFixed(6)) } : { text },
    }),
  places: (q: string, near?: { lng: number; lat: number } | null) =>
    call<PublicPlaces>('GET', '/api/public/places', {
      query: { q, near: near ? `${near.lng.toFixed(6)},${near.lat.toFixed(6)}` : undefined },
    }),
  /** The published periods of districts' or units' rankings, and one period's (default the newest). */
  rankings: (subjectType: RankingSubjectType, from?: string) =>
    call<PublicRanking>('GET', '/api/public/rankings', { query: { subjectType, from } }),
  locate: (lng: number, lat: number) =>
    call<PublicLocation>('GET', '/api/public/locate', {
      query: { lng: lng.toFixed(7), lat: lat.toFixed(7) },
    }),
};

/** Where a report's photo (or its thumbnail) is served, through its tracking code. */
export const photoUrl = (code: string, id: string, thumb = false) =>
  `/api/public/reports/${encodeURIComponent(code)}/photos/${id}${thumb ? '/thumb' : ''}`;
