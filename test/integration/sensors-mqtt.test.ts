/**
 * Sensors over MQTT, end to end through the real broker (issue 10, "What it must show" 3): telemetry
 * published to Mosquitto on 127.0.0.1:1883 is received by the app's listener (shared subscription,
 * QoS 1), stored, and judged by the kind's rules —
 *   - a sustained breach raises exactly one report (channel `sensor`), and further breaching
 *     readings, a clear (noted on the case) and a new breach while the case is open add no second;
 *   - a spike shorter than the rule's duration raises none;
 *   - a device silent longer than its limit is marked offline by the sweep, and back online when
 *     it is heard again;
 *   - bad payloads are counted and refused without stopping the listener.
 * Time: the readings carry their own timestamps (the rules judge durations on them) and the
 * receipt and offline checks use a clock the test sets; the messages themselves really go through
 * the broker. Each run uses its own topic prefix and group, so parallel runs do not meet.
 * The broker is required: without it the test fails, loudly.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { pointIn } from '../support/cases.ts';
import {
  connectPublisher,
  publish,
  settableClock,
  testMqttConfig,
  uniquePrefix,
  until,
} from '../support/sensors.ts';

let t: TestApp;
let pub: MqttClient;
let admin: string;
const prefix = uniquePrefix();
const clock = settableClock();
const codes = {
  sustained: `T-${randomUUID().slice(0, 6)}-SUS`,
  spike: `T-${randomUUID().slice(0, 6)}-SPK`,
  silent: `T-${randomUUID().slice(0, 6)}-OFF`,
  gauge: `T-${randomUUID().slice(0, 6)}-GAU`,
};
const ids: Record<string, string> = {};

const topic = (code: string) => `${prefix}/${code}/telemetry`;
/** A reading `s` seconds after `base` (the device's own timestamp). */
const reading = (base: number, s: number, values: Record<string, number>) =>
  JSON.stringify({ ts: new Date(base + s * 1000).toISOString(), values });

