/**
 * Several nodes: a node's cached calendar is reloaded when another node's calendar change reaches
 * it through the event feed (an event with entity type 'calendar'), and only then.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chinaInstant as cn, formatChina } from '../../common/calendar/index.ts';
import { computeDue, getCalendar, watchCalendar } from '../../server/modules/calendar/service.ts';
import { recordEvent } from '../../server/platform/audit.ts';
import { systemContext } from '../../server/platform/context.ts';
import { EventFeed } from '../../server/platform/event-feed.ts';
import { seedCalendar } from '../../server/seed/calendar.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let database: TestDatabase;
let feed: EventFeed;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedCalendar(database.db, systemContext('seed'));
  feed = new EventFeed(database, 60_000);
  await feed.start();
});
afterAll(async () => {
  feed?.stop();
  await database?.dispose();
});

/** What another node does: change the table and append its calendar event (its cache is its own). */
async function otherNodeMarksHoliday(date: string) {
  await database.db.transaction(async (tx) => {
    await tx.execute(
      sql`INSERT INTO calendar_day (day, kind, name, source) VALUES (${date}, 'holiday', 'x', 'admin')`,
    );
    await recordEvent(tx, systemContext('other-node'), {
      action: 'calendar.day_set',
      entityType: 'calendar',
      entityId: date,
      districtCode: null,
      after: { date, kind: 'holiday' },
    });
  });
}

it('keeps its cache until a calendar event arrives, then reloads', async () => {
  const db = database.db;
  const unwatch = watchCalendar(db, feed);
  const due = async () => formatChina(await computeDue(db, cn('2026-12-31 17:00'), 2, 'work_hour'));
  expect(await due()).toBe('2027-01-01 09:00');
  const cached = await getCalendar(db);
  expect(await getCalendar(db)).toBe(cached);

  await otherNodeMarksHoliday('2027-01-01');
  // Not yet seen: the cached calendar still answers.
  expect(await due()).toBe('2027-01-01 09:00');
  await feed.poll();
  expect(await getCalendar(db)).not.toBe(cached);
  expect(await due()).toBe('2027-01-04 09:00');

  // Events of other kinds leave the cache alone.
  const now = await getCalendar(db);
  await recordEvent(db, systemContext('other-node'), {
    action: 'org.update',
    entityType: 'org',
    entityId: null,
    districtCode: null,
  });
  await feed.poll();
  expect(await getCalendar(db)).toBe(now);
  unwatch();
});
