/**
 * Early warning (预警, issue 11 item 6) on a hand-built history. Four real reports (through the
 * API) are the templates; copies of them are placed in the windows the rule reads — the current
 * week (now − 7 days, now] and the eight weeks before it — by their reported time, 3½ days into
 * each week:
 *
 *   H1 海曙 grid A, 事件 06   weeks 8…1: 3 3 3 3 3 3 3 4 (25: mean 3.125)   this week: 12
 *   H2 海曙 grid B, 事件 06   10 every week, this week too (flat)
 *   J1 江北 grid C, 事件 06   6 every week, this week too (flat)
 *   J2 江北 grid D, 事件 06   later: 0 before, 9 this week
 *
 * With the default rule (Poisson, α = 0.001, at least 5 cases): the flat history raises nothing;
 * grid A raises exactly one warning — 12 against 3.125, P(X ≥ 12 | 3.125) = 1.04e-4 — while 海曙
 * as a whole does not (22 against 13.125: P = 0.016). Grid D's 9 against nothing (the baseline
 * floored at 0.5: P = 3.4e-9) is 江北's warning, and 江北 as a whole is not (15 against 6:
 * P = 0.0014). A unit with three overdue disposals out of three is an overdue risk.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { dispatchCase, pointIn } from '../support/cases.ts';

let t: TestApp;
const grids: Record<string, string> = {};
const templates: Record<string, string> = {};
const MATTER = '06002';

async function report(who: string, district: string, index: number): Promise<{ id: string; gridId: string }> {
  const p = await pointIn(t, district, index);
  const res = await t.as(await t.login(who)).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'hotline',
    reporter: { name: '张先生', phone: '13800000000' },
    description: `预警测试模板 ${district}-${index}`,
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    matterCode: MATTER,
  });
  if (res.statusCode !== 201) throw new Error(`report: ${res.statusCode} ${res.body}`);
  return { id: res.json().case.id as string, gridId: p.gridId };
}

let copySeq = 0;
/**
 * `n` copies of the template case reported in week `week` (0: the current week) — 3½ days into it,
 * a minute apart — as cases in state `reported`.
 */
async function place(template: string, week: number, n: number) {
  if (n === 0) return;
  const [{ cols }] = await t.database.query<{ cols: string }>(sql`
    SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) AS cols
    FROM information_schema.columns
    WHERE table_name = 'case_file' AND table_schema = current_schema()
      AND column_name NOT IN ('id', 'code', 'created_at', 'state')`);
  const seq = ++copySeq;
  await t.database.query(sql`
    INSERT INTO case_file (${sql.raw(cols)}, code, created_at, state)
    SELECT ${sql.raw(cols)}, code || '-w' || ${seq}::text || '-' || g::text,
           now() - interval '1 day' * (${week} * 7 + 3.5) - interval '1 minute' * g, 'reported'
    FROM case_file, generate_series(1, ${n}) g WHERE id = ${template}`);
}