async function device(id: string) {
  const res = await t.as(admin).get(`/api/sensors/devices/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const storedReadings = async (id: string) => (await device(id)).device.status.readings as number;

/**
 * Publishes one reading and waits until it is stored: one device's readings then arrive in the
 * order a device sends them (a shared subscription spreads a burst over connections, and the rules
 * skip a reading older than the last one judged).
 */
async function send(key: keyof typeof codes, payload: string) {
  const before = await storedReadings(ids[key]);
  await publish(pub, topic(codes[key]), payload);
  await until(`reading ${payload} stored`, async () => (await storedReadings(ids[key])) === before + 1);
}

async function sensorReports(code: string) {
  return t.database.query<{ case_id: string; merged: boolean }>(
    sql`SELECT case_id, merged FROM report WHERE channel = 'sensor' AND description LIKE ${`%${code}%`}`,
  );
}

beforeAll(async () => {
  // First the broker: without it nothing here can be shown (fail, do not skip).
  pub = await connectPublisher();
  t = await createTestApp();
  admin = await t.login('admin');
  // A manhole cover of the demo inventory in 海曙 for the tilt sensors to watch.
  const covers = (
    await t.as(admin).get('/api/components?typeCode=01002&districtCode=330203&pageSize=3')
  ).json();
  expect(covers.items.length).toBeGreaterThanOrEqual(3);
  for (const [i, [key, code]] of Object.entries(codes).entries()) {
    if (key === 'gauge') continue;
    const res = await t.as(admin).post('/api/sensors/devices', {
      code,
      kindCode: 'manhole_tilt',
      name: `测试井盖传感器 ${key}`,
      componentId: covers.items[i].id,
      // The shortest silence limit the registry allows, for the offline device.
      ...(key === 'silent' ? { silenceS: 60 } : {}),
    });
    expect(res.statusCode, res.body).toBe(201);
    ids[key] = res.json().id;
  }
  // A water-level gauge at an underpass (a kind whose silence is reported as 防汛监测设施异常).
  const p = await pointIn(t, '330203', 7);
  const gauge = await t.as(admin).post('/api/sensors/devices', {
    code: codes.gauge,
    kindCode: 'underpass_water',
    name: '测试下穿通道水位计',
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    silenceS: 60,
  });
  expect(gauge.statusCode, gauge.body).toBe(201);
  ids.gauge = gauge.json().id;
  await t.app.sensors.start({
    mqtt: testMqttConfig(prefix),
    clock: clock.now,
    sweepIntervalMs: 100,
    alarmIntervalMs: 200,
  });
  expect(t.app.sensors.status().listener?.connected).toBe(2);
});

afterAll(async () => {
  await pub?.endAsync();
  await t?.close();
});

describe('telemetry through the broker', () => {
  it('a breach sustained for the duration raises exactly one report on the channel sensor', async () => {
    const base = clock.now().getTime() - 10 * 60_000;
    // manhole_tilt: tilt > 15° for 30 s raises; ≤ 5° clears. 20 s into the breach: nothing yet.
    for (const [s, tilt] of [
      [0, 2],
      [10, 21],
      [20, 24],
      [30, 26],
    ] as const) {
      await send('sustained', reading(base, s, { tilt, battery: 90 }));
    }
    expect(await storedReadings(ids.sustained)).toBe(4);
    let d = await device(ids.sustained);
    expect(d.conditions).toEqual([expect.objectContaining({ condition: 'tilt', state: 'pending' })]);
    expect(d.alarms).toEqual([]);
    expect(await sensorReports(codes.sustained)).toEqual([]);

    // 31 s into the breach: sustained.
    await send('sustained', reading(base, 41, { tilt: 25.5, battery: 90 }));
    d = await until('the alarm reported', async () => {
      const x = await device(ids.sustained);
      return x.alarms[0]?.report === 'reported' ? x : undefined;
    });
    expect(d.conditions[0]).toMatchObject({ condition: 'tilt', state: 'active' });
    expect(d.alarms).toHaveLength(1);
    expect(d.alarms[0]).toMatchObject({
      condition: 'tilt',
      field: 'tilt',
      startedAt: new Date(base + 10_000).toISOString(),
      raisedAt: new Date(base + 41_000).toISOString(),
      raisedValue: 25.5,
      clearedAt: null,
    });
    const reports = await sensorReports(codes.sustained);
    expect(reports).toHaveLength(1);
    const caseId = reports[0].case_id;
    expect(d.alarms[0].caseId).toBe(caseId);
    // The case: the cover's own matter type (污水井盖异常 01002), where the device stands.
    const c = (await t.as(admin).get(`/api/cases/${caseId}`)).json();
    expect(c.case).toMatchObject({ channel: 'sensor', matterCode: '01002', districtCode: '330203' });
    expect(c.reports[0].description).toContain(codes.sustained);

    // More of the same breach, then readings in the dead band (between the clear level and the
    // threshold): still the one alarm, the one report.
    for (const [s, tilt] of [
      [50, 30],
      [60, 12],
      [70, 16],
    ] as const) {
      await send('sustained', reading(base, s, { tilt, battery: 90 }));
    }
    expect(await storedReadings(ids.sustained)).toBe(8);
    await t.app.sensors.alarmsSettled();
    d = await device(ids.sustained);
    expect(d.alarms).toHaveLength(1);
    expect(d.alarms[0].peakValue).toBe(30);
    expect(d.conditions[0].state).toBe('active');

    // Seated again (≤ 5°): cleared, and the clear is noted on the case.
    await send('sustained', reading(base, 80, { tilt: 3, battery: 90 }));
    const cleared = await until('the alarm cleared', async () => {
      const x = await device(ids.sustained);
      return x.alarms[0]?.clearedAt ? x : undefined;
    });
    expect(cleared.alarms[0]).toMatchObject({
      clearValue: 3,
      clearedAt: new Date(base + 80_000).toISOString(),
    });
    expect(cleared.conditions[0].state).toBe('normal');
    const notes = (await t.as(admin).get(`/api/cases/${caseId}`))
      .json()
      .timeline.filter((e: { action: string }) => e.action === 'case.note');
    expect(notes).toHaveLength(1);
    expect(notes[0].after.note).toMatchObject({
      source: 'sensor',
      event: 'cleared',
      deviceCode: codes.sustained,
      condition: 'tilt',
      value: 3,
      threshold: 15,
      clearLevel: 5,
    });

    // A new sustained breach while the case is still open: noted on it, no second case.
    for (const s of [90, 100, 125]) await send('sustained', reading(base, s, { tilt: 40, battery: 90 }));
    const again = await until('the second alarm handled', async () => {
      const x = await device(ids.sustained);
      return x.alarms.length === 2 && x.alarms[0].report !== 'due' ? x : undefined;
    });
    expect(again.alarms[0]).toMatchObject({ report: 'noted', caseId });
    expect(await sensorReports(codes.sustained)).toHaveLength(1);
    const timeline = (await t.as(admin).get(`/api/cases/${caseId}`)).json().timeline;
    expect(
      timeline
        .filter((e: { action: string }) => e.action === 'case.note')
        .map((e: any) => e.after.note.event),
    ).toEqual(['cleared', 'breach_again']);
  });

  it('a spike shorter than the duration raises nothing', async () => {
    const base = clock.now().getTime() - 10 * 60_000;
    // A lorry over the cover: one reading at 40°, then seated; later 20 s above 15°, then seated.
    const series = [
      [0, 3],
      [5, 40],
      [10, 3],
      [20, 18],
      [30, 25],
      [40, 22],
      [45, 4],
      [60, 2],
    ] as const;
    for (const [s, tilt] of series) await send('spike', reading(base, s, { tilt, battery: 80 }));
    expect(await storedReadings(ids.spike)).toBe(series.length);
    await t.app.sensors.alarmsSettled();
    const d = await device(ids.spike);
    expect(d.conditions).toEqual([expect.objectContaining({ condition: 'tilt', state: 'normal' })]);
    expect(d.alarms).toEqual([]);
    expect(await sensorReports(codes.spike)).toEqual([]);
    // The readings are there for the chart all the same, the spike included.
    const chart = (
      await t
        .as(admin)
        .get(
          `/api/sensors/devices/${ids.spike}/readings?from=${new Date(base - 1000).toISOString()}&to=${new Date(base + 120_000).toISOString()}&maxPoints=200`,
        )
    ).json();
    expect(chart.bucketSeconds).toBe(1);
    const tilt = chart.fields.findIndex((f: { key: string }) => f.key === 'tilt');
    expect(chart.points.map((p: any) => p.values[tilt].max)).toEqual(series.map(([, v]) => v));
  });

  it('a device silent beyond its limit is marked offline, and online when heard again', async () => {
    await send('silent', JSON.stringify({ tilt: 1.5, battery: 70 }));
    expect((await device(ids.silent)).device.status.state).toBe('online');
    const seenAt = (await device(ids.silent)).device.status.lastSeenAt;
    // 59 s of silence (limit 60 s): still online after a sweep has run.
    clock.advance(59_000);
    await t.app.sensors.sweepOffline();
    expect((await device(ids.silent)).device.status.state).toBe('online');
    // Past the limit: the periodic sweep marks it offline.
    clock.advance(2_000);
    const off = await until('the device offline', async () => {
      const x = await device(ids.silent);
      return x.device.status.state === 'offline' ? x : undefined;
    });
    expect(off.device.status).toMatchObject({ lastSeenAt: seenAt, stateSince: clock.now().toISOString() });
    expect(off.alarms[0]).toMatchObject({ condition: 'offline', clearedAt: null, report: 'none' });
    const events = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM event WHERE action = 'sensor.device.offline' AND entity_id = ${ids.silent}`,
    );
    expect(events[0].n).toBe(1);
    // The other devices spoke within their (longer) limits: still online.
    expect((await device(ids.sustained)).device.status.state).toBe('online');

    // Heard again: online, the offline alarm ended.
    await publish(pub, topic(codes.silent), JSON.stringify({ tilt: 1.4, battery: 70 }));
    const back = await until('the device back online', async () => {
      const x = await device(ids.silent);
      return x.device.status.state === 'online' ? x : undefined;
    });
    expect(back.alarms[0].clearedAt).not.toBeNull();
  });

  it('with the setting to report, a silent gauge is reported once as a fault and noted when back', async () => {
    const setting = (await t.as(admin).get('/api/settings/sensors.offline')).json();
    const put = (value: string, version: number) =>
      t.as(admin).put('/api/settings/sensors.offline', { value, version, reason: '测试离线上报' });
    const changed = await put('report', setting.version);
    expect(changed.statusCode, changed.body).toBe(200);
    try {
      await send('gauge', JSON.stringify({ level: 3, battery: 88 }));
      clock.advance(61_000);
      const off = await until('the gauge offline and reported', async () => {
        const x = await device(ids.gauge);
        return x.device.status.state === 'offline' && x.alarms[0]?.report === 'reported' ? x : undefined;
      });
      expect(off.alarms).toHaveLength(1);
      expect(off.alarms[0]).toMatchObject({ condition: 'offline', clearedAt: null });
      const reports = await sensorReports(codes.gauge);
      expect(reports).toHaveLength(1);
      const c = (await t.as(admin).get(`/api/cases/${reports[0].case_id}`)).json();
      // The kind's offline matter type: 防汛监测设施异常.
      expect(c.case).toMatchObject({ channel: 'sensor', matterCode: '01067' });
      // Heard again: online, the offline alarm ended and noted on the case.
      await send('gauge', JSON.stringify({ level: 2, battery: 88 }));
      await until('the online note on the case', async () => {
        const tl = (await t.as(admin).get(`/api/cases/${reports[0].case_id}`)).json().timeline;
        return tl.some((e: any) => e.action === 'case.note' && e.after.note.event === 'online');
      });
      expect((await device(ids.gauge)).alarms[0].clearedAt).not.toBeNull();
      expect(await sensorReports(codes.gauge)).toHaveLength(1);
    } finally {
      const now = (await t.as(admin).get('/api/settings/sensors.offline')).json();
      expect((await put(setting.value, now.version)).statusCode).toBe(200);
    }
  });

  it('bad payloads are counted and refused; the listener carries on', async () => {
    // A copy: the counters move on.
    const before = { ...t.app.sensors.status().ingest!.rejected };
    const bad: [string, string | Buffer][] = [
      [topic(codes.spike), 'not json'],
      [topic(codes.spike), Buffer.from([0xff, 0xfe, 0x00])],
      [topic(codes.spike), JSON.stringify([1, 2, 3])],
      [topic(codes.spike), JSON.stringify({ tilt: 'high' })],
      [topic(codes.spike), JSON.stringify({ ts: '2024-02-30T00:00:00Z', tilt: 1 })],
      [
        topic(codes.spike),
        JSON.stringify({ ts: new Date(clock.now().getTime() + 3_600_000).toISOString(), tilt: 1 }),
      ],
      [topic(codes.spike), JSON.stringify({ ts: 1, tilt: 1 })],
      [topic(codes.spike), JSON.stringify({ __proto__x: 1 })],
      [
        topic(codes.spike),
        JSON.stringify(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, i]))),
      ],
      [topic(codes.spike), `{"tilt": 1e400}`],
      [topic(codes.spike), 'x'.repeat(10_000)],
      [topic('NO-SUCH-DEVICE'), JSON.stringify({ tilt: 1 })],
    ];
    for (const [to, payload] of bad) await publish(pub, to, payload);
    const readingsBefore = await storedReadings(ids.spike);
    await publish(pub, topic(codes.spike), JSON.stringify({ tilt: 2, battery: 80 }));
    await until(
      'the good reading stored',
      async () => (await storedReadings(ids.spike)) === readingsBefore + 1,
    );
    const after = t.app.sensors.status().ingest!.rejected;
    const delta = (r: keyof typeof after) => after[r] - before[r];
    expect({
      not_json: delta('not_json'),
      not_object: delta('not_object'),
      bad_value: delta('bad_value'),
      bad_ts: delta('bad_ts'),
      ts_future: delta('ts_future'),
      ts_too_old: delta('ts_too_old'),
      bad_field: delta('bad_field'),
      too_many_fields: delta('too_many_fields'),
      too_large: delta('too_large'),
      unknown_device: delta('unknown_device'),
    }).toEqual({
      not_json: 2, // not JSON; not UTF-8
      not_object: 1,
      bad_value: 2, // a string; 1e400 (Infinity once parsed)
      bad_ts: 1,
      ts_future: 1,
      ts_too_old: 1,
      bad_field: 1,
      too_many_fields: 1,
      too_large: 1,
      unknown_device: 1,
    });
    // The device shows what it sent wrong; the status page counts it.
    const d = await device(ids.spike);
    expect(d.device.status.rejected).toBeGreaterThanOrEqual(10);
    const status = (await t.as(admin).get('/api/sensors/status')).json();
    expect(status.listener).toMatchObject({ enabled: true, connected: 2 });
    expect(status.listener.rejected.length).toBeGreaterThan(0);
  });
});

