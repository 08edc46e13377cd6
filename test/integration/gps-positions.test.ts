/**
 * Positions: a staff phone's batch from the field app stored and read back in the exact shape of
 * `GET /api/gps/positions` (ISO 8601 UTC, WGS84, km/h), a resent batch stored once, GCJ-02
 * converted, positions from the future or past the retention refused one by one, the track's
 * bounds (400), another district's terminal or person 404. The gateway's backend
 * (createJt808Backend): registration with and without `gps.autoRegister` (result 0 / 4), the auth
 * code and the IMEI, positions stored idempotently and read back through the API, drops counted.
 * Partitions: a fix on a day without a partition is stored (the day's partition made on demand),
 * and the retention drops whole old days.
 */
import { randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertLngLat } from '../../server/modules/geo/index.ts';
import { createJt808Backend, type Jt808Backend, maintainPositions } from '../../server/modules/gps/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let admin: string;
let inspector: string;
let inspectorId: string;
let hsDispatcher: string;
let jbDispatcher: string;
let backend: Jt808Backend;
const logged: string[] = [];
const org: Record<string, string> = {};

const phone = () => `0${String(randomInt(10 ** 9, 10 ** 10))}${randomInt(10)}`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A whole second, some hours ago (a phone's and a terminal's fixes are at whole seconds). */
const ago = (ms: number) => new Date(Math.floor((Date.now() - ms) / 1000) * 1000);
const SHAPE = ['alarm', 'altitude', 'direction', 'extras', 'lat', 'lng', 'speed', 'status', 'time'];

async function setSetting(key: string, value: unknown) {
  const cur = (await t.as(admin).get(`/api/settings/${key}`)).json();
  const res = await t.as(admin).put(`/api/settings/${key}`, { value, version: cur.version });
  expect(res.statusCode, res.body).toBe(200);
}

