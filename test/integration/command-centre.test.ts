/**
 * The command centre's desk: the workbench (`GET /api/workbench`), the case list's sort, China-day
 * date ranges and lights, saved filters, batch urging and the .xlsx export. Cases are written
 * straight into the table in known situations (state, district, unit, deadline light, the day
 * they were reported / filed / dispatched / closed), so every number has an expected value the
 * test computes from the situations, and each is also compared with the list API it stands for.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHINA_OFFSET_MS, chinaDate, chinaInstant } from '../../common/calendar/index.ts';
import type { CaseState } from '../../common/workflow.ts';
import { caseFile } from '../../server/modules/cases/tables.ts';
import en from '../../web/src/locales/en-US.json' with { type: 'json' };
import zh from '../../web/src/locales/zh-CN.json' with { type: 'json' };
import { createTestApp, type TestApp } from '../support/app.ts';
import { pointIn } from '../support/cases.ts';

let t: TestApp;
let sanitation: string;
const tag = `CC${Date.now().toString(36)}`;

type Light = 'green' | 'yellow' | 'red' | null;
type Day = 'today' | 'yesterday' | 'midnight' | 'before-midnight';
interface Situation {
  state: CaseState;
  district?: '330203' | '330205' | '330206';
  caseLevel?: 'district' | 'city';
  checkResult?: 'pass' | 'fail';
  unit?: boolean;
  light?: Light;
  created?: Day;
  filed?: Day;
  dispatched?: Day;
  closed?: Day;
}

const SITUATIONS: Record<string, Situation> = {
  A: { state: 'reported', light: 'green', created: 'today' },
  B: { state: 'reported', light: 'red', created: 'midnight' },
  C: { state: 'pending_filing', light: 'yellow', created: 'before-midnight' },
  D: { state: 'pending_dispatch', light: 'red', created: 'yesterday', filed: 'today' },
  E: {
    state: 'dispatched',
    unit: true,
    light: 'yellow',
    created: 'yesterday',
    filed: 'yesterday',
    dispatched: 'today',
  },
  F: {
    state: 'in_progress',
    unit: true,
    light: 'green',
    created: 'yesterday',
    filed: 'yesterday',
    dispatched: 'yesterday',
  },
  G: {
    state: 'closed',
    unit: true,
    created: 'yesterday',
    filed: 'yesterday',
    dispatched: 'yesterday',
    closed: 'today',
  },
  H: {
    state: 'closed',
    unit: true,
    created: 'yesterday',
    filed: 'yesterday',
    dispatched: 'yesterday',
    closed: 'yesterday',
  },
  I: {
    state: 'pending_close',
    checkResult: 'pass',
    unit: true,
    light: 'red',
    created: 'yesterday',
    filed: 'yesterday',
  },
  J: { state: 'escalated', caseLevel: 'city', light: 'yellow', created: 'today', filed: 'today' },
  T: { state: 'pending_dispatch', district: '330205', light: 'red', created: 'today', filed: 'today' },
  U: { state: 'reported', district: '330205', light: 'green', created: 'today' },
};

/** The queues each account holds, and which letters wait in each (haishu unless named). */
const QUEUES: Record<string, Record<string, string>> = {
  'haishu.acceptor': { acceptor: 'A B' },
  'haishu.shift_leader': { shift_leader: 'C I' },
  'haishu.dispatcher': { dispatcher: 'D' },
  'unit.haishu-sanitation': { unit_handler: 'E F' },
  'city.dispatcher': { dispatcher: 'J' },
  'jiangbei.dispatcher': { dispatcher: 'T' },
};

const now = new Date();
const todayStart = chinaInstant(chinaDate(now));
const yesterday = chinaDate(new Date(todayStart.getTime() - 1));
const dayAt: Record<Day, Date> = {
  today: new Date(Math.max(todayStart.getTime(), now.getTime() - 60_000)),
  midnight: todayStart,
  'before-midnight': new Date(todayStart.getTime() - 1),
  yesterday: new Date(todayStart.getTime() - 10 * 3_600_000),
};
const onToday = (d?: Day) => d === 'today' || d === 'midnight';

