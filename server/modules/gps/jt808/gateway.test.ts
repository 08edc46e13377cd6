/**
 * The gateway over real TCP on loopback, with an in-memory backend (testkit.ts): the session
 * flow, the authentication gate, answers for every outcome, stream cutting, subpackets, limits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBackend, TestTerminal } from '../../../../test/support/jt808-testkit.ts';
import { convertLngLat } from '../../geo/index.ts';
import { type Jt808Gateway, type Jt808GatewayOptions, startJt808Gateway } from './gateway.ts';
import { MSG, RESULT } from './messages.ts';
import {
  authBody,
  batchBody,
  bcdTimeOf,
  locationBody,
  registerBody,
  subpackets,
  terminalFrame,
} from './simulator.ts';

const PHONE = '13912344329';
const CODE = 'AUTH-7f3a';
const REG = {
  province: 44,
  city: 300,
  maker: 'HQ',
  model: 'HQ-808',
  terminalId: 'T1',
  plateColour: 2,
  plate: '粤B12345',
};

let gateway: Jt808Gateway | null = null;
const terminals: TestTerminal[] = [];

afterEach(async () => {
  for (const t of terminals.splice(0)) t.close();
  await gateway?.close();
  gateway = null;
});

async function start(options: Partial<Jt808GatewayOptions> = {}) {
  const backend = new MemoryBackend();
  backend.terminals.set(PHONE, { authCode: CODE });
  gateway = await startJt808Gateway({ port: 0, host: '127.0.0.1', backend, ...options });
  return { backend, gw: gateway };
}

async function terminal(phone = PHONE, v2019 = false): Promise<TestTerminal> {
  const t = await TestTerminal.connect((gateway as Jt808Gateway).port, phone, v2019);
  terminals.push(t);
  return t;
}

async function authenticated(phone = PHONE, v2019 = false): Promise<TestTerminal> {
  const t = await terminal(phone, v2019);
  const a = await t.request(MSG.authenticate, authBody(CODE, v2019, '860000000000001', 'V1'));
  expect(a.result).toBe(RESULT.ok);
  return t;
}

const at = (iso: string) => bcdTimeOf(new Date(iso));

describe('JT/T 808 gateway session', () => {
  it('register → 0x8100 with auth code → auth → heartbeat → 0x0200 → 0x0704, each answered once stored', async () => {
    const { backend, gw } = await start();
    const t = await terminal();

    const regSerial = t.send(MSG.register, registerBody(REG));
    const reg = await t.next((a) => a.packet.header.messageId === MSG.registerResponse);
    const body = Buffer.from(reg.packet.body);
    expect(body.readUInt16BE(0)).toBe(regSerial);
    expect(body[2]).toBe(0);
    expect(body.subarray(3).toString('latin1')).toBe(CODE);
    // The answer is addressed like the terminal's own header.
    expect(reg.packet.header).toMatchObject({ v2019: false, phoneDigits: '013912344329' });
    expect(backend.registrations).toMatchObject([{ ...REG, terminalPhone: PHONE, layout: '2013' }]);

    expect(await t.request(MSG.authenticate, authBody(CODE))).toMatchObject({
      replyId: MSG.authenticate,
      result: 0,
    });
    expect(await t.request(MSG.heartbeat, Buffer.alloc(0))).toMatchObject({
      replyId: MSG.heartbeat,
      result: 0,
    });
    // Some vendors append data to the heartbeat.
    expect(await t.request(MSG.heartbeat, Buffer.from([1, 2, 3]))).toMatchObject({ result: 0 });

    const loc = {
      lat: 22.543096,
      lng: 114.057865,
      speed: 36.5,
      direction: 90,
      altitude: 12,
      time: at('2026-12-07T01:00:00Z'),
    };
    const locSerial = t.send(
      MSG.location,
      locationBody({ ...loc, items: [{ id: 0x01, value: Buffer.from([0, 0, 0x30, 0x39]) }] }),
    );
    expect(await t.response(locSerial)).toMatchObject({ replyId: MSG.location, result: 0 });
    expect(backend.stored).toEqual([
      {
        terminalPhone: PHONE,
        meta: { messageId: MSG.location, serial: locSerial, blindArea: false },
        items: [
          {
            time: new Date('2026-12-07T01:00:00Z'),
            deviceTime: '261207090000',
            lat: 22.543096,
            lng: 114.057865,
            altitude: 12,
            speed: 36.5,
            direction: 90,
            alarm: 0,
            status: 2,
            positioned: true,
            blindArea: false,
            extras: { mileageKm: 1234.5 },
          },
        ],
      },
    ]);

    // A blind-area back-fill sent newest first: handed over in time order, flagged.
    const times = ['2026-12-07T00:59:30Z', '2026-12-07T00:58:00Z', '2026-12-07T00:59:00Z'];
    const batch = batchBody(
      1,
      times.map((iso, i) => locationBody({ lat: 22.5 + i / 1000, lng: 114.05, time: at(iso) })),
    );
    const batchSerial = t.send(MSG.batch, batch);
    expect(await t.response(batchSerial)).toMatchObject({ replyId: MSG.batch, result: 0 });
    const last = backend.stored.at(-1);
    expect(last?.meta).toEqual({ messageId: MSG.batch, serial: batchSerial, blindArea: true });
    expect(last?.items.map((p) => p.time.toISOString())).toEqual([
      '2026-12-07T00:58:00.000Z',
      '2026-12-07T00:59:00.000Z',
      '2026-12-07T00:59:30.000Z',
    ]);
    expect(last?.items.every((p) => p.blindArea)).toBe(true);

    // SOS: stored, then answered with the alarm-handling confirmation.
    expect(await t.request(MSG.location, locationBody({ ...loc, alarm: 1 }))).toMatchObject({
      result: RESULT.alarmConfirmed,
    });
    expect(backend.positionsOf(PHONE).at(-1)?.alarm).toBe(1);
    // Overspeed is held by the terminal until it ends: a plain acknowledgement.
    expect(await t.request(MSG.location, locationBody({ ...loc, alarm: 2 }))).toMatchObject({
      result: RESULT.ok,
    });

    // The platform's own serial counts up per connection.
    expect(t.platformSerials).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(t.invalidFrames).toBe(0);
    const c = gw.counters();
    expect(c).toMatchObject({
      connections: 1,
      connectionsTotal: 1,
      positions: 6,
      dropped: 0,
      backendErrors: 0,
      internalErrors: 0,
    });
    expect(c.answersOut).toBe(8);
  });

  it('answers result 4 from the backend to a terminal not in the registry, and refuses its authentication', async () => {
    const { backend } = await start();
    const t = await terminal('13800000001');
    t.send(MSG.register, registerBody(REG));
    const reg = await t.next((a) => a.packet.header.messageId === MSG.registerResponse);
    expect([...reg.packet.body.subarray(2)]).toEqual([4]);
    expect(await t.request(MSG.authenticate, authBody('guess'))).toMatchObject({ result: RESULT.fail });
    expect(
      await t.request(MSG.location, locationBody({ lat: 1, lng: 1, time: at('2026-12-07T00:00:00Z') })),
    ).toMatchObject({
      result: RESULT.fail,
    });
    expect(backend.stored).toEqual([]);
  });

  it('refuses positions and other messages before authentication, without calling the backend', async () => {
    const { backend } = await start();
    const t = await terminal();
    const loc = locationBody({ lat: 1, lng: 1, time: at('2026-12-07T00:00:00Z') });
    expect(await t.request(MSG.location, loc)).toMatchObject({ replyId: MSG.location, result: RESULT.fail });
    expect(await t.request(MSG.batch, batchBody(0, [loc]))).toMatchObject({ result: RESULT.fail });
    expect(await t.request(0x0900, Buffer.from([1]))).toMatchObject({ result: RESULT.fail });
    // Heartbeats are fine before authentication.
    expect(await t.request(MSG.heartbeat, Buffer.alloc(0))).toMatchObject({ result: RESULT.ok });
    expect(backend.stored).toEqual([]);

    // Authenticated as one terminal, a packet claiming another phone on the same connection is refused.
    expect(await t.request(MSG.authenticate, authBody(CODE))).toMatchObject({ result: RESULT.ok });
    const other = terminalFrame({ messageId: MSG.location, phone: '13800000002', serial: 900, body: loc });
    t.write(other);
    expect(await t.response(900)).toMatchObject({ result: RESULT.fail });
    expect(await t.request(MSG.location, loc)).toMatchObject({ result: RESULT.ok });
    expect(backend.positionsOf('13800000002')).toEqual([]);
    // After logout (0x0003) positions are refused again.
    expect(await t.request(MSG.logout, Buffer.alloc(0))).toMatchObject({ result: RESULT.ok });
    expect(await t.request(MSG.location, loc)).toMatchObject({ result: RESULT.fail });
  });

  it('reads frames cut into many small writes and several frames in one write', async () => {
    const { backend } = await start();
    const t = await authenticated();
    const frames = [0, 1, 2, 3].map((i) =>
      t.frame(MSG.location, locationBody({ lat: 30 + i, lng: 120, time: at(`2026-12-07T00:00:0${i}Z`) })),
    );
    // One write of four frames.
    t.write(Buffer.concat(frames.map((f) => f.bytes)));
    for (const f of frames) expect(await t.response(f.serial)).toMatchObject({ result: 0 });
    // Four frames dribbled three bytes at a time, yielding to the event loop between writes.
    const more = [4, 5, 6, 7].map((i) =>
      t.frame(MSG.location, locationBody({ lat: 30 + i, lng: 120, time: at(`2026-12-07T00:00:0${i}Z`) })),
    );
    const stream = Buffer.concat(more.map((f) => f.bytes));
    for (let i = 0; i < stream.length; i += 3) {
      t.write(stream.subarray(i, i + 3));
      await new Promise((r) => setImmediate(r));
    }
    for (const f of more) expect(await t.response(f.serial)).toMatchObject({ result: 0 });
    expect(backend.positionsOf(PHONE).map((p) => p.lat)).toEqual([30, 31, 32, 33, 34, 35, 36, 37]);
  });

  it('stores a burst one message at a time, in order, behind a slow backend (small frame queue)', async () => {
    const { backend } = await start({ maxQueuedFrames: 4 });
    backend.positionsDelayMs = 3;
    const t = await authenticated();
    const frames = Array.from({ length: 60 }, (_, i) =>
      t.frame(
        MSG.location,
        locationBody({ lat: i / 100, lng: 1, time: bcdTimeOf(new Date(Date.UTC(2026, 11, 7, 0, 0, i))) }),
      ),
    );
    t.write(Buffer.concat(frames.map((f) => f.bytes)));
    for (const f of frames) expect(await t.response(f.serial)).toMatchObject({ result: 0 });
    expect(backend.positionsOf(PHONE).map((p) => p.deviceTime)).toEqual(
      frames.map((_, i) => `2612070800${String(i).padStart(2, '0')}`),
    );
  });

  it('answers a backend failure with result 1 and keeps serving the connection', async () => {
    const { backend, gw } = await start();
    const t = await authenticated();
    const loc = locationBody({ lat: 1, lng: 1, time: at('2026-12-07T00:00:00Z') });
    backend.failPositions = 1;
    expect(await t.request(MSG.location, loc)).toMatchObject({ result: RESULT.fail });
    expect(await t.request(MSG.location, loc)).toMatchObject({ result: RESULT.ok });
    expect(backend.stored).toHaveLength(1);
    expect(gw.counters().backendErrors).toBe(1);
    expect(backend.logs.some((l) => l.level === 'warn' && l.msg.includes('database unavailable'))).toBe(true);

    // A backend that does not answer in time: result 1, and the next message is served.
    await gw.close();
    const slow = await start({ backendTimeoutMs: 100 });
    const t2 = await TestTerminal.connect(slow.gw.port, PHONE);
    terminals.push(t2);
    expect(await t2.request(MSG.authenticate, authBody(CODE))).toMatchObject({ result: 0 });
    slow.backend.positionsDelayMs = 400;
    const started = Date.now();
    expect(await t2.request(MSG.location, loc)).toMatchObject({ result: RESULT.fail });
    expect(Date.now() - started).toBeLessThan(350);
    slow.backend.positionsDelayMs = 0;
    expect(await t2.request(MSG.heartbeat, Buffer.alloc(0))).toMatchObject({ result: 0 });
    expect(slow.gw.counters().backendErrors).toBe(1);
  });

  it('answers malformed frames 2 when the header is readable, unknown ids 3, and drops the unreadable', async () => {
    const { backend, gw } = await start();
    const t = await authenticated();
    const loc = locationBody({ lat: 1, lng: 1, time: at('2026-12-07T00:00:00Z') });
    expect(await t.request(MSG.location, loc, { checksumError: 0x20 })).toMatchObject({
      result: RESULT.messageError,
    });
    expect(await t.request(MSG.location, loc, { declaredLength: loc.length + 1 })).toMatchObject({
      result: RESULT.messageError,
    });
    expect(await t.request(MSG.location, loc.subarray(0, 20))).toMatchObject({ result: RESULT.messageError });
    expect(await t.request(MSG.location, loc, { encryption: 1 })).toMatchObject({
      result: RESULT.unsupported,
    });
    expect(await t.request(0x0900, Buffer.from([1, 2]))).toMatchObject({
      replyId: 0x0900,
      result: RESULT.unsupported,
    });
    // Oversized: answered from the header kept of it.
    const big = t.frame(MSG.location, loc).bytes;
    const oversized = Buffer.concat([big.subarray(0, -1), Buffer.alloc(2100, 0x41), Buffer.from([0x7e])]);
    const bigSerial = t.serial - 1;
    t.write(oversized);
    expect(await t.response(bigSerial)).toMatchObject({ result: RESULT.messageError });
    // Unreadable: dropped silently, and the connection goes on.
    t.write(Buffer.from([0x7e, 0x01, 0x02, 0x7e]));
    expect(await t.request(MSG.heartbeat, Buffer.alloc(0))).toMatchObject({ result: 0 });
    expect(t.pending()).toEqual([]);
    expect(gw.counters().dropped).toBe(6);
    expect(backend.stored).toEqual([]);
  });

  it('reassembles a subpackaged batch: each packet acknowledged, the last one answered once stored', async () => {
    const { backend } = await start();
    const t = await authenticated();
    const bodies = Array.from({ length: 30 }, (_, i) =>
      locationBody({ lat: 31, lng: 121 + i / 1000, time: bcdTimeOf(new Date(Date.UTC(2026, 11, 7, 0, i))) }),
    );
    const parts = subpackets(
      { messageId: MSG.batch, phone: PHONE, serial: 500, body: batchBody(0, bodies) },
      300,
    );
    expect(parts.length).toBe(4);
    // Out of order, with a repeat.
    for (const i of [1, 0, 2, 0]) t.write(parts[i]);
    for (const s of [501, 500, 502, 500]) expect(await t.response(s)).toMatchObject({ result: 0 });
    expect(backend.stored).toEqual([]);
    t.write(parts[3]);
    expect(await t.response(503)).toMatchObject({ replyId: MSG.batch, result: 0 });
    expect(backend.stored).toHaveLength(1);
    expect(backend.stored[0].meta).toEqual({ messageId: MSG.batch, serial: 500, blindArea: false });
    expect(backend.stored[0].items).toHaveLength(30);
  });

  it('asks for missing subpackets with 0x8003, then drops the message', async () => {
    const { backend, gw } = await start({ reassembly: { timeoutMs: 150 }, sweepIntervalMs: 25 });
    const t = await authenticated();
    const body = batchBody(
      0,
      [0, 1, 2, 3, 4, 5].map((i) => locationBody({ lat: i, lng: 1, time: at('2026-12-07T00:00:00Z') })),
    );
    const parts = subpackets({ messageId: MSG.batch, phone: PHONE, serial: 70, body }, 60);
    t.write(parts[0]);
    t.write(parts[2]);
    await t.response(70);
    await t.response(72);
    const ask = await t.next((a) => a.packet.header.messageId === MSG.resendRequest);
    const b = Buffer.from(ask.packet.body);
    expect(b.readUInt16BE(0)).toBe(70);
    const missing = Array.from({ length: b[2] }, (_, i) => b.readUInt16BE(3 + 2 * i));
    expect(missing).toEqual(
      Array.from({ length: parts.length }, (_, i) => i + 1).filter((i) => i !== 1 && i !== 3),
    );
    await expect.poll(() => gw.counters().dropped).toBe(1);
    expect(backend.stored).toEqual([]);
  });

  it('a 2019 terminal is answered with 2019 headers; GCJ-02 and UTC offset from its settings apply', async () => {
    const { backend } = await start();
    const phone2019 = '13912344330';
    backend.terminals.set(phone2019, {
      authCode: 'c2019',
      imei: '860000000000009',
      settings: { utcOffsetMinutes: 0, crs: 'gcj02' },
    });
    const t = await terminal(phone2019, true);
    expect(await t.request(MSG.authenticate, authBody('c2019', true, '860000000000008', 'V2'))).toMatchObject(
      { result: 1 },
    );
    const ok = await t.request(MSG.authenticate, authBody('c2019', true, '860000000000009', 'V2'));
    expect(ok).toMatchObject({ result: 0 });
    expect(ok.packet.header).toMatchObject({
      v2019: true,
      protocolVersion: 1,
      phoneDigits: '00000000013912344330',
    });
    const time = bcdTimeOf(new Date('2026-12-07T08:00:00Z'), 0);
    expect(await t.request(MSG.location, locationBody({ lat: 31.2304, lng: 121.4737, time }))).toMatchObject({
      result: 0,
    });
    const [p] = backend.positionsOf(phone2019);
    expect(p.time).toEqual(new Date('2026-12-07T08:00:00Z'));
    expect([p.lng, p.lat]).toEqual(convertLngLat(121.4737, 31.2304, 'gcj02', 'wgs84'));
    expect(Math.abs(p.lat - 31.2304)).toBeGreaterThan(0.001);
    expect(Math.abs(p.lng - 121.4737)).toBeGreaterThan(0.003);
  });

  it('closes a connection after repeated wrong auth codes', async () => {
    await start({ maxAuthFailures: 3 });
    const t = await terminal();
    for (let i = 0; i < 3; i++)
      expect(await t.request(MSG.authenticate, authBody(`wrong${i}`))).toMatchObject({ result: 1 });
    await t.closed;
  });

  it('closes idle connections, caps connections, and close() ends everything', async () => {
    const { gw } = await start({ idleTimeoutMs: 200, maxConnections: 2 });
    const a = await terminal();
    const b = await terminal();
    const c = await terminal();
    await c.closed;
    expect(gw.counters().connectionsRejected).toBe(1);
    // `a` keeps talking, `b` says nothing: only `b` is closed for idleness.
    for (let i = 0; i < 4; i++) {
      expect(await a.request(MSG.heartbeat, Buffer.alloc(0))).toMatchObject({ result: 0 });
      await new Promise((r) => setTimeout(r, 80));
    }
    await b.closed;
    expect(a.isClosed).toBe(false);
    expect(gw.counters()).toMatchObject({ idleClosed: 1, connections: 1 });
    await gw.close();
    await a.closed;
    expect(gw.server.listening).toBe(false);
    gateway = null;
  });
});
