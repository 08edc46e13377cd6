/**
 * A period of China days [from, to) as the evaluation and decision support take it from a request
 * (query string or body): both dates between 2000-01-01 and 2099-12-31 — outside, the calendar
 * arithmetic and the buckets of a trend would run on a year like 0000 or 9999 — `from` before
 * `to`, and at most `maxDays` long. Errors name the field and say the rule in both languages.
 */
import { chinaInstant } from '../../common/calendar/index.ts';
import { AppError } from './errors.ts';

export const PERIOD_FIRST_DATE = '2000-01-01';
export const PERIOD_LAST_DATE = '2099-12-31';

export interface Period {
  from: Date;
  to: Date;
}

/** Where the dates came from, for the error's field name (`querystring.to`, `body.from`). */
export type PeriodSource = 'querystring' | 'body';

export function periodOfDates(
  from: string,
  to: string,
  maxDays: number,
  source: PeriodSource = 'querystring',
): Period {
  const invalid = (field: 'from' | 'to', zh: string, en: string, message: string) =>
    new AppError('VALIDATION_FAILED', { zh, en, details: [{ field: `${source}.${field}`, message }] });
  for (const [field, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || value < PERIOD_FIRST_DATE || value > PERIOD_LAST_DATE) {
      throw invalid(
        field,
        `${field} 须为 ${PERIOD_FIRST_DATE} 至 ${PERIOD_LAST_DATE} 之间的日期，收到 ${value.slice(0, 40)}`,
        `${field} must be a date from ${PERIOD_FIRST_DATE} to ${PERIOD_LAST_DATE}, got ${value.slice(0, 40)}`,
        `a date from ${PERIOD_FIRST_DATE} to ${PERIOD_LAST_DATE}`,
      );
    }
  }
  let p: Period;
  try {
    p = { from: chinaInstant(from), to: chinaInstant(to) };
  } catch {
    // A day that does not exist (2026-02-30): the schema's format check lets some through.
    throw invalid('from', `日期不存在：${from} 或 ${to}`, `No such day: ${from} or ${to}`, 'an existing day');
  }
  const days = (p.to.getTime() - p.from.getTime()) / 86_400_000;
  if (!(days >= 1) || days > maxDays) {
    throw invalid(
      'to',
      `期间须为 1 至 ${maxDays} 天（from 早于 to）`,
      `The period must be 1 to ${maxDays} days (from before to)`,
      `from < to, at most ${maxDays} days`,
    );
  }
  return p;
}
