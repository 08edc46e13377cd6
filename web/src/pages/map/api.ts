import type { Geometry } from 'geojson';
import { api } from '../../api/client';
import type { ListResult } from '../../api/types';

/** [west, south, east, north] in WGS84 degrees. */
export type Bbox = [number, number, number, number];
export interface LngLat {
  lng: number;
  lat: number;
}
interface Named {
  code: string;
  name: string;
}

export type AreaClass = 'A' | 'B' | 'C';
export type DivisionLevel = 'district' | 'township' | 'community';

export interface GridDetail {
  id: string;
  legacyId: string | null;
  communityCode: string;
  areaClass: AreaClass;
  centroid: LngLat;
  areaM2: number;
  generated: boolean;
  geometry: Geometry;
  bbox: Bbox;
  chain: { community: Named; township: Named; district: Named };
  source: string;
}

export interface DivisionSummary {
  code: string;
  level: DivisionLevel;
  name: string;
  parentCode: string | null;
  bbox: Bbox;
  generated: boolean;
}

export interface DivisionDetail extends DivisionSummary {
  geometry: Geometry;
  parent: Named | null;
  chain: { code: string; name: string; level: string }[];
  children: number;
  grids: number;
  source: string;
}

export type ComponentState = 'intact' | 'damaged' | 'lost' | 'abandoned' | 'removed';

export interface ComponentDto {
  id: string;
  typeCode: string;
  typeName: string | null;
  districtCode: string;
  gridId: string | null;
  name: string;
  ownerDept: string | null;
  propertyDept: string | null;
  maintainerDept: string | null;
  state: ComponentState;
  geometry: Geometry;
  lng: number;
  lat: number;
  installedAt: string | null;
  surveyedAt: string | null;
  source: string;
}

export interface Resolution {
  unit: { id: string; name: string };
  rule: { id: string; areaLevel: string; areaCode: string; typeLevel: string };
  specificity: { area: string; type: string; rank: number };
}

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