async function track(token: string, q: string) {
  return t.as(token).get(`/api/gps/positions?${q}`);
}
const range = (from: Date, to: Date) =>
  `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  inspector = await t.login('haishu.inspector');
  inspectorId = (await t.as(inspector).get('/api/me')).json().user.id;
  hsDispatcher = await t.login('haishu.dispatcher');
  jbDispatcher = await t.login('jiangbei.dispatcher');
  const orgs = (await t.as(admin).get('/api/orgs?pageSize=200')).json().items as {
    id: string;
    name: string;
  }[];
  for (const o of orgs) org[o.name] = o.id;
  const line = (msg: string) => logged.push(msg);
  backend = createJt808Backend(t.database, {
    log: { info: (_o, m) => line(m), warn: (_o, m) => line(m), error: (_o, m) => line(m) },
    live: t.app.gpsLive,
  });
});
afterAll(async () => {
  await backend?.close();
  await t?.close();
});

describe('a staff phone’s positions', () => {
  const t0 = ago(2 * HOUR);
  const batch = [
    {
      time: t0.toISOString(),
      lat: 29.8683,
      lng: 121.544,
      accuracy: 8,
      speed: 1.5,
      heading: 90,
      altitude: 12,
    },
    // Sent in GCJ-02 (a phone map SDK's), with a zone other than Z.
    {
      time: new Date(t0.getTime() + 10_000).toISOString().replace('Z', '+00:00'),
      lat: 29.866,
      lng: 121.549,
      crs: 'gcj02',
      accuracy: 15,
    },
    { time: new Date(t0.getTime() + 20_000).toISOString(), lat: 29.8691, lng: 121.5452 },
  ];

  it('stores the batch and reads it back in the exact shape, in time order, WGS84 and km/h', async () => {
    const res = await t.as(inspector).post('/api/gps/me/positions', { positions: batch });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ received: 3, stored: 3, duplicates: 0, refused: [] });
    const read = await track(hsDispatcher, `user=${inspectorId}&${range(ago(3 * HOUR), ago(0))}`);
    expect(read.statusCode, read.body).toBe(200);
    const body = read.json();
    expect(Object.keys(body)).toEqual(['items']);
    expect(body.items).toHaveLength(3);
    for (const item of body.items) expect(Object.keys(item).sort()).toEqual(SHAPE);
    expect(body.items.map((i: { time: string }) => i.time)).toEqual([
      t0.toISOString(),
      new Date(t0.getTime() + 10_000).toISOString(),
      new Date(t0.getTime() + 20_000).toISOString(),
    ]);
    expect(body.items[0]).toEqual({
      time: t0.toISOString(),
      lat: 29.8683,
      lng: 121.544,
      speed: 5.4,
      direction: 90,
      altitude: 12,
      alarm: null,
      status: null,
      extras: { accuracy: 8 },
    });
    // GCJ-02 in, WGS84 out: some hundreds of metres apart in Ningbo.
    const [lng, lat] = convertLngLat(121.549, 29.866, 'gcj02', 'wgs84');
    expect(body.items[1].lng).toBeCloseTo(lng, 9);
    expect(body.items[1].lat).toBeCloseTo(lat, 9);
    expect(Math.abs(body.items[1].lng - 121.549)).toBeGreaterThan(0.003);
    expect(body.items[2]).toMatchObject({ speed: null, direction: null, altitude: null, extras: {} });
    // The live map's memory holds the newest.
    expect(t.app.gpsLive.get('user', inspectorId)?.time.toISOString()).toBe(body.items[2].time);
  });

  it('stores a resent batch once', async () => {
    const res = await t.as(inspector).post('/api/gps/me/positions', { positions: batch });
    expect(res.json()).toEqual({ received: 3, stored: 0, duplicates: 3, refused: [] });
    const read = await track(hsDispatcher, `user=${inspectorId}&${range(ago(3 * HOUR), ago(0))}`);
    expect(read.json().items).toHaveLength(3);
  });

  it('refuses a position from the future or past the retention on its own, keeping the rest', async () => {
    const res = await t.as(inspector).post(
      '/api/gps/me/positions',
      {
        positions: [
          { time: new Date(Date.now() + HOUR).toISOString(), lat: 29.87, lng: 121.55 },
          { time: ago(30 * 60_000).toISOString(), lat: 29.87, lng: 121.55 },
          { time: ago(400 * DAY).toISOString(), lat: 29.87, lng: 121.55 },
        ],
      },
      { 'accept-language': 'en' },
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      received: 3,
      stored: 1,
      duplicates: 0,
      refused: [
        { index: 0, reason: 'future' },
        { index: 2, reason: 'too_old' },
      ],
    });
    expect(res.json().refused[0].message).toMatch(/ahead/);
  });

  it('refuses malformed batches whole with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ positions: [] }, 'body.positions'],
      [{ positions: [{ time: 'yesterday', lat: 29.8, lng: 121.5 }] }, 'body.positions.0.time'],
      [{ positions: [{ time: ago(0).toISOString(), lat: 91, lng: 121.5 }] }, 'body.positions.0.lat'],
      [
        { positions: [{ time: ago(0).toISOString(), lat: 29.8, lng: 121.5, crs: 'bd09' }] },
        'body.positions.0.crs',
      ],
      [
        {
          positions: Array.from({ length: 501 }, () => ({
            time: ago(0).toISOString(),
            lat: 29.8,
            lng: 121.5,
          })),
        },
        'body.positions',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await t.as(inspector).post('/api/gps/me/positions', body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
  });

  it('is for people only: an API key is refused', async () => {
    const key = await t.as(admin).post('/api/api-keys', {
      name: 'gps-key',
      orgId: org.海曙区智慧城管中心,
      permissions: ['gps:read'],
    });
    expect(key.statusCode, key.body).toBe(201);
    const res = await t
      .as(key.json().secret)
      .post('/api/gps/me/positions', { positions: [{ time: ago(0).toISOString(), lat: 29.8, lng: 121.5 }] });
    expect(res.statusCode).toBe(403);
  });

  it('another district’s staff cannot read the person’s track (404); a person without gps:read gets 403', async () => {
    const res = await track(jbDispatcher, `user=${inspectorId}&${range(ago(3 * HOUR), ago(0))}`);
    expect(res.statusCode).toBe(404);
    const other = await track(inspector, `user=${inspectorId}&${range(ago(3 * HOUR), ago(0))}`);
    expect(other.statusCode).toBe(403);
  });
});

describe('the track’s bounds', () => {
  it('answers 400 for a missing or doubled subject, a reversed or too long range, too many positions', async () => {
    const id = (await t.as(admin).get('/api/gps/terminals?pageSize=1')).json().items[0].id;
    const r = range(ago(DAY), ago(0));
    const bad: [string, string][] = [
      [r, 'querystring.terminal'],
      [`terminal=${id}&user=${inspectorId}&${r}`, 'querystring.user'],
      [`terminal=${id}&${range(ago(0), ago(DAY))}`, 'querystring.to'],
      [`terminal=${id}&${range(ago(8 * DAY), ago(0))}`, 'querystring.to'],
      [`terminal=12345&${r}`, 'querystring.terminal'],
      [`terminal=${id}&from=${encodeURIComponent(ago(DAY).toISOString())}`, 'querystring.to'],
    ];
    for (const [q, field] of bad) {
      const res = await track(admin, q);
      expect(res.statusCode, `${q}: ${res.body}`).toBe(400);
      expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    // 20,001 fixes of one terminal in one hour: more than a track answers.
    const busy = (await t.as(admin).post('/api/gps/terminals', { terminalId: phone(), kind: 'other' })).json()
      .terminal;
    const start = ago(2 * HOUR);
    await maintainPositions(t.app.db, new Date());
    await t.database.query(sql`
      INSERT INTO gps_position (terminal_id, time, received_at, lat, lng, serial, source)
      SELECT ${busy.id}::uuid, ${start.toISOString()}::timestamptz + make_interval(secs => g * 0.1::float8), now(),
        29.87, 121.55, 0, 'jt808'
      FROM generate_series(0, 20000) g`);
    const tooMany = await track(admin, `terminal=${busy.id}&${range(ago(3 * HOUR), ago(0))}`);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.message).toMatch(/20000|20,000/);
    const fewer = await track(
      admin,
      `terminal=${busy.id}&${range(start, new Date(start.getTime() + 60_000))}`,
    );
    expect(fewer.statusCode).toBe(200);
    expect(fewer.json().items).toHaveLength(600);
  });
});

describe('the gateway’s backend', () => {
  const reg = (terminalPhone: string) => ({
    terminalPhone,
    version: 2013 as const,
    province: 33,
    city: 203,
    maker: 'CITYO',
    model: 'GT-808',
    deviceId: 'D000001',
    plateColour: 2,
    plate: '浙B7G001',
  });

  it('registers an unknown terminal only with auto-registration on (result 4, then 0)', async () => {
    await setSetting('gps.autoRegister', false);
    const p = phone();
    expect(await backend.register(reg(p))).toEqual({ result: 4 });
    expect((await t.as(admin).get(`/api/gps/terminals?q=${p}`)).json().total).toBe(0);
    await setSetting('gps.autoRegister', true);
    const res = await backend.register(reg(p));
    expect(res.result).toBe(0);
    // Announced 33 + 0203: under 海曙's centre, kind other, with its plate.
    const list = (await t.as(hsDispatcher).get(`/api/gps/terminals?q=${p}`)).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      terminalId: p,
      kind: 'other',
      plate: '浙B7G001',
      plateColour: 2,
      orgName: '海曙区智慧城管中心',
      districtCode: '330203',
      protocolVersion: 2013,
    });
    // The code it was given opens the session; another does not.
    expect(await backend.authenticate(p, (res as { authCode: string }).authCode)).toBe(true);
    expect(await backend.authenticate(p, 'wrong-code')).toBe(false);
    // A division the city has no centre for: the city centre.
    const q = phone();
    expect((await backend.register({ ...reg(q), province: 11, city: 101 })).result).toBe(0);
    const far = (await t.as(admin).get(`/api/gps/terminals?q=${q}`)).json().items[0];
    expect(far).toMatchObject({ orgName: '宁波市智慧城管中心', districtCode: null });
  });

  it('gives a registered terminal a fresh code; authentication checks it and the IMEI; a disabled terminal is refused', async () => {
    const p = phone();
    const created = (
      await t.as(admin).post('/api/gps/terminals', { terminalId: p, kind: 'sanitation_truck' })
    ).json();
    const res = await backend.register({ ...reg(p), version: 2019, terminalPhone: `00000000${p}` });
    expect(res.result).toBe(0);
    const code = (res as { authCode: string }).authCode;
    expect(code).not.toBe(created.authCode);
    expect(await backend.authenticate(p, created.authCode)).toBe(false);
    expect(await backend.authenticate(`00000000${p}`, code, '861234567890123')).toBe(true);
    expect(await backend.authenticate(p, code, '861234567890123')).toBe(true);
    expect(await backend.authenticate(p, code, '869999999999999')).toBe(false);
    const page = (await t.as(admin).get(`/api/gps/terminals/${created.terminal.id}`)).json();
    expect(page.terminal).toMatchObject({
      imei: '861234567890123',
      protocolVersion: 2019,
      kind: 'sanitation_truck',
    });
    expect(page.authCode).toBe(code);
    const events = await t.database.query<{ n: number; leaked: number }>(
      sql`SELECT count(*)::int AS n, count(*) FILTER (WHERE after::text LIKE ${`%${code}%`})::int AS leaked
          FROM event WHERE action = 'gps.terminal.register' AND entity_id = ${created.terminal.id}`,
    );
    expect(events[0]).toEqual({ n: 1, leaked: 0 });
    expect((await t.as(admin).delete(`/api/gps/terminals/${created.terminal.id}`)).statusCode).toBe(200);
    expect(await backend.register(reg(p))).toEqual({ result: 4 });
    expect(await backend.authenticate(p, code)).toBe(false);
  });

  it('stores positions idempotently, reads them back through the API, keeps the last position', async () => {
    const p = phone();
    const created = (
      await t.as(admin).post('/api/gps/terminals', {
        terminalId: p,
        kind: 'enforcement_car',
        orgId: org.海曙区智慧城管中心,
      })
    ).json().terminal;
    expect(await backend.settings(p)).toEqual({ utcOffsetMinutes: 480, crs: 'wgs84' });
    const t0 = ago(HOUR);
    const items = [0, 1, 2].map((i) => ({
      time: new Date(t0.getTime() + i * 10_000),
      lat: 29.87 + i * 0.001,
      lng: 121.55 + i * 0.001,
      speedKmh: 36.5 + i,
      direction: 45 + i,
      altitude: 8,
      alarm: i === 2 ? 2 ** 31 + 1 : 0,
      status: 0b11,
      extras: { mileageKm: 1234.5 + i, satellites: 9, vendor: { e3: new Uint8Array([1, 2, 255]) } },
    }));
    const meta = { messageId: 0x0704, serial: 7, blindArea: false };
    await Promise.all([
      backend.positions(p, items.slice(0, 2), meta),
      backend.positions(p, items.slice(2), meta),
    ]);
    const stored = backend.stats.stored;
    await backend.positions(p, items, meta);
    expect(backend.stats.stored).toBe(stored);
    const read = await track(hsDispatcher, `terminal=${p}&${range(ago(2 * HOUR), ago(0))}`);
    expect(read.statusCode, read.body).toBe(200);
    const body = read.json();
    expect(body.items).toHaveLength(3);
    expect(body.items[2]).toEqual({
      time: items[2].time.toISOString(),
      lat: items[2].lat,
      lng: items[2].lng,
      speed: 38.5,
      direction: 47,
      altitude: 8,
      alarm: 2 ** 31 + 1,
      status: 3,
      extras: { mileageKm: 1236.5, satellites: 9, vendor: { e3: '0102ff' } },
    });
    // By id too; the other district does not see it.
    expect(
      (await track(hsDispatcher, `terminal=${created.id}&${range(ago(2 * HOUR), ago(0))}`)).json(),
    ).toEqual(body);
    expect(
      (await track(jbDispatcher, `terminal=${created.id}&${range(ago(2 * HOUR), ago(0))}`)).statusCode,
    ).toBe(404);
    expect((await track(jbDispatcher, `terminal=${p}&${range(ago(2 * HOUR), ago(0))}`)).statusCode).toBe(404);
    // The terminal's last position and the live map's.
    const page = (await t.as(admin).get(`/api/gps/terminals/${created.id}`)).json().terminal;
    expect(page).toMatchObject({
      lastLat: items[2].lat,
      lastLng: items[2].lng,
      lastPositionAt: items[2].time.toISOString(),
    });
    expect(page.lastSeenAt).not.toBeNull();
    const live = backend.live.lastPositions().find((x) => x.terminalId === created.id);
    expect(live).toMatchObject({ lat: items[2].lat, lng: items[2].lng, alarm: 2 ** 31 + 1 });
    // A blind-area back-fill of an older fix, sent in GCJ-02: stored converted and marked, the last position unchanged.
    const old = { ...items[0], time: new Date(t0.getTime() - 60_000), lat: 29.86, lng: 121.54 };
    await backend.positions(p, [old], { messageId: 0x0704, serial: 8, blindArea: true, crs: 'gcj02' });
    const again = (await track(admin, `terminal=${p}&${range(ago(2 * HOUR), ago(0))}`)).json().items;
    expect(again).toHaveLength(4);
    const [lng, lat] = convertLngLat(121.54, 29.86, 'gcj02', 'wgs84');
    expect(again[0]).toMatchObject({ lat, lng, extras: { blindArea: true } });
    expect((await t.as(admin).get(`/api/gps/terminals/${created.id}`)).json().terminal.lastLat).toBe(
      items[2].lat,
    );
  });

  it('drops what it may not store and counts it: the future, past the retention, unknown terminals, bad values', async () => {
    const p = phone();
    await t.as(admin).post('/api/gps/terminals', { terminalId: p, kind: 'other' });
    const base = {
      lat: 29.87,
      lng: 121.55,
      speedKmh: 0,
      direction: 0,
      altitude: 0,
      alarm: 0,
      status: 0,
      extras: {},
    };
    const before = structuredClone(backend.stats.dropped);
    await backend.positions(
      p,
      [
        { ...base, time: new Date(Date.now() + 2 * HOUR) },
        { ...base, time: ago(400 * DAY) },
        { ...base, time: ago(HOUR), lat: Number.NaN },
        { ...base, time: ago(HOUR), alarm: 2 ** 32 },
        // Beyond what a WORD carries: it would fail the whole batch's INSERT (integer column).
        { ...base, time: ago(HOUR), direction: 1e12 },
        { ...base, time: ago(HOUR) },
      ],
      { messageId: 0x0704, serial: 1, blindArea: true },
    );
    await backend.positions(phone(), [{ ...base, time: ago(HOUR) }], {
      messageId: 0x0200,
      serial: 1,
      blindArea: false,
    });
    expect(backend.stats.dropped.future - before.future).toBe(1);
    expect(backend.stats.dropped.too_old - before.too_old).toBe(1);
    expect(backend.stats.dropped.bad_value - before.bad_value).toBe(3);
    expect(backend.stats.dropped.unknown_terminal - before.unknown_terminal).toBe(1);
    expect((await track(admin, `terminal=${p}&${range(ago(2 * HOUR), ago(0))}`)).json().items).toHaveLength(
      1,
    );
    backend.log({ level: 'warn', msg: 'frame dropped: bad checksum', remote: '127.0.0.1' });
    expect(logged).toContain('frame dropped: bad checksum');
  });
});

describe('partitions and retention', () => {
  const partitions = async () =>
    (
      await t.database.query<{ name: string }>(
        sql`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'gps_position'::regclass ORDER BY 1`,
      )
    ).map((r) => r.name);
  const nameOf = (d: Date) => `gps_position_p${d.toISOString().slice(0, 10).replaceAll('-', '')}`;

  it('stores a fix on a day without a partition (made on demand); the retention drops whole old days', async () => {
    const p = phone();
    await t.as(admin).post('/api/gps/terminals', { terminalId: p, kind: 'other' });
    const old = ago(100 * DAY);
    expect(await partitions()).not.toContain(nameOf(old));
    await backend.positions(
      p,
      [
        {
          time: old,
          lat: 29.87,
          lng: 121.55,
          speedKmh: 1,
          direction: 0,
          altitude: 0,
          alarm: 0,
          status: 0,
          extras: {},
        },
      ],
      { messageId: 0x0704, serial: 3, blindArea: true },
    );
    expect(await partitions()).toContain(nameOf(old));
    const q = `terminal=${p}&${range(new Date(old.getTime() - HOUR), new Date(old.getTime() + HOUR))}`;
    expect((await track(admin, q)).json().items).toHaveLength(1);
    // The days ahead are made by the maintenance round.
    const { made } = await maintainPositions(t.app.db, new Date());
    const have = await partitions();
    for (const d of [0, 1, 2]) expect(have).toContain(nameOf(new Date(Date.now() + d * DAY)));
    expect(made.every((m) => have.includes(m))).toBe(true);
    // A retention of 30 days: the 100-day-old day goes, whole; today's stays.
    await setSetting('gps.retentionDays', 30);
    const { dropped } = await maintainPositions(t.app.db, new Date());
    expect(dropped).toContain(nameOf(old));
    expect(await partitions()).not.toContain(nameOf(old));
    expect(await partitions()).toContain(nameOf(new Date()));
    expect((await track(admin, q)).json().items).toHaveLength(0);
    // And a fix that old is now refused.
    const res = await t.as(inspector).post('/api/gps/me/positions', {
      positions: [{ time: ago(40 * DAY).toISOString(), lat: 29.8, lng: 121.5 }],
    });
    expect(res.json().refused).toMatchObject([{ index: 0, reason: 'too_old' }]);
    await setSetting('gps.retentionDays', 180);
  });
});
