/**
 * The calendar's use cases behind its routes: the deadline preview, reading a year, and the
 * administrator's edits (a date's kind, the working windows), each audited with before/after.
 */

import {
  chinaDate,
  chineseDaysSchedule,
  type DayKind,
  DEFAULT_WORKING_WEEKDAYS,
  dateToDayNumber,
} from '../../../common/calendar/index.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { getSettingRecord, writeSetting } from '../settings/index.ts';
import { calendarManage } from './policy.ts';
import * as repo from './repository.ts';
import type { DayPutT, DueQueryT, WindowsPutT } from './schemas.ts';
import { MAX_YEAR, MIN_YEAR } from './schemas.ts';
import { computeDue, getCalendar, invalidateCalendar } from './service.ts';

const invalid = (field: string, en: string, zh = en) =>
  new AppError('VALIDATION_FAILED', { zh, en, details: [{ field, message: en }] });

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * An ISO 8601 / RFC 3339 instant with an explicit offset, read field by field: never through the
 * process's local zone (a string without an offset is refused, not guessed).
 */
export function parseInstant(s: string): number | null {
  const m = RFC3339.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number);
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return null;
  try {
    dateToDayNumber(`${m[1]}-${m[2]}-${m[3]}`);
  } catch {
    return null;
  }
  const offH = m[10] ? Number(m[10]) : 0;
  const offM = m[11] ? Number(m[11]) : 0;
  if (offH > 23 || offM > 59) return null;
  const sign = m[9] === '-' ? -1 : 1;
  // setUTCFullYear: Date.UTC would read years 0–99 as 1900–1999.
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, se, ms);
  return t.getTime() - (m[8] ? 0 : sign * (offH * 60 + offM) * 60_000);
}

/** `GET /api/calendar/due`: any signed-in caller. */
export async function dueFor(db: Db, _ctx: RequestContext, q: DueQueryT): Promise<{ due: string }> {
  const start = parseInstant(q.start);
  if (start === null) {
    throw invalid(
      'querystring.start',
      'start must be an ISO 8601 instant with its offset, e.g. 2026-02-13T17:00:00+08:00',
      'start 必须是带时区偏移的 ISO 8601 时间，例如 2026-02-13T17:00:00+08:00',
    );
  }
  if (!Number.isFinite(q.amount) || q.amount <= 0) throw invalid('querystring.amount', 'amount must be > 0');
  let due: Date;
  try {
    due = await computeDue(db, new Date(start), q.amount, q.unit);
  } catch (err) {
    if (err instanceof RangeError) throw invalid('querystring.amount', err.message);
    throw err;
  }
  if (!(due.getTime() <= LATEST)) throw invalid('querystring.amount', 'the due time falls after 9999-12-31');
  return { due: due.toISOString() };
}

function dayDto(r: repo.CalendarDayRow) {
  return {
    date: r.day,
    kind: r.kind,
    name: r.name,
    source: r.source,
    updatedBy: r.updatedBy,
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** `GET /api/calendar/days?year=`: the year's exceptions and the working windows. */
export async function listDays(db: Db, _ctx: RequestContext, year?: number) {
  const y = year ?? Number(chinaDate(new Date()).slice(0, 4));
  const [rows, windows] = await Promise.all([
    repo.daysOfYear(db, y),
    getSettingRecord(db, 'calendar.windows'),
  ]);
  const official = chineseDaysSchedule();
  return {
    year: y,
    days: rows.map(dayDto),
    windows: windows.value as { start: string; end: string }[],
    windowsVersion: windows.version,
    workingWeekdays: [...DEFAULT_WORKING_WEEKDAYS],
    officialYears: { first: official.firstYear, last: official.lastYear },
  };
}

function checkDate(date: string): void {
  try {
    dateToDayNumber(date);
  } catch {
    throw invalid('params.date', `not a real date: ${date}`, `日期无效：${date}`);
  }
  const y = Number(date.slice(0, 4));
  if (y < MIN_YEAR || y > MAX_YEAR) {
    throw invalid('params.date', `year must be between ${MIN_YEAR} and ${MAX_YEAR}`);
  }
}

type DayState = {
  date: string;
  kind: 'holiday' | 'workday' | 'default';
  name: string | null;
  source: string | null;
};

const stateOf = (date: string, row: repo.CalendarDayRow | undefined): DayState =>
  row
    ? { date, kind: row.kind, name: row.name, source: row.source }
    : { date, kind: 'default', name: null, source: null };

/** `PUT /api/calendar/days/:date`: city administrators; 'default' removes the exception. */
export async function setDay(
  db: Db,
  ctx: RequestContext,
  date: string,
  input: DayPutT,
): Promise<DayState & { effective: DayKind }> {
  if (!calendarManage.allows(ctx.actor, {})) throw new AppError('FORBIDDEN');
  checkDate(date);
  const reason = input.reason.trim();
  if (!reason) throw invalid('body.reason', 'a reason is required', '请填写原因');
  const after = await db.transaction(async (tx) => {
    const current = await repo.findDayForUpdate(tx, date);
    let next: DayState;
    if (input.kind === 'default') {
      if (current) await repo.deleteDay(tx, date);
      next = stateOf(date, undefined);
    } else {
      const row = await repo.upsertDay(tx, {
        day: date,
        kind: input.kind,
        name: input.name?.trim() || null,
        source: 'admin',
        updatedBy: ctx.actor.name,
        updatedAt: new Date(),
      });
      next = stateOf(date, row);
    }
    await recordEvent(tx, ctx, {
      action: 'calendar.day_set',
      entityType: 'calendar',
      entityId: date,
      districtCode: null,
      before: stateOf(date, current),
      after: next,
      reason,
    });
    return next;
  });
  invalidateCalendar(db);
  const calendar = await getCalendar(db);
  return { ...after, effective: calendar.dayKind(date) };
}

/** `PUT /api/calendar/windows`: city administrators; stored as the `calendar.windows` setting. */
export async function putWindows(db: Db, ctx: RequestContext, input: WindowsPutT) {
  if (!calendarManage.allows(ctx.actor, {})) throw new AppError('FORBIDDEN');
  const dto = await writeSetting(db, ctx, 'calendar.windows', input.windows, input.version, {
    reason: input.reason ?? null,
    action: 'calendar.windows_set',
    field: 'body.windows',
  });
  invalidateCalendar(db);
  return { windows: dto.value as { start: string; end: string }[], version: dto.version };
}
