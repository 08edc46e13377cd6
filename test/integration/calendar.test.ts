/**
 * The calendar API against the pure core: `/api/calendar/due` agrees with a WorkCalendar built
 * from chinese-days across the 2026 holidays and make-up workdays and the 2026→2027 boundary, for
 * every unit, starts inside and outside the windows, whatever the process's TZ; an administrator's
 * edit of a 2027 date changes the answer at once; edits are city-admin only, validated, audited.
 */
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  chinaInstant as cn,
  formatChina,
  seedFromChineseDays,
  TIME_UNITS,
  type TimeUnit,
  WorkCalendar,
} from '../../common/calendar/index.ts';
import { computeDue, getCalendar } from '../../server/modules/calendar/service.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let admin: string;
let inspector: string;
let districtAdmin: string;
const core = new WorkCalendar(seedFromChineseDays());

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  inspector = await t.login('haishu.inspector');
  const orgs = await t.as(admin).get('/api/orgs?kind=district_center&districtCode=330203');
  const res = await t.as(admin).post('/api/users', {
    username: 'cal.haishu.admin',
    displayName: '海曙管理员',
    orgId: orgs.json().items[0].id,
    roles: ['admin'],
    password: 'cal-admin-pass-1',
  });
  expect(res.statusCode, res.body).toBe(201);
  districtAdmin = await t.login('cal.haishu.admin', 'cal-admin-pass-1');
});
afterAll(async () => t?.close());

const savedTz = process.env.TZ;
afterEach(() => {
  process.env.TZ = savedTz;
});

async function due(start: string, amount: number | string, unit: string, token = inspector) {
  const q = new URLSearchParams({ start, amount: String(amount), unit });
  return t.as(token).get(`/api/calendar/due?${q}`);
}

async function dueChina(at: string, amount: number, unit: TimeUnit): Promise<string> {
  const res = await due(cn(at).toISOString(), amount, unit);
  expect(res.statusCode, res.body).toBe(200);
  return formatChina(new Date(res.json().due));
}

