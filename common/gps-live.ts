/**
 * The live map's words (统一GPS监管, issue 12 item 4), shared by the server (GET /api/gps/live and
 * its stream) and the web client (colours, the legend, re-deciding "offline" as time passes):
 * what a marker on the live map is, and the one rule that gives it its state.
 *
 *   offline  the newest fix is older than OFFLINE_AFTER_MS (5 min), or there is none
 *   alarm    otherwise, a JT/T 808 alarm bit is set in the newest fix (any bit of the DWORD)
 *   moving   otherwise, its speed is above MOVING_ABOVE_KMH (3 km/h: GPS drift of a parked
 *            vehicle stays under it)
 *   stopped  otherwise (speed at or under 3 km/h, or unknown)
 *
 * A person is "on duty" while their phone sent a position in the last PERSON_WINDOW_MS (30 min):
 * the live map lists them (offline after 5 min like a vehicle), then forgets them.
 */

export const LIVE_STATES = ['moving', 'stopped', 'offline', 'alarm'] as const;
export type LiveState = (typeof LIVE_STATES)[number];

export const LIVE_KINDS = ['vehicle', 'person'] as const;
export type LiveKind = (typeof LIVE_KINDS)[number];

export const OFFLINE_AFTER_MS = 5 * 60_000;
export const MOVING_ABOVE_KMH = 3;
export const PERSON_WINDOW_MS = 30 * 60_000;

export interface LiveFix {
  /** The fix's instant (ISO 8601 or a Date), null when the vehicle never reported one. */
  time: string | Date | null;
  speed: number | null;
  alarm: number | null;
}

/** The state of a marker at `now` (see the rule above). */
export function liveState(fix: LiveFix, now: number): LiveState {
  if (fix.time === null) return 'offline';
  const t = typeof fix.time === 'string' ? Date.parse(fix.time) : fix.time.getTime();
  if (!(now - t <= OFFLINE_AFTER_MS)) return 'offline';
  if (fix.alarm !== null && fix.alarm !== 0) return 'alarm';
  if (fix.speed !== null && fix.speed > MOVING_ABOVE_KMH) return 'moving';
  return 'stopped';
}