/** Deadline columns that give each light now. */
function clock(light: Light) {
  const h = 3_600_000;
  const n = now.getTime();
  if (!light) return {};
  const [start, warn, due] =
    light === 'red'
      ? [n - 10 * h, n - 3 * h, n - h]
      : light === 'yellow'
        ? [n - 8 * h, n - h, n + 2 * h]
        : [n - h, n + 6 * h, n + 8 * h];
  return {
    currentStage: 'dispose',
    currentStartedAt: new Date(start),
    currentWarnAt: new Date(warn),
    currentDueAt: new Date(due),
    currentLimitUnit: 'urgent_hour',
  };
}

const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp({ exportMaxRows: 40 });
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  sanitation = orgs.find((o) => o.name === '海曙区环境卫生管理处')!.id;
  const places = {
    '330203': await pointIn(t, '330203', 3),
    '330205': await pointIn(t, '330205', 3),
    '330206': await pointIn(t, '330206', 3),
  };
  const row = (code: string, s: Situation) => {
    const d = s.district ?? '330203';
    const p = places[d];
    return {
      id: randomUUID(),
      code,
      state: s.state,
      channel: 'hotline' as const,
      description: `工作台测试 ${code}`,
      lng: p.lng,
      lat: p.lat,
      gridId: p.gridId,
      communityCode: p.gridId.slice(0, 12),
      townshipCode: p.gridId.slice(0, 9),
      districtCode: d,
      areaClass: 'B' as const,
      matterKind: 'matter' as const,
      matterCode: '06001',
      caseLevel: s.caseLevel ?? 'district',
      checkResult: s.checkResult ?? null,
      unitId: s.unit ? sanitation : null,
      createdBy: 'test',
      createdAt: dayAt[s.created ?? 'yesterday'],
      filedAt: s.filed ? dayAt[s.filed] : null,
      dispatchedAt: s.dispatched ? dayAt[s.dispatched] : null,
      closedAt: s.closed ? dayAt[s.closed] : null,
      ...clock(s.light ?? null),
    };
  };
  for (const [letter, s] of Object.entries(SITUATIONS)) {
    const r = row(`${s.district ?? '330203'}-${tag}-${letter}`, s);
    ids[letter] = r.id;
    await t.app.db.insert(caseFile).values(r);
  }
  // Closed cases of another district, to push the city's list past the export limit (40).
  const filler = Array.from({ length: 45 }, (_, i) =>
    row(`330206-${tag}-Z${String(i).padStart(2, '0')}`, {
      state: 'closed',
      district: '330206',
      closed: 'yesterday',
    }),
  );
  await t.app.db.insert(caseFile).values(filler);
});
afterAll(async () => t?.close());

const letters = (s: string) => (s ? s.split(' ') : []);
const inDistrict = (d: string) =>
  Object.entries(SITUATIONS).filter(([, s]) => (s.district ?? '330203') === d);

