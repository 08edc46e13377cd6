/**
 * The live map and the replay (issue 12 item 4) against a real database and the running JT/T 808
 * gateway (TCP on loopback):
 *
 * - `GET /api/gps/live`: a district's caller lists only its district's vehicles and people on duty;
 *   a vehicle that reported over the gateway shows its fix and state (moving above 3 km/h); a
 *   caller without gps:read gets 403.
 * - `GET /api/gps/live/stream` (a real socket): a fix a terminal reports through the gateway, and a
 *   phone position sent through the API, arrive in the stream of a caller who may see them and
 *   never in another district's.
 * - Several nodes: a fix another node's gateway stored (not in this node's memory) reaches this
 *   node's snapshot and stream from the registry's last position, in its district only.
 * - `GET /api/gps/tracks/analysis`: a hand-built track across three unit grids with two stays gives
 *   the known stops, grids (in order, with enter/leave times) and distance; another district's
 *   caller gets 404; bad input is a 400 naming the problem.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createJt808Backend,
  type GpsGateway,
  LastPositions,
  startGpsGateway,
} from '../../server/modules/gps/index.ts';
import { MSG } from '../../server/modules/gps/jt808/messages.ts';
import { authBody, bcdTimeOf, locationBody, registerBody } from '../../server/modules/gps/jt808/simulator.ts';
import { haversineM } from '../../server/modules/gps/track-analysis.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { pointIn } from '../support/cases.ts';
import { TestTerminal } from '../support/jt808-testkit.ts';

let t: TestApp;
let base = '';
let admin: string;
let hs: string;
let jb: string;
let hsUnit: string;
let inspector: string;
let inspectorId: string;
let gateway: GpsGateway;
const terminals: TestTerminal[] = [];
const streams: Stream[] = [];
const org: Record<string, string> = {};

const phone = () => `013${String(randomInt(10 ** 8, 10 ** 9))}`;
const wholeSecond = (ms = Date.now()) => new Date(Math.floor(ms / 1000) * 1000);

interface LiveItem {
  key: string;
  kind: string;
  id: string;
  label: string;
  districtCode: string | null;
  lat: number | null;
  lng: number | null;
  speed: number | null;
  time: string | null;
  state: string;
}

/** An open live stream: every `positions` frame's items, read in the background. */
class Stream {
  readonly items: LiveItem[] = [];
  private waiters: (() => void)[] = [];
  private readonly ac = new AbortController();
  status = 0;

  static async open(token: string): Promise<Stream> {
    const s = new Stream();
    const res = await fetch(`${base}/api/gps/live/stream`, {
      headers: { authorization: `Bearer ${token}` },
      signal: s.ac.signal,
    });
    s.status = res.status;
    streams.push(s);
    if (res.status !== 200) {
      await res.body?.cancel();
      return s;
    }
    void s.read(res.body!.getReader());
    return s;
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>) {
    let text = '';
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return;
        text += decoder.decode(chunk.value, { stream: true });
        let i = text.indexOf('\n\n');
        while (i >= 0) {
          const block = text.slice(0, i);
          text = text.slice(i + 2);
          const ev = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (ev === 'positions' && data) this.items.push(...(JSON.parse(data).items as LiveItem[]));
          i = text.indexOf('\n\n');
        }
        for (const w of this.waiters.splice(0)) w();
      }
    } catch {
      // aborted
    }
  }

  /** Waits (10 s at most) for an item matching `pred`. */
  async until(pred: (i: LiveItem) => boolean): Promise<LiveItem> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const hit = this.items.find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no such item in the stream: ${JSON.stringify(this.items)}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          r();
        });
      });
    }
  }

  close() {
    this.ac.abort();
  }
}

