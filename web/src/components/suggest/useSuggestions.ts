/**
 * The classifier's suggestions for a report's words (POST /api/intake/suggest): matter types,
 * best first with their share of the belief, and the gazetteer places the words name. Debounced
 * while the words are typed; with a point, components standing there weigh in. One hook for every
 * form: intake, the case page's type field, the inspectors' app.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { ApiResponse } from '../../api/types';

export type Suggestion = ApiResponse<'/api/intake/suggest', 'post'>;
export type SuggestedType = Suggestion['matterTypes'][number];
export type SuggestedPlace = Suggestion['places'][number];

/** What the server takes (characters). */
export const MAX_SUGGEST_TEXT = 2000;
const DEBOUNCE_MS = 350;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return v;
}

export const suggestFor = (text: string, point?: { lng: number; lat: number } | null) =>
  api.post<Suggestion>('/api/intake/suggest', {
    text: [...text].slice(0, MAX_SUGGEST_TEXT).join(''),
    ...(point ? { lng: Number(point.lng.toFixed(6)), lat: Number(point.lat.toFixed(6)), crs: 'wgs84' } : {}),
  });

export function useSuggestions(
  text: string,
  point?: { lng: number; lat: number } | null,
  options: { enabled?: boolean; debounceMs?: number } = {},
) {
  const words = useDebounced(text.trim(), options.debounceMs ?? DEBOUNCE_MS);
  const near = point ? { lng: Number(point.lng.toFixed(5)), lat: Number(point.lat.toFixed(5)) } : null;
  return useQuery({
    queryKey: ['classifier', 'suggest', words, near?.lng ?? null, near?.lat ?? null],
    enabled: (options.enabled ?? true) && [...words].length >= 2,
    queryFn: () => suggestFor(words, near),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });
}

/** A share of the belief as a whole percentage ("86%"); below 1 % as "<1%". */
export const scorePercent = (score: number) => (score < 0.01 ? '<1%' : `${Math.round(score * 100)}%`);
