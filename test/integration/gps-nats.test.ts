/**
 * More than one node (issue 12 item 7), against the NATS server with JetStream on the machine:
 * two gateways (two nodes' worth) publish what their terminals report to the position stream and
 * answer the terminals once JetStream has it; two writers share the stream's durable consumer and
 * store every position exactly once. At-least-once delivery made harmless: a message a writer took
 * and never acknowledged (it died) is delivered again, and positions already stored before the
 * crash are not stored twice; a message that is not positions is dropped, not retried for ever.
 * Each run uses a stream of its own (a random prefix) and deletes it afterwards.
 */
import { randomInt } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensurePositionStream,
  type GpsGateway,
  type PositionStreamNames,
  type PositionWriter,
  positionPublisher,
  positionStreamNames,
  startGpsGateway,
  startPositionWriter,
} from '../../server/modules/gps/index.ts';
import { MSG } from '../../server/modules/gps/jt808/messages.ts';
import { authBody, bcdTimeOf, locationBody, registerBody } from '../../server/modules/gps/jt808/simulator.ts';
import { insertPositions } from '../../server/modules/gps/store.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { TestTerminal } from '../support/jt808-testkit.ts';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const quiet = { info() {}, warn() {}, error() {} };

let t: TestApp;
let admin: string;
let nc: NatsConnection;
let names: PositionStreamNames;
const gateways: GpsGateway[] = [];
let writers: PositionWriter[] = [];
const terminals: TestTerminal[] = [];
let orgId: string;

const phone = () => `013${String(randomInt(10 ** 8, 10 ** 9))}`;
const ago = (ms: number) => new Date(Math.floor((Date.now() - ms) / 1000) * 1000);

async function startWriters(n: number) {
  for (let i = 0; i < n; i++) {
    writers.push(await startPositionWriter(t.database.db, nc, names, { log: quiet }));
  }
}
async function stopWriters() {
  await Promise.all(writers.map((w) => w.close()));
  const stats = writers.map((w) => w.stats);
  writers = [];
  return stats;
}

async function streamMessages(): Promise<number> {
  const jsm = await nc.jetstreamManager();
  return (await jsm.streams.info(names.stream)).state.messages;
}

