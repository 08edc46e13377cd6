/**
 * Seed holiday and make-up workday sets from the `chinese-days` package (official State Council
 * schedules, 2004–2026 in the installed version). Years it does not cover keep whatever the
 * calendar data already holds (by default nothing: Mon–Fri), so an administrator can enter them.
 *
 * The package's date functions parse strings in the process's local zone (wrong outside UTC+8),
 * so only its raw data file is read here.
 */
import chineseDaysData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { defaultCalendarData, type WorkCalendarData } from './work-calendar.ts';

interface RawDays {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const raw = chineseDaysData as unknown as RawDays;

export interface ChineseDaysSeed {
  /** Official rest dates (including those falling on weekends). */
  holidays: string[];
  /** Official make-up working dates (调休上班). */
  workdays: string[];
  /** Date → Chinese name of the festival it belongs to (e.g. 春节). */
  names: Record<string, string>;
  /** First and last year the package covers. */
  firstYear: number;
  lastYear: number;
}

function chineseName(label: string): string {
  // Package format: "Spring Festival,春节,4".
  return label.split(',')[1] ?? label;
}

/** The official schedule as carried by chinese-days, optionally limited to [fromYear, toYear]. */
export function chineseDaysSchedule(fromYear = 0, toYear = 9999): ChineseDaysSeed {
  const inRange = (d: string) => {
    const y = Number(d.slice(0, 4));
    return y >= fromYear && y <= toYear;
  };
  const names: Record<string, string> = {};
  const holidays = Object.keys(raw.holidays).filter(inRange).sort();
  const workdays = Object.keys(raw.workdays).filter(inRange).sort();
  for (const d of holidays) names[d] = chineseName(raw.holidays[d]);
  for (const d of workdays) names[d] = chineseName(raw.workdays[d]);
  const years = [...Object.keys(raw.holidays), ...Object.keys(raw.workdays)].map((d) =>
    Number(d.slice(0, 4)),
  );
  return {
    holidays,
    workdays,
    names,
    firstYear: Math.min(...years),
    lastYear: Math.max(...years),
  };
}

/**
 * Calendar data with the holiday and make-up sets of the years chinese-days covers replaced by the
 * official schedule; dates of other years in `base` (admin entries for 2027, say) are kept.
 */
export function seedFromChineseDays(
  base: WorkCalendarData = defaultCalendarData(),
  opts: { fromYear?: number; toYear?: number } = {},
): WorkCalendarData {
  const all = chineseDaysSchedule();
  const from = Math.max(opts.fromYear ?? all.firstYear, all.firstYear);
  const to = Math.min(opts.toYear ?? all.lastYear, all.lastYear);
  const seed = chineseDaysSchedule(from, to);
  const outside = (d: string) => {
    const y = Number(d.slice(0, 4));
    return y < from || y > to;
  };
  return {
    ...base,
    windows: base.windows.map((w) => ({ ...w })),
    workingWeekdays: [...base.workingWeekdays],
    holidays: [...base.holidays.filter(outside), ...seed.holidays].sort(),
    workdays: [...base.workdays.filter(outside), ...seed.workdays].sort(),
  };
}
