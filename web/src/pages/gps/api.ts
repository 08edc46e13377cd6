/**
 * The GPS pages' API (统一GPS监管): types from the generated contract, the queries, the live
 * stream (GET /api/gps/live/stream, Server-Sent Events: one EventSource per live map page) and
 * the marker colours shared by the live map, its legend and the replay.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { GPS_TERMINAL_KINDS } from '../../../../common/gps.ts';
import { type LiveState, liveState } from '../../../../common/gps-live.ts';
import { api } from '../../api/client';
import type { ApiResponse } from '../../api/types';

export type Terminal = ApiResponse<'/api/gps/terminals/{id}', 'patch'>;
export type TerminalDetail = ApiResponse<'/api/gps/terminals/{id}', 'get'>;
export type LiveSnapshot = ApiResponse<'/api/gps/live', 'get'>;
export type LiveItem = LiveSnapshot['items'][number];
export type TrackAnalysis = ApiResponse<'/api/gps/tracks/analysis', 'get'>;

export const gpsKey = ['gps'] as const;

/** State colours: the marker's fill. */
export const STATE_COLOURS: Record<LiveState, string> = {
  moving: '#389e0d',
  stopped: '#1677ff',
  offline: '#8c8c8c',
  alarm: '#cf1322',
};

/** Kind colours: the marker's ring (vehicles by what carries the terminal; people in purple). */
export const KIND_COLOURS: Record<string, string> = {
  enforcement_car: '#0958d9',
  sanitation_truck: '#08979c',
  muck_truck: '#ad6800',
  sprinkler: '#1d39c4',
  patrol_bike: '#c41d7f',
  other: '#595959',
  person: '#722ed1',
};

export const kindKey = (i: Pick<LiveItem, 'kind' | 'terminalKind'>) =>
  i.kind === 'person' ? 'person' : (i.terminalKind ?? 'other');

/** A terminal kind's name in the reader's language. */
export function terminalKindName(lang: string, code: string | null): string {
  const k = GPS_TERMINAL_KINDS.find((x) => x.code === code);
  if (!k) return code ?? '—';
  return lang.startsWith('en') ? k.en : k.zh;
}

export function useLiveSnapshot() {
  return useQuery({
    queryKey: [...gpsKey, 'live'],
    queryFn: () => api.get<LiveSnapshot>('/api/gps/live'),
    // The stream brings the changes; a full reload now and then picks up registry changes.
    refetchInterval: 60_000,
  });
}

/**
 * The live items: the snapshot, updated by the stream's frames (a newer fix replaces an item,
 * an unknown one is added), and each item's state re-decided every 10 s (offline as time passes).
 * `connected` says whether the stream is open.
 */
export function useLiveItems() {
  const snapshot = useLiveSnapshot();
  const [items, setItems] = useState<Map<string, LiveItem>>(new Map());
  const [connected, setConnected] = useState(false);
  const [tick, setTick] = useState(0);
  const pending = useRef<LiveItem[]>([]);

  useEffect(() => {
    const data = snapshot.data;
    if (!data) return;
    setItems((old) => {
      const next = new Map(data.items.map((i) => [i.key, i]));
      // A frame newer than the snapshot (it arrived while the snapshot was in flight) stays.
      for (const [k, held] of old) {
        const s = next.get(k);
        if (s && held.time && (!s.time || held.time > s.time)) next.set(k, held);
      }
      return next;
    });
  }, [snapshot.data]);

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/gps/live/stream', { withCredentials: true });
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(source.readyState === EventSource.OPEN);
    source.addEventListener('positions', (e) => {
      const frame = JSON.parse((e as MessageEvent<string>).data) as { items: LiveItem[] };
      pending.current.push(...frame.items);
      setItems((old) => {
        const next = new Map(old);
        for (const i of pending.current.splice(0)) {
          const held = next.get(i.key);
          if (!held?.time || !i.time || i.time >= held.time) next.set(i.key, i);
        }
        return next;
      });
    });
    return () => source.close();
  }, []);

  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 10_000);
    return () => clearInterval(timer);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` re-decides the states as time passes
  const list = useMemo(() => {
    const now = Date.now();
    return [...items.values()].map((i) => {
      const state = liveState({ time: i.time, speed: i.speed, alarm: i.alarm }, now);
      return state === i.state ? i : { ...i, state };
    });
  }, [items, tick]);
  return { items: list, connected, snapshot };
}

export function useTerminalOptions(enabled = true) {
  return useQuery({
    queryKey: [...gpsKey, 'terminals', 'options'],
    queryFn: () => api.get<{ items: Terminal[] }>('/api/gps/terminals', { pageSize: 200, enabled: true }),
    enabled,
    staleTime: 60_000,
  });
}

export function useTrackAnalysis(
  subject: { terminal?: string; user?: string } | null,
  from: string,
  to: string,
) {
  return useQuery({
    queryKey: [...gpsKey, 'analysis', subject, from, to],
    queryFn: () => api.get<TrackAnalysis>('/api/gps/tracks/analysis', { ...subject, from, to }),
    enabled: !!subject && (!!subject.terminal || !!subject.user),
    retry: false,
  });
}

/** Metres as "850 m" or "12.3 km". */
export function formatDistance(m: number): string {
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`;
}

/** Seconds as "h:mm:ss" ("0:06:00", "1:05:09"). */
export function formatDuration(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}
