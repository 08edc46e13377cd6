/**
 * A vehicle terminal's whole JT/T 808 session against the platform's running gateway (TCP on
 * loopback, the gateway of main.ts over the real database): registration (0x0100 → 0x8100 with an
 * auth code) of a terminal in the registry, authentication, a position, a blind-area batch, a
 * heartbeat — each answered 0x8001 result 0 once stored — and the positions read back through
 * `GET /api/gps/positions` in its documented shape. A terminal not in the registry gets result 4
 * (终端数据库中无该终端) unless the setting `gps.autoRegister` is on, then it is registered.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GpsGateway, startGpsGateway } from '../../server/modules/gps/index.ts';
import { MSG } from '../../server/modules/gps/jt808/messages.ts';
import {
  authBody,
  batchBody,
  bcdTimeOf,
  locationBody,
  registerBody,
} from '../../server/modules/gps/jt808/simulator.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { TestTerminal } from '../support/jt808-testkit.ts';

let t: TestApp;
let admin: string;
let gateway: GpsGateway;
const terminals: TestTerminal[] = [];
const org: Record<string, string> = {};

/** A 2013 terminal phone: 12 digits with the leading 0 an 11-digit SIM number gets. */
const phone = () => `013${String(randomInt(10 ** 8, 10 ** 9))}`;
/** A whole second some minutes ago (fixes carry whole seconds). */
const ago = (ms: number) => new Date(Math.floor((Date.now() - ms) / 1000) * 1000);
const REG = { province: 33, city: 203, maker: 'HQ', model: 'HQ-808', terminalId: 'T1', plateColour: 2 };

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?pageSize=200')).json().items as {
    id: string;
    name: string;
  }[];
  for (const o of orgs) org[o.name] = o.id;
  const quiet = () => {};
  gateway = await startGpsGateway(t.database, {
    port: 0,
    host: '127.0.0.1',
    log: { info: quiet, warn: quiet, error: quiet },
    live: t.app.gpsLive,
  });
});

afterAll(async () => {
  for (const x of terminals) x.close();
  await gateway?.close();
  await t?.close();
});

async function connect(p: string): Promise<TestTerminal> {
  const x = await TestTerminal.connect(gateway.port, p);
  terminals.push(x);
  return x;
}

/** Sends 0x0100; returns the 0x8100's result and auth code. */
async function register(x: TestTerminal, plate: string): Promise<{ result: number; code: string }> {
  const serial = x.send(MSG.register, registerBody({ ...REG, plate }));
  const a = await x.next((m) => m.packet.header.messageId === MSG.registerResponse);
  const body = Buffer.from(a.packet.body);
  expect(body.readUInt16BE(0)).toBe(serial);
  return { result: body[2], code: body.subarray(3).toString('latin1') };
}

async function setSetting(key: string, value: unknown) {
  const cur = (await t.as(admin).get(`/api/settings/${key}`)).json();
  const res = await t.as(admin).put(`/api/settings/${key}`, { value, version: cur.version });
  expect(res.statusCode, res.body).toBe(200);
}

