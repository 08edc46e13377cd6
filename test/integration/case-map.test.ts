/**
 * The case map's points (GET /api/cases/map) and a component's cases (GET /api/cases?componentId=):
 * only open cases, only in the caller's scope (a 海曙 user never sees a 江北 point), filtered by
 * state, matter type and bbox, bounded by `limit`, each with the light the case list shows; a bad
 * bbox or limit is a bilingual 400. Points come from the seeded grids (never hard-coded).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn } from '../support/cases.ts';
import { errorBodyOf } from '../support/error-body.ts';

let t: TestApp;
const EN = { 'accept-language': 'en-US,en;q=0.9' };

interface MapPoint {
  id: string;
  code: string;
  state: string;
  light: string | null;
  matterCode: string | null;
  lng: number;
  lat: number;
}
interface MapAnswer {
  items: MapPoint[];
  total: number;
  truncated: boolean;
}

type Made = { id: string; code: string; lng: number; lat: number; district: string; matter: string };
const hs: Made[] = [];
const jb: Made[] = [];
let closedLike: Made;
let componentId: string;
let componentCase: Made;

async function report(
  username: string,
  district: string,
  index: number,
  matter: string,
  extra: Record<string, unknown> = {},
): Promise<Made> {
  const p = await pointIn(t, district, index);
  const res = await t.as(await t.login(username)).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'hotline',
    description: `地图测试 ${district} ${index}`,
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    matterCode: matter,
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  const c = res.json().case as { id: string; code: string };
  return { id: c.id, code: c.code, lng: p.lng, lat: p.lat, district, matter };
}

async function mapAs(username: string, query = '', headers?: Record<string, string>) {
  return t.as(await t.login(username)).get(`/api/cases/map${query}`, headers);
}
async function points(username: string, query = ''): Promise<MapAnswer> {
  const res = await mapAs(username, query);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as MapAnswer;
}
const ids = (a: MapAnswer) => a.items.map((p) => p.id).sort();

beforeAll(async () => {
  t = await createTestApp();
  // Far-apart grids of each district (index 0, 40, 80…), two matter types.
  for (const [i, m] of [
    [0, '06010'],
    [40, '06010'],
    [80, '06004'],
  ] as const) {
    hs.push(await report('haishu.acceptor', '330203', i, m));
  }
  for (const [i, m] of [
    [0, '06010'],
    [40, '06004'],
  ] as const) {
    jb.push(await report('jiangbei.acceptor', '330205', i, m));
  }
  // One 海曙 case not open any more: rejected at acceptance.
  closedLike = await report('haishu.acceptor', '330203', 120, '06010');
  const rej = await actOn(t, 'haishu.acceptor', closedLike.id, 'reject', { reason: '重复上报测试' });
  expect(rej.statusCode, rej.body).toBe(200);
  expect(rej.json().state).toBe('rejected');
  // A report on a 海曙 component.
  const admin = await t.login('admin');
  const comps = await t.as(admin).get('/api/components?districtCode=330203&pageSize=1');
  expect(comps.statusCode, comps.body).toBe(200);
  const comp = comps.json().items[0] as { id: string; lng: number; lat: number };
  componentId = comp.id;
  const res = await t.as(await t.login('haishu.acceptor')).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'hotline',
    description: '部件损坏 地图测试',
    location: { lng: comp.lng, lat: comp.lat, crs: 'wgs84' },
    matterCode: '06004',
    componentId,
  });
  expect(res.statusCode, res.body).toBe(201);
  const c = res.json().case as { id: string; code: string };
  componentCase = {
    id: c.id,
    code: c.code,
    lng: comp.lng,
    lat: comp.lat,
    district: '330203',
    matter: '06004',
  };
  hs.push(componentCase);
});
afterAll(async () => t?.close());

describe('GET /api/cases/map: scope', () => {
  it('a 海曙 user sees exactly the open 海曙 cases; a 江北 user the 江北 ones; the city all', async () => {
    const hsIds = hs.map((c) => c.id).sort();
    const jbIds = jb.map((c) => c.id).sort();
    expect(ids(await points('haishu.acceptor'))).toEqual(hsIds);
    expect(ids(await points('haishu.dispatcher'))).toEqual(hsIds);
    expect(ids(await points('jiangbei.acceptor'))).toEqual(jbIds);
    expect(ids(await points('admin'))).toEqual([...hsIds, ...jbIds].sort());
    // A unit sees the cases dispatched to it: none here.
    expect((await points('unit.haishu-sanitation')).items).toEqual([]);
  });

  it('each point carries its code, state, matter type, place and the light the case list shows', async () => {
    const answer = await points('haishu.acceptor');
    const list = await t.as(await t.login('haishu.acceptor')).get('/api/cases?view=all&pageSize=100');
    const byId = new Map(
      (list.json().items as { id: string; light: string | null; state: string }[]).map((c) => [c.id, c]),
    );
    for (const c of hs) {
      const p = answer.items.find((x) => x.id === c.id)!;
      expect(p).toMatchObject({ code: c.code, matterCode: c.matter, state: 'reported' });
      expect(p.lng).toBeCloseTo(c.lng, 9);
      expect(p.lat).toBeCloseTo(c.lat, 9);
      expect(p.light).toBe(byId.get(c.id)?.light);
    }
    expect(answer.total).toBe(hs.length);
    expect(answer.truncated).toBe(false);
  });

  it('a caller without case:read is refused', async () => {
    const res = await t.as(null).get('/api/cases/map');
    expect(res.statusCode).toBe(401);
  });
});

describe('GET /api/cases/map: filters', () => {
  it('by matter type', async () => {
    const want = hs
      .filter((c) => c.matter === '06004')
      .map((c) => c.id)
      .sort();
    expect(want.length).toBeGreaterThan(0);
    expect(ids(await points('haishu.acceptor', '?matterCode=06004'))).toEqual(want);
  });

  it('by state (open states only; a closed state is a 400)', async () => {
    const moved = hs[1];
    const res = await actOn(t, 'haishu.acceptor', moved.id, 'accept_report', { matterType: moved.matter });
    expect(res.statusCode, res.body).toBe(200);
    const state = res.json().state as string;
    expect(state).not.toBe('reported');
    expect(ids(await points('haishu.acceptor', `?state=${state}`))).toEqual([moved.id]);
    expect(ids(await points('haishu.acceptor', `?state=reported&state=${state}`))).toEqual(
      hs.map((c) => c.id).sort(),
    );
    expect(ids(await points('haishu.acceptor', '?state=reported'))).not.toContain(moved.id);
    const bad = await mapAs('haishu.acceptor', '?state=rejected');
    expect(bad.statusCode).toBe(400);
    // The rejected case is on no map.
    expect(ids(await points('admin'))).not.toContain(closedLike.id);
  });

  it('by bbox: a box around one point holds that case only', async () => {
    const c = hs[0];
    const d = 0.00005;
    const box = [c.lng - d, c.lat - d, c.lng + d, c.lat + d].join(',');
    expect(ids(await points('haishu.acceptor', `?bbox=${box}`))).toEqual([c.id]);
    // The same box for a 江北 user: the 海曙 case stays invisible.
    expect((await points('jiangbei.acceptor', `?bbox=${box}`)).items).toEqual([]);
    // A box around every 海曙 point holds them all.
    const lngs = hs.map((x) => x.lng);
    const lats = hs.map((x) => x.lat);
    const all = [Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)].join(',');
    expect(ids(await points('haishu.acceptor', `?bbox=${all}`))).toEqual(hs.map((x) => x.id).sort());
  });

  it('a bad bbox is a 400 in Chinese or in English', async () => {
    for (const bbox of ['1,2,3', 'a,b,c,d', '10,50,5,60', '10,60,20,50', '-200,0,0,10']) {
      const zh = await mapAs('haishu.acceptor', `?bbox=${encodeURIComponent(bbox)}`);
      expect(zh.statusCode, bbox).toBe(400);
      const ez = errorBodyOf(zh).error;
      expect(ez.code).toBe('VALIDATION_FAILED');
      expect(ez.message).toMatch(/^bbox 参数无效/);
      expect(ez.details[0].field).toBe('querystring.bbox');
      const en = errorBodyOf(await mapAs('haishu.acceptor', `?bbox=${encodeURIComponent(bbox)}`, EN)).error;
      expect(en.message).toMatch(/^Invalid bbox/);
    }
  });

  it('limit: at most the number asked for, newest first, `truncated` says so; bounded to 1..5000', async () => {
    const one = await points('haishu.acceptor', '?limit=1');
    expect(one.items).toHaveLength(1);
    expect(one.total).toBe(hs.length);
    expect(one.truncated).toBe(true);
    expect(one.items[0].id).toBe(componentCase.id); // the newest
    const two = await points('haishu.acceptor', '?limit=2');
    expect(two.items).toHaveLength(2);
    expect((await points('haishu.acceptor', '?limit=5000')).truncated).toBe(false);
    for (const l of ['0', '5001', 'x']) {
      const res = await mapAs('haishu.acceptor', `?limit=${l}`);
      expect(res.statusCode, l).toBe(400);
      expect(errorBodyOf(res).error.code).toBe('VALIDATION_FAILED');
    }
    const en = errorBodyOf(await mapAs('haishu.acceptor', '?limit=5001', EN)).error;
    expect(en.message).toBe('Request validation failed');
  });
});

describe("a component's cases (GET /api/cases?componentId=)", () => {
  it('lists the cases reported on the component, in the caller’s scope only', async () => {
    const q = `/api/cases?view=all&componentId=${componentId}`;
    const hsRes = await t.as(await t.login('haishu.acceptor')).get(q);
    expect(hsRes.statusCode, hsRes.body).toBe(200);
    expect(hsRes.json().items.map((c: { id: string }) => c.id)).toEqual([componentCase.id]);
    const jbRes = await t.as(await t.login('jiangbei.acceptor')).get(q);
    expect(jbRes.statusCode).toBe(200);
    expect(jbRes.json().items).toEqual([]);
    const bad = await t.as(await t.login('haishu.acceptor')).get('/api/cases?componentId=123');
    expect(bad.statusCode).toBe(400);
  });
});
