/**
 * Geofences and GPS alarms end to end on the server: a fence's validation (bilingual 4xx naming the
 * field), its scope (a district neither sees nor changes another's fences), a terminal driving
 * through the running JT/T 808 gateway across a no-entry fence (exactly one alarm per entering, a
 * resent message none), the SOS bit (one alarm on the rising edge, another after it fell and rose
 * again), acknowledging and closing (audited; a district cannot read or acknowledge another's
 * alarm), a rule that raises a case (the case exists and is linked), and a person's phone
 * positions against a fence that names them.
 */
import { randomInt } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GpsGateway, startGpsGateway } from '../../server/modules/gps/index.ts';
import { MSG } from '../../server/modules/gps/jt808/messages.ts';
import { authBody, bcdTimeOf, locationBody, registerBody } from '../../server/modules/gps/jt808/simulator.ts';
import { event } from '../../server/platform/event-table.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { TestTerminal } from '../support/jt808-testkit.ts';

let t: TestApp;
let admin: string;
let hsAdmin: string;
let jbAdmin: string;
let hsDispatcher: string;
let jbDispatcher: string;
let gateway: GpsGateway;
const terminals: TestTerminal[] = [];
const org: Record<string, string> = {};
/** A point in a Haishu grid (a manhole cover of the demo city): cases can be raised there. */
let centre: { lng: number; lat: number };

const phone = () => `013${String(randomInt(10 ** 8, 10 ** 9))}`;
const REG = { province: 33, city: 203, maker: 'HQ', model: 'HQ-808', terminalId: 'T1', plateColour: 2 };
/** Whole seconds, starting some minutes ago, `i` steps of 10 s after it. */
const base = Math.floor((Date.now() - 30 * 60_000) / 1000) * 1000;
const at = (i: number) => new Date(base + i * 10_000);

/** A square of ±d degrees around the centre. */
const square = (d: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [centre.lng - d, centre.lat - d],
      [centre.lng + d, centre.lat - d],
      [centre.lng + d, centre.lat + d],
      [centre.lng - d, centre.lat + d],
      [centre.lng - d, centre.lat - d],
    ],
  ],
});
const OUT = () => ({ lng: centre.lng - 0.01, lat: centre.lat });
const IN = () => ({ lng: centre.lng, lat: centre.lat });

const rule = (over: Record<string, unknown> = {}) => ({
  mode: 'no_entry',
  speedLimitKmh: null,
  overspeedSeconds: 0,
  windows: [],
  targets: { terminalKinds: [], terminalIds: [], userIds: [] },
  raiseCase: false,
  ...over,
});

async function createUser(username: string, orgName: string, roles: string[]) {
  const res = await t.as(admin).post('/api/users', {
    username,
    displayName: username,
    orgId: org[orgName],
    roles,
    password: 'gps-test-2026',
  });
  expect(res.statusCode, res.body).toBe(201);
  return t.login(username, 'gps-test-2026');
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?pageSize=200')).json().items as {
    id: string;
    name: string;
  }[];
  for (const o of orgs) org[o.name] = o.id;
  hsAdmin = await createUser('fence.hs.admin', '海曙区智慧城管中心', ['admin']);
  jbAdmin = await createUser('fence.jb.admin', '江北区智慧城管中心', ['admin']);
  hsDispatcher = await t.login('haishu.dispatcher');
  jbDispatcher = await t.login('jiangbei.dispatcher');
  const covers = (
    await t.as(admin).get('/api/components?typeCode=01003&districtCode=330203&pageSize=1')
  ).json();
  centre = { lng: covers.items[0].lng, lat: covers.items[0].lat };
  const quiet = () => {};
  gateway = await startGpsGateway(t.database, {
    port: 0,
    host: '127.0.0.1',
    log: { info: quiet, warn: quiet, error: quiet },
    live: t.app.gpsLive,
    alarms: t.app.gpsAlarms,
  });
});

afterAll(async () => {
  for (const x of terminals) x.close();
  await gateway?.close();
  await t?.close();
});

