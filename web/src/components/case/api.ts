/**
 * Types and queries of the case loop as the web client sees them (server/modules/cases). The
 * types are the generated contract (api/schema.d.ts) under the names the pages use.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { CHANNELS, type Channel } from '../../../../common/channels.ts';
import { TIME_UNITS, type TimeUnit } from '../../../../common/time-units.ts';
import type { CaseState } from '../../../../common/workflow.ts';
import { api } from '../../api/client';
import type { ApiQuery, ApiResponse, ListResult, Org } from '../../api/types';

export { CHANNELS, type Channel };

export type CaseDetail = ApiResponse<'/api/cases/{id}', 'get'>;
export type CaseSummary = CaseDetail['case'];
export type CaseReport = CaseDetail['reports'][number];
export type CaseStage = CaseDetail['stages'][number];
export type CaseTask = CaseDetail['tasks'][number];
export type TimelineEntry = CaseDetail['timeline'][number];
export type AvailableAction = CaseDetail['actions'][number];

export type Light = NonNullable<CaseSummary['light']>;
export const LIGHTS: Light[] = ['green', 'yellow', 'red'];

/** Extensions are mostly asked in working days: the dialog lists the units in this order. */
const EXTENSION_ORDER: Record<TimeUnit, number> = {
  work_day: 0,
  work_hour: 1,
  natural_day: 2,
  urgent_hour: 3,
};
export const EXTENSION_UNITS: readonly TimeUnit[] = [...TIME_UNITS].sort(
  (a, b) => EXTENSION_ORDER[a] - EXTENSION_ORDER[b],
);

type CaseQuery = ApiQuery<'/api/cases', 'get'>;
/** The case list's filters as the page keeps them (one state at a time; the API takes several). */
export type CaseListQuery = Required<Pick<CaseQuery, 'view' | 'page' | 'pageSize'>> &
  Pick<
    CaseQuery,
    | 'matterCode'
    | 'gridId'
    | 'districtCode'
    | 'unitId'
    | 'channel'
    | 'light'
    | 'q'
    | 'queue'
    | 'dateField'
    | 'dateFrom'
    | 'dateTo'
    | 'sort'
    | 'order'
  > & {
    state?: CaseState;
  };

export const caseListKey = (q: CaseListQuery) => ['cases', 'list', q] as const;
export const caseKey = (id: string) => ['cases', 'one', id] as const;

export function useCaseList(q: CaseListQuery) {
  return useQuery({
    queryKey: caseListKey(q),
    queryFn: () => api.get<ListResult<CaseSummary>>('/api/cases', { ...q }),
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a text can be a case id at all (the API refuses anything but a UUID with a 400). */
export const isCaseId = (id: string) => UUID.test(id);

export function useCase(id: string, enabled = true) {
  return useQuery({
    queryKey: caseKey(id),
    enabled,
    queryFn: () => api.get<CaseDetail>(`/api/cases/${id}`),
    staleTime: 0,
  });
}

/** Units the caller may dispatch to (GET /api/orgs?kind=unit, all pages). */
export function useUnits(enabled = true) {
  return useQuery({
    queryKey: ['orgs', 'units'],
    enabled,
    staleTime: 60_000,
    queryFn: async () => {
      const all: Org[] = [];
      for (let page = 1; page <= 20; page++) {
        const res = await api.get<ListResult<Org>>('/api/orgs', { kind: 'unit', page, pageSize: 100 });
        all.push(...res.items);
        if (res.items.length === 0 || all.length >= res.total) break;
      }
      return all;
    },
  });
}

export type Division = ApiResponse<'/api/geo/divisions', 'get'>['items'][number];

/** Districts (for the city user's filter) — GET /api/geo/divisions?level=district. */
export function useDistricts(enabled = true) {
  return useQuery({
    queryKey: ['geo', 'divisions', 'district'],
    enabled,
    staleTime: 5 * 60_000,
    queryFn: () => api.get<ListResult<Division>>('/api/geo/divisions', { level: 'district', pageSize: 100 }),
  });
}

export type LookupHit = ApiResponse<'/api/geo/lookup', 'get'>;

export function lookupPoint(lng: number, lat: number) {
  return api.get<LookupHit>('/api/geo/lookup', { lng, lat, crs: 'wgs84' });
}

export type DuplicateCandidate = ApiResponse<'/api/reports/duplicates', 'get'>['items'][number];

export type ReportResult = ApiResponse<'/api/reports', 'post'>;

export type NotificationList = ApiResponse<'/api/notifications', 'get'>;
export type NotificationItem = NotificationList['items'][number];

export const photoUrl = (id: string) => `/api/photos/${id}`;
export const thumbUrl = (id: string) => `/api/photos/${id}/thumb`;

/** Upload one photo (multipart) → its id. */
export async function uploadPhoto(file: File): Promise<{ id: string }> {
  const body = new FormData();
  body.append('file', file);
  const res = await fetch('/api/photos', { method: 'POST', body, credentials: 'include' });
  const data = (await res.json().catch(() => null)) as { id?: string; error?: { message?: string } } | null;
  if (!res.ok || !data?.id) throw new Error(data?.error?.message ?? `HTTP ${res.status}`);
  return { id: data.id };
}

export type MatterType = ApiResponse<'/api/catalog/types', 'get'>['items'][number];

/** Enabled matter types (for selects, names and the type hint). */
export function useMatterTypeList(enabled = true) {
  return useQuery({
    queryKey: ['catalog', 'types', 'matter', 'enabled'],
    enabled,
    staleTime: 5 * 60_000,
    queryFn: () =>
      api.get<ListResult<MatterType>>('/api/catalog/types', { kind: 'matter', enabled: true, pageSize: 500 }),
  });
}

export function useMatterNames(): Map<string, string> {
  const { data } = useMatterTypeList();
  const map = new Map<string, string>();
  for (const ty of data?.items ?? []) map.set(ty.code, ty.name);
  return map;
}