/** Waits (polling the stream, no fixed sleep) until the writers have taken everything. */
async function drained(timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  while ((await streamMessages()) > 0) {
    if (Date.now() > end) throw new Error(`stream not drained: ${await streamMessages()} messages left`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function storedOf(terminalId: string) {
  const from = encodeURIComponent(ago(3 * 3600_000).toISOString());
  const to = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
  const res = await t.as(admin).get(`/api/gps/positions?terminal=${terminalId}&from=${from}&to=${to}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as { time: string; lat: number; lng: number; speed: number }[];
}

async function newTerminal(plate: string) {
  const p = phone();
  const res = await t.as(admin).post('/api/gps/terminals', {
    terminalId: p,
    plate,
    plateColour: 2,
    kind: 'sanitation_truck',
    orgId,
  });
  expect(res.statusCode, res.body).toBe(201);
  return { phone: p, id: res.json().terminal.id as string };
}

/** A terminal's session on a gateway: registered and authenticated. */
async function session(gateway: GpsGateway, p: string, plate: string) {
  const x = await TestTerminal.connect(gateway.port, p);
  terminals.push(x);
  x.send(
    MSG.register,
    registerBody({
      province: 33,
      city: 203,
      maker: 'HQ',
      model: 'M',
      terminalId: 'T',
      plateColour: 2,
      plate,
    }),
  );
  const a = await x.next((m) => m.packet.header.messageId === MSG.registerResponse);
  const body = Buffer.from(a.packet.body);
  expect(body[2]).toBe(0);
  expect(await x.request(MSG.authenticate, authBody(body.subarray(3).toString('latin1')))).toMatchObject({
    result: 0,
  });
  return x;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?pageSize=200')).json().items as {
    id: string;
    name: string;
  }[];
  orgId = orgs.find((o) => o.name === '海曙区智慧城管中心')!.id;
  nc = await connect({ servers: NATS_URL, name: 'cityops-gps-nats-test' });
  names = positionStreamNames(`T${randomInt(10 ** 9)}`);
  await ensurePositionStream(nc, names);
  // Calling it again (another node starting) changes nothing.
  await ensurePositionStream(nc, names);
  const publish = positionPublisher(nc, names);
  for (let i = 0; i < 2; i++) {
    gateways.push(await startGpsGateway(t.database, { port: 0, host: '127.0.0.1', log: quiet, publish }));
  }
  await startWriters(2);
});

afterAll(async () => {
  for (const x of terminals) x.close();
  for (const g of gateways) await g.close();
  await stopWriters();
  if (nc && names) {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(names.stream).catch(() => {});
  }
  await nc?.drain();
  await t?.close();
});

describe('positions through NATS JetStream between gateways and writers', () => {
  it('two gateways publish, two writers share the consumer: every answered position stored once', async () => {
    const a = await newTerminal('浙B1N001');
    const b = await newTerminal('浙B1N002');
    const xa = await session(gateways[0], a.phone, '浙B1N001');
    const xb = await session(gateways[1], b.phone, '浙B1N002');
    const times = Array.from({ length: 20 }, (_, i) => ago((40 - i) * 60_000));
    for (const [i, time] of times.entries()) {
      // Answered 0x8001 result 0 only once the stream holds it.
      expect(
        await xa.request(
          MSG.location,
          locationBody({ lat: 29.87 + i / 1000, lng: 121.55, speed: 30, time: bcdTimeOf(time) }),
        ),
      ).toMatchObject({ result: 0 });
      expect(
        await xb.request(
          MSG.location,
          locationBody({ lat: 29.86, lng: 121.54 + i / 1000, speed: 12, time: bcdTimeOf(time) }),
        ),
      ).toMatchObject({ result: 0 });
    }
    expect(gateways[0].stats().published).toBe(20);
    expect(gateways[1].stats().published).toBe(20);
    expect(gateways[0].stats().stored).toBe(0);
    await drained();
    const sa = await storedOf(a.id);
    const sb = await storedOf(b.id);
    expect(sa.map((p) => p.time)).toEqual(times.map((d) => d.toISOString()));
    expect(sb.map((p) => p.time)).toEqual(times.map((d) => d.toISOString()));
    expect(sa.at(-1)).toMatchObject({ lat: 29.889, lng: 121.55, speed: 30 });
    // The registry's last fix was moved by the writers.
    const reg = (await t.as(admin).get(`/api/gps/terminals/${a.id}`)).json();
    expect(JSON.stringify(reg)).toContain(times.at(-1)!.toISOString());
    // Both writers took part (the consumer is shared, not copied).
    const stats = writers.map((w) => w.stats);
    expect(stats.reduce((n, s) => n + s.stored, 0)).toBe(40);
  });

  it('a message a dead writer took is delivered again; what it had stored is not stored twice', async () => {
    const c = await newTerminal('浙B1N003');
    await stopWriters();
    const rows = [0, 1, 2].map((i) => ({
      terminalId: c.id,
      userId: null,
      time: ago((10 - i) * 60_000),
      receivedAt: new Date(),
      lat: 29.87,
      lng: 121.55 + i / 100,
      speed: 10,
      direction: 0,
      altitude: 0,
      alarm: 0,
      status: 2,
      accuracy: null,
      serial: 7 + i,
      source: 'jt808' as const,
      extras: {},
    }));
    await positionPublisher(nc, names)(rows);
    // A writer takes the message, stores two of its three positions and dies before acknowledging.
    const js = nc.jetstream();
    const consumer = await js.consumers.get(names.stream, names.durable);
    const taken = await consumer.fetch({ max_messages: 1, expires: 2000 });
    let got = 0;
    for await (const m of taken) {
      got++;
      expect(await insertPositions(t.database.db, rows.slice(0, 2))).toBe(2);
      m.nak(); // what the server does itself when the ack wait runs out
    }
    expect(got).toBe(1);
    await startWriters(1);
    await drained();
    const stored = await storedOf(c.id);
    expect(stored.map((p) => p.time)).toEqual(rows.map((r) => r.time.toISOString()));
    expect(writers[0].stats).toMatchObject({ stored: 1, duplicates: 2, messages: 1 });
  });

  it('a message that is not positions is dropped and does not hold up the ones after it', async () => {
    const d = await newTerminal('浙B1N004');
    const js = nc.jetstream();
    await js.publish(names.subject, new TextEncoder().encode('{"v":1,"rows":[{"terminalId":"x"}]}'));
    await js.publish(names.subject, new TextEncoder().encode('not json'));
    await positionPublisher(
      nc,
      names,
    )([
      {
        terminalId: d.id,
        userId: null,
        time: ago(60_000),
        receivedAt: new Date(),
        lat: 29.88,
        lng: 121.56,
        speed: 0,
        direction: 0,
        altitude: 0,
        alarm: 0,
        status: 2,
        accuracy: null,
        serial: 1,
        source: 'jt808',
        extras: {},
      },
    ]);
    await drained();
    expect(await storedOf(d.id)).toHaveLength(1);
    expect(writers.reduce((n, w) => n + w.stats.terminated, 0)).toBe(2);
  });
});
