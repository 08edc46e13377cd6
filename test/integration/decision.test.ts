/**
 * Decision support (决策辅助, issue 11 item 5): a small hand-built history of cases made through
 * the real API and placed in time (test/support/cases.ts `placeCase`), every figure written out by
 * hand below and compared with the API's answer. A 海曙 dispatcher sees 海曙's cases only and gets
 * 404 naming 江北; a unit is refused; bad input is 400 naming the field.
 *
 * The history (U = 海曙区环境卫生管理处, G = 海曙区园林绿化管理中心; 海曙 unless said; grids g0…g3
 * are four different grids of 海曙; reported at 10:00 China time):
 *   P1  06002 on g0, 2026-11-02 (Mon), dispatched to U, closed at once, on time
 *   P2  06002 on g0, 2026-11-10, dispatched to U, open (its disposal stage long past due)
 *   P3  06002 on g0, 2026-11-20, dispatched to U, closed, its disposal stage late
 *   P4  09001 on g1, 2026-11-03, dispatched to G, open (past due)
 *   P5  06002 on g1, 2026-11-16, dispatched to U, closed on time
 *   P6  06002 on g2, 2026-10-20, dispatched to U, closed on time (before the period)
 *   P7  06002 on g2, 2026-11-25, dispatched to U, closed on time — 36 days after P6 closed
 *   L1  06002 on g3, 2025-11-05, reported only (a year earlier)
 *   L2  09001 on g3, 2025-11-12, reported only (a year earlier)
 *   J1  06002 in 江北, 2026-11-04, reported only
 *   C1–C3  06004 on one 海曙 component, 2026-09-03, -10, -17, reported only (September: a
 *          component hotspot, outside every other figure's period)
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { closeDispatched, dispatchCase, placeCase, pointIn } from '../support/cases.ts';

let t: TestApp;
const ids: Record<string, string> = {};
const codes: Record<string, string> = {};
const grids: Record<string, string> = {};
const units: Record<string, string> = {};

const NOV = 'from=2026-11-01&to=2026-12-01';
/** Grid positions in 海曙's list of grids, far enough apart not to share a heat cell. */
const G = { g0: 0, g1: 25, g2: 50, g3: 75 };

let component: { id: string; lng: number; lat: number };

async function reportOnly(
  who: string,
  district: string,
  index: number,
  matterCode: string,
  onComponent = false,
) {
  const p = onComponent ? component : await pointIn(t, district, index);
  const res = await t.as(await t.login(who)).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'hotline',
    description: `决策辅助测试 ${index}`,
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    matterCode,
    ...(onComponent ? { componentId: component.id } : {}),
  });
  if (res.statusCode !== 201) throw new Error(`report: ${res.statusCode} ${res.body}`);
  return res.json().case.id as string;
}

