/**
 * Event subscribers (server/platform/subscribers.ts) in the running app: the case loop publishes
 * its events, the outbox and the inbox subscribe, and all of it happens in the event's
 * transaction — a dispatch's delivery and notifications are written by the transaction that
 * writes the dispatch (same `xmin`), and a subscriber that throws takes the whole action back with
 * it: the API answers 500, and there is no event, no notification, no delivery, the case unchanged.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepTimers } from '../../server/modules/cases/index.ts';
import { subscribe, subscribers } from '../../server/platform/subscribers.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn } from '../support/cases.ts';

let t: TestApp;
let unitId: string;

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  unitId = orgs.find((o) => o.name === '海曙区环境卫生管理处')!.id;
  // The unit has its own system: a dispatch to it queues a delivery.
  const res = await t.as(admin).put(`/api/endpoints/${unitId}`, {
    url: 'https://sanitation.example.cn/cityops',
    enabled: true,
  });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(async () => t?.close());

/** A new 海曙 case, reported, accepted and filed: waiting for a dispatcher. */
async function filedCase(index: number): Promise<string> {
  const matterCode = '06002';
  const p = await pointIn(t, '330203', index);
  const r = await t.as(await t.login('haishu.acceptor')).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'hotline',
    description: `井盖缺失 ${index}`,
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    matterCode,
  });
  expect(r.statusCode, r.body).toBe(201);
  const id = r.json().case.id as string;
  const std = (
    await t.as(await t.login('haishu.shift_leader')).get(`/api/catalog/standards/${matterCode}`)
  ).json();
  const accept = await actOn(t, 'haishu.acceptor', id, 'accept_report', { matterType: matterCode });
  expect(accept.statusCode, accept.body).toBe(200);
  const file = await actOn(t, 'haishu.shift_leader', id, 'file', {
    matterType: matterCode,
    filingConditionId: std.filingConditions[0].id,
  });
  expect(file.statusCode, file.body).toBe(200);
  return id;
}

/** The rows a case's events left behind, each with the transaction that wrote it (`xmin`). */
async function trail(caseId: string, action: string) {
  const q = <T>(query: ReturnType<typeof sql>) => t.database.query<T>(query);
  const [events, notifications, deliveries, cases] = await Promise.all([
    q<{ id: number; tx: string }>(
      sql`SELECT id, xmin::text AS tx FROM event WHERE entity_id = ${caseId} AND action = ${action}`,
    ),
    q<{ user_id: string; kind: string; tx: string }>(
      sql`SELECT user_id, kind, xmin::text AS tx FROM notification WHERE case_id = ${caseId} AND kind = ${action}`,
    ),
    q<{ event_id: string; org_id: string; status: string; tx: string }>(
      sql`SELECT event_id::text, org_id, status, xmin::text AS tx FROM delivery WHERE case_id = ${caseId}`,
    ),
    q<{ state: string; version: number; unit_id: string | null; tx: string }>(
      sql`SELECT state, version, unit_id, xmin::text AS tx FROM case_file WHERE id = ${caseId}`,
    ),
  ]);
  return { events, notifications, deliveries, case: cases[0] };
}

describe('the app subscribes the inbox and the outbox to the case loop', () => {
  it('in the order the app registers them, each to its actions', () => {
    expect(subscribers.subscribersOf('case.dispatch')).toEqual(['outbox.delivery', 'notifications.inbox']);
    expect(subscribers.subscribersOf('case.rework')).toEqual(['outbox.delivery', 'notifications.inbox']);
    expect(subscribers.subscribersOf('case.sign')).toEqual(['notifications.inbox']);
    expect(subscribers.subscribersOf('case.stage_overdue')).toEqual(['notifications.inbox']);
    // The call-back queue hears of closings only.
    expect(subscribers.subscribersOf('case.close')).toEqual(['notifications.inbox', 'callbacks.queue']);
    expect(subscribers.subscribersOf('case.reopen')).toEqual(['notifications.inbox']);
  });
});

describe('a dispatch', () => {
  it("writes its delivery and notifications in the dispatch's own transaction", async () => {
    const id = await filedCase(0);
    const res = await actOn(t, 'haishu.dispatcher', id, 'dispatch', { unitId });
    expect(res.statusCode, res.body).toBe(200);
    const after = await trail(id, 'case.dispatch');
    expect(after.events).toHaveLength(1);
    const [event] = after.events;
    expect(after.deliveries).toEqual([
      { event_id: String(event.id), org_id: unitId, status: 'pending', tx: event.tx },
    ]);
    // The unit's handlers are told (the dispatch rule's notify('unit')), the dispatcher is not.
    expect(after.notifications.length).toBeGreaterThan(0);
    const dispatcher = (await t.as(await t.login('haishu.dispatcher')).get('/api/me')).json();
    expect(after.notifications.map((n) => n.user_id)).not.toContain(dispatcher.user.id);
    for (const n of after.notifications) expect(n.tx).toBe(event.tx);
    expect(after.case).toMatchObject({ state: 'dispatched', unit_id: unitId, tx: event.tx });
  });

  it('is taken back whole when a subscriber throws: 500, no event, notification or delivery, the case unchanged', async () => {
    const id = await filedCase(1);
    const before = await trail(id, 'case.dispatch');
    expect(before.case.state).toBe('pending_dispatch');
    let ran = 0;
    // Runs after the outbox's and the inbox's subscribers: their rows are written, then undone.
    const off = subscribe('test.broken', ['case.dispatch'], async (_tx, events) => {
      ran += events.length;
      throw new Error('subscriber failed');
    });
    try {
      const res = await actOn(t, 'haishu.dispatcher', id, 'dispatch', { unitId });
      expect(res.statusCode, res.body).toBe(500);
      expect(res.json().error.code).toBe('INTERNAL');
    } finally {
      off();
    }
    expect(ran).toBe(1);
    const after = await trail(id, 'case.dispatch');
    expect(after.events).toEqual([]);
    expect(after.notifications).toEqual([]);
    expect(after.deliveries).toEqual([]);
    expect(after.case).toEqual(before.case);

    // The same dispatch without the broken subscriber goes through: the failure was the subscriber's.
    const again = await actOn(t, 'haishu.dispatcher', id, 'dispatch', { unitId });
    expect(again.statusCode, again.body).toBe(200);
    const done = await trail(id, 'case.dispatch');
    expect(done.events).toHaveLength(1);
    expect(done.deliveries).toHaveLength(1);
    expect(done.notifications.length).toBeGreaterThan(0);
  });
});

describe('the timer sweeper', () => {
  it("writes each fired timer's notifications in the sweep's transaction, with its event", async () => {
    const id = await filedCase(2);
    const res = await actOn(t, 'haishu.dispatcher', id, 'dispatch', { unitId });
    expect(res.statusCode, res.body).toBe(200);
    // A year on, every running stage of every case is overdue.
    expect(await sweepTimers(t.database, 500, new Date(Date.now() + 365 * 86_400_000))).toBeGreaterThan(0);
    const overdue = await trail(id, 'case.stage_overdue');
    expect(overdue.events).toHaveLength(1);
    expect(overdue.notifications.length).toBeGreaterThan(0);
    for (const n of overdue.notifications) expect(n.tx).toBe(overdue.events[0].tx);
    const warning = await trail(id, 'case.stage_warning');
    expect(warning.events).toHaveLength(1);
    expect(warning.events[0].tx).toBe(overdue.events[0].tx);
  });
});