/** A Haishu terminal in the registry, connected, registered and authenticated. */
async function onlineTerminal(kind = 'muck_truck') {
  const p = phone();
  const plate = `浙B${randomInt(10_000, 99_999)}`;
  const created = await t.as(admin).post('/api/gps/terminals', {
    terminalId: p,
    plate,
    plateColour: 2,
    kind,
    orgId: org.海曙区智慧城管中心,
  });
  expect(created.statusCode, created.body).toBe(201);
  const x = await TestTerminal.connect(gateway.port, p);
  terminals.push(x);
  x.send(MSG.register, registerBody({ ...REG, plate }));
  const a = await x.next((m) => m.packet.header.messageId === MSG.registerResponse);
  const code = Buffer.from(a.packet.body).subarray(3).toString('latin1');
  expect(await x.request(MSG.authenticate, authBody(code))).toMatchObject({ result: 0 });
  const id = created.json().terminal.id as string;
  const send = async (
    i: number,
    where: { lng: number; lat: number },
    extra: { speed?: number; alarm?: number } = {},
  ) => {
    const answer = await x.request(
      MSG.location,
      locationBody({
        ...where,
        speed: extra.speed ?? 30,
        direction: 90,
        altitude: 5,
        alarm: extra.alarm,
        time: bcdTimeOf(at(i)),
      }),
    );
    expect(answer.replyId).toBe(MSG.location);
    return answer;
  };
  return { id, plate, x, send };
}

async function createFence(token: string, body: Record<string, unknown>) {
  const res = await t.as(token).post('/api/gps/geofences', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; version: number; districtCode: string | null };
}

const alarmsOf = async (token: string, q: string) =>
  (await t.as(token).get(`/api/gps/alarms?pageSize=200&${q}`)).json();