describe('no reading the broker handed over is lost', () => {
  // One connection with a persistent session (as in production): the client id and the group stay.
  const durable = testMqttConfig(prefix, { connections: 1, sessionExpirySeconds: 60 });

  it('readings published while the node is down are stored when it comes back', async () => {
    await t.app.sensors.stop();
    await t.app.sensors.start({
      mqtt: durable,
      clock: clock.now,
      sweepIntervalMs: 100,
      alarmIntervalMs: 200,
    });
    await t.app.sensors.stop();
    const before = await storedReadings(ids.spike);
    const base = clock.now().getTime() - 60_000;
    for (const s of [1, 2, 3])
      await publish(pub, topic(codes.spike), reading(base, s, { tilt: 1, battery: 80 }));
    await t.app.sensors.start({
      mqtt: durable,
      clock: clock.now,
      sweepIntervalMs: 100,
      alarmIntervalMs: 200,
    });
    await until('the three readings stored', async () => (await storedReadings(ids.spike)) === before + 3);
  });

  it('a reading is acknowledged only once stored: cut off before, the broker hands it over again', async () => {
    const base = clock.now().getTime() - 30_000;
    const payload = reading(base, 7, { tilt: 1.25, battery: 80 });
    const received = t.app.sensors.status().ingest!.received;
    // Storage held up: a transaction keeps the device's status row (on PGlite: the one connection).
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    const holder = t.database.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT 1 FROM sensor_device_status WHERE device_id = ${ids.spike} FOR UPDATE`);
      locked();
      await held;
    });
    await isLocked;
    await publish(pub, topic(codes.spike), payload);
    await until(
      'the reading in the listener’s hands',
      async () => t.app.sensors.status().ingest!.received > received,
    );
    // Another client takes the session over (the broker closes the listener's connection, as a
    // crash would): the broker sends it every message of the session not acknowledged yet.
    const impostor = mqtt.connect(durable.url!, {
      protocolVersion: 5,
      clientId: `${durable.clientId}-0`,
      clean: false,
      properties: { sessionExpiryInterval: 60 },
      reconnectPeriod: 0,
    });
    const redelivered: string[] = [];
    impostor.on('message', (_topic, message) => redelivered.push(message.toString()));
    try {
      await until('the unacknowledged reading handed to the new session holder', async () =>
        redelivered.includes(payload),
      );
    } finally {
      release();
      await holder;
      await impostor.endAsync();
    }
    // Stored once: the listener's copy (a copy delivered again would be the same row).
    await until('the held reading stored', async () => {
      const [r] = await t.database.query<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM sensor_reading WHERE device_id = ${ids.spike} AND at = ${new Date(base + 7000).toISOString()}::timestamptz`,
      );
      return r.n === 1;
    });
    // The listener takes its session back and goes on.
    await until('the listener connected again', async () => t.app.sensors.status().listener?.connected === 1);
    await send('spike', reading(base, 9, { tilt: 1, battery: 80 }));
  });
});
