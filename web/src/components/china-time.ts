/**
 * China time (UTC+08:00) in the web app, whatever the browser's time zone (domain §6: every time a
 * user reads or enters is China time). China has had no daylight saving since 1991, so a fixed
 * +8 h offset is exact and no IANA zone database is needed.
 *
 * Two kinds of values:
 * - instants: ISO 8601 strings (or epoch milliseconds) as the API sends and takes them;
 * - China wall clocks: `Dayjs` values in dayjs's UTC mode whose fields (year … millisecond) are the
 *   China wall clock. Date pickers hold these ({@link chinaGenerateConfig}). They are not instants:
 *   convert with {@link toChinaPicker} / {@link fromChinaPicker}; never send their `toISOString()`.
 *
 * Why not `dayjs(iso).utcOffset(480)`: dayjs builds offsets on a *local* `Date`, so in a browser
 * zone with daylight saving a China time inside the local spring-forward gap cannot be shown
 * (02:30 in China on 2026-03-08 shows as 03:30 in New York) and setters that cross a local DST
 * change move the instant by an hour. UTC-mode fields have no gap and no drift.
 */
import type { GenerateConfig } from '@rc-component/picker/generate';
import dayjsGenerateConfig from '@rc-component/picker/generate/dayjs';
import dayjs, { type Dayjs } from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import utc from 'dayjs/plugin/utc';

dayjs.extend(customParseFormat);
dayjs.extend(utc);

export const CHINA_OFFSET_MINUTES = 480;
export const CHINA_OFFSET_MS = CHINA_OFFSET_MINUTES * 60_000;
export const CHINA_OFFSET = '+08:00';

export type TimeInput = string | number | Date | null | undefined;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ZONELESS = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * Epoch milliseconds of an instant (NaN when unreadable). A string with a zone (`Z`, `+08:00`) is
 * that instant; a date-only or zone-less string is read as China wall clock, never as browser time.
 */
export function instantMs(v: string | number | Date): number {
  if (typeof v === 'number') return v;
  if (v instanceof Date) return v.getTime();
  const s = v.trim();
  if (DATE_ONLY.test(s)) return Date.parse(`${s}T00:00:00${CHINA_OFFSET}`);
  if (ZONELESS.test(s)) return Date.parse(`${s.replace(' ', 'T')}${CHINA_OFFSET}`);
  return Date.parse(s);
}

/** The China wall clock of an instant (a UTC-mode `Dayjs`, see the module comment; invalid if unreadable). */
export function chinaWallClock(v: string | number | Date): Dayjs {
  const ms = instantMs(v);
  return dayjs.utc(Number.isFinite(ms) ? ms + CHINA_OFFSET_MS : Number.NaN);
}

/**
 * An instant in China time with a dayjs pattern (default `YYYY-MM-DD HH:mm:ss`); `—` when empty,
 * the input itself when unreadable. The pattern must not print an offset (`Z`, `ZZ`): the value is
 * a wall clock; write "UTC+8" next to it instead.
 */
export function formatChina(v: TimeInput, pattern = 'YYYY-MM-DD HH:mm:ss'): string {
  if (v === null || v === undefined || v === '') return '—';
  const d = chinaWallClock(v);
  return d.isValid() ? d.format(pattern) : String(v);
}

/** The China wall clock now. */
export function chinaNow(now: number = Date.now()): Dayjs {
  return chinaWallClock(now);
}

/** The hour (0–23) in China now, e.g. for a greeting. */
export function chinaHour(now: number = Date.now()): number {
  return chinaNow(now).hour();
}

/** The year in China now. */
export function chinaYear(now: number = Date.now()): number {
  return chinaNow(now).year();
}

/** The value a China-time picker shows for an instant; null when empty or unreadable. */
export function toChinaPicker(v: TimeInput): Dayjs | null {
  if (v === null || v === undefined || v === '') return null;
  const d = chinaWallClock(v);
  return d.isValid() ? d : null;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The instant a picked wall-clock time means in China, as ISO 8601 with its offset
 * (`2026-03-08T02:30:00+08:00`; milliseconds only when set). It reads the value's own fields, so a
 * local-mode `Dayjs` (typed text, `dayjs('2026-03-08 02:30')`) also means China time.
 */
export function fromChinaPicker(d: Dayjs | null | undefined): string | undefined {
  if (!d?.isValid()) return undefined;
  const ms = d.millisecond();
  return (
    `${pad(d.year(), 4)}-${pad(d.month() + 1)}-${pad(d.date())}` +
    `T${pad(d.hour())}:${pad(d.minute())}:${pad(d.second())}` +
    `${ms ? `.${pad(ms, 3)}` : ''}${CHINA_OFFSET}`
  );
}

/** The same wall-clock fields in UTC mode (a no-op for a value already in UTC mode). */
export function asChinaWallClock(d: Dayjs): Dayjs {
  if (d.isUTC()) return d;
  const u = new Date(0);
  u.setUTCFullYear(d.year(), d.month(), d.date());
  u.setUTCHours(d.hour(), d.minute(), d.second(), d.millisecond());
  return dayjs.utc(u.getTime()).locale(d.locale());
}

const WEEK_FORMAT = /wo/i;

/**
 * antd's dayjs picker config, but "now" (today's cell, the time panel's default, the Now button)
 * is China's, and typed text is read as China wall clock in UTC mode: a picker built on it
 * (`DatePicker.generatePicker(chinaGenerateConfig)`) shows and takes China time in any browser zone.
 * Every other operation of the base config keeps the value's mode.
 */
export const chinaGenerateConfig: GenerateConfig<Dayjs> = {
  ...dayjsGenerateConfig,
  getNow: () => chinaNow(),
  getFixedDate: (fixed) => asChinaWallClock(dayjsGenerateConfig.getFixedDate(fixed)),
  locale: {
    ...dayjsGenerateConfig.locale,
    parse: (locale, text, formats) => {
      for (const f of formats) {
        if (WEEK_FORMAT.test(f)) continue;
        const d = dayjs.utc(text, f, true);
        if (d.isValid()) return d;
      }
      const parsed = dayjsGenerateConfig.locale.parse(locale, text, formats);
      return parsed ? asChinaWallClock(parsed) : null;
    },
  },
};
