/**
 * The trail the field app keeps while its person is on duty (duty-tracking.ts): which of the
 * phone's fixes to keep and which to send next. Pure, so it is unit-tested without a phone.
 */
export const MIN_GAP_MS = 20_000;
export const MIN_MOVE_M = 15;
export const MAX_QUEUED = 2_000;
const MAX_BATCH = 500;

export interface TrailFix {
  time: string;
  lat: number;
  lng: number;
  accuracy: number | null;
  speed: number | null;
  heading: number | null;
}

/** Metres between two WGS84 points (haversine). */
function metres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const r = Math.PI / 180;
  const dLat = (b.lat - a.lat) * r;
  const dLng = (b.lng - a.lng) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The trail's queue: which fixes to keep and what to send next (pure, unit-tested). */
export class Trail {
  readonly queued: TrailFix[] = [];
  private lastKept: { at: number; lat: number; lng: number } | null = null;

  /** Keeps the fix if it is far enough in time or space from the last one kept; true if kept. */
  offer(fix: TrailFix): boolean {
    let at = Date.parse(fix.time);
    if (!Number.isFinite(at) || !Number.isFinite(fix.lat) || !Number.isFinite(fix.lng)) return false;
    const l = this.lastKept;
    if (l && at - l.at < MIN_GAP_MS && metres(l, fix) < MIN_MOVE_M) return false;
    // A new place with the time of the last one (a browser handing a watched position its first
    // fix's timestamp; two fixes in one second): one second later, or the server would take it
    // for the same fix sent twice (a person's positions are keyed by their time) and keep neither.
    if (l && at <= l.at) {
      at = l.at + 1000;
      fix = { ...fix, time: new Date(at).toISOString() };
    }
    this.lastKept = { at, lat: fix.lat, lng: fix.lng };
    this.queued.push(fix);
    if (this.queued.length > MAX_QUEUED) this.queued.splice(0, this.queued.length - MAX_QUEUED);
    return true;
  }

  /** The next batch to send (still queued until `sent`). */
  next(): TrailFix[] {
    return this.queued.slice(0, MAX_BATCH);
  }

  /** Drops the first `n` fixes: they were stored (or refused for good). */
  sent(n: number): void {
    this.queued.splice(0, n);
  }
}