async function total(token: string, query: string) {
  const res = await t.as(token).get(`/api/cases?${query}&pageSize=1`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().total as number;
}

describe('workbench', () => {
  it.each(Object.entries(QUEUES))(
    '%s: each queue equals the queue API and the situations',
    async (user, queues) => {
      const token = await t.login(user);
      const res = await t.as(token).get('/api/workbench');
      expect(res.statusCode, res.body).toBe(200);
      const wb = res.json();
      expect(wb.queues.map((q: { role: string }) => q.role)).toEqual(Object.keys(queues));
      for (const q of wb.queues as {
        role: string;
        total: number;
        overdue: number;
        warning: number;
        actions: string[];
      }[]) {
        const expected = letters(queues[q.role]);
        const lightOf = (l: string) => expected.filter((x) => SITUATIONS[x].light === l).length;
        expect(q, user).toMatchObject({
          total: expected.length,
          overdue: lightOf('red'),
          warning: lightOf('yellow'),
        });
        expect(q.total).toBe(await total(token, `view=mine&queue=${q.role}`));
        expect(q.total).toBe(await total(token, 'view=mine'));
        expect(q.overdue).toBe(await total(token, `view=mine&queue=${q.role}&light=red`));
        expect(q.warning).toBe(await total(token, `view=mine&queue=${q.role}&light=yellow`));
        expect(q.actions.length).toBeGreaterThan(0);
      }
    },
  );

  it("counts today's numbers of the caller's scope in China days, a district only its own", async () => {
    for (const [user, pick] of [
      ['haishu.dispatcher', inDistrict('330203')],
      ['jiangbei.dispatcher', inDistrict('330205')],
      ['unit.haishu-sanitation', Object.entries(SITUATIONS).filter(([, s]) => s.unit)],
    ] as const) {
      const token = await t.login(user);
      const wb = (await t.as(token).get('/api/workbench')).json();
      const count = (f: (s: Situation) => boolean) => pick.filter(([, s]) => f(s)).length;
      expect(wb.today, user).toEqual({
        date: chinaDate(now),
        reported: count((s) => onToday(s.created)),
        filed: count((s) => onToday(s.filed)),
        dispatched: count((s) => onToday(s.dispatched)),
        closed: count((s) => onToday(s.closed)),
        overdue: count((s) => s.light === 'red'),
      });
      // The same numbers through the list: its date range is the China day.
      const today = chinaDate(now);
      for (const [field, key] of [
        ['createdAt', 'reported'],
        ['filedAt', 'filed'],
        ['dispatchedAt', 'dispatched'],
        ['closedAt', 'closed'],
      ] as const) {
        expect(await total(token, `view=all&dateField=${field}&dateFrom=${today}&dateTo=${today}`)).toBe(
          wb.today[key],
        );
      }
      expect(await total(token, 'view=all&light=red')).toBe(wb.today.overdue);
    }
  });

  it('gives a supervisor the day without queues; refuses the anonymous', async () => {
    const wb = (await t.as(await t.login('city.supervisor')).get('/api/workbench')).json();
    expect(wb.queues).toEqual([]);
    expect(wb.today.overdue).toBe(Object.values(SITUATIONS).filter((s) => s.light === 'red').length);
    expect((await t.as(null).get('/api/workbench')).statusCode).toBe(401);
  });
});

describe('case list', () => {
  const codesOf = async (token: string, query: string) => {
    const res = await t.as(token).get(`/api/cases?view=all&q=${tag}&pageSize=100&${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as { code: string }[]).map((c) => c.code.split('-').at(-1)!);
  };

  it('takes % and _ in the search literally (no case is matched by a wildcard)', async () => {
    const token = await t.login('haishu.dispatcher');
    const all = (await t.as(token).get(`/api/cases?view=all&q=${tag}&pageSize=100`)).json().total as number;
    expect(all).toBeGreaterThan(0);
    for (const q of ['%', '_', '%25', `${tag.slice(0, 2)}_${tag.slice(3)}`]) {
      const res = await t.as(token).get(`/api/cases?view=all&q=${encodeURIComponent(q)}&pageSize=100`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().total, q).toBe(0);
    }
  });

  it('sorts on the server both ways, empty values last either way', async () => {
    const token = await t.login('haishu.dispatcher');
    const asc = await codesOf(token, 'sort=code&order=asc');
    expect(asc).toEqual(
      inDistrict('330203')
        .map(([l]) => l)
        .sort(),
    );
    expect(await codesOf(token, 'sort=code&order=desc')).toEqual([...asc].reverse());
    const filedAsc = await codesOf(token, 'sort=filedAt&order=asc');
    const filedDesc = await codesOf(token, 'sort=filedAt&order=desc');
    const unfiled = inDistrict('330203')
      .filter(([, s]) => !s.filed)
      .map(([l]) => l);
    expect(filedAsc.slice(-unfiled.length).sort()).toEqual(unfiled.sort());
    expect(filedDesc.slice(-unfiled.length).sort()).toEqual(unfiled.sort());
    expect(filedAsc[0]).not.toBe(filedDesc[0]);
    const created = await codesOf(token, 'sort=createdAt&order=asc');
    expect(created.indexOf('C')).toBeLessThan(created.indexOf('B')); // 23:59:59.999 before 00:00
    const bad = await t.as(token).get('/api/cases?sort=description');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toContain('sort');
  });

  it('filters by China days, both ends included; refuses an inverted or impossible range', async () => {
    const token = await t.login('haishu.dispatcher');
    const y = await codesOf(token, `dateFrom=${yesterday}&dateTo=${yesterday}`);
    expect(y.sort()).toEqual(
      inDistrict('330203')
        .filter(([, s]) => !onToday(s.created ?? 'yesterday'))
        .map(([l]) => l)
        .sort(),
    );
    expect(y).toContain('C'); // 23:59:59.999 China time is still yesterday
    expect(y).not.toContain('B'); // 00:00 is today
    const both = await codesOf(token, `dateFrom=${yesterday}&dateTo=${chinaDate(now)}`);
    expect(both.length).toBe(inDistrict('330203').length);
    const inverted = await t.as(token).get(`/api/cases?dateFrom=${chinaDate(now)}&dateTo=${yesterday}`);
    expect(inverted.statusCode).toBe(400);
    expect(inverted.json().error.message).toBe('结束日期早于开始日期');
    const en = await t.as(token).get(`/api/cases?dateFrom=${chinaDate(now)}&dateTo=${yesterday}`, {
      'accept-language': 'en',
    });
    expect(en.json().error.message).toBe('The end date is before the start date');
    expect((await t.as(token).get('/api/cases?dateFrom=2026-02-30')).statusCode).toBe(400);
  });

  it('filters and shows lights, the same in the list and its filter', async () => {
    const token = await t.login('haishu.dispatcher');
    for (const light of ['red', 'yellow', 'green'] as const) {
      const res = (await t.as(token).get(`/api/cases?view=all&q=${tag}&light=${light}&pageSize=100`)).json();
      const got = (res.items as { code: string; light: string }[])
        .map((c) => c.code.split('-').at(-1))
        .sort();
      expect(got, light).toEqual(
        inDistrict('330203')
          .filter(([, s]) => s.light === light)
          .map(([l]) => l)
          .sort(),
      );
      expect(res.items.every((c: { light: string }) => c.light === light)).toBe(true);
    }
  });
});

describe('saved filters', () => {
  it('belong to their owner only', async () => {
    const owner = await t.login('haishu.dispatcher');
    const other = await t.login('haishu.acceptor');
    const query = { view: 'all', light: 'red', sort: 'createdAt', order: 'desc', dateField: 'filedAt' };
    const created = await t.as(owner).post('/api/saved-filters', { name: '超时待派', query });
    expect(created.statusCode, created.body).toBe(201);
    const f = created.json();
    expect(f.query).toEqual(query);
    expect(
      (await t.as(owner).get('/api/saved-filters')).json().items.map((x: { id: string }) => x.id),
    ).toEqual([f.id]);
    expect((await t.as(other).get('/api/saved-filters')).json().items).toEqual([]);
    expect(
      (await t.as(other).put(`/api/saved-filters/${f.id}`, { name: '偷改', query: {} })).statusCode,
    ).toBe(404);
    expect((await t.as(other).delete(`/api/saved-filters/${f.id}`)).statusCode).toBe(404);
    // The other's own filter of the same name is theirs; a second of the owner's is a duplicate.
    expect((await t.as(other).post('/api/saved-filters', { name: '超时待派', query: {} })).statusCode).toBe(
      201,
    );
    const dup = await t.as(owner).post('/api/saved-filters', { name: '超时待派', query: {} });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.message).toContain('超时待派');
    const bad = await t.as(owner).post('/api/saved-filters', { name: 'x', query: { sort: 'password' } });
    expect(bad.statusCode).toBe(400);
    const renamed = await t
      .as(owner)
      .put(`/api/saved-filters/${f.id}`, { name: '超时', query: { light: 'red' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: '超时', query: { light: 'red' } });
    expect((await t.as(owner).delete(`/api/saved-filters/${f.id}`)).statusCode).toBe(204);
    expect((await t.as(owner).get('/api/saved-filters')).json().items).toEqual([]);
    const events = await t.database.query<{ action: string }>(
      sql`SELECT action FROM event WHERE entity_type = 'saved_filter' AND entity_id = ${f.id} ORDER BY id`,
    );
    expect(events.map((e) => e.action)).toEqual([
      'saved_filter.create',
      'saved_filter.update',
      'saved_filter.delete',
    ]);
  });
});

describe('saved filters obey the list', () => {
  it('refuses a query the list would refuse, naming the field, and a queue of a role the caller lacks', async () => {
    const dispatcher = await t.login('haishu.dispatcher');
    const save = (query: object, lang = 'zh-CN') =>
      t
        .as(dispatcher)
        .post('/api/saved-filters', { name: `f${randomUUID()}`, query }, { 'accept-language': lang });
    const impossible = await save({ dateFrom: '2026-02-30' });
    expect(impossible.statusCode, impossible.body).toBe(400);
    expect(impossible.json().error.message).toContain('dateFrom');
    expect(impossible.json().error.details[0].field).toBe('body.query.dateFrom');
    const inverted = await save({ dateFrom: '2026-12-31', dateTo: '2026-01-01' });
    expect(inverted.statusCode).toBe(400);
    expect(inverted.json().error.message).toBe('结束日期早于开始日期');
    expect(inverted.json().error.details[0].field).toBe('body.query.dateTo');
    const queue = await save({ view: 'mine', queue: 'admin' }, 'en');
    expect(queue.statusCode).toBe(400);
    expect(queue.json().error.message).toMatch(/^queue: you do not hold the role admin/);
    expect(queue.json().error.details[0].field).toBe('body.query.queue');
    // The list itself refuses the same queue: one rule.
    expect((await t.as(dispatcher).get('/api/cases?view=mine&queue=admin')).statusCode).toBe(400);
    const ok = await save({ view: 'mine', queue: 'dispatcher' });
    expect(ok.statusCode, ok.body).toBe(201);
    const changed = await t
      .as(dispatcher)
      .put(`/api/saved-filters/${ok.json().id}`, { name: 'x', query: { dateTo: '2026-13-01' } });
    expect(changed.statusCode).toBe(400);
    const n = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM saved_filter f JOIN app_user u ON u.id = f.owner_id WHERE u.username = 'haishu.dispatcher'`,
    );
    expect(Number(n[0].n)).toBe(1);
  });

  it('keeps at most 100 per person and lists them all', async () => {
    const token = await t.login('haishu.acceptor');
    const mine = (await t.as(token).get('/api/saved-filters')).json().items.length as number;
    for (let i = mine; i < 100; i++) {
      const r = await t.as(token).post('/api/saved-filters', { name: `第${i}个`, query: {} });
      expect(r.statusCode, r.body).toBe(201);
    }
    const over = await t.as(token).post('/api/saved-filters', { name: '第101个', query: {} });
    expect(over.statusCode).toBe(422);
    expect(over.json().error.message).toContain('最多保存 100 个筛选条件');
    expect((await t.as(token).get('/api/saved-filters')).json().items.length).toBe(100);
  });
});