describe('fences: validation and scope', () => {
  it('refuses a self-intersecting outline, an empty ring, an unknown grid, a bad window, a rule for nobody — naming the field in both languages', async () => {
    const bad = async (body: Record<string, unknown>, field: string, status = 400) => {
      let zh = '';
      for (const lang of ['zh', 'en']) {
        const res = await t.as(hsAdmin).post(
          '/api/gps/geofences',
          {
            name: '坏围栏',
            shape: 'area',
            source: 'drawn',
            geometry: square(0.002),
            rule: rule({ targets: { terminalKinds: ['muck_truck'], terminalIds: [], userIds: [] } }),
            ...body,
          },
          { 'accept-language': lang },
        );
        expect(res.statusCode, res.body).toBe(status);
        const err = res.json().error;
        expect(err.details.map((d: { field: string }) => d.field).join(' ')).toContain(field);
        if (lang === 'zh') {
          expect(err.message).toMatch(/[\u4e00-\u9fff]/);
          zh = err.message;
        } else expect(err.message).not.toMatch(/[\u4e00-\u9fff]/);
      }
      return { message: zh };
    };
    const bow = {
      type: 'Polygon',
      coordinates: [
        [
          [121.5, 29.8],
          [121.6, 29.9],
          [121.6, 29.8],
          [121.5, 29.9],
          [121.5, 29.8],
        ],
      ],
    };
    const e1 = await bad({ geometry: bow }, 'body.geometry');
    expect(e1.message).toMatch(/自相交/);
    await bad({ geometry: { type: 'Polygon', coordinates: [[]] } }, 'body.geometry');
    const e3 = await bad(
      { source: 'grid', sourceCode: '330203999999999', geometry: undefined },
      'body.sourceCode',
      422,
    );
    expect(e3.message).toMatch(/网格/);
    await bad(
      {
        rule: rule({
          windows: [{ days: [1], from: '08:00', to: '08:00' }],
          targets: { terminalKinds: ['muck_truck'], terminalIds: [], userIds: [] },
        }),
      },
      'body.rule.windows.0',
    );
    await bad({ rule: rule({ windows: [{ days: [1], from: '8:00', to: '09:00' }] }) }, 'from');
    await bad({ rule: rule() }, 'body.rule.targets');
    const route = await bad(
      {
        shape: 'route',
        geometry: {
          type: 'LineString',
          coordinates: [
            [121.5, 29.8],
            [121.6, 29.8],
          ],
        },
      },
      'body.corridorM',
    );
    expect(route.message).toMatch(/走廊/);
  });

  it('takes a district’s outline from the geo module; a district neither sees nor changes another’s fences', async () => {
    const hs = await createFence(hsAdmin, {
      name: '海曙区全域',
      shape: 'area',
      source: 'district',
      sourceCode: '330203',
      rule: rule({
        mode: 'stay_inside',
        targets: { terminalKinds: ['patrol_bike'], terminalIds: [], userIds: [] },
      }),
    });
    expect(hs.districtCode).toBe('330203');
    const got = (await t.as(hsAdmin).get(`/api/gps/geofences/${hs.id}`)).json();
    expect(got.geometry.type).toMatch(/Polygon/);
    expect(got.sourceCode).toBe('330203');
    expect((await t.as(jbAdmin).get(`/api/gps/geofences/${hs.id}`)).statusCode).toBe(404);
    expect(
      (await t.as(jbAdmin).patch(`/api/gps/geofences/${hs.id}`, { version: 1, name: 'x' })).statusCode,
    ).toBe(404);
    expect(
      (await t.as(jbAdmin).get('/api/gps/geofences')).json().items.map((f: { id: string }) => f.id),
    ).not.toContain(hs.id);
    expect(
      (await t.as(admin).get('/api/gps/geofences')).json().items.map((f: { id: string }) => f.id),
    ).toContain(hs.id);
    const outside = await t.as(jbAdmin).post('/api/gps/geofences', {
      name: '越权',
      shape: 'area',
      source: 'drawn',
      geometry: square(0.002),
      orgId: org.海曙区智慧城管中心,
      rule: rule({ targets: { terminalKinds: ['muck_truck'], terminalIds: [], userIds: [] } }),
    });
    // Another district's organisation is not one Jiangbei can name (as for terminals): 422.
    expect(outside.statusCode).toBe(422);
    expect(outside.json().error).toMatchObject({
      code: 'INVALID_REFERENCE',
      details: [{ field: 'body.orgId' }],
    });
    expect(
      (await t.as(admin).get('/api/gps/geofences'))
        .json()
        .items.some((f: { name: string }) => f.name === '越权'),
    ).toBe(false);
    // versioned changes: a stale version is a conflict
    const changed = await t
      .as(hsAdmin)
      .patch(`/api/gps/geofences/${hs.id}`, { version: 1, name: '海曙区全域（巡逻）' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().version).toBe(2);
    expect(
      (await t.as(hsAdmin).patch(`/api/gps/geofences/${hs.id}`, { version: 1, name: 'y' })).statusCode,
    ).toBe(409);
    const off = await t.as(hsAdmin).delete(`/api/gps/geofences/${hs.id}?version=2`);
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().enabled).toBe(false);
  });
});

