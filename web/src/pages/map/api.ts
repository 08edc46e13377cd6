import { api } from '../../api/client';
import type { ApiResponse, ListResult } from '../../api/types';

// The contract's types (generated from the server's OpenAPI document) under the map's names.
export type GeoInfo = ApiResponse<'/api/geo/info', 'get'>;
/** [west, south, east, north] in WGS84 degrees. */
export type Bbox = NonNullable<GeoInfo['bbox']>;
export type LngLat = NonNullable<GeoInfo['center']>;
export type GridDetail = ApiResponse<'/api/geo/grids/{id}', 'get'>;
export type AreaClass = GridDetail['areaClass'];
export type DivisionSummary = ApiResponse<'/api/geo/divisions', 'get'>['items'][number];
export type DivisionDetail = ApiResponse<'/api/geo/divisions/{code}', 'get'>;
export type DivisionLevel = DivisionSummary['level'];
export type ComponentDto = ApiResponse<'/api/components/{id}', 'get'>;
export type ComponentState = ComponentDto['state'];
export type Resolution = ApiResponse<'/api/routing/resolve', 'get'>;

export const fetchGrid = (id: string) => api.get<GridDetail>(`/api/geo/grids/${encodeURIComponent(id)}`);
export const fetchDivision = (code: string) =>
  api.get<DivisionDetail>(`/api/geo/divisions/${encodeURIComponent(code)}`);
export const fetchComponent = (id: string) =>
  api.get<ComponentDto>(`/api/components/${encodeURIComponent(id)}`);

/** Every division of one level, read page by page (the API pages at 200). */
export async function fetchAllDivisions(level: DivisionLevel): Promise<DivisionSummary[]> {
  const out: DivisionSummary[] = [];
  for (let page = 1; page < 1000; page++) {
    const res = await api.get<ListResult<DivisionSummary>>('/api/geo/divisions', {
      level,
      page,
      pageSize: 200,
    });
    out.push(...res.items);
    if (res.items.length === 0 || out.length >= res.total) break;
  }
  return out;
}

export const searchCommunities = (q: string) =>
  api.get<ListResult<DivisionSummary>>('/api/geo/divisions', { level: 'community', q, pageSize: 20 });

export type CaseMap = ApiResponse<'/api/cases/map', 'get'>;
export type CaseMapPoint = CaseMap['items'][number];
export type CaseList = ApiResponse<'/api/cases', 'get'>;

/** The case layer's filters: open states (none: every open state) and one matter type. */
export interface CaseMapFilter {
  states: string[];
  matterCode: string | null;
}

/** Open cases in the caller's scope as points (the server bounds the answer at 5000). */
export function fetchCaseMap(f: CaseMapFilter) {
  const q = new URLSearchParams();
  for (const s of f.states) q.append('state', s);
  if (f.matterCode) q.set('matterCode', f.matterCode);
  q.set('limit', '5000');
  return api.get<CaseMap>(`/api/cases/map?${q}`);
}

/** The cases reported on one component, newest first, in the caller's scope. */
export const fetchComponentCases = (componentId: string) =>
  api.get<CaseList>('/api/cases', { view: 'all', componentId, pageSize: 50 });