describe('batch urge', () => {
  const versionOf = async (letter: string) =>
    (
      await t.database.query<{ version: number }>(
        sql`SELECT version FROM case_file WHERE id = ${ids[letter]}`,
      )
    )[0].version;

  it('urges each case through the transition table and answers for each', async () => {
    const supervisor = await t.login('city.supervisor');
    const body = {
      reason: '请加快处置',
      items: [
        { id: ids.D, version: await versionOf('D') },
        { id: ids.T, version: await versionOf('T') },
        { id: ids.G, version: await versionOf('G') }, // closed: no urging
        { id: ids.E, version: 99 }, // stale
        { id: randomUUID(), version: 1 },
      ],
    };
    const res = await t.as(supervisor).post('/api/cases/batch-urge', body);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({ urged: 2, refused: 3 });
    expect(
      r.results.map((x: { ok: boolean; error: { status: number } | null }) => x.error?.status ?? 200),
    ).toEqual([200, 200, 409, 409, 404]);
    expect(r.results[0].case.urgeCount).toBe(1);
    expect(r.results[2].error.code).toBe('WORKFLOW_ACTION_NOT_ALLOWED');
    expect(r.results[3].error.code).toBe('CONFLICT');
    const urges = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM event WHERE action = 'case.urge' AND entity_id IN (${ids.D}, ${ids.T})`,
    );
    expect(Number(urges[0].n)).toBe(2);
  });

  it('asks for a reason in words a person reads when it is blank', async () => {
    const supervisor = await t.login('city.supervisor');
    // A zero-width space (or any format character) alone is as blank as spaces.
    for (const reason of ['', '   ', '\u200b', ' \u200b\u200d\ufeff ', '\u2060']) {
      const body = { reason, items: [{ id: ids.D, version: await versionOf('D') }] };
      const zhRes = await t.as(supervisor).post('/api/cases/batch-urge', body);
      expect(zhRes.statusCode).toBe(400);
      expect(zhRes.json().error.details).toEqual([
        expect.objectContaining({ field: 'body.reason', message: '请填写督办理由（不超过 1000 字）' }),
      ]);
      const enRes = await t.as(supervisor).post('/api/cases/batch-urge', body, { 'accept-language': 'en' });
      expect(enRes.json().error.details[0].message).toBe(
        'Enter a reason for urging (at most 1000 characters)',
      );
    }
  });

  it("refuses a role that may not urge, and answers per case in the caller's language", async () => {
    const dispatcher = await t.login('haishu.dispatcher');
    const refused = await t.as(dispatcher).post('/api/cases/batch-urge', {
      reason: '催办',
      items: [{ id: ids.D, version: await versionOf('D') }],
    });
    expect(refused.statusCode).toBe(403);
    expect(await versionOf('D')).toBe(2);

    // Supervisors are the city's (the org kind rule): per case, the transition table and the
    // case's state answer, in the caller's language.
    const supervisor = await t.login('city.supervisor');
    const res = await t.as(supervisor).post(
      '/api/cases/batch-urge',
      {
        reason: 'Hurry up',
        items: [
          { id: ids.F, version: await versionOf('F') },
          { id: ids.H, version: await versionOf('H') },
        ],
      },
      { 'accept-language': 'en' },
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().results.map((x: { ok: boolean }) => x.ok)).toEqual([true, false]);
    expect(res.json().results[1].error).toMatchObject({ status: 409, code: 'WORKFLOW_ACTION_NOT_ALLOWED' });
    expect(res.json().results[1].error.message).toMatch(/not allowed/);
    // A unit handler may not urge either: the whole request is refused, nothing written.
    const unit = await t.login('unit.haishu-sanitation');
    const byUnit = await t.as(unit).post('/api/cases/batch-urge', {
      reason: '催办',
      items: [{ id: ids.F, version: await versionOf('F') }],
    });
    expect(byUnit.statusCode).toBe(403);
    expect(await versionOf('F')).toBe(2);
  });
});

describe('export', () => {
  const load = async (body: Buffer) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(body as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0];
    const rows: unknown[][] = [];
    sheet.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    return rows;
  };
  const china = (iso: string | null) =>
    iso ? new Date(new Date(iso).getTime() + CHINA_OFFSET_MS).toISOString() : null;

  it('holds the rows of the list, in its order, Chinese headers and China times', async () => {
    const token = await t.login('haishu.dispatcher');
    const query = `view=all&q=${tag}&sort=createdAt&order=desc`;
    const before = (
      await t.database.query<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM event WHERE action = 'case.export'`,
      )
    )[0].n;
    const res = await t.as(token).get(`/api/cases/export?${query}`);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="cases-\d{12}\.xlsx"/);
    const rows = await load(res.rawPayload);
    const list = (await t.as(token).get(`/api/cases?${query}&pageSize=200`)).json().items as {
      code: string;
      state: string;
      light: string | null;
      createdAt: string;
      filedAt: string | null;
      closedAt: string | null;
      dispatchedAt: string | null;
      currentDueAt: string | null;
    }[];
    const col = zh.case.export.col;
    expect(rows[0]).toEqual([
      col.code,
      col.state,
      col.light,
      col.matter,
      col.description,
      col.address,
      col.district,
      col.township,
      col.community,
      col.grid,
      col.channel,
      col.stage,
      col.unit,
      col.dueAt,
      col.urgeCount,
      col.createdAt,
      col.filedAt,
      col.dispatchedAt,
      col.closedAt,
    ]);
    expect(rows.length - 1).toBe(list.length);
    const cell = (v: unknown) => (v instanceof Date ? v.toISOString() : (v ?? null));
    list.forEach((c, i) => {
      const r = rows[i + 1];
      expect(r[0]).toBe(c.code);
      expect(r[1]).toBe(zh.case.state[c.state as keyof typeof zh.case.state]);
      expect(r[2] ?? null).toBe(c.light ? zh.case.light[c.light as 'red'] : null);
      expect(r[6]).toBe('海曙区');
      expect(cell(r[13])).toBe(china(c.currentDueAt));
      expect(cell(r[15])).toBe(china(c.createdAt));
      expect(cell(r[16])).toBe(china(c.filedAt));
      expect(cell(r[17])).toBe(china(c.dispatchedAt));
      expect(cell(r[18])).toBe(china(c.closedAt));
    });
    // A case reported at 00:00 China time reads 00:00 in the workbook.
    const b = rows.find((r) => String(r[0]).endsWith('-B'))!;
    expect((b[15] as Date).toISOString().slice(11, 19)).toBe('00:00:00');
    const after = await t.database.query<{ n: number; after: unknown }>(
      sql`SELECT count(*)::int AS n FROM event WHERE action = 'case.export'`,
    );
    expect(after[0].n).toBe(before + 1);
  });

  it('writes English headers for an English caller', async () => {
    const token = await t.login('haishu.dispatcher');
    const res = await t.as(token).get(`/api/cases/export?view=all&q=${tag}`, { 'accept-language': 'en-US' });
    expect(res.statusCode).toBe(200);
    const rows = await load(res.rawPayload);
    expect(rows[0][0]).toBe(en.case.export.col.code);
    expect(rows[0][15]).toBe(en.case.export.col.createdAt);
    expect(rows.slice(1).map((r) => r[1])).toContain(en.case.state.pending_dispatch);
  });

  it('refuses more than the limit with a bilingual 422 and writes nothing', async () => {
    const token = await t.login('city.dispatcher');
    const before = (
      await t.database.query<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM event WHERE action = 'case.export'`,
      )
    )[0].n;
    const zhRes = await t.as(token).get('/api/cases/export?view=all');
    expect(zhRes.statusCode).toBe(422);
    expect(zhRes.json().error.code).toBe('EXPORT_TOO_LARGE');
    expect(zhRes.json().error.message).toMatch(/缩小筛选范围/);
    const enRes = await t.as(token).get('/api/cases/export?view=all', { 'accept-language': 'en' });
    expect(enRes.json().error.message).toMatch(/narrow the filter/);
    const after = (
      await t.database.query<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM event WHERE action = 'case.export'`,
      )
    )[0].n;
    expect(after).toBe(before);
    // Narrowed to a district, it goes through.
    expect((await t.as(token).get('/api/cases/export?view=all&districtCode=330203')).statusCode).toBe(200);
  });
});