describe('alarms on ingest', () => {
  it('a terminal crossing a no-entry fence: exactly one alarm per entering, none for a resend', async () => {
    const v = await onlineTerminal();
    const fence = await createFence(hsAdmin, {
      name: '禁入区（测试）',
      shape: 'area',
      source: 'drawn',
      geometry: square(0.002),
      rule: rule({ targets: { terminalKinds: [], terminalIds: [v.id], userIds: [] } }),
    });
    await v.send(0, OUT());
    await v.send(1, IN());
    await v.send(2, IN());
    await v.send(3, IN()); // still inside
    await v.send(4, OUT());
    await v.send(5, IN());
    await v.send(5, IN()); // the same fix again (a resend: same time)
    const list = await alarmsOf(hsDispatcher, `terminal=${v.id}`);
    expect(list.items.map((a: { kind: string; at: string }) => [a.kind, a.at])).toEqual([
      ['fence_enter', at(5).toISOString()],
      ['fence_enter', at(1).toISOString()],
    ]);
    expect(list.items[0]).toMatchObject({
      source: 'rule',
      fenceId: fence.id,
      fenceName: '禁入区（测试）',
      plate: v.plate,
      state: 'open',
      districtCode: '330203',
    });
    // Jiangbei sees none of them
    expect((await alarmsOf(jbDispatcher, `terminal=${v.id}`)).total).toBe(0);
  });

  it('the terminal’s SOS bit: one alarm on the rising edge, another when it rises again', async () => {
    const v = await onlineTerminal('enforcement_car');
    const sos = await v.send(0, OUT(), { alarm: 1 });
    expect(sos.result).toBe(4); // alarm-handling confirmation (JT/T 808)
    await v.send(1, OUT(), { alarm: 1 });
    await v.send(2, OUT(), { alarm: 1 });
    await v.send(3, OUT(), { alarm: 0 });
    await v.send(4, OUT(), { alarm: 0 });
    await v.send(5, OUT(), { alarm: 1 | 4 }); // SOS again, and fatigue
    const list = await alarmsOf(hsDispatcher, `terminal=${v.id}&source=terminal`);
    expect(list.items.map((a: { kind: string; at: string }) => `${a.kind}@${a.at}`).sort()).toEqual(
      [`sos@${at(0).toISOString()}`, `sos@${at(5).toISOString()}`, `fatigue@${at(5).toISOString()}`].sort(),
    );
    expect((await alarmsOf(hsDispatcher, `terminal=${v.id}&kind=sos`)).total).toBe(2);
  });

  it('acknowledging and closing are audited; another district can neither read nor acknowledge the alarm', async () => {
    const v = await onlineTerminal('enforcement_car');
    await v.send(0, OUT(), { alarm: 1 });
    const [alarm] = (await alarmsOf(hsDispatcher, `terminal=${v.id}`)).items;
    expect(alarm.state).toBe('open');
    expect((await t.as(jbDispatcher).get(`/api/gps/alarms/${alarm.id}`)).statusCode).toBe(404);
    const foreign = await t
      .as(jbDispatcher)
      .post(`/api/gps/alarms/${alarm.id}/acknowledge`, { version: alarm.version, note: 'x' });
    expect(foreign.statusCode).toBe(404);

    const ack = await t
      .as(hsDispatcher)
      .post(`/api/gps/alarms/${alarm.id}/acknowledge`, { version: alarm.version, note: '已电话联系司机' });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({
      state: 'acknowledged',
      ackNote: '已电话联系司机',
      version: alarm.version + 1,
    });
    expect(ack.json().acknowledgedBy).toBeTruthy();
    const again = await t
      .as(hsDispatcher)
      .post(`/api/gps/alarms/${alarm.id}/acknowledge`, { version: alarm.version + 1 });
    expect(again.statusCode).toBe(422);
    const stale = await t
      .as(hsDispatcher)
      .post(`/api/gps/alarms/${alarm.id}/close`, { version: alarm.version });
    expect(stale.statusCode).toBe(409);
    const closed = await t
      .as(hsDispatcher)
      .post(`/api/gps/alarms/${alarm.id}/close`, { version: alarm.version + 1, note: '误报' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().state).toBe('closed');

    const events = await t.database.db
      .select()
      .from(event)
      .where(and(eq(event.entityType, 'gps_alarm'), eq(event.entityId, alarm.id)))
      .orderBy(event.id);
    expect(events.map((e) => e.action)).toEqual([
      'gps.alarm.raise',
      'gps.alarm.acknowledge',
      'gps.alarm.close',
    ]);
    expect(events[1]).toMatchObject({
      actorType: 'user',
      actorName: expect.any(String),
      districtCode: '330203',
    });
    expect((events[1].after as { note: string }).note).toBe('已电话联系司机');
    expect((await alarmsOf(hsDispatcher, `terminal=${v.id}&state=closed`)).total).toBe(1);
    expect((await alarmsOf(hsDispatcher, `terminal=${v.id}&state=open`)).total).toBe(0);
  });

  it('a rule that raises a case: the entering raises a case in the case loop, linked from the alarm', async () => {
    const v = await onlineTerminal('sprinkler');
    await createFence(admin, {
      name: '洒水车禁入（立案）',
      shape: 'area',
      source: 'drawn',
      geometry: square(0.001),
      orgId: org.海曙区智慧城管中心,
      rule: rule({
        raiseCase: true,
        targets: { terminalKinds: ['sprinkler'], terminalIds: [], userIds: [] },
      }),
    });
    await v.send(0, OUT());
    await v.send(1, IN());
    const [alarm] = (await alarmsOf(hsDispatcher, `terminal=${v.id}`)).items;
    expect(alarm.kind).toBe('fence_enter');
    expect(alarm.caseError).toBeNull();
    expect(alarm.caseId).toBeTruthy();
    const c = await t.as(admin).get(`/api/cases/${alarm.caseId}`);
    expect(c.statusCode, c.body).toBe(200);
    expect(JSON.stringify(c.json())).toContain('洒水车禁入（立案）');
    expect(JSON.stringify(c.json())).toContain('sensor');
  });

  it('a terminal alarm kind named in `gps.caseAlarmKinds` raises a case; others do not', async () => {
    const cur = (await t.as(admin).get('/api/settings/gps.caseAlarmKinds')).json();
    expect(cur.value).toEqual([]);
    const put = await t
      .as(admin)
      .put('/api/settings/gps.caseAlarmKinds', { value: ['sos'], version: cur.version });
    expect(put.statusCode, put.body).toBe(200);
    const v = await onlineTerminal('enforcement_car');
    await v.send(0, IN(), { alarm: 1 | 4 }); // SOS and fatigue
    const items = (await alarmsOf(hsDispatcher, `terminal=${v.id}`)).items as {
      kind: string;
      caseId: string | null;
    }[];
    expect(items.find((a) => a.kind === 'sos')?.caseId).toBeTruthy();
    expect(items.find((a) => a.kind === 'fatigue')?.caseId).toBeNull();
    const back = await t
      .as(admin)
      .put('/api/settings/gps.caseAlarmKinds', { value: [], version: put.json().version });
    expect(back.statusCode, back.body).toBe(200);
  });

  it('overspeed inside a route’s corridor, sustained for the rule’s seconds', async () => {
    const v = await onlineTerminal('enforcement_car');
    await createFence(hsAdmin, {
      name: '限速路段',
      shape: 'route',
      source: 'drawn',
      corridorM: 100,
      geometry: {
        type: 'LineString',
        coordinates: [
          [centre.lng - 0.01, centre.lat],
          [centre.lng + 0.01, centre.lat],
        ],
      },
      rule: rule({
        mode: 'none',
        speedLimitKmh: 40,
        overspeedSeconds: 20,
        targets: { terminalKinds: [], terminalIds: [v.id], userIds: [] },
      }),
    });
    await v.send(0, IN(), { speed: 50 });
    await v.send(1, IN(), { speed: 50 }); // 10 s
    await v.send(2, IN(), { speed: 50 }); // 20 s: the alarm
    await v.send(3, IN(), { speed: 60 });
    const list = await alarmsOf(hsDispatcher, `terminal=${v.id}`);
    expect(list.items.map((a: { kind: string; at: string }) => [a.kind, a.at])).toEqual([
      ['fence_overspeed', at(2).toISOString()],
    ]);
  });

  it('a person’s phone positions against a stay-inside fence that names them', async () => {
    const me = (await t.as(hsDispatcher).get('/api/me')).json();
    const userId = (me.user?.id ?? me.id) as string;
    await createFence(hsAdmin, {
      name: '值守区域',
      shape: 'area',
      source: 'drawn',
      geometry: square(0.002),
      rule: rule({ mode: 'stay_inside', targets: { terminalKinds: [], terminalIds: [], userIds: [userId] } }),
    });
    const pos = (i: number, w: { lng: number; lat: number }) => ({
      time: at(i).toISOString(),
      ...w,
      crs: 'wgs84',
    });
    const res = await t.as(hsDispatcher).post('/api/gps/me/positions', {
      positions: [pos(0, IN()), pos(1, IN()), pos(2, OUT()), pos(3, OUT())],
    });
    expect(res.statusCode, res.body).toBe(200);
    const list = (await alarmsOf(admin, 'kind=fence_leave')).items.filter(
      (a: { userId: string }) => a.userId === userId,
    );
    expect(list.map((a: { at: string }) => a.at)).toEqual([at(2).toISOString()]);
  });
});