async function vehicle(orgName: string, plate: string) {
  const p = phone();
  const created = await t.as(admin).post('/api/gps/terminals', {
    terminalId: p,
    plate,
    plateColour: 1,
    kind: 'enforcement_car',
    orgId: org[orgName],
  });
  expect(created.statusCode, created.body).toBe(201);
  const x = await TestTerminal.connect(gateway.port, p);
  terminals.push(x);
  x.send(
    MSG.register,
    registerBody({
      province: 33,
      city: 203,
      maker: 'HQ',
      model: 'HQ-808',
      terminalId: 'T1',
      plateColour: 1,
      plate,
    }),
  );
  const reg = await x.next((m) => m.packet.header.messageId === MSG.registerResponse);
  const code = Buffer.from(reg.packet.body).subarray(3).toString('latin1');
  expect(await x.request(MSG.authenticate, authBody(code))).toMatchObject({ result: 0 });
  return { id: created.json().terminal.id as string, x };
}

async function report(x: TestTerminal, lat: number, lng: number, speed: number) {
  const answer = await x.request(
    MSG.location,
    locationBody({ lat, lng, speed, direction: 90, altitude: 10, time: bcdTimeOf(wholeSecond()) }),
  );
  expect(answer).toMatchObject({ result: 0 });
}

async function live(token: string) {
  const res = await t.as(token).get('/api/gps/live');
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as LiveItem[];
}

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  admin = await t.login('admin');
  hs = await t.login('haishu.dispatcher');
  jb = await t.login('jiangbei.dispatcher');
  hsUnit = await t.login('unit.haishu-sanitation');
  inspector = await t.login('haishu.inspector');
  inspectorId = (await t.as(inspector).get('/api/me')).json().user.id;
  for (const o of (await t.as(admin).get('/api/orgs?pageSize=200')).json().items as {
    id: string;
    name: string;
  }[])
    org[o.name] = o.id;
  const quiet = () => {};
  gateway = await startGpsGateway(t.database, {
    port: 0,
    host: '127.0.0.1',
    log: { info: quiet, warn: quiet, error: quiet },
    live: t.app.gpsLive,
  });
});

afterAll(async () => {
  for (const s of streams) s.close();
  for (const x of terminals) x.close();
  await gateway?.close();
  await t?.close();
});

