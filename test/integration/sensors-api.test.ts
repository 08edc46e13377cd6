/**
 * The sensor registry's API: registering a device where the caller may (its grid and district
 * looked up, on a component or at a point), one district's staff neither reading nor changing
 * another's devices, a unit seeing the devices it looks after, the CSV import all-or-nothing, the
 * kinds' rules changed by the city only (and validated), the downsampled readings for the chart.
 * The demo seed's generated sensors (海曙, 江北, 鄞州) are there from the start.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { pointIn } from '../support/cases.ts';

let t: TestApp;
let admin: string;
let hs: string;
let jb: string;
let hsUnit: string;
let cover: { id: string; lng: number; lat: number };
const code = (tag: string) => `API-${tag}-${randomUUID().slice(0, 6)}`;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  hs = await t.login('haishu.dispatcher');
  jb = await t.login('jiangbei.dispatcher');
  hsUnit = await t.login('unit.haishu-sanitation');
  const covers = (
    await t.as(admin).get('/api/components?typeCode=01003&districtCode=330203&pageSize=1')
  ).json();
  cover = covers.items[0];
});
afterAll(async () => t?.close());

const codesOf = (body: { items: { code: string }[] }) => body.items.map((d) => d.code).sort();

describe('the registry in scope', () => {
  it('lists the demo’s generated sensors per district, with their status and last reading', async () => {
    const all = (await t.as(admin).get('/api/sensors/devices?pageSize=200')).json();
    expect(all.total).toBe(15);
    expect(new Set(all.items.map((d: { districtCode: string }) => d.districtCode))).toEqual(
      new Set(['330203', '330205', '330212']),
    );
    expect(all.items.every((d: { generated: boolean }) => d.generated)).toBe(true);
    const mine = (await t.as(hs).get('/api/sensors/devices?pageSize=200')).json();
    expect(mine.total).toBe(5);
    expect(mine.items.every((d: { districtCode: string }) => d.districtCode === '330203')).toBe(true);
    const d = mine.items.find((x: { kindCode: string }) => x.kindCode === 'bin_fill');
    expect(d.status).toMatchObject({ state: 'online', readings: 144 });
    expect(d.status.lastValues.map((v: { field: string }) => v.field).sort()).toEqual(['battery', 'fill']);
    // The map: the same devices as points.
    const map = (await t.as(jb).get('/api/sensors/map')).json();
    expect(map.items).toHaveLength(5);
    expect(map.truncated).toBe(false);
  });

  it('registers a device on a component (its place, grid and district from it) as the district’s admin would', async () => {
    const c = code('HS');
    const res = await t.as(admin).post('/api/sensors/devices', {
      code: c,
      kindCode: 'manhole_tilt',
      name: '测试井盖',
      componentId: cover.id,
    });
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    expect(d).toMatchObject({
      code: c,
      lng: cover.lng,
      lat: cover.lat,
      districtCode: '330203',
      componentId: cover.id,
      orgName: '海曙区智慧城管中心',
      effectiveSilenceS: 7200,
      status: { state: 'never', readings: 0 },
      version: 1,
    });
    expect(d.gridId).toMatch(/^330203\d{9}$/);
    const events = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM event WHERE action = 'sensor.device.create' AND entity_id = ${d.id}`,
    );
    expect(events[0].n).toBe(1);
    // The same code again: refused, nothing written.
    const dup = await t.as(admin).post('/api/sensors/devices', {
      code: c,
      kindCode: 'bin_fill',
      name: 'x',
      componentId: cover.id,
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('DUPLICATE');
  });

  it('one district’s staff cannot read or change another district’s device; a unit sees only its own', async () => {
    const jbPoint = await pointIn(t, '330205', 3);
    const created = await t.as(admin).post('/api/sensors/devices', {
      code: code('JB'),
      kindCode: 'underpass_water',
      name: '江北下穿',
      location: { lng: jbPoint.lng, lat: jbPoint.lat, crs: 'wgs84' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect(created.json().districtCode).toBe('330205');
    // 海曙: it does not exist — not its page, readings or a change — and it is in no list.
    for (const res of [
      await t.as(hs).get(`/api/sensors/devices/${id}`),
      await t.as(hs).get(`/api/sensors/devices/${id}/readings`),
      await t.as(hs).patch(`/api/sensors/devices/${id}`, { version: 1, name: '改名' }),
    ]) {
      expect([403, 404]).toContain(res.statusCode);
    }
    expect((await t.as(hs).get(`/api/sensors/devices/${id}`)).statusCode).toBe(404);
    expect(codesOf((await t.as(hs).get('/api/sensors/devices?pageSize=200')).json())).not.toContain(
      created.json().code,
    );
    // 江北's staff read it.
    expect((await t.as(jb).get(`/api/sensors/devices/${id}`)).statusCode).toBe(200);
    // Unchanged.
    expect((await t.as(admin).get(`/api/sensors/devices/${id}`)).json().device).toMatchObject({
      name: '江北下穿',
      version: 1,
    });

    // A unit: the devices it looks after, none other.
    const units = (await t.as(admin).get('/api/orgs?pageSize=200')).json().items as {
      id: string;
      name: string;
    }[];
    const san = units.find((o) => o.name === '海曙区环境卫生管理处')!;
    const bin = await t.as(admin).post('/api/sensors/devices', {
      code: code('SAN'),
      kindCode: 'bin_fill',
      name: '环卫垃圾箱',
      componentId: cover.id,
      orgId: san.id,
    });
    expect(bin.statusCode, bin.body).toBe(201);
    const unitList = (await t.as(hsUnit).get('/api/sensors/devices?pageSize=200')).json();
    expect(codesOf(unitList)).toEqual([bin.json().code]);
    expect((await t.as(hsUnit).get(`/api/sensors/devices/${id}`)).statusCode).toBe(404);
    // …and changes none (a unit does not manage the registry).
    expect(
      (await t.as(hsUnit).patch(`/api/sensors/devices/${bin.json().id}`, { version: 1, name: 'x' }))
        .statusCode,
    ).toBe(403);
  });

  it('a district admin registers in its district only; a place outside it is refused, naming the district', async () => {
    // A 海曙 admin (the demo has none: the city admin makes one).
    const orgs = (await t.as(admin).get('/api/orgs?pageSize=200')).json().items as {
      id: string;
      name: string;
    }[];
    const centre = orgs.find((o) => o.name === '海曙区智慧城管中心')!;
    const made = await t.as(admin).post('/api/users', {
      username: 'sensors.hs.admin',
      displayName: '海曙管理员',
      orgId: centre.id,
      roles: ['admin'],
      password: 'Sensors-admin-2026',
    });
    expect(made.statusCode, made.body).toBe(201);
    const hsAdmin = await t.login('sensors.hs.admin', 'Sensors-admin-2026');
    const jbPoint = await pointIn(t, '330205', 5);
    const before = await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM sensor_device`);
    const out = await t.as(hsAdmin).post('/api/sensors/devices', {
      code: code('OUT'),
      kindCode: 'bin_fill',
      name: '越界',
      location: { lng: jbPoint.lng, lat: jbPoint.lat, crs: 'wgs84' },
    });
    expect(out.statusCode).toBe(422);
    expect(out.json().error).toMatchObject({ code: 'OUTSIDE_SCOPE' });
    expect(out.json().error.message).toContain('江北区');
    const after = await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM sensor_device`);
    expect(after[0].n).toBe(before[0].n);
    const hsPoint = await pointIn(t, '330203', 5);
    const ok = await t.as(hsAdmin).post('/api/sensors/devices', {
      code: code('IN'),
      kindCode: 'bin_fill',
      name: '本区',
      location: { lng: hsPoint.lng, lat: hsPoint.lat, crs: 'wgs84' },
      silenceS: 600,
    });
    expect(ok.statusCode, ok.body).toBe(201);
    // Moving it into 江北 is refused too; a stale version is a conflict.
    const moved = await t.as(hsAdmin).patch(`/api/sensors/devices/${ok.json().id}`, {
      version: 1,
      location: { lng: jbPoint.lng, lat: jbPoint.lat, crs: 'wgs84' },
    });
    expect(moved.statusCode).toBe(422);
    const renamed = await t
      .as(hsAdmin)
      .patch(`/api/sensors/devices/${ok.json().id}`, { version: 1, name: '本区垃圾箱', enabled: false });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: '本区垃圾箱', enabled: false, version: 2 });
    const stale = await t
      .as(hsAdmin)
      .patch(`/api/sensors/devices/${ok.json().id}`, { version: 1, name: 'x' });
    expect(stale.statusCode).toBe(409);
    // Outside the managed area: refused.
    const far = await t.as(admin).post('/api/sensors/devices', {
      code: code('FAR'),
      kindCode: 'bin_fill',
      name: '外地',
      location: { lng: 116.4, lat: 39.9, crs: 'wgs84' },
    });
    expect(far.statusCode).toBe(422);
    expect(far.json().error.code).toBe('OUTSIDE_MANAGED_AREA');
  });
});

describe('the CSV import', () => {
  it('writes every row or none, naming each bad row', async () => {
    const p = await pointIn(t, '330212', 2);
    const a = code('CSV');
    const b = code('CSV');
    const bad = [
      'code,kind,name,lng,lat,component_id,silence_s',
      `${a},bin_fill,垃圾箱 A,${p.lng},${p.lat},,`,
      `${b},no_such_kind,垃圾箱 B,${p.lng},${p.lat},,`,
      `bad code!,bin_fill,C,${p.lng},${p.lat},,`,
      `${code('CSV')},bin_fill,D,,,,`,
      `${code('CSV')},bin_fill,E,116.4,39.9,,`,
      `${code('CSV')},bin_fill,F,${p.lng},${p.lat},,5`,
      `${a},bin_fill,again,${p.lng},${p.lat},,`,
    ].join('\n');
    const before = await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM sensor_device`);
    const res = await t.as(admin).post('/api/sensors/devices/import', { csv: bad });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual([
      'csv.line3.kind',
      'csv.line4.code',
      'csv.line5.lng',
      'csv.line6.lng',
      'csv.line7.silence_s',
      'csv.line8.code',
    ]);
    const after = await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM sensor_device`);
    expect(after[0].n).toBe(before[0].n);

    const good = [
      'code,kind,name,lng,lat,address',
      `${a},bin_fill,垃圾箱 A,${p.lng},${p.lat},"鄞州区, 某路"`,
      `${b},bin_fill,垃圾箱 B,${p.lng},${p.lat},`,
    ].join('\r\n');
    const ok = await t.as(admin).post('/api/sensors/devices/import', { csv: good });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toEqual({ created: 2, codes: [a, b] });
    const row = (await t.as(admin).get(`/api/sensors/devices?q=${a}`)).json().items[0];
    expect(row).toMatchObject({
      address: '鄞州区, 某路',
      districtCode: '330212',
      orgName: '鄞州区智慧城管中心',
    });
    // A district's staff import nothing (no sensor:manage).
    expect((await t.as(hs).post('/api/sensors/devices/import', { csv: good })).statusCode).toBe(403);
  });
});

describe('kinds and their rules', () => {
  it('everyone who reads sensors reads them; only the city’s admins change them, validated', async () => {
    const kinds = (await t.as(hsUnit).get('/api/sensors/kinds')).json().items;
    expect(kinds.map((k: { code: string }) => k.code).sort()).toEqual([
      'bin_fill',
      'manhole_tilt',
      'underpass_water',
    ]);
    const bin = kinds.find((k: { code: string }) => k.code === 'bin_fill');
    const body = {
      version: bin.version,
      rules: bin.rules,
      silenceS: bin.silenceS,
      offlineMatterCode: bin.offlineMatterCode,
    };
    expect((await t.as(hs).put('/api/sensors/kinds/bin_fill', body)).statusCode).toBe(403);
    const wrong = [
      [{ ...bin.rules[0], clearLevel: 95 }, 'body.rules[0].clearLevel'],
      [{ ...bin.rules[0], field: 'nope' }, 'body.rules[0].field'],
      [{ ...bin.rules[0], matterCode: '99999' }, 'body.rules[0].matterCode'],
      [{ ...bin.rules[0], condition: 'offline' }, 'body.rules[0].condition'],
    ] as const;
    for (const [rule, field] of wrong) {
      const res = await t.as(admin).put('/api/sensors/kinds/bin_fill', { ...body, rules: [rule] });
      expect([400, 422]).toContain(res.statusCode);
      expect(res.json().error.details[0].field).toBe(field);
    }
    const changed = await t.as(admin).put('/api/sensors/kinds/bin_fill', {
      ...body,
      rules: [{ ...bin.rules[0], threshold: 85, clearLevel: 50, durationS: 600 }],
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({
      version: bin.version + 1,
      rules: [{ threshold: 85, clearLevel: 50, durationS: 600 }],
    });
    expect((await t.as(admin).put('/api/sensors/kinds/bin_fill', body)).statusCode).toBe(409);
  });
});

describe('readings for the chart', () => {
  it('answers buckets of mean, minimum and maximum per field, sized to the range', async () => {
    const mine = (await t.as(hs).get('/api/sensors/devices?kindCode=bin_fill&q=DEMO&pageSize=1')).json()
      .items[0];
    const day = (await t.as(hs).get(`/api/sensors/devices/${mine.id}/readings?maxPoints=48`)).json();
    expect(day.bucketSeconds).toBe(1800);
    expect(day.fields.map((f: { key: string }) => f.key)).toEqual(['fill', 'battery']);
    const n = day.points.reduce((a: number, p: { n: number }) => a + p.n, 0);
    expect(n).toBeGreaterThanOrEqual(140);
    for (const p of day.points) {
      const [fill] = p.values;
      expect(fill.min).toBeLessThanOrEqual(fill.avg);
      expect(fill.avg).toBeLessThanOrEqual(fill.max);
    }
    const bad = await t
      .as(hs)
      .get(`/api/sensors/devices/${mine.id}/readings?from=2026-01-10T00:00:00Z&to=2026-01-01T00:00:00Z`);
    expect(bad.statusCode).toBe(400);
    // The status counts the caller's devices; this node has no listener (no MQTT_URL in tests).
    const status = (await t.as(hs).get('/api/sensors/status')).json();
    const listed = (await t.as(hs).get('/api/sensors/devices?pageSize=1')).json().total;
    expect(status.devices.total).toBe(listed);
    expect(status.devices.online + status.devices.offline + status.devices.never).toBe(listed);
    expect(status.listener).toMatchObject({ enabled: false, url: null, lastError: null });
  });
});