const run = async (who = 'city.leader') => {
  const res = await t.as(await t.login(who)).post('/api/warnings/run');
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { raised: number; updated: number; resolved: number; open: number };
};
const list = async (who: string, query = '') => {
  const res = await t.as(await t.login(who)).get(`/api/warnings${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as {
    id: string;
    kind: string;
    subjectType: string;
    subjectId: string;
    districtCode: string;
    family: string | null;
    observed: number;
    baseline: number;
    state: string;
    rule: { method: string; pValue?: number; alpha?: number; ewma?: number; limit?: number };
    explanation: { zh: string; en: string };
  }[];
};

beforeAll(async () => {
  t = await createTestApp();
  for (const [key, who, district, index] of [
    ['H1', 'haishu.acceptor', '330203', 3],
    ['H2', 'haishu.acceptor', '330203', 9],
    ['J1', 'jiangbei.acceptor', '330205', 3],
    ['J2', 'jiangbei.acceptor', '330205', 9],
  ] as const) {
    const r = await report(who, district, index);
    templates[key] = r.id;
    grids[key] = r.gridId;
  }
  // The templates themselves do not count: rejected reports are no problem.
  await t.database.query(
    sql`UPDATE case_file SET state = 'rejected' WHERE id IN (${sql.join(
      Object.values(templates).map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  for (let week = 0; week <= 8; week++) {
    await place(templates.H2, week, 10);
    await place(templates.J1, week, 6);
  }
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('early warning', () => {
  it('raises nothing on a flat history', async () => {
    const r = await run();
    expect(r).toMatchObject({ raised: 0, open: 0 });
    expect(await list('city.leader')).toEqual([]);
  });

  it('raises exactly one warning for a spike in one grid × family, with its baseline and rule', async () => {
    const history = [12, 4, 3, 3, 3, 3, 3, 3, 3]; // week 0 (current), then weeks 1…8
    for (const [week, n] of history.entries()) await place(templates.H1, week, n);
    const r = await run();
    expect(r).toMatchObject({ raised: 1, updated: 0, resolved: 0, open: 1 });
    const items = await list('city.leader');
    expect(items).toHaveLength(1);
    const [w] = items;
    expect(w).toMatchObject({
      kind: 'rise',
      subjectType: 'grid',
      subjectId: grids.H1,
      districtCode: '330203',
      family: 'matter:06',
      observed: 12,
      baseline: 3.125,
      state: 'open',
    });
    expect(w.rule.method).toBe('poisson');
    expect(w.rule.alpha).toBe(0.001);
    // scipy.stats.poisson.sf(11, 3.125)
    expect(w.rule.pValue).toBeCloseTo(0.00010405518562827964, 12);
    expect(w.explanation.zh).toContain('近7日 12 起，前8周周均 3.1 起，泊松上尾概率 0.0001 < 0.001');
    expect(w.explanation.en).toContain(
      '12 cases in the last 7 days against a weekly mean of 3.1 over the previous 8 weeks; Poisson upper-tail probability 0.0001 < 0.001',
    );
  });

  it('does not repeat a warning on a rerun: it is updated', async () => {
    const [before] = await list('city.leader');
    const r = await run();
    expect(r).toMatchObject({ raised: 0, updated: 1, resolved: 0 });
    const after = await list('city.leader');
    expect(after).toHaveLength(1);
    expect(after[0].id).toBe(before.id);
    const [{ n }] = await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM warning`);
    expect(n).toBe(1);
  });

  it("puts the new warning in the city leader's and 海曙's shift leader's inboxes, once", async () => {
    const [w] = await list('city.leader');
    for (const who of ['city.leader', 'haishu.shift_leader']) {
      const inbox = (await t.as(await t.login(who)).get('/api/notifications?pageSize=50')).json();
      const notices = inbox.items.filter((n: { kind: string }) => n.kind === 'warning.raised');
      expect(notices, who).toHaveLength(1);
      expect(notices[0].params.warningId).toBe(w.id);
      expect(notices[0].params.text.zh).toContain('泊松上尾概率 0.0001 < 0.001');
    }
    const jb = (
      await t.as(await t.login('jiangbei.shift_leader')).get('/api/notifications?pageSize=50')
    ).json();
    expect(jb.items.filter((n: { kind: string }) => n.kind === 'warning.raised')).toHaveLength(0);
  });

  it("keeps a district to its own warnings: 海曙 cannot see nor acknowledge 江北's", async () => {
    for (const [week, n] of [[0, 9]] as const) await place(templates.J2, week, n);
    const r = await run();
    expect(r.raised).toBe(1);
    const all = await list('city.leader');
    expect(all.map((w) => w.districtCode).sort()).toEqual(['330203', '330205']);
    const jbWarning = all.find((w) => w.districtCode === '330205')!;
    expect(jbWarning).toMatchObject({ subjectId: grids.J2, observed: 9, baseline: 0 });

    const hs = await list('haishu.shift_leader');
    expect(hs.map((w) => w.districtCode)).toEqual(['330203']);
    expect(await list('haishu.dispatcher', '?districtCode=330205')).toEqual([]);
    expect((await list('jiangbei.dispatcher')).map((w) => w.districtCode)).toEqual(['330205']);
    const ack = await t
      .as(await t.login('haishu.shift_leader'))
      .post(`/api/warnings/${jbWarning.id}/acknowledge`);
    expect(ack.statusCode).toBe(404);
  });

  it('acknowledges a warning; a rerun keeps it acknowledged and does not repeat it', async () => {
    const [w] = await list('haishu.shift_leader');
    const res = await t.as(await t.login('haishu.shift_leader')).post(`/api/warnings/${w.id}/acknowledge`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().state).toBe('acknowledged');
    const again = await t.as(await t.login('haishu.shift_leader')).post(`/api/warnings/${w.id}/acknowledge`);
    expect(again.statusCode).toBe(200);
    expect((await run()).raised).toBe(0);
    const [still] = await list('haishu.shift_leader');
    expect(still).toMatchObject({ id: w.id, state: 'acknowledged' });
    expect(await list('haishu.shift_leader', '?state=open')).toEqual([]);
  });

  it('resolves a warning the next run no longer finds; acknowledging it then is 409', async () => {
    await t.database.query(sql`UPDATE case_file SET state = 'rejected'
      WHERE grid_id = ${grids.J2} AND created_at > now() - interval '7 days'`);
    const r = await run();
    expect(r.resolved).toBe(1);
    const resolved = await list('city.leader', '?state=resolved');
    expect(resolved.map((w) => w.subjectId)).toEqual([grids.J2]);
    const res = await t.as(await t.login('city.leader')).post(`/api/warnings/${resolved[0].id}/acknowledge`);
    expect(res.statusCode).toBe(409);
  });

  it('takes its sensitivity from the settings: a higher minimum count silences the spike', async () => {
    const admin = await t.login('admin');
    const current = (await t.as(admin).get('/api/settings/warning.rules')).json();
    const put = await t.as(admin).put('/api/settings/warning.rules', {
      value: { ...current.value, minCount: 13 },
      version: current.version,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect((await run()).resolved).toBe(1);
    expect(await list('city.leader')).toEqual([]);
    const back = (await t.as(admin).get('/api/settings/warning.rules')).json();
    const restore = await t.as(admin).put('/api/settings/warning.rules', {
      value: { ...back.value, minCount: 5 },
      version: back.version,
    });
    expect(restore.statusCode, restore.body).toBe(200);
    // A resolved warning that rises again is a new warning (and a new notice).
    expect((await run()).raised).toBe(1);
  });

  it('judges by the EWMA when the settings say so, over the same grouped counts', async () => {
    const admin = await t.login('admin');
    const current = (await t.as(admin).get('/api/settings/warning.rules')).json();
    const put = await t.as(admin).put('/api/settings/warning.rules', {
      value: { ...current.value, method: 'ewma' },
      version: current.version,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect((await run()).raised).toBe(0);
    const [w] = await list('city.leader', `?subjectType=grid&districtCode=330203`);
    // Weeks 8…1 then this one: 3 3 3 3 3 3 3 4 12, started at their mean 3.125, weight 0.3.
    let z = 3.125;
    for (const x of [3, 3, 3, 3, 3, 3, 3, 4, 12]) z = 0.3 * x + 0.7 * z;
    const limit = 3.125 + 3 * Math.sqrt(3.125) * Math.sqrt((0.3 / 1.7) * (1 - 0.7 ** 18));
    expect(w.rule).toMatchObject({ method: 'ewma', ewmaWeight: 0.3, ewmaMultiplier: 3 });
    expect(w.rule.ewma).toBeCloseTo(z, 9);
    expect(w.rule.limit).toBeCloseTo(limit, 9);
    expect(w.explanation.zh).toContain(`EWMA ${Number(z.toFixed(2))} > 控制上限 ${Number(limit.toFixed(2))}`);
    const back = (await t.as(admin).get('/api/settings/warning.rules')).json();
    await t.as(admin).put('/api/settings/warning.rules', {
      value: { ...back.value, method: 'poisson' },
      version: back.version,
    });
  });

  it("warns of a unit whose disposals are overdue, in the district's scope", async () => {
    const unit = (await t.as(await t.login('admin')).get('/api/orgs?kind=unit&pageSize=200')).json();
    const sanitation = unit.items.find((o: { name: string }) => o.name === '海曙区环境卫生管理处');
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await dispatchCase(t, sanitation.id, 20 + i));
    const idList = sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    );
    // Reported long before the weeks the rises read; their disposal due an hour ago.
    await t.database.query(
      sql`UPDATE case_file SET created_at = now() - interval '200 days' WHERE id IN (${idList})`,
    );
    await t.database.query(sql`UPDATE case_stage SET due_at = now() - interval '1 hour'
      WHERE stage = 'dispose' AND stopped_at IS NULL AND case_id IN (${idList})`);
    expect((await run()).raised).toBe(1);
    const risks = await list('haishu.shift_leader', '?kind=overdue_risk');
    expect(risks).toHaveLength(1);
    expect(risks[0]).toMatchObject({
      subjectType: 'unit',
      subjectId: sanitation.id,
      observed: 3,
      baseline: 3,
    });
    expect(risks[0].explanation.zh).toContain('已超期 3 件');
    expect(await list('jiangbei.shift_leader', '?kind=overdue_risk')).toEqual([]);
  });

  it('refuses units (403), districts running the computation (403) and bad input (400)', async () => {
    const unit = await t.login('unit.haishu-sanitation');
    expect((await t.as(unit).get('/api/warnings')).statusCode).toBe(403);
    expect((await t.as(unit).post('/api/warnings/run')).statusCode).toBe(403);
    const acceptor = await t.login('haishu.acceptor');
    expect((await t.as(acceptor).get('/api/warnings')).statusCode).toBe(403);
    expect((await t.as(await t.login('haishu.shift_leader')).post('/api/warnings/run')).statusCode).toBe(403);
    const leader = await t.login('city.leader');
    for (const q of ['?kind=bogus', '?state=closed', '?districtCode=33', '?pageSize=0', '?color=red']) {
      const res = await t.as(leader).get(`/api/warnings${q}`);
      expect(res.statusCode, q).toBe(400);
    }
    const bad = await t.as(leader).post('/api/warnings/not-a-uuid/acknowledge');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toContain('id');
    const missing = await t.as(leader).post(`/api/warnings/${randomUUID()}/acknowledge`);
    expect(missing.statusCode).toBe(404);
  });
});
