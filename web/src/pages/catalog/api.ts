import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

export type CatalogKind = 'component' | 'matter';
export const TIME_UNITS = ['urgent_hour', 'work_hour', 'work_day', 'natural_day'] as const;
export const AREA_CLASSES = ['A', 'B', 'C'] as const;
export const URGENCIES = ['normal', 'urgent'] as const;

export interface CatalogType {
  kind: CatalogKind;
  code: string;
  name: string;
  majorCode: string;
  majorName: string | null;
  legacyCode: string | null;
  enabled: boolean;
  local: boolean;
  updatedAt: string;
  version: number;
}

export interface TypeList {
  items: CatalogType[];
  total: number;
  page: number;
  pageSize: number;
  majors: { code: string; name: string }[];
}

export interface Condition {
  id: string;
  text: string;
}

export interface TimeLimit {
  areaClass: (typeof AREA_CLASSES)[number];
  urgency: (typeof URGENCIES)[number];
  amount: number;
  unit: (typeof TIME_UNITS)[number];
}

export interface Standard {
  id: string;
  matterCode: string;
  matterName: string | null;
  version: number;
  current: boolean;
  isDefault: boolean;
  filingConditions: Condition[];
  timeLimits: TimeLimit[];
  closingConditions: Condition[];
  defaultUnitType: string | null;
  note: string | null;
  createdBy: string | null;
  createdAt: string;
}

/** Every matter type (for selects): one page of up to 500. */
export function useMatterTypes() {
  return useQuery({
    queryKey: ['catalog', 'types', 'matter', 'all'],
    queryFn: () => api.get<TypeList>('/api/catalog/types', { kind: 'matter', pageSize: 500 }),
    staleTime: 60_000,
  });
}

export const limitKey = (l: Pick<TimeLimit, 'areaClass' | 'urgency'>) => `${l.areaClass}/${l.urgency}`;
