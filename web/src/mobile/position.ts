/**
 * The phone's own position (navigator.geolocation, WGS84 as browsers give it): asked when a page
 * needs it, the last fix kept for the session so every page (the task list's distances, the
 * report form's "my location") shares it without asking again and again.
 */
import { useCallback, useEffect, useSyncExternalStore } from 'react';

export interface Fix {
  lng: number;
  lat: number;
  /** Metres, when the device says. */
  accuracy: number | null;
  at: number;
}

export type LocateError = 'unsupported' | 'denied' | 'failed';

let last: Fix | null = null;
const listeners = new Set<() => void>();

function set(fix: Fix): void {
  last = fix;
  for (const fn of listeners) fn();
}

function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Asks the device for a fresh fix (up to `maxAgeMs` old); rejects with why it could not. */
export function locate(maxAgeMs = 30_000): Promise<Fix> {
  return new Promise((resolve, reject) => {
    if (typeof navigator === 'undefined' || !('geolocation' in navigator)) {
      reject('unsupported' satisfies LocateError);
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const fix: Fix = {
          lng: pos.coords.longitude,
          lat: pos.coords.latitude,
          accuracy: Number.isFinite(pos.coords.accuracy) ? pos.coords.accuracy : null,
          at: Date.now(),
        };
        set(fix);
        resolve(fix);
      },
      (err) => reject((err.code === err.PERMISSION_DENIED ? 'denied' : 'failed') satisfies LocateError),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: maxAgeMs },
    );
  });
}

/** The last fix of this session (null until one came), and `refresh` to ask again. */
export function useMyPosition(askOnMount = false): { fix: Fix | null; refresh: () => Promise<Fix | null> } {
  const fix = useSyncExternalStore(subscribe, () => last);
  const refresh = useCallback(() => locate().catch(() => null), []);
  useEffect(() => {
    // A list's distances: ask once if no fix is known yet (or the one known is over 5 minutes old).
    if (askOnMount && (!last || Date.now() - last.at > 300_000)) void locate(300_000).catch(() => null);
  }, [askOnMount]);
  return { fix, refresh };
}