const eventCount = async () =>
  Number((await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM event`))[0].n);

// Starts around every 2026 holiday and make-up workday, the year boundary, and plain weeks, inside
// and outside the windows (night, lunch, weekend, on a holiday).
const STARTS = [
  '2025-12-31 17:00',
  '2026-01-01 10:00',
  '2026-01-04 07:00',
  '2026-02-13 17:00',
  '2026-02-14 11:30',
  '2026-02-15 10:00',
  '2026-02-23 23:00',
  '2026-02-27 16:00',
  '2026-02-28 12:30',
  '2026-03-02 10:00',
  '2026-03-06 17:30',
  '2026-04-03 17:30',
  '2026-04-30 17:00',
  '2026-05-08 18:00',
  '2026-06-18 17:00',
  '2026-09-18 18:00',
  '2026-09-20 08:00',
  '2026-09-24 17:00',
  '2026-09-30 17:00',
  '2026-10-09 17:00',
  '2026-10-10 13:00',
  '2026-12-30 14:00',
  '2026-12-31 17:00',
  '2027-01-01 17:30',
];
const AMOUNTS = [0.5, 1, 2, 8, 24];

describe('GET /api/calendar/due agrees with the calendar core', () => {
  it('for every unit across the 2026 holidays, make-up workdays and the 2026→2027 boundary', async () => {
    for (const unit of TIME_UNITS) {
      for (const at of STARTS) {
        for (const amount of AMOUNTS) {
          const expected = core.addTime(cn(at), amount, unit).toISOString();
          const res = await due(cn(at).toISOString(), amount, unit);
          expect(res.statusCode, res.body).toBe(200);
          expect(res.json().due, `${at} + ${amount} ${unit}`).toBe(expected);
        }
      }
    }
  });

  it.each([
    // Spring Festival 2026: Sat Feb 14 works, Feb 15–23 off, Sat Feb 28 works
    ['2026-02-13 17:00', 2, 'work_hour', '2026-02-14 09:00'],
    ['2026-02-14 17:00', 2, 'work_hour', '2026-02-24 09:00'],
    ['2026-02-27 16:00', 4, 'work_hour', '2026-02-28 10:00'],
    ['2026-02-13 10:00', 2, 'work_day', '2026-02-24 10:00'],
    // National Day: Sun Sep 20 and Sat Oct 10 work, Oct 1–7 off
    ['2026-09-18 18:00', 1, 'work_hour', '2026-09-20 09:00'],
    ['2026-09-30 17:00', 2, 'work_hour', '2026-10-08 09:00'],
    ['2026-10-09 17:00', 2, 'work_hour', '2026-10-10 09:00'],
    ['2026-09-30 10:00', 5, 'work_day', '2026-10-13 10:00'],
    // Year boundary: 2027 falls back to Mon–Fri
    ['2026-12-31 17:00', 2, 'work_hour', '2027-01-01 09:00'],
    ['2026-12-30 14:00', 3, 'work_day', '2027-01-04 12:00'],
    ['2026-12-31 23:30', 0.5, 'urgent_hour', '2027-01-01 00:00'],
    ['2026-12-31 10:00', 1.5, 'natural_day', '2027-01-01 22:00'],
    // Outside the windows: lunch, night, holiday
    ['2026-03-02 12:30', 1, 'work_hour', '2026-03-02 15:00'],
    ['2026-03-02 23:59', 0.25, 'work_hour', '2026-03-03 08:15'],
    ['2026-02-15 23:00', 2, 'urgent_hour', '2026-02-16 01:00'],
  ] as const)('%s + %d %s = %s (China time)', async (at, amount, unit, expected) => {
    expect(await dueChina(at, amount, unit)).toBe(expected);
  });

  it('reads the start offset and answers in UTC whatever the server TZ', async () => {
    for (const tz of ['America/New_York', 'UTC', 'Pacific/Kiritimati', 'Asia/Shanghai']) {
      process.env.TZ = tz;
      for (const start of [
        '2026-02-13T17:00:00+08:00',
        '2026-02-13T09:00:00Z',
        '2026-02-13T04:00:00-05:00',
      ]) {
        const res = await due(start, 2, 'work_hour');
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().due, `${tz} ${start}`).toBe('2026-02-14T01:00:00.000Z'); // 09:00 China
      }
      expect(await dueChina('2026-12-31 17:00', 2, 'work_hour')).toBe('2027-01-01 09:00');
    }
  });

  it('the service functions give the same answers (for the case loop)', async () => {
    const cal = await getCalendar(t.app.db);
    expect(cal.dayKind('2026-02-14')).toBe('workday');
    expect(cal.dayKind('2026-10-07')).toBe('holiday');
    const d = await computeDue(t.app.db, cn('2026-02-14 17:00'), 2, 'work_hour');
    expect(formatChina(d)).toBe('2026-02-24 09:00');
  });
});

describe('bad input to /api/calendar/due', () => {
  it.each([
    ['start', '2026-02-13T17:00:00', 1, 'work_hour'], // no offset: would be local time
    ['start', '2026-02-13', 1, 'work_hour'],
    ['start', 'yesterday', 1, 'work_hour'],
    ['start', '2026-02-30T10:00:00+08:00', 1, 'work_hour'],
    ['amount', '2026-02-13T17:00:00+08:00', 0, 'work_hour'],
    ['amount', '2026-02-13T17:00:00+08:00', -1, 'work_hour'],
    ['amount', '2026-02-13T17:00:00+08:00', 'abc', 'work_hour'],
    ['amount', '2026-02-13T17:00:00+08:00', 10001, 'work_hour'],
    ['amount', '9999-12-30T00:00:00Z', 5, 'natural_day'],
    ['unit', '2026-02-13T17:00:00+08:00', 1, 'fortnight'],
  ])('%s: start=%s amount=%s unit=%s → 400', async (field, start, amount, unit) => {
    const res = await due(start, amount, unit);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(`querystring.${field}`);
  });

  it('names a missing field and needs a session', async () => {
    const res = await t.as(inspector).get('/api/calendar/due?amount=1&unit=work_hour');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].field).toBe('querystring.start');
    expect(
      (await t.as(null).get('/api/calendar/due?start=2026-01-01T00:00:00Z&amount=1&unit=work_hour'))
        .statusCode,
    ).toBe(401);
  });
});

describe('editing the calendar', () => {
  it('lists a year: 2026 from chinese-days, 2027 empty until edited, with the windows', async () => {
    const res = await t.as(inspector).get('/api/calendar/days?year=2026');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.windows).toEqual([
      { start: '08:00', end: '12:00' },
      { start: '14:00', end: '18:00' },
    ]);
    const workdays = body.days
      .filter((d: { kind: string }) => d.kind === 'workday')
      .map((d: { date: string }) => d.date);
    expect(workdays).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    expect(body.days.find((d: { date: string }) => d.date === '2026-02-14')).toMatchObject({
      name: '春节',
      source: 'chinese-days',
    });
    expect((await t.as(inspector).get('/api/calendar/days?year=2027')).json().days).toEqual([]);
  });

  it('an admin edit of a 2027 date changes /api/calendar/due at once, with one audit event each', async () => {
    expect(await dueChina('2026-12-31 17:00', 2, 'work_hour')).toBe('2027-01-01 09:00');
    const before = await eventCount();
    const set = await t
      .as(admin)
      .put('/api/calendar/days/2027-01-01', { kind: 'holiday', name: '元旦', reason: '2027 年安排公布' });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({
      date: '2027-01-01',
      kind: 'holiday',
      source: 'admin',
      effective: 'holiday',
    });
    expect(await eventCount()).toBe(before + 1);
    expect(await dueChina('2026-12-31 17:00', 2, 'work_hour')).toBe('2027-01-04 09:00');

    const sat = await t.as(admin).put('/api/calendar/days/2027-01-02', { kind: 'workday', reason: '调休' });
    expect(sat.json().effective).toBe('workday');
    expect(await dueChina('2026-12-31 17:00', 2, 'work_hour')).toBe('2027-01-02 09:00');

    const [ev] = await t.database.query<{ action: string; before: unknown; after: unknown; reason: string }>(
      sql`SELECT action, before, after, reason FROM event ORDER BY id DESC LIMIT 1`,
    );
    expect(ev.action).toBe('calendar.day_set');
    expect(ev.reason).toBe('调休');
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    expect(parse(ev.before)).toMatchObject({ date: '2027-01-02', kind: 'default' });
    expect(parse(ev.after)).toMatchObject({ date: '2027-01-02', kind: 'workday' });

    for (const date of ['2027-01-01', '2027-01-02']) {
      const res = await t.as(admin).put(`/api/calendar/days/${date}`, { kind: 'default', reason: '撤销' });
      expect(res.json()).toMatchObject({ kind: 'default', source: null });
    }
    expect(await eventCount()).toBe(before + 4);
    expect(await dueChina('2026-12-31 17:00', 2, 'work_hour')).toBe('2027-01-01 09:00');
    expect((await t.as(inspector).get('/api/calendar/days?year=2027')).json().days).toEqual([]);
  });

  it('an admin changes the windows; due and the work day follow; stale versions conflict', async () => {
    const cur = (await t.as(admin).get('/api/calendar/days?year=2026')).json();
    const windows = [
      { start: '08:30', end: '12:00' },
      { start: '13:30', end: '17:30' },
    ];
    const before = await eventCount();
    const res = await t
      .as(admin)
      .put('/api/calendar/windows', { windows, version: cur.windowsVersion, reason: '夏令作息' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ windows, version: cur.windowsVersion + 1 });
    expect(await eventCount()).toBe(before + 1);
    expect(await dueChina('2026-03-02 12:00', 1, 'work_hour')).toBe('2026-03-02 14:30');
    expect(await dueChina('2026-03-02 08:30', 1, 'work_day')).toBe('2026-03-02 17:30');

    const stale = await t.as(admin).put('/api/calendar/windows', { windows, version: cur.windowsVersion });
    expect(stale.statusCode).toBe(409);
    const back = await t.as(admin).put('/api/calendar/windows', {
      windows: [
        { start: '08:00', end: '12:00' },
        { start: '14:00', end: '18:00' },
      ],
      version: cur.windowsVersion + 1,
    });
    expect(back.statusCode, back.body).toBe(200);
    expect(await dueChina('2026-03-02 12:00', 1, 'work_hour')).toBe('2026-03-02 15:00');
    expect(await eventCount()).toBe(before + 2);
  });

  it('refuses non-admins and district admins (403) and writes nothing', async () => {
    const before = await eventCount();
    for (const token of [inspector, districtAdmin]) {
      const day = await t.as(token).put('/api/calendar/days/2027-02-10', { kind: 'holiday', reason: 'x' });
      expect(day.statusCode).toBe(403);
      const win = await t
        .as(token)
        .put('/api/calendar/windows', { windows: [{ start: '08:00', end: '17:00' }], version: 1 });
      expect(win.statusCode).toBe(403);
    }
    expect(await eventCount()).toBe(before);
  });

  it.each([
    ['params.date', '/api/calendar/days/2027-02-30', { kind: 'holiday', reason: 'x' }],
    ['params.date', '/api/calendar/days/27-2-3', { kind: 'holiday', reason: 'x' }],
    ['body.kind', '/api/calendar/days/2027-02-10', { kind: 'vacation', reason: 'x' }],
    ['body.reason', '/api/calendar/days/2027-02-10', { kind: 'holiday' }],
    ['body.reason', '/api/calendar/days/2027-02-10', { kind: 'holiday', reason: '   ' }],
    [
      'body.windows.1.start',
      '/api/calendar/windows',
      {
        version: 1,
        windows: [
          { start: '08:00', end: '12:00' },
          { start: '11:00', end: '13:00' },
        ],
      },
    ],
    [
      'body.windows.0.end',
      '/api/calendar/windows',
      { version: 1, windows: [{ start: '12:00', end: '08:00' }] },
    ],
    [
      'body.windows.0.end',
      '/api/calendar/windows',
      { version: 1, windows: [{ start: '08:00', end: '25:00' }] },
    ],
    ['body.windows', '/api/calendar/windows', { version: 1, windows: [] }],
  ])('%s is named on a bad edit (400, nothing written)', async (field, url, body) => {
    const before = await eventCount();
    const res = await t.as(admin).put(url, body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await eventCount()).toBe(before);
  });
});
