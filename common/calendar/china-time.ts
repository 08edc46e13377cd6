/**
 * China time (Asia/Shanghai, UTC+8, no daylight saving) without the process time zone.
 *
 * Every computation shifts a UTC instant by +8 h and then uses only the UTC getters of
 * `Date`, so results are identical whatever `TZ` the process runs under.
 */

export const CHINA_OFFSET_MS = 8 * 3_600_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Milliseconds of the China wall clock since 1970-01-01 00:00 China time. */
export function chinaMs(instant: Date | number): number {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  return ms + CHINA_OFFSET_MS;
}

/** Inverse of {@link chinaMs}: a UTC instant from China wall-clock milliseconds. */
export function fromChinaMs(ms: number): Date {
  return new Date(ms - CHINA_OFFSET_MS);
}

/** Day number (days since 1970-01-01, China time) of an instant. */
export function chinaDayNumber(instant: Date | number): number {
  return Math.floor(chinaMs(instant) / DAY_MS);
}

/** `YYYY-MM-DD` of a China day number. */
export function dayNumberToDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** China day number of a `YYYY-MM-DD` date; throws on a malformed or impossible date. */
export function dateToDayNumber(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`invalid date (expected YYYY-MM-DD): ${date}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (dayNumberToDate(ms / DAY_MS) !== date) throw new RangeError(`invalid date: ${date}`);
  return ms / DAY_MS;
}

/** `YYYY-MM-DD` (China time) of an instant. */
export function chinaDate(instant: Date | number): string {
  return dayNumberToDate(chinaDayNumber(instant));
}

/** ISO weekday (0 = Sunday … 6 = Saturday) of a China day number. 1970-01-01 was a Thursday. */
export function weekdayOfDayNumber(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/**
 * The instant of a China wall-clock time: `chinaInstant('2026-02-13', '17:30')`
 * or `chinaInstant('2026-02-13 17:30')`.
 */
export function chinaInstant(date: string, time = '00:00'): Date {
  let d = date;
  let t = time;
  if (date.length > 10) {
    d = date.slice(0, 10);
    t = date.slice(11);
  }
  return fromChinaMs(dateToDayNumber(d) * DAY_MS + parseClock(t));
}

const CLOCK_RE = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Milliseconds since midnight of `HH:MM` or `HH:MM:SS` (24:00 allowed as end of day). */
export function parseClock(clock: string): number {
  const m = CLOCK_RE.exec(clock);
  if (!m) throw new RangeError(`invalid clock time (expected HH:MM): ${clock}`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  const ms = ((h * 60 + min) * 60 + s) * 1000;
  if (min > 59 || s > 59 || ms > DAY_MS) throw new RangeError(`invalid clock time: ${clock}`);
  return ms;
}

/** `HH:MM` (or `HH:MM:SS` when seconds are set) of milliseconds since midnight. */
export function formatClock(ms: number): string {
  const totalS = Math.floor(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  const base = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  return s === 0 ? base : `${base}:${String(s).padStart(2, '0')}`;
}

/** `YYYY-MM-DD HH:MM` in China time, for messages and tests. */
export function formatChina(instant: Date | number): string {
  const ms = chinaMs(instant);
  return `${dayNumberToDate(Math.floor(ms / DAY_MS))} ${formatClock(((ms % DAY_MS) + DAY_MS) % DAY_MS)}`;
}
