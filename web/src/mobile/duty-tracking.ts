/**
 * The field app's positions while its person is on duty (issue 12 item 3: "from the field app
 * while on duty, batched, with the phone's accuracy"). On duty means clocked in and not yet out
 * (`GET /api/teams/me/today`, the same query the 打卡 page reads and refreshes on every clock).
 * While on duty the phone's position is watched; a fix is kept when it is at least MIN_GAP_MS
 * after the last kept one or has moved at least MIN_MOVE_M; the kept fixes are sent every
 * FLUSH_MS as one batch (`POST /api/gps/me/positions`, at most 500), and once more when duty ends
 * or the app is closed.
 *
 * A batch that cannot be sent (offline, server down) stays queued and goes with the next one; the
 * queue is bounded (MAX_QUEUED, oldest dropped first) and lives in memory only: positions are a
 * trail, not records a person was told were saved — a phone that is closed while offline loses
 * the part of its trail it had not sent. The server stores a resent fix once (same person and time).
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ApiResponse } from '../api/types';
import { mapi } from './api';
import { Trail } from './trail';

type Today = ApiResponse<'/api/teams/me/today', 'get'>;

export const FLUSH_MS = 30_000;

/**
 * How often the trail is sent: FLUSH_MS, unless `localStorage['cityops.dutyFlushMs']` says
 * otherwise (1–60 s): for the browser tests and for a support engineer watching a phone's trail
 * arrive, never needed in the field.
 */
function flushInterval(): number {
  try {
    const v = Number(window.localStorage.getItem('cityops.dutyFlushMs'));
    return Number.isFinite(v) && v >= 1000 && v <= 60_000 ? v : FLUSH_MS;
  } catch {
    return FLUSH_MS;
  }
}

const trail = new Trail();
let sending = false;

async function flush(): Promise<void> {
  if (sending) return;
  sending = true;
  try {
    while (trail.queued.length > 0) {
      const batch = trail.next();
      try {
        await mapi.post('/api/gps/me/positions', {
          positions: batch.map((f) => ({
            time: f.time,
            lat: f.lat,
            lng: f.lng,
            accuracy: f.accuracy,
            speed: f.speed,
            heading: f.heading,
          })),
        });
      } catch (err) {
        // A 4xx other than "not signed in" will not get better by resending: drop the batch.
        const status = (err as { status?: number }).status;
        if (status && status >= 400 && status < 500 && status !== 401 && status !== 429)
          trail.sent(batch.length);
        return;
      }
      trail.sent(batch.length);
    }
  } finally {
    sending = false;
  }
}

const clamp = (v: number | null, lo: number, hi: number) =>
  v === null || !Number.isFinite(v) ? null : Math.min(hi, Math.max(lo, v));

/** Whether the person is on duty now (clocked in, not out), from the 打卡 page's query. */
export function useOnDuty(userId: string): boolean {
  const today = useQuery({
    queryKey: ['mobile', 'data', 'clock', userId],
    queryFn: () => mapi.get<Today>('/api/teams/me/today'),
    // A shift can be clocked from another phone: look again now and then.
    refetchInterval: 5 * 60_000,
    retry: false,
  });
  const a = today.data?.attendance;
  return !!a?.clockInAt && !a.clockOutAt;
}

/** Mounted once by the field app's shell: watches and sends the phone's positions while on duty. */
export function useDutyTracking(userId: string): boolean {
  const onDuty = useOnDuty(userId);
  useEffect(() => {
    if (!onDuty || typeof navigator === 'undefined' || !('geolocation' in navigator)) return;
    const watch = navigator.geolocation.watchPosition(
      (pos) => {
        trail.offer({
          time: new Date(Math.floor(pos.timestamp / 1000) * 1000).toISOString(),
          lat: pos.coords.latitude,
          lng: pos.coords.longitude,
          accuracy: clamp(pos.coords.accuracy, 0, 100_000),
          speed: clamp(pos.coords.speed, 0, 200),
          heading: clamp(pos.coords.heading, 0, 360),
        });
      },
      () => {},
      { enableHighAccuracy: true, maximumAge: 10_000, timeout: 60_000 },
    );
    const timer = window.setInterval(() => void flush(), flushInterval());
    const onHide = () => {
      if (document.visibilityState === 'hidden') void flush();
    };
    document.addEventListener('visibilitychange', onHide);
    return () => {
      navigator.geolocation.clearWatch(watch);
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onHide);
      void flush();
    };
  }, [onDuty]);
  return onDuty;
}