describe('the live map', () => {
  it('lists only the caller’s district’s vehicles; a unit without gps:read gets 403', async () => {
    const districts = (items: LiveItem[]) => [...new Set(items.map((i) => i.districtCode))].sort();
    // The demo's generated vehicles (no fix yet: offline).
    expect(districts(await live(admin))).toEqual(['330203', '330205', '330212']);
    const mine = await live(hs);
    expect(districts(mine)).toEqual(['330203']);
    expect(mine.every((i) => i.kind === 'vehicle' && i.state === 'offline' && i.lat === null)).toBe(true);
    expect(districts(await live(jb))).toEqual(['330205']);
    expect((await t.as(hsUnit).get('/api/gps/live')).statusCode).toBe(403);
    expect((await Stream.open(hsUnit)).status).toBe(403);
  });

  it('a fix through the gateway and a phone position through the API reach the stream of whom may see them, never another district’s', async () => {
    const hsStream = await Stream.open(hs);
    const jbStream = await Stream.open(jb);
    expect([hsStream.status, jbStream.status]).toEqual([200, 200]);

    const a = await vehicle('海曙区智慧城管中心', '浙B7L001');
    const b = await vehicle('江北区智慧城管中心', '浙B7L002');
    // The 海曙 car moves at 40 km/h: in 海曙's stream, then it moves on and the stream follows.
    await report(a.x, 29.8712, 121.5503, 40);
    const first = await hsStream.until((i) => i.key === `terminal:${a.id}`);
    expect(first).toMatchObject({
      kind: 'vehicle',
      label: '浙B7L001',
      lat: 29.8712,
      lng: 121.5503,
      state: 'moving',
    });
    await report(a.x, 29.872, 121.551, 0);
    const second = await hsStream.until((i) => i.key === `terminal:${a.id}` && i.lat === 29.872);
    expect(second.state).toBe('stopped');

    // The 江北 car: in 江北's stream (pushed after the 海曙 car's fixes, so those would be there by now).
    await report(b.x, 29.89, 121.54, 12);
    await jbStream.until((i) => i.key === `terminal:${b.id}`);
    expect(jbStream.items.filter((i) => i.districtCode !== '330205')).toEqual([]);

    // A 海曙 inspector's phone position through the API: in 海曙's stream (after the 江北 car's).
    const sent = await t.as(inspector).post('/api/gps/me/positions', {
      positions: [{ time: wholeSecond().toISOString(), lat: 29.8701, lng: 121.5491, speed: 0.5 }],
    });
    expect(sent.statusCode, sent.body).toBe(200);
    const person = await hsStream.until((i) => i.key === `user:${inspectorId}`);
    expect(person).toMatchObject({ kind: 'person', lat: 29.8701, speed: 1.8, state: 'stopped' });
    expect(hsStream.items.filter((i) => i.districtCode !== '330203')).toEqual([]);
    expect(jbStream.items.some((i) => i.key === `user:${inspectorId}`)).toBe(false);

    // The snapshot agrees: the moving car's last fix, the person on duty, each in its district only.
    const hsNow = await live(hs);
    expect(hsNow.find((i) => i.id === a.id)).toMatchObject({ lat: 29.872, speed: 0, state: 'stopped' });
    expect(hsNow.find((i) => i.id === inspectorId)).toMatchObject({ kind: 'person', lat: 29.8701 });
    expect(hsNow.some((i) => i.id === b.id)).toBe(false);
    const jbNow = await live(jb);
    expect(jbNow.find((i) => i.id === b.id)).toMatchObject({ speed: 12, state: 'moving' });
    expect(jbNow.some((i) => i.id === a.id || i.id === inspectorId)).toBe(false);
  });
});

describe('several nodes', () => {
  it('a fix another node stored (its own memory, the shared gps_terminal.last_*) reaches this node’s snapshot and stream', async () => {
    const quiet = () => {};
    // Another node's gateway backend: the same database, its own last positions.
    const other = createJt808Backend(t.database, {
      log: { info: quiet, warn: quiet, error: quiet },
      live: new LastPositions(),
    });
    try {
      const p = phone();
      const created = await t.as(admin).post('/api/gps/terminals', {
        terminalId: p,
        plate: '浙B7L003',
        kind: 'sprinkler',
        orgId: org.海曙区环境卫生管理处,
      });
      const id = created.json().terminal.id as string;
      const hsStream = await Stream.open(hs);
      const jbStream = await Stream.open(jb);
      const at = wholeSecond();
      await other.positions(
        p,
        [
          {
            time: at,
            lat: 29.8655,
            lng: 121.5432,
            speedKmh: 20,
            direction: 0,
            altitude: 5,
            alarm: 0,
            status: 2,
            extras: {},
          },
        ],
        { messageId: 0x0200, serial: 1, blindArea: false },
      );
      // This node never heard it: only the database has it.
      expect(t.app.gpsLive.get('terminal', id)).toBeUndefined();
      const pushed = await hsStream.until((i) => i.key === `terminal:${id}`);
      // Position and time from the registry's last fix; speed unknown there.
      expect(pushed).toMatchObject({ lat: 29.8655, lng: 121.5432, time: at.toISOString(), speed: null });
      expect((await live(hs)).find((i) => i.id === id)).toMatchObject({
        lat: 29.8655,
        time: at.toISOString(),
      });
      // Not to 江北: a 江北 fix pushed later arrives there, the 海曙 one never did.
      const b = await vehicle('江北区智慧城管中心', '浙B7L004');
      await report(b.x, 29.9, 121.55, 5);
      await jbStream.until((i) => i.key === `terminal:${b.id}`);
      expect(jbStream.items.some((i) => i.key === `terminal:${id}`)).toBe(false);
    } finally {
      await other.close();
    }
  });
});

