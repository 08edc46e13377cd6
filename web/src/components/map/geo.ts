/**
 * The city's geography as every page reads it: its extent and counts (GET /api/geo/info, one
 * cached query for the case map and the city map page alike) and the division chain of a point
 * (GET /api/geo/lookup), looked up once per point whoever asks.
 */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ApiResponse } from '../../api/types';
import { type LookupHit, lookupPoint } from '../case/api';

/** Counts, extent and provenance of the city's geography: the generated contract. */
export type GeoInfo = ApiResponse<'/api/geo/info', 'get'>;

/** The city's extent changes only with an import, so it is read rarely. */
export function useGeoInfo() {
  return useQuery({
    queryKey: ['geo', 'info'],
    queryFn: () => api.get<GeoInfo>('/api/geo/info'),
    staleTime: 5 * 60_000,
  });
}

/** Whose map: the signed-in staff's, or the public portal's (no session). */
export type MapAudience = 'staff' | 'public';

/** The city's extent for a map: the staff's summary, or the public portal's (/api/public/map). */
export function useMapInfo(audience: MapAudience) {
  return useQuery<{ bbox: number[] | null; center?: { lng: number; lat: number } | null }>({
    queryKey: audience === 'public' ? ['portal', 'map'] : ['geo', 'info'],
    queryFn: async () => {
      if (audience === 'staff') return api.get<GeoInfo>('/api/geo/info');
      // No session and no cookie: a plain request, whose failure only leaves the default view.
      const res = await fetch('/api/public/map', {
        credentials: 'omit',
        headers: { Accept: 'application/json' },
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return (await res.json()) as { bbox: number[] | null; center: { lng: number; lat: number } | null };
    },
    staleTime: 5 * 60_000,
  });
}

/**
 * Grid, community, township and district of a WGS84 point, or nothing while there is no point.
 * A point outside the city is an answer (an error shown to the user), not something to retry.
 */
export function useLookup(point: { lng: number; lat: number } | null | undefined) {
  return useQuery<LookupHit>({
    queryKey: ['geo', 'lookup', point?.lng, point?.lat],
    enabled: !!point,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => lookupPoint(point!.lng, point!.lat),
  });
}
