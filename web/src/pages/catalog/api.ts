import { useQuery } from '@tanstack/react-query';
import { TIME_UNITS } from '../../../../common/time-units.ts';
import { api } from '../../api/client';
import type { ApiResponse } from '../../api/types';

// The contract's types (generated from the server's OpenAPI document) under the page's names.
export type TypeList = ApiResponse<'/api/catalog/types', 'get'>;
export type CatalogType = TypeList['items'][number];
export type CatalogKind = CatalogType['kind'];
export type Standard = ApiResponse<'/api/catalog/standards/{matterCode}', 'get'>;
export type Condition = Standard['filingConditions'][number];
export type TimeLimit = Standard['timeLimits'][number];

export { TIME_UNITS };
export const AREA_CLASSES = ['A', 'B', 'C'] as const satisfies readonly TimeLimit['areaClass'][];
export const URGENCIES = ['normal', 'urgent'] as const satisfies readonly TimeLimit['urgency'][];

/** Every matter type (for selects): one page of up to 500. */
export function useMatterTypes() {
  return useQuery({
    queryKey: ['catalog', 'types', 'matter', 'all'],
    queryFn: () => api.get<TypeList>('/api/catalog/types', { kind: 'matter', pageSize: 500 }),
    staleTime: 60_000,
  });
}

export const limitKey = (l: Pick<TimeLimit, 'areaClass' | 'urgency'>) => `${l.areaClass}/${l.urgency}`;
