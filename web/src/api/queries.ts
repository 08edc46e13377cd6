import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { ListResult, Me, Org } from './types';

export const meKey = ['me'] as const;

export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: () => api.get<Me>('/api/me'),
    staleTime: 60_000,
  });
}

export function useSetMe() {
  const qc = useQueryClient();
  return (me: Me) => qc.setQueryData(meKey, me);
}

const ORG_PAGE_SIZE = 100;
const ORG_MAX_PAGES = 50;

/** Every organisation the caller may see (paged through), for selects and id → name lookups. */
export async function fetchAllOrgs(): Promise<Org[]> {
  const all: Org[] = [];
  for (let page = 1; page <= ORG_MAX_PAGES; page++) {
    const res = await api.get<ListResult<Org>>('/api/orgs', { page, pageSize: ORG_PAGE_SIZE });
    all.push(...res.items);
    if (res.items.length === 0 || all.length >= res.total) break;
  }
  return all;
}

export const allOrgsKey = ['orgs', 'all'] as const;

export function useAllOrgs(enabled = true) {
  return useQuery({ queryKey: allOrgsKey, queryFn: fetchAllOrgs, staleTime: 60_000, enabled });
}

export function useOrgNames(): Map<string, string> {
  const { data } = useAllOrgs();
  const map = new Map<string, string>();
  for (const o of data ?? []) map.set(o.id, o.name);
  return map;
}
