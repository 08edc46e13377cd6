/**
 * The event feed delivers every committed event, also one whose transaction took its id before a
 * later-numbered event was read (it used to read only `id > cursor` and skip such an event for
 * ever: a logout on one node never reached another node's session cache).
 */
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventFeed, type EventRow, GAP_RETENTION_MS } from '../../server/platform/event-feed.ts';
import { createTestDatabase, type TestDatabase, usingPostgres } from '../support/db.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.dispose();
});

async function insertEvent(action: string, id?: number): Promise<number> {
  const rows = await database.query<{ id: number }>(
    id === undefined
      ? sql`INSERT INTO event (actor_type, action, entity_type) VALUES ('system', ${action}, 'test') RETURNING id::int AS id`
      : sql`INSERT INTO event (id, actor_type, action, entity_type) OVERRIDING SYSTEM VALUE
            VALUES (${id}, 'system', ${action}, 'test') RETURNING id::int AS id`,
  );
  return Number(rows[0].id);
}

function collect(feed: EventFeed): EventRow[] {
  const seen: EventRow[] = [];
  feed.subscribe((rows) => seen.push(...rows));
  return seen;
}

describe('event feed', () => {
  it('delivers an event whose id is below one already delivered', async () => {
    let clock = 1_000_000;
    const feed = new EventFeed(database, 60_000, () => clock);
    await feed.start();
    const seen = collect(feed);
    const first = await insertEvent('feed.first');
    // An event two ids on commits first; the one between is still "in flight".
    await insertEvent('feed.third', first + 2);
    await feed.poll();
    expect(seen.map((e) => e.action)).toEqual(['feed.first', 'feed.third']);
    expect(feed.pendingGaps).toBe(1);

    await insertEvent('feed.second', first + 1);
    await feed.poll();
    expect(seen.map((e) => e.action)).toEqual(['feed.first', 'feed.third', 'feed.second']);
    expect(feed.pendingGaps).toBe(0);

    // A gap that never fills (a rolled-back transaction) is given up after the retention time.
    await database.query(sql`SELECT setval(pg_get_serial_sequence('event', 'id'), ${first + 10})`);
    await insertEvent('feed.after-rollback', first + 12);
    await feed.poll();
    expect(feed.pendingGaps).toBe(9);
    clock += GAP_RETENTION_MS + 1;
    await feed.poll();
    expect(feed.pendingGaps).toBe(0);
    await database.query(sql`SELECT setval(pg_get_serial_sequence('event', 'id'), ${first + 20})`);
    feed.stop();
  });

  it.skipIf(!usingPostgres())(
    'delivers the event of a transaction that commits after a later one (PostgreSQL, two connections)',
    async () => {
      const feed = new EventFeed(database, 60_000);
      await feed.start();
      const seen = collect(feed);
      const slow = new pg.Client({ connectionString: database.url });
      await slow.connect();
      try {
        await slow.query('BEGIN');
        await slow.query(
          "INSERT INTO event (actor_type, action, entity_type) VALUES ('system', 'feed.slow', 'test')",
        );
        await insertEvent('feed.fast');
        await feed.poll();
        expect(seen.map((e) => e.action)).toEqual(['feed.fast']);
        await slow.query('COMMIT');
        await feed.poll();
        expect(seen.map((e) => e.action)).toEqual(['feed.fast', 'feed.slow']);
      } finally {
        await slow.end();
        feed.stop();
      }
    },
  );
});
