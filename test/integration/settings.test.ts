/**
 * City settings: seeded defaults, read by administrators, written by the city's administrators
 * with the version they replace (409 when stale), every value checked against its key's shape
 * (400 naming the field), one audit event per write, and getSetting for other modules.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSetting, watchSettings } from '../../server/modules/settings/service.ts';
import { recordEvent } from '../../server/platform/audit.ts';
import { systemContext } from '../../server/platform/context.ts';
import { EventFeed } from '../../server/platform/event-feed.ts';
import { seedCalendar } from '../../server/seed/calendar.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let admin: string;
let inspector: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  inspector = await t.login('haishu.inspector');
});
afterAll(async () => t?.close());

const eventCount = async () =>
  Number((await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM event`))[0].n);

describe('defaults seeded on first start', () => {
  it('lists every known key with its default at version 1', async () => {
    const res = await t.as(admin).get('/api/settings');
    expect(res.statusCode, res.body).toBe(200);
    const byKey = Object.fromEntries(res.json().items.map((s: { key: string }) => [s.key, s]));
    expect(Object.keys(byKey).sort()).toEqual(
      [
        'calendar.windows',
        'case.duplicate',
        'case.stageLimits',
        'case.warnShare',
        'hotline.numbers',
        'callback.reopenOnDissatisfied',
        'outbound.allowHttp',
        'imports.limits',
        'sensors.offline',
        'sensors.retentionDays',
        'gps.autoRegister',
        'gps.retentionDays',
        'gps.caseAlarmKinds',
        'opinion.matching',
        'warning.rules',
      ].sort(),
    );
    expect(byKey['callback.reopenOnDissatisfied']).toMatchObject({ value: true, version: 1 });
    expect(byKey['case.warnShare']).toMatchObject({ value: 0.8, version: 1, updatedBy: 'seed' });
    expect(byKey['case.duplicate'].value).toMatchObject({
      radiusM: 50,
      windowHours: 24,
      minSuggestionScore: 0.5,
      families: { '01': { radiusM: 30, windowHours: 168 }, '09': { radiusM: 100, windowHours: 4 } },
    });
    expect(byKey['hotline.numbers'].value).toEqual({ city: '12345', legacy: ['96310', '12319'] });
    expect(byKey['case.stageLimits'].value).toMatchObject({
      verify: { amount: 24, unit: 'urgent_hour' },
      check: { amount: 2, unit: 'work_hour' },
      coordinate: { amount: 1, unit: 'work_day' },
    });
    expect(await getSetting(t.app.db, 'case.warnShare')).toBe(0.8);
  });

  it('re-running the seed writes nothing', async () => {
    const before = await eventCount();
    expect(await seedCalendar(t.app.db, systemContext('seed'))).toEqual({ days: 0, settings: [] });
    expect(await eventCount()).toBe(before);
  });
});

describe('PUT /api/settings/:key', () => {
  it('writes with the version it replaces, audits once, and refuses a stale version', async () => {
    const cur = (await t.as(admin).get('/api/settings/case.warnShare')).json();
    const before = await eventCount();
    const res = await t
      .as(admin)
      .put('/api/settings/case.warnShare', { value: 0.75, version: cur.version, reason: '试行' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ key: 'case.warnShare', value: 0.75, version: cur.version + 1 });
    expect(res.json().updatedBy).toEqual(expect.any(String));
    expect(await eventCount()).toBe(before + 1);
    const [ev] = await t.database.query<{
      action: string;
      entity_id: string;
      before: unknown;
      after: unknown;
    }>(sql`SELECT action, entity_id, before, after FROM event ORDER BY id DESC LIMIT 1`);
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    expect(ev).toMatchObject({ action: 'setting.update', entity_id: 'case.warnShare' });
    expect(parse(ev.before)).toEqual({ key: 'case.warnShare', value: 0.8, version: cur.version });
    expect(parse(ev.after)).toEqual({ key: 'case.warnShare', value: 0.75, version: cur.version + 1 });
    expect(await getSetting(t.app.db, 'case.warnShare')).toBe(0.75);

    const stale = await t.as(admin).put('/api/settings/case.warnShare', { value: 0.9, version: cur.version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('CONFLICT');
    expect(await eventCount()).toBe(before + 1);
  });

  it('windows written as a setting reach the calendar at once', async () => {
    const cur = (await t.as(admin).get('/api/settings/calendar.windows')).json();
    const put = await t.as(admin).put('/api/settings/calendar.windows', {
      value: [{ start: '09:00', end: '17:00' }],
      version: cur.version,
    });
    expect(put.statusCode, put.body).toBe(200);
    const due = await t
      .as(inspector)
      .get('/api/calendar/due?start=2026-03-02T00:00:00%2B08:00&amount=1&unit=work_hour');
    expect(due.json().due).toBe('2026-03-02T02:00:00.000Z'); // 10:00 China
  });

  it.each([
    ['params.key', 'case.nothing', { value: 1, version: 1 }],
    ['body.value', 'case.warnShare', { value: 1.5, version: 1 }],
    ['body.value', 'case.warnShare', { value: '0.8', version: 1 }],
    [
      'body.value.verify.unit',
      'case.stageLimits',
      { value: { verify: { amount: 24, unit: 'hour' } }, version: 1 },
    ],
    [
      'body.value.check',
      'case.stageLimits',
      { value: { verify: { amount: 24, unit: 'urgent_hour' } }, version: 1 },
    ],
    ['body.value.radiusM', 'case.duplicate', { value: { radiusM: 0, windowHours: 24 }, version: 1 }],
    ['body.value.extra', 'case.duplicate', { value: { radiusM: 50, windowHours: 24, extra: 1 }, version: 1 }],
    [
      'body.value.families.12',
      'case.duplicate',
      {
        value: { radiusM: 50, windowHours: 24, families: { '12': { radiusM: 30, windowHours: 4 } } },
        version: 1,
      },
    ],
    [
      'body.value.families.09.radiusM',
      'case.duplicate',
      {
        value: { radiusM: 50, windowHours: 24, families: { '09': { radiusM: 0, windowHours: 4 } } },
        version: 1,
      },
    ],
    [
      'body.value.families.01.windowHours',
      'case.duplicate',
      {
        value: { radiusM: 50, windowHours: 24, families: { '01': { radiusM: 30, windowHours: 9000 } } },
        version: 1,
      },
    ],
    [
      'body.value.minSuggestionScore',
      'case.duplicate',
      { value: { radiusM: 50, windowHours: 24, minSuggestionScore: 1.5 }, version: 1 },
    ],
    ['body.value.city', 'hotline.numbers', { value: { city: '12345x', legacy: [] }, version: 1 }],
    [
      'body.value.1.start',
      'calendar.windows',
      {
        value: [
          { start: '08:00', end: '12:00' },
          { start: '10:00', end: '13:00' },
        ],
        version: 1,
      },
    ],
    ['body.version', 'case.warnShare', { value: 0.5 }],
  ])('names %s on a bad write to %s (400, nothing written)', async (field, key, body) => {
    const before = await eventCount();
    const res = await t.as(admin).put(`/api/settings/${key}`, body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await eventCount()).toBe(before);
  });

  it.each([
    // [key, value, field, Chinese rule, English rule]
    ['case.warnShare', 1.5, 'body.value', /不能大于 1/, /must be <= 1/],
    ['hotline.numbers', { city: '12345x', legacy: [] }, 'body.value.city', /格式不正确/, /must match/],
    ['hotline.numbers', { legacy: [] }, 'body.value.city', /缺少必填项 city/, /required/],
    [
      'calendar.windows',
      [
        { start: '08:00', end: '12:00' },
        { start: '10:00', end: '13:00' },
      ],
      'body.value.1.start',
      /与前一个时段重叠/,
      /overlaps/,
    ],
  ])(
    'says what is wrong with %s in Chinese and in English: the field and its rule',
    async (key, value, field, zh, en) => {
      const current = (await t.as(admin).get(`/api/settings/${key}`)).json();
      const body = { value, version: current.version };
      const inZh = await t.as(admin).put(`/api/settings/${key}`, body, { 'accept-language': 'zh-CN' });
      expect(inZh.statusCode, inZh.body).toBe(400);
      const zhError = inZh.json().error;
      expect(zhError.message).toContain(key);
      expect(zhError.message).toContain(field);
      expect(zhError.message).toMatch(zh);
      const zhDetail = zhError.details.find((d: { field: string }) => d.field === field);
      expect(zhDetail.message).toMatch(zh);
      expect(zhDetail.message).toMatch(/[\u4e00-\u9fff]/);
      const inEn = await t.as(admin).put(`/api/settings/${key}`, body, { 'accept-language': 'en' });
      const enError = inEn.json().error;
      expect(enError.message).toContain(field);
      expect(enError.details.find((d: { field: string }) => d.field === field).message).toMatch(en);
    },
  );

  it('refuses everyone but administrators (403) and unknown keys on read (400)', async () => {
    expect((await t.as(inspector).get('/api/settings')).statusCode).toBe(403);
    expect((await t.as(inspector).get('/api/settings/case.warnShare')).statusCode).toBe(403);
    const put = await t.as(inspector).put('/api/settings/case.warnShare', { value: 0.5, version: 2 });
    expect(put.statusCode).toBe(403);
    const unknown = await t.as(admin).get('/api/settings/nope');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details[0].field).toBe('params.key');
  });
});

describe('the per-node cache of setting values', () => {
  it('serves repeated reads from memory, hands out copies, and drops the cache when another node writes', async () => {
    const feed = new EventFeed(t.database, 60_000);
    await feed.start();
    const unwatch = watchSettings(t.app.db, feed);
    try {
      const first = await getSetting(t.app.db, 'case.duplicate');
      first.radiusM = 1; // a caller that mutates its copy must not change what others read
      expect((await getSetting(t.app.db, 'case.duplicate')).radiusM).not.toBe(1);
      const before = await getSetting(t.app.db, 'case.duplicate');

      // Another node's write: the row changes and its audit event is appended, but this node's
      // handle never saw the write (a transaction handle is another object).
      const next = { radiusM: before.radiusM + 7, windowHours: before.windowHours };
      await t.app.db.transaction(async (tx) => {
        await tx.execute(
          sql`UPDATE setting SET value = ${JSON.stringify(next)}::jsonb, version = version + 1 WHERE key = 'case.duplicate'`,
        );
        await recordEvent(tx, systemContext('other-node'), {
          action: 'setting.update',
          entityType: 'setting',
          entityId: 'case.duplicate',
          districtCode: null,
          before: { key: 'case.duplicate', value: before },
          after: { key: 'case.duplicate', value: next },
        });
      });
      // Until the event arrives, this node still has the old value in memory (the cache is real)…
      expect(await getSetting(t.app.db, 'case.duplicate')).toEqual(before);
      // …and once the feed delivers it, the next read sees the other node's value.
      await feed.poll();
      expect(await getSetting(t.app.db, 'case.duplicate')).toEqual(next);
      // The administrators' API always reads the table.
      expect((await t.as(admin).get('/api/settings/case.duplicate')).json().value).toEqual(next);
    } finally {
      unwatch();
      feed.stop();
    }
  });
});
