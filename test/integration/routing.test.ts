/**
 * Responsibility routing: a table-driven test of (matter type, grid) → unit and matched rule
 * over every specificity level and their order (area first, then type), every manhole cover type
 * of the catalogue routed to its owner in every district, the history of every
 * change (who, when, why, before/after), and scope: a district admin neither reads nor changes
 * another district's rules (404) nor routes to another district's unit.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import catalogue from '../../db/reference/gbt47678-5-catalogue.json' with { type: 'json' };
import { resolveRoute } from '../../server/modules/routing/resolve.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let admin: string;
let haishuAdmin: string;
let jiangbeiAdmin: string;
let haishuInspector: string;
const units = new Map<string, string>();

// 海曙 330203: township 330203001, community 330203001001, grids …001 and …002.
const G1 = '330203001001001';
const G2 = '330203001001002';
const G3 = '330203001002001'; // other community, same township
const G4 = '330203002001001'; // other township

async function eventCount(): Promise<number> {
  const [row] = await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM event`);
  return Number(row.n);
}

async function districtAdmin(code: string, username: string): Promise<string> {
  const centre = (await t.as(admin).get(`/api/orgs?kind=district_center&districtCode=${code}`)).json()
    .items[0];
  const res = await t.as(admin).post('/api/users', {
    username,
    displayName: username,
    orgId: centre.id,
    roles: ['admin'],
    password: 'district-admin-1',
  });
  expect(res.statusCode, res.body).toBe(201);
  return t.login(username, 'district-admin-1');
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  haishuAdmin = await districtAdmin('330203', 'rt.haishu.admin');
  jiangbeiAdmin = await districtAdmin('330205', 'rt.jiangbei.admin');
  haishuInspector = await t.login('haishu.inspector');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items;
  for (const o of orgs) units.set(o.name, o.id);
});
afterAll(async () => t?.close());

const U = {
  sanitation: '海曙区环境卫生管理处',
  greening: '海曙区园林绿化管理中心',
  water: '宁波市水务环境集团有限公司',
  power: '国网浙江省电力有限公司宁波供电公司',
  municipal: '宁波市市政设施中心',
  jiangbei: '江北区环境卫生管理处',
};

async function rule(body: Record<string, unknown>, token = admin) {
  const res = await t.as(token).post('/api/routing/rules', { reason: '测试', ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe('seeded defaults', () => {
  it('every demo district has a default rule', async () => {
    for (const code of ['330203', '330205', '330206', '330211', '330212', '330213']) {
      const res = await t
        .as(admin)
        .get(`/api/routing/rules?districtCode=${code}&typeLevel=default&areaLevel=district`);
      expect(res.json().total, code).toBe(1);
    }
    const zhenhai = await t.as(admin).get('/api/routing/resolve?matterCode=06010&gridId=330211001001001');
    expect(zhenhai.json().unit.name).toBe(U.municipal); // 镇海 has no demo unit: the city's municipal centre
  });
});

describe('manhole covers go to their owner in every district', () => {
  // Independent of the seed's table: the owner of each cover type, by name.
  const OWNER: Record<string, string | Record<string, string>> = {
    供水井盖: U.water,
    污水井盖: U.water,
    雨水井盖: U.water,
    中水井盖: U.water,
    电力井盖: U.power,
    电缆井盖: U.power,
    路灯井盖: U.municipal,
    特殊井盖: U.municipal,
    不明井盖: U.municipal,
    通信井盖: '中国电信股份有限公司宁波分公司',
    网络井盖: '中国电信股份有限公司宁波分公司',
    电视井盖: '宁波华数广电网络有限公司',
    燃气井盖: '宁波兴光燃气集团有限公司',
    '输油（气）井盖': '宁波兴光燃气集团有限公司',
    热力井盖: '宁波能源集团有限公司',
    公安井盖: '宁波市公安局',
    信号灯电源井盖: '宁波市公安局交通警察局',
    公交井盖: '宁波市公共交通集团有限公司',
    园林井盖: { '330203': U.greening, other: '宁波市园林绿化管理中心' },
    化粪池井盖: { '330203': U.sanitation, '330205': U.jiangbei, other: '宁波市环境卫生管理中心' },
  };
  const covers = (catalogue.components as { code: string; name: string }[]).filter((c) =>
    c.name.endsWith('井盖'),
  );

  it('covers every …井盖 type of the catalogue', () => {
    expect(covers.length).toBe(20);
    expect(covers.map((c) => c.name).sort()).toEqual(Object.keys(OWNER).sort());
  });

  for (const code of ['330203', '330205', '330206', '330211', '330212', '330213']) {
    it(`in ${code} each cover type resolves to its owner by a typed district rule`, async () => {
      const [g] = await t.database.query<{ id: string }>(
        sql`SELECT id FROM grid WHERE district_code = ${code} ORDER BY id LIMIT 1`,
      );
      for (const c of covers) {
        const res = await t.as(admin).get(`/api/routing/resolve?matterCode=${c.code}&gridId=${g.id}`);
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json();
        const owner = OWNER[c.name];
        const expected = typeof owner === 'string' ? owner : (owner[code] ?? owner.other);
        expect(body.unit.name, `${code} ${c.name}`).toBe(expected);
        expect(body.rule).toMatchObject({
          areaLevel: 'district',
          areaCode: code,
          typeLevel: 'matter',
          matterCode: c.code,
        });
      }
    });
  }
});

describe('resolution: area specificity first, then type specificity', () => {
  beforeAll(async () => {
    const id = (name: string) => units.get(name)!;
    await rule({
      matterCode: '06010',
      areaLevel: 'township',
      areaCode: '330203001',
      unitId: id(U.municipal),
    });
    await rule({
      matterMajor: '06',
      areaLevel: 'community',
      areaCode: '330203001001',
      unitId: id(U.greening),
    });
    await rule({ areaLevel: 'grid', areaCode: G2, unitId: id(U.water) });
    await rule({ matterMajor: '06', areaLevel: 'grid', areaCode: G2, unitId: id(U.power) });
    await rule({ matterCode: '06012', areaLevel: 'grid', areaCode: G2, unitId: id(U.sanitation) });
  });

  // [matter, grid, expected unit, expected area level, expected type level]
  const table: [string, string, keyof typeof U, string, string][] = [
    ['06012', G2, 'sanitation', 'grid', 'matter'], // grid + exact matter
    ['06010', G2, 'power', 'grid', 'major'], // grid + major beats grid default
    ['09006', G2, 'water', 'grid', 'default'], // grid default beats district default
    ['06010', G1, 'greening', 'community', 'major'], // community major beats township exact matter (area first)
    ['09006', G1, 'sanitation', 'district', 'default'], // nothing finer: district default
    ['06010', G3, 'municipal', 'township', 'matter'], // township exact matter beats district default
    ['06011', G3, 'sanitation', 'district', 'default'],
    ['04002', G4, 'greening', 'district', 'major'], // seeded 海曙 major 04
    ['01001', G4, 'water', 'district', 'matter'], // seeded water cover rule
    ['01005', G1, 'power', 'district', 'matter'],
  ];
  for (const [matter, grid, unit, area, type] of table) {
    it(`${matter} at ${grid} → ${unit} (${area}/${type})`, async () => {
      const res = await t.as(haishuInspector).get(`/api/routing/resolve?matterCode=${matter}&gridId=${grid}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.unit.name).toBe(U[unit]);
      expect(body.rule.unitId).toBe(body.unit.id);
      expect(body.specificity).toMatchObject({ area, type });
      expect(body.rule).toMatchObject({ areaLevel: area, typeLevel: type });
      const direct = await resolveRoute(t.database.db, { matterCode: matter, gridId: grid });
      expect(direct?.rule.id).toBe(body.rule.id);
    });
  }

  it("another district's grid: a plain bilingual 403 OUTSIDE_DISTRICT, by grid ID and by point", async () => {
    // What 江北's dispatcher met on the map clicking a 海曙 grid: a 404 the panel showed as 无法确定.
    const jb = await t.login('jiangbei.dispatcher');
    const byGrid = await t.as(jb).get(`/api/routing/resolve?matterCode=06010&gridId=${G1}`);
    expect(byGrid.statusCode, byGrid.body).toBe(403);
    expect(byGrid.json().error).toMatchObject({
      code: 'OUTSIDE_DISTRICT',
      details: [{ field: 'query.gridId' }],
    });
    expect(byGrid.json().error.message).toContain('该网格不在您的辖区');
    expect(byGrid.json().error.message).toContain(G1);
    const en = await t
      .as(jb)
      .get(`/api/routing/resolve?matterCode=06010&gridId=${G1}`, { 'accept-language': 'en' });
    expect(en.statusCode).toBe(403);
    expect(en.json().error.message).toContain('This grid is outside your district');
    const grid = (await t.as(jb).get(`/api/geo/grids/${G1}`)).json();
    const byPoint = await t
      .as(jb)
      .get(`/api/routing/resolve?matterCode=06010&lng=${grid.centroid.lng}&lat=${grid.centroid.lat}`);
    expect(byPoint.statusCode, byPoint.body).toBe(403);
    expect(byPoint.json().error.code).toBe('OUTSIDE_DISTRICT');
    // The caller gave a point: the error names the point, not a gridId it never sent.
    expect(byPoint.json().error.details.map((d: { field: string }) => d.field)).toEqual(['query.lng']);
    // Its own district's grids still answer.
    const own = (await t.as(admin).get('/api/geo/grids?districtCode=330205&pageSize=1')).json().items[0].id;
    expect((await t.as(jb).get(`/api/routing/resolve?matterCode=06010&gridId=${own}`)).statusCode).toBe(200);
  });

  it('answers 404 for a grid ID no grid has, whoever asks and whichever district its digits name', async () => {
    const jb = await t.login('jiangbei.dispatcher');
    for (const [token, gridId] of [
      [jb, '999999999999999'],
      [jb, '330203999999999'], // 海曙's digits, not the caller's district
      [jb, '330205999999999'], // the caller's own district
      [admin, '999999999999999'],
    ] as const) {
      const res = await t.as(token).get(`/api/routing/resolve?matterCode=06010&gridId=${gridId}`);
      expect(res.statusCode, `${gridId}: ${res.body}`).toBe(404);
      expect(res.json().error).toMatchObject({ code: 'NOT_FOUND', details: [{ field: 'query.gridId' }] });
      expect(res.json().error.message).toContain('网格不存在');
      const en = await t
        .as(token)
        .get(`/api/routing/resolve?matterCode=06010&gridId=${gridId}`, { 'accept-language': 'en' });
      expect(en.json().error.message).toContain('No such grid');
    }
  });

  it('refuses a duplicate key, unknown matters and bad grids', async () => {
    const dup = await t.as(admin).post('/api/routing/rules', {
      reason: 'x',
      matterCode: '06012',
      areaLevel: 'grid',
      areaCode: G2,
      unitId: units.get(U.water),
    });
    expect(dup.statusCode).toBe(409);
    expect((await t.as(admin).get(`/api/routing/resolve?matterCode=12345&gridId=${G1}`)).statusCode).toBe(
      422,
    );
    expect(
      (await t.as(admin).get('/api/routing/resolve?matterCode=06010&gridId=330203000001001')).statusCode,
    ).toBe(400);
    const mismatch = await t.as(admin).post('/api/routing/rules', {
      reason: 'x',
      areaLevel: 'community',
      areaCode: '330203001',
      unitId: units.get(U.water),
    });
    expect(mismatch.statusCode).toBe(400);
  });
});

describe('history and scope', () => {
  it('records create, change and deactivate with who, why, before and after', async () => {
    const r = await rule(
      {
        matterCode: '09009',
        areaLevel: 'community',
        areaCode: '330203001002',
        unitId: units.get(U.sanitation),
      },
      haishuAdmin,
    );
    let n = await eventCount();
    const upd = await t.as(haishuAdmin).patch(`/api/routing/rules/${r.id}`, {
      version: r.version,
      reason: '改由园林负责',
      unitId: units.get(U.greening),
    });
    expect(upd.statusCode, upd.body).toBe(200);
    expect(await eventCount()).toBe(n + 1);
    expect(
      (await t.as(haishuAdmin).patch(`/api/routing/rules/${r.id}`, { version: r.version, reason: 'stale' }))
        .statusCode,
    ).toBe(409);
    expect((await t.as(haishuAdmin).patch(`/api/routing/rules/${r.id}`, { version: 2 })).statusCode).toBe(
      400,
    ); // no reason
    n = await eventCount();
    const del = await t.as(haishuAdmin).delete(`/api/routing/rules/${r.id}`, {});
    expect(del.statusCode).toBe(400); // DELETE needs a body with version and reason
    const gone = await t.app.inject({
      method: 'DELETE',
      url: `/api/routing/rules/${r.id}`,
      headers: { authorization: `Bearer ${haishuAdmin}` },
      payload: { version: 2, reason: '社区已撤并' },
    });
    expect(gone.statusCode, gone.body).toBe(200);
    expect(gone.json().active).toBe(false);
    expect(await eventCount()).toBe(n + 1);

    const hist = (await t.as(haishuInspector).get(`/api/routing/rules/${r.id}/history`)).json();
    expect(hist.items.map((e: { action: string }) => e.action)).toEqual([
      'routing.rule.deactivate',
      'routing.rule.update',
      'routing.rule.create',
    ]);
    expect(hist.items[1]).toMatchObject({
      actorName: 'rt.haishu.admin',
      reason: '改由园林负责',
      before: { unitName: U.sanitation },
      after: { unitName: U.greening },
    });
    const district = (await t.as(haishuAdmin).get('/api/routing/history')).json();
    expect(district.items[0]).toMatchObject({ ruleId: r.id, reason: '社区已撤并' });
  });

  it('a district admin cannot read or change another district, nor route to its unit', async () => {
    const jb = (await t.as(admin).get('/api/routing/rules?districtCode=330205&typeLevel=default')).json()
      .items[0];
    expect((await t.as(haishuAdmin).get(`/api/routing/rules/${jb.id}`)).statusCode).toBe(404);
    expect((await t.as(haishuAdmin).get(`/api/routing/rules/${jb.id}/history`)).statusCode).toBe(404);
    const n = await eventCount();
    const patch = await t
      .as(haishuAdmin)
      .patch(`/api/routing/rules/${jb.id}`, { version: jb.version, reason: 'x', note: 'x' });
    expect(patch.statusCode).toBe(404);
    expect((await t.as(haishuAdmin).get('/api/routing/rules?districtCode=330205')).json().total).toBe(0);
    expect((await t.as(haishuAdmin).get('/api/routing/history?districtCode=330205')).statusCode).toBe(404);
    const create = await t.as(haishuAdmin).post('/api/routing/rules', {
      reason: 'x',
      matterCode: '06036',
      areaLevel: 'district',
      areaCode: '330205',
      unitId: units.get(U.jiangbei),
    });
    expect(create.statusCode).toBe(403);
    const toOther = await t.as(haishuAdmin).post('/api/routing/rules', {
      reason: 'x',
      matterCode: '06036',
      areaLevel: 'district',
      areaCode: '330203',
      unitId: units.get(U.jiangbei),
    });
    expect(toOther.statusCode).toBe(422);
    expect(
      (
        await t.as(haishuInspector).post('/api/routing/rules', {
          reason: 'x',
          areaLevel: 'grid',
          areaCode: G1,
          unitId: units.get(U.water),
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await t.as(jiangbeiAdmin).get(`/api/routing/resolve?matterCode=06010&gridId=${G1}`)).statusCode,
    ).toBe(403);
    expect(await eventCount()).toBe(n);
  });

  it("a district's default rule cannot be deactivated", async () => {
    const d = (
      await t.as(admin).get('/api/routing/rules?districtCode=330203&typeLevel=default&areaLevel=district')
    ).json().items[0];
    const res = await t
      .as(haishuAdmin)
      .patch(`/api/routing/rules/${d.id}`, { version: d.version, reason: 'x', active: false });
    expect(res.statusCode).toBe(400);
  });
});

describe('every read path of a rule applies the same policy (issue 7, finding 6)', () => {
  it('"who is responsible here?" answers a caller exactly with the rules its rule page and list show', async () => {
    const districts = ['330203', '330205', '330206', '330211', '330212', '330213'];
    // The default, the two utilities' manhole covers and 海曙's greenery (major 04) in every district.
    const matters = ['06010', '01001', '01005', '04001'];
    const grids: string[] = [];
    for (const d of districts) {
      grids.push((await t.as(admin).get(`/api/geo/grids?districtCode=${d}&pageSize=1`)).json().items[0].id);
    }
    const water = units.get(U.water)!;
    const sanitation = units.get(U.sanitation)!;
    // Who reads a rule (docs/ARCHITECTURE.md "Who reads what"): a unit the rules that route work
    // to it, a district its own district's rules, the city all of them.
    type R = { districtCode: string; unitId: string };
    // `district`: the one district whose places the caller may ask about (a district's staff and
    // units); elsewhere "who is responsible here?" answers 403 OUTSIDE_DISTRICT, not a silent 404.
    const callers: Record<string, { token: string; reads: (r: R) => boolean; district?: string }> = {
      'unit.water': { token: await t.login('unit.water'), reads: (r) => r.unitId === water },
      'unit.haishu-sanitation': {
        token: await t.login('unit.haishu-sanitation'),
        reads: (r) => r.unitId === sanitation,
        district: '330203',
      },
      'haishu.inspector': {
        token: haishuInspector,
        reads: (r) => r.districtCode === '330203',
        district: '330203',
      },
      'rt.jiangbei.admin': {
        token: jiangbeiAdmin,
        reads: (r) => r.districtCode === '330205',
        district: '330205',
      },
      admin: { token: admin, reads: () => true },
    };
    const wrong: string[] = [];
    const seen: Record<string, Set<string>> = {};
    for (const [name, { token, reads, district }] of Object.entries(callers)) {
      const listed = new Set<string>(
        (await t.as(token).get('/api/routing/rules?pageSize=200'))
          .json()
          .items.map((r: { id: string }) => r.id),
      );
      seen[name] = new Set();
      for (const gridId of grids) {
        for (const matterCode of matters) {
          const truth = await t
            .as(admin)
            .get(`/api/routing/resolve?matterCode=${matterCode}&gridId=${gridId}`);
          expect(truth.statusCode, truth.body).toBe(200);
          const rule: R & { id: string } = truth.json().rule;
          const expected = reads(rule) ? 200 : 404;
          const outside = district !== undefined && gridId.slice(0, 6) !== district;
          const page = await t.as(token).get(`/api/routing/rules/${rule.id}`);
          const resolved = await t
            .as(token)
            .get(`/api/routing/resolve?matterCode=${matterCode}&gridId=${gridId}`);
          const where = `${name} ${matterCode}@${gridId}`;
          if (resolved.statusCode !== (outside ? 403 : expected))
            wrong.push(`${where}: resolve ${resolved.statusCode}`);
          if (outside && resolved.json().error?.code !== 'OUTSIDE_DISTRICT')
            wrong.push(`${where}: resolve says ${resolved.body}`);
          if (page.statusCode !== expected) wrong.push(`${where}: rule page ${page.statusCode}`);
          if (listed.has(rule.id) !== (expected === 200))
            wrong.push(`${where}: in list ${listed.has(rule.id)}`);
          if (resolved.statusCode === 200) {
            expect(resolved.json().rule.id).toBe(rule.id);
            seen[name].add(rule.id);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    // The water company still learns its own work: its manhole-cover rule in each district.
    expect(seen['unit.water'].size).toBeGreaterThanOrEqual(6);
    expect(seen['haishu.inspector'].size).toBeGreaterThanOrEqual(3);
  });
});