async function get(who: string, url: string) {
  return t.as(await t.login(who)).get(url);
}

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  units.U = orgs.find((o) => o.name === '海曙区环境卫生管理处')!.id;
  units.G = orgs.find((o) => o.name === '海曙区园林绿化管理中心')!.id;

  const made: [string, keyof typeof G, string, string, 'U' | 'G', 'closed' | 'open' | 'late'][] = [
    ['P1', 'g0', '06002', '2026-11-02T10:00:00', 'U', 'closed'],
    ['P2', 'g0', '06002', '2026-11-10T10:00:00', 'U', 'open'],
    ['P3', 'g0', '06002', '2026-11-20T10:00:00', 'U', 'late'],
    ['P4', 'g1', '09001', '2026-11-03T10:00:00', 'G', 'open'],
    ['P5', 'g1', '06002', '2026-11-16T10:00:00', 'U', 'closed'],
    ['P6', 'g2', '06002', '2026-10-20T10:00:00', 'U', 'closed'],
    ['P7', 'g2', '06002', '2026-11-25T10:00:00', 'U', 'closed'],
  ];
  for (const [name, grid, matterCode, at, unit, end] of made) {
    const id = await dispatchCase(t, units[unit], G[grid], { matterCode });
    if (end !== 'open') await closeDispatched(t, id);
    if (end === 'late') {
      await t.database.query(sql`UPDATE case_stage SET due_at = stopped_at - interval '1 hour'
        WHERE case_id = ${id} AND stage = 'dispose'`);
    }
    await placeCase(t, id, at);
    ids[name] = id;
  }
  ids.L1 = await reportOnly('haishu.acceptor', '330203', G.g3, '06002');
  await placeCase(t, ids.L1, '2025-11-05T10:00:00');
  ids.L2 = await reportOnly('haishu.acceptor', '330203', G.g3, '09001');
  await placeCase(t, ids.L2, '2025-11-12T10:00:00');
  ids.J1 = await reportOnly('jiangbei.acceptor', '330205', 0, '06002');
  await placeCase(t, ids.J1, '2026-11-04T10:00:00');
  const comps = await t.as(admin).get('/api/components?districtCode=330203&pageSize=1');
  component = comps.json().items[0];
  for (const [name, day] of [
    ['C1', '03'],
    ['C2', '10'],
    ['C3', '17'],
  ] as const) {
    ids[name] = await reportOnly('haishu.acceptor', '330203', 0, '06004', true);
    await placeCase(t, ids[name], `2026-09-${day}T10:00:00`);
  }

  const rows = await t.database.query<{ id: string; code: string; grid_id: string }>(
    sql`SELECT id, code, grid_id FROM case_file`,
  );
  for (const [name, id] of Object.entries(ids)) {
    const r = rows.find((x) => x.id === id)!;
    codes[name] = r.code;
    if (name === 'P1') grids.g0 = r.grid_id;
    if (name === 'P4') grids.g1 = r.grid_id;
    if (name === 'P7') grids.g2 = r.grid_id;
    if (name === 'C1') grids.c = r.grid_id;
  }
  // The history is what the test says: four different grids, nothing else in November.
  expect(new Set([grids.g0, grids.g1, grids.g2]).size).toBe(3);
  const [n] = await t.database.query<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM case_file WHERE created_at >= '2026-10-01' AND created_at < '2026-12-02'`,
  );
  expect(Number(n.n)).toBe(8);
}, 300_000);

afterAll(async () => {
  await t?.close();
});

describe('trends, year on year', () => {
  it('counts 海曙 per family and month beside November 2025', async () => {
    const res = await get('haishu.dispatcher', `/api/decision/trends?${NOV}&granularity=month&by=family`);
    expect(res.statusCode).toBe(200);
    const b = res.json();
    expect(b.buckets).toEqual(['2026-11-01']);
    expect(b.lastYearBuckets).toEqual(['2025-11-01']);
    expect(b.series).toEqual([
      { key: '06', label: '市容环境类', counts: [5], lastYear: [1] },
      { key: '09', label: '街面秩序类', counts: [1], lastYear: [1] },
    ]);
    expect(b.total).toEqual({ counts: [6], lastYear: [2] });
  });

  it('counts per China week (from Monday) beside the same week 52 weeks earlier', async () => {
    const res = await get(
      'haishu.dispatcher',
      '/api/decision/trends?from=2026-11-02&to=2026-11-30&granularity=week&by=district',
    );
    expect(res.statusCode).toBe(200);
    const b = res.json();
    expect(b.buckets).toEqual(['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23']);
    expect(b.lastYearBuckets).toEqual(['2025-11-03', '2025-11-10', '2025-11-17', '2025-11-24']);
    // P1, P4 | P2 | P5, P3 | P7; a year earlier L1 | L2.
    expect(b.series).toEqual([
      { key: '330203', label: '海曙区', counts: [2, 1, 2, 1], lastYear: [1, 1, 0, 0] },
    ]);
  });

  it('one family only', async () => {
    const b = (await get('haishu.dispatcher', `/api/decision/trends?${NOV}&by=family&family=09`)).json();
    expect(b.series).toEqual([{ key: '09', label: '街面秩序类', counts: [1], lastYear: [1] }]);
  });

  it('the city sees every district; a district only its own', async () => {
    const city = (await get('city.leader', `/api/decision/trends?${NOV}&by=district`)).json();
    expect(city.series.map((s: { key: string; counts: number[] }) => [s.key, s.counts[0]])).toEqual([
      ['330203', 6],
      ['330205', 1],
    ]);
    const hs = (await get('haishu.dispatcher', `/api/decision/trends?${NOV}&by=district`)).json();
    expect(hs.series.map((s: { key: string }) => s.key)).toEqual(['330203']);
  });
});

describe('hotspots and recurrence', () => {
  it('lists grids with at least three cases and the recurrences within 30 days of a closing', async () => {
    const res = await get('haishu.dispatcher', `/api/decision/hotspots?${NOV}`);
    expect(res.statusCode).toBe(200);
    const b = res.json();
    expect(b.threshold).toBe(3);
    expect(b.recurrenceDays).toBe(30);
    expect(
      b.grids.map(
        (g: { gridId: string; count: number; types: number; topMatterCode: string; topCount: number }) => [
          g.gridId,
          g.count,
          g.types,
          g.topMatterCode,
          g.topCount,
        ],
      ),
    ).toEqual([[grids.g0, 3, 1, '06002', 3]]);
    expect(b.components).toEqual([]);
    // P2 and P3 both came after P1 was closed (P2 is still open, so P3's earlier case is P1 too);
    // P7 came 36 days after P6 closed: not within 30.
    expect(
      b.recurrences.map((r: { earlier: { code: string }; later: { code: string }; gridId: string }) => [
        r.earlier.code,
        r.later.code,
        r.gridId,
      ]),
    ).toEqual([
      [codes.P1, codes.P3, grids.g0],
      [codes.P1, codes.P2, grids.g0],
    ]);
    const p2 = b.recurrences.find((r: { later: { id: string } }) => r.later.id === ids.P2);
    expect(p2.earlier.id).toBe(ids.P1);
    expect(p2.daysAfter).toBeGreaterThan(7.9);
    expect(p2.daysAfter).toBeLessThan(8.1);
  });

  it('a lower threshold and a longer window find more', async () => {
    const b = (
      await get('haishu.dispatcher', `/api/decision/hotspots?${NOV}&threshold=2&recurrenceDays=40`)
    ).json();
    expect(b.grids.map((g: { gridId: string; count: number }) => [g.gridId, g.count])).toEqual([
      [grids.g0, 3],
      [grids.g1, 2],
    ]);
    expect(
      b.recurrences.map((r: { earlier: { code: string }; later: { code: string } }) => [
        r.earlier.code,
        r.later.code,
      ]),
    ).toEqual([
      [codes.P6, codes.P7],
      [codes.P1, codes.P3],
      [codes.P1, codes.P2],
    ]);
  });

  it('a component with three cases is a hotspot, and so is its grid', async () => {
    const b = (await get('haishu.dispatcher', '/api/decision/hotspots?from=2026-09-01&to=2026-10-01')).json();
    expect(
      b.components.map((c: { componentId: string; gridId: string; count: number; topMatterCode: string }) => [
        c.componentId,
        c.gridId,
        c.count,
        c.topMatterCode,
      ]),
    ).toEqual([[component.id, grids.c, 3, '06004']]);
    expect(b.grids.map((g: { gridId: string; count: number }) => [g.gridId, g.count])).toEqual([
      [grids.c, 3],
    ]);
    expect(b.recurrences).toEqual([]);
  });
});

describe('overdue drivers', () => {
  it('the units and the types behind overdue disposal, from the evaluation’s own rows', async () => {
    const res = await get('haishu.dispatcher', `/api/decision/overdue?${NOV}`);
    expect(res.statusCode).toBe(200);
    const b = res.json();
    // Dispatched in November: P1 P2 P3 P4 P5 P7. Overdue: P2 and P4 (open, past due), P3 (late).
    // On time: P1 P5 P7.
    expect([b.totalDue, b.totalOverdue, b.totalOnTime]).toEqual([6, 3, 3]);
    expect(b.units).toEqual([
      {
        key: units.U,
        label: '海曙区环境卫生管理处',
        overdue: 2,
        share: 2 / 3,
        due: 5,
        onTime: 3,
        onTimeRate: 3 / 5,
      },
      {
        key: units.G,
        label: '海曙区园林绿化管理中心',
        overdue: 1,
        share: 1 / 3,
        due: 1,
        onTime: 0,
        onTimeRate: 0,
      },
    ]);
    expect(b.types).toEqual([
      {
        key: '06002',
        label: '06002 店面无证装修',
        overdue: 2,
        share: 2 / 3,
        due: 5,
        onTime: 3,
        onTimeRate: 3 / 5,
      },
      {
        key: '09001',
        label: '09001 无照经营游商',
        overdue: 1,
        share: 1 / 3,
        due: 1,
        onTime: 0,
        onTimeRate: 0,
      },
    ]);
    expect(b.definitions.overdue.zh).toContain('超期');
    // One family only (06, 街面秩序…): the 06002 cases, all of them the sanitation unit's.
    const fam = await get('haishu.dispatcher', `/api/decision/overdue?${NOV}&family=06`);
    expect(fam.statusCode, fam.body).toBe(200);
    const f = fam.json();
    expect([f.totalDue, f.totalOverdue, f.totalOnTime]).toEqual([5, 2, 3]);
    expect(f.units.map((u: { key: string }) => u.key)).toEqual([units.U]);
    expect(f.types.map((x: { key: string }) => x.key)).toEqual(['06002']);
  });

  it('agrees with the evaluation’s figures for the unit', async () => {
    const ev = (await get('haishu.dispatcher', `/api/evaluation/figures?subjectType=unit&${NOV}`)).json();
    const u = ev.subjects.find((s: { subject: string }) => s.subject === units.U);
    const fig = (k: string) => u.figures.find((f: { indicator: string }) => f.indicator === k);
    expect([fig('overdueDisposalRate').numerator, fig('overdueDisposalRate').denominator]).toEqual([2, 5]);
    expect(fig('onTimeDisposalRate').numerator).toBe(3);
  });
});

describe('heat map', () => {
  it('counts the cases of the period in cells', async () => {
    const res = await get('haishu.dispatcher', `/api/decision/heat?${NOV}`);
    expect(res.statusCode).toBe(200);
    const b = res.json();
    expect(b.precision).toBe(3);
    expect(b.total).toBe(6);
    expect(b.max).toBe(3);
    expect(b.cells.map((c: { count: number }) => c.count)).toEqual([3, 2, 1]);
    const p = await pointIn(t, '330203', G.g0);
    expect(b.cells[0].lng).toBeCloseTo(p.lng, 3);
    expect(b.cells[0].lat).toBeCloseTo(p.lat, 3);
    const city = (await get('city.leader', `/api/decision/heat?${NOV}`)).json();
    expect(city.total).toBe(7);
  });
});

describe('who may read it', () => {
  it('a district asking for another district gets 404; a unit 403; an acceptor 403', async () => {
    for (const path of ['trends', 'hotspots', 'overdue', 'heat']) {
      const other = await get('haishu.dispatcher', `/api/decision/${path}?${NOV}&districtCode=330205`);
      expect(other.statusCode, path).toBe(404);
      const own = await get('haishu.dispatcher', `/api/decision/${path}?${NOV}&districtCode=330203`);
      expect(own.statusCode, path).toBe(200);
      expect((await get('unit.haishu-sanitation', `/api/decision/${path}?${NOV}`)).statusCode, path).toBe(
        403,
      );
      expect((await get('haishu.acceptor', `/api/decision/${path}?${NOV}`)).statusCode, path).toBe(403);
    }
    const jb = (
      await get('city.leader', `/api/decision/trends?${NOV}&districtCode=330205&by=district`)
    ).json();
    expect(jb.series.map((s: { key: string }) => s.key)).toEqual(['330205']);
  });

  it('bad periods, families and districts are 400 naming the field, in both languages', async () => {
    const cases: [string, string][] = [
      ['from=2026-11-10&to=2026-11-10', 'querystring.to'],
      ['from=2026-11-10&to=2026-11-01', 'querystring.to'],
      ['from=2025-01-01&to=2026-02-06', 'querystring.to'],
      [`${NOV}&family=42`, 'querystring.family'],
      [`${NOV}&districtCode=330299`, 'querystring.districtCode'],
      [`${NOV}&districtCode=abc`, 'querystring.districtCode'],
    ];
    for (const [query, field] of cases) {
      const res = await get('city.leader', `/api/decision/trends?${query}`);
      expect(res.statusCode, query).toBe(400);
      const body = res.json();
      expect(body.error.details[0].field, query).toBe(field);
    }
    const en = await t
      .as(await t.login('city.leader'))
      .get(`/api/decision/heat?${NOV}&family=42`, { 'accept-language': 'en-US,en;q=0.9' });
    expect(en.statusCode).toBe(400);
    expect(en.json().error.message).toBe('No such matter-type family: 42');
    const zh = await get('city.leader', `/api/decision/heat?${NOV}&family=42`);
    expect(zh.json().error.message).toBe('没有这个事项大类：42');
  });
});
