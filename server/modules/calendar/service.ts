/**
 * The working calendar of the city, loaded from the database (`calendar_day` exceptions and the
 * `calendar.windows` setting) into a pure {@link WorkCalendar}, cached in memory per database
 * handle. A write on this node drops the cache at once; other nodes drop it when an event with
 * entity type `calendar` reaches them through the event feed (see {@link watchCalendar}).
 *
 * For the case loop: `getCalendar(db)` and `computeDue(db, start, amount, unit)`. Pass the root
 * handle (`app.db`): a transaction handle works but is not cached.
 */

import {
  DEFAULT_WORKING_WEEKDAYS,
  type TimeUnit,
  WorkCalendar,
  type WorkCalendarData,
} from '../../../common/calendar/index.ts';
import type { Db } from '../../platform/db.ts';
import type { EventFeed } from '../../platform/event-feed.ts';
import { getSetting, onSettingChange } from '../settings/index.ts';
import * as repo from './repository.ts';

interface Entry {
  calendar?: Promise<WorkCalendar>;
}

const cache = new WeakMap<object, Entry>();

/** The calendar's data as stored: exceptions and windows (weekdays Mon–Fri). */
export async function loadCalendarData(db: Db): Promise<WorkCalendarData> {
  // Sequential: `db` may be a transaction (one connection), where pg only queues concurrent queries.
  const days = await repo.allDays(db);
  const windows = await getSetting(db, 'calendar.windows');
  const holidays: string[] = [];
  const workdays: string[] = [];
  for (const d of days) (d.kind === 'holiday' ? holidays : workdays).push(d.day);
  return { windows, holidays, workdays, workingWeekdays: [...DEFAULT_WORKING_WEEKDAYS] };
}

/** The city's working calendar (cached; reloaded after a change). */
export function getCalendar(db: Db): Promise<WorkCalendar> {
  let entry = cache.get(db);
  if (!entry) {
    entry = {};
    cache.set(db, entry);
  }
  if (entry.calendar) return entry.calendar;
  const e = entry;
  const p = loadCalendarData(db).then((data) => new WorkCalendar(data));
  e.calendar = p;
  // A failed load is not cached: the next call tries again.
  p.catch(() => {
    if (e.calendar === p) e.calendar = undefined;
  });
  return p;
}

/** Forgets the cached calendar of this database handle: the next `getCalendar` reloads it. */
export function invalidateCalendar(db: Db): void {
  const entry = cache.get(db);
  if (entry) entry.calendar = undefined;
}

/** `start + amount` in `unit` on the city's calendar (China time, whatever the process zone). */
export async function computeDue(db: Db, start: Date, amount: number, unit: TimeUnit): Promise<Date> {
  return (await getCalendar(db)).addTime(start, amount, unit);
}

/** Reloads on other nodes' calendar changes: events with entity type `calendar`. Returns the unsubscribe. */
export function watchCalendar(db: Db, feed: EventFeed | undefined): () => void {
  if (!feed) return () => {};
  return feed.subscribe((rows) => {
    if (rows.some((r) => r.entityType === 'calendar')) invalidateCalendar(db);
  });
}

// Windows written through the settings API (or the calendar API) drop the cache on this node.
onSettingChange((db, key) => {
  if (key === 'calendar.windows') invalidateCalendar(db);
});