describe('a terminal’s JT/T 808 session with the running gateway', () => {
  it('register → auth → a position → a blind-area batch → heartbeat; the positions read back through the API', async () => {
    const p = phone();
    const created = await t.as(admin).post('/api/gps/terminals', {
      terminalId: p,
      plate: '浙B12345',
      plateColour: 2,
      kind: 'enforcement_car',
      orgId: org.海曙区智慧城管中心,
    });
    expect(created.statusCode, created.body).toBe(201);
    const terminalId = created.json().terminal.id as string;

    const x = await connect(p);
    const reg = await register(x, '浙B12345');
    expect(reg.result).toBe(0);
    expect(reg.code.length).toBeGreaterThan(0);
    expect(await x.request(MSG.authenticate, authBody(reg.code))).toMatchObject({
      replyId: MSG.authenticate,
      result: 0,
    });

    const t1 = ago(30 * 60_000);
    const t2 = ago(20 * 60_000);
    const t3 = ago(10 * 60_000);
    // A report at t3, then the two fixes recorded out of coverage (0x0704 type 1), sent late.
    const now = await x.request(
      MSG.location,
      locationBody({
        lat: 29.8712,
        lng: 121.5503,
        speed: 36.5,
        direction: 90,
        altitude: 12,
        time: bcdTimeOf(t3),
      }),
    );
    expect(now).toMatchObject({ replyId: MSG.location, result: 0 });
    const batch = await x.request(
      MSG.batch,
      batchBody(1, [
        locationBody({
          lat: 29.8683,
          lng: 121.544,
          speed: 20,
          direction: 45,
          altitude: 10,
          time: bcdTimeOf(t1),
        }),
        locationBody({
          lat: 29.8695,
          lng: 121.547,
          speed: 0,
          direction: 45,
          altitude: 11,
          time: bcdTimeOf(t2),
        }),
      ]),
    );
    expect(batch).toMatchObject({ replyId: MSG.batch, result: 0 });
    expect(await x.request(MSG.heartbeat, Buffer.alloc(0))).toMatchObject({
      replyId: MSG.heartbeat,
      result: 0,
    });

    const from = encodeURIComponent(ago(60 * 60_000).toISOString());
    const to = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    const res = await t.as(admin).get(`/api/gps/positions?terminal=${terminalId}&from=${from}&to=${to}`);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as Record<string, unknown>[];
    // In time order, the back-filled fixes first; time in ISO 8601 UTC, WGS84 degrees, km/h.
    expect(items.map((i) => [i.time, i.lat, i.lng, i.speed, i.direction, i.altitude])).toEqual([
      [t1.toISOString(), 29.8683, 121.544, 20, 45, 10],
      [t2.toISOString(), 29.8695, 121.547, 0, 45, 11],
      [t3.toISOString(), 29.8712, 121.5503, 36.5, 90, 12],
    ]);
    expect(Object.keys(items[0]).sort()).toEqual(
      ['alarm', 'altitude', 'direction', 'extras', 'lat', 'lng', 'speed', 'status', 'time'].sort(),
    );
    // The same terminal by its phone; the terminal's last position is the newest fix.
    const byPhone = await t.as(admin).get(`/api/gps/positions?terminal=${p}&from=${from}&to=${to}`);
    expect(byPhone.json().items).toHaveLength(3);
    const seen = (await t.as(admin).get(`/api/gps/terminals/${terminalId}`)).json();
    expect(JSON.stringify(seen)).toContain(t3.toISOString());
  });

  it('keeps no fix at 0, 0 (status bit or not) and no speed no vehicle makes', async () => {
    const p = phone();
    const created = await t.as(admin).post('/api/gps/terminals', {
      terminalId: p,
      plate: '浙B6B002',
      plateColour: 2,
      kind: 'sanitation_truck',
      orgId: org.海曙区智慧城管中心,
    });
    const id = created.json().terminal.id as string;
    const x = await connect(p);
    const reg = await register(x, '浙B6B002');
    expect(await x.request(MSG.authenticate, authBody(reg.code))).toMatchObject({ result: 0 });
    const t1 = ago(5 * 60_000);
    const t2 = ago(4 * 60_000);
    // Bit 1 set (positioned) and 0, 0: answered, not stored.
    expect(
      await x.request(MSG.location, locationBody({ lat: 0, lng: 0, status: 2, time: bcdTimeOf(t1) })),
    ).toMatchObject({
      result: 0,
    });
    // 0xFFFF tenths of km/h: the fix kept, its speed not.
    expect(
      await x.request(
        MSG.location,
        locationBody({ lat: 29.87, lng: 121.55, speed: 6553.5, status: 2, time: bcdTimeOf(t2) }),
      ),
    ).toMatchObject({ result: 0 });
    const from = encodeURIComponent(ago(3600_000).toISOString());
    const to = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    const items = (await t.as(admin).get(`/api/gps/positions?terminal=${id}&from=${from}&to=${to}`)).json()
      .items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      time: t2.toISOString(),
      lat: 29.87,
      speed: null,
      extras: { speedReported: 6553.5 },
    });
  });

  it('a terminal stays bound to the device that registered it: another device gets 3 until an admin releases it', async () => {
    const p = phone();
    const created = await t.as(admin).post('/api/gps/terminals', {
      terminalId: p,
      plate: '浙B6B001',
      plateColour: 2,
      kind: 'muck_truck',
      orgId: org.海曙区智慧城管中心,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().terminal.id as string;
    const real = await connect(p);
    const first = await register(real, '浙B6B001');
    expect(first.result).toBe(0);
    // The same device registering again (it lost its code) gets a new one.
    const again = await register(real, '浙B6B001');
    expect(again.result).toBe(0);
    // Someone else's device announcing the vehicle's phone/ID: 3 (终端已被注册), the code unchanged.
    const thief = await connect(p);
    thief.send(MSG.register, registerBody({ ...REG, terminalId: 'EVIL1', plate: '浙B6B001' }));
    const a = await thief.next((m) => m.packet.header.messageId === MSG.registerResponse);
    expect(Buffer.from(a.packet.body)[2]).toBe(3);
    expect(await real.request(MSG.authenticate, authBody(again.code))).toMatchObject({ result: 0 });
    // Released by an admin (the IMEI cleared), the new device is taken.
    const cur = (await t.as(admin).get(`/api/gps/terminals/${id}`)).json().terminal;
    const released = await t
      .as(admin)
      .patch(`/api/gps/terminals/${id}`, { imei: null, version: cur.version });
    expect(released.statusCode, released.body).toBe(200);
    thief.send(MSG.register, registerBody({ ...REG, terminalId: 'NEW01', plate: '浙B6B001' }));
    const b = await thief.next((m) => m.packet.header.messageId === MSG.registerResponse && m !== a);
    expect(Buffer.from(b.packet.body)[2]).toBe(0);
  });

  it('a terminal not in the registry gets result 4, and is registered once auto-registration is on', async () => {
    // The demo city turns auto-registration on; a real city starts with it off.
    await setSetting('gps.autoRegister', false);
    const p = phone();
    const x = await connect(p);
    expect((await register(x, '浙B54321')).result).toBe(4);
    // Positions before authentication are refused, not stored.
    expect(
      await x.request(MSG.location, locationBody({ lat: 29.87, lng: 121.55, time: bcdTimeOf(ago(60_000)) })),
    ).toMatchObject({ result: 1 });

    await setSetting('gps.autoRegister', true);
    try {
      const again = await register(x, '浙B54321');
      expect(again.result).toBe(0);
      expect(await x.request(MSG.authenticate, authBody(again.code))).toMatchObject({ result: 0 });
      const list = (await t.as(admin).get(`/api/gps/terminals?q=${p.slice(1)}`)).json().items as {
        terminalId: string;
        plate: string | null;
      }[];
      expect(list.map((l) => [l.terminalId, l.plate])).toEqual([[p, '浙B54321']]);
    } finally {
      await setSetting('gps.autoRegister', true);
    }
  });
});