describe('the replay’s analysis', () => {
  it('finds the stops, the grids crossed in order and the distance of a hand-built track', async () => {
    // Three grids of 海曙 whose centres are close enough to drive between in two minutes.
    const cands = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => pointIn(t, '330203', i)));
    const [A, B, C] = cands.filter((p, i) => i === 0 || haversineM(cands[0], p) < 3000).slice(0, 3);
    expect(C).toBeDefined();
    const MIN = 60_000;
    const t0 = Math.floor((Date.now() - 3 * 3_600_000) / MIN) * MIN;
    const at = (m: number, p: { lat: number; lng: number }) => ({
      time: new Date(t0 + m * MIN).toISOString(),
      lat: p.lat,
      lng: p.lng,
      speed: 0,
    });
    // Six minutes at A, six at B, then C.
    const positions = [
      ...[0, 1, 2, 3, 4, 5, 6].map((m) => at(m, A)),
      ...[8, 9, 10, 11, 12, 13, 14].map((m) => at(m, B)),
      at(16, C),
    ];
    const user = (await t.as(await t.login('haishu.inspector')).get('/api/me')).json().user.id;
    const sent = await t.as(inspector).post('/api/gps/me/positions', { positions });
    expect(sent.json().stored).toBe(positions.length);

    const q = `user=${user}&from=${encodeURIComponent(new Date(t0 - MIN).toISOString())}&to=${encodeURIComponent(new Date(t0 + 20 * MIN).toISOString())}`;
    const res = await t.as(hs).get(`/api/gps/tracks/analysis?${q}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.subject).toMatchObject({ kind: 'person', id: user });
    expect(body.points).toHaveLength(15);
    const iso = (m: number) => new Date(t0 + m * MIN).toISOString();
    expect(
      body.stops.map((s: { start: string; end: string; durationS: number }) => [s.start, s.end, s.durationS]),
    ).toEqual([
      [iso(0), iso(6), 360],
      [iso(8), iso(14), 360],
    ]);
    expect(body.stops[0].lat).toBeCloseTo(A.lat, 9);
    expect(body.stops[1].lng).toBeCloseTo(B.lng, 9);
    expect(
      body.grids.map((g: { gridId: string; enter: string; leave: string }) => [g.gridId, g.enter, g.leave]),
    ).toEqual([
      [A.gridId, iso(0), iso(6)],
      [B.gridId, iso(8), iso(14)],
      [C.gridId, iso(16), iso(16)],
    ]);
    expect(body.grids[0].districtCode).toBe('330203');
    expect(body.distanceM).toBe(Math.round(haversineM(A, B) + haversineM(B, C)));
    expect(body.durationS).toBe(16 * 60);

    // Another district's caller: the person does not exist for it.
    expect((await t.as(jb).get(`/api/gps/tracks/analysis?${q}`)).statusCode).toBe(404);
    // Shorter stops asked for: a 10-minute minimum finds none.
    const strict = (await t.as(hs).get(`/api/gps/tracks/analysis?${q}&stopMinutes=10`)).json();
    expect(strict.stops).toEqual([]);
  });

  it('bad input: both subjects, or a reversed range, is a 400 naming the problem in Chinese and English', async () => {
    const range = `from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date().toISOString())}`;
    const both = await t
      .as(admin)
      .get(`/api/gps/tracks/analysis?terminal=013330203001&user=${inspectorId}&${range}`);
    expect(both.statusCode).toBe(400);
    expect(both.body).toContain('terminal');
    const reversed = await t
      .as(admin)
      .get(
        `/api/gps/tracks/analysis?terminal=013330203001&from=${encodeURIComponent(new Date().toISOString())}&to=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`,
      );
    expect(reversed.statusCode).toBe(400);
    expect(reversed.body).toMatch(/结束时间须晚于开始时间|after/);
  });
});
