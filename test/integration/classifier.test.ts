/**
 * The classifier in the running app (issue 10, item 7): `POST /api/intake/suggest` answers matter
 * types and gazetteer places for a citizen's words; only the city's staff and keys with
 * `case:report` may ask; bad input is refused with a named field and a fuzz finds no 5xx; a
 * correction at filing — through the case loop's real `file` action — changes the next
 * suggestion for a similar text, without swamping the type it was taken from; a change another
 * node made reaches this one through the revision; an administrator retires a wrong text, in
 * scope. Runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suggest as suggestService } from '../../server/modules/classifier/index.ts';
import { authenticate } from '../../server/modules/identity/auth-service.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn } from '../support/cases.ts';
import { nastyString } from '../support/fuzz.ts';

let t: TestApp;
let acceptor: string;

beforeAll(async () => {
  t = await createTestApp();
  acceptor = await t.login('haishu.acceptor');
});
afterAll(async () => t?.close());

const suggest = (token: string | null, body: unknown) => t.as(token).post('/api/intake/suggest', body);
const firstType = async (text: string) => {
  const res = await suggest(acceptor, { text });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().matterTypes[0]?.code as string | undefined;
};

async function createKey(permissions: string[]) {
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?pageSize=100')).json().items as {
    id: string;
    kind: string;
  }[];
  const res = await t.as(admin).post('/api/api-keys', {
    name: `classifier-${randomUUID().slice(0, 8)}`,
    orgId: orgs.find((o) => o.kind === 'city_center')!.id,
    permissions,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().secret as string;
}

describe('POST /api/intake/suggest', () => {
  it('finds the type of colloquial words that never name it, best first, at most five', async () => {
    const res = await suggest(acceptor, { text: '下水道盖子被压碎了，车子开过去都陷下去一块' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.matterTypes[0]).toMatchObject({ code: '01002', name: '污水井盖异常' });
    expect(body.matterTypes.length).toBeGreaterThan(0);
    expect(body.matterTypes.length).toBeLessThanOrEqual(5);
    const scores = body.matterTypes.map((m: { score: number }) => m.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const s of scores) expect(s).toBeGreaterThan(0);
    expect(await firstType('楼下饭店的油烟直接往我家窗户里排，熏死了')).toBe('06027');
    expect(await firstType('路边有人摆摊卖菜，人行道都走不了')).toBe('09006');
  });

  it('names the gazetteer places the words mention, with their point and grid', async () => {
    const res = await suggest(acceptor, { text: '天一广场东门口的垃圾桶满出来了，臭死了' });
    expect(res.statusCode, res.body).toBe(200);
    const { matterTypes, places } = res.json();
    expect(matterTypes[0].code).toBe('06042');
    const place = places.find((p: { name: string }) => p.name === '天一广场');
    expect(place, JSON.stringify(places)).toBeDefined();
    expect(place.gridId).toMatch(/^330203\d{9}$/);
    expect(place.districtCode).toBe('330203');
    expect(place.lng).toBeCloseTo(121.55, 1);
    expect(place.lat).toBeCloseTo(29.87, 1);
  });

  it('answers what the service returns to the channels that call it directly', async () => {
    const text = '江北万达门口那个垃圾桶被人踢烂了，天一广场那边也一样';
    const res = await suggest(acceptor, { text });
    const ctx = {
      actor: await authenticate(t.app.db, acceptor),
      requestId: null,
      sourceIp: null,
      lang: 'zh' as const,
    };
    // Without the app's grid index the service finds each place's grid in the grid table: the same.
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(await suggestService(t.app.db, ctx, { text }))));
  });

  it('gives no types to words with no clue, and none for blank text', async () => {
    for (const text of ['asdfgh qwerty', '   ', '12345678901']) {
      const res = await suggest(acceptor, { text });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().matterTypes).toEqual([]);
    }
  });

  it('favours the anomaly of a component standing at the given point', async () => {
    // A component of the demo inventory and its type: the same words at its point lean to it.
    const admin = await t.login('admin');
    const c = (await t.as(admin).get('/api/components?pageSize=1&typeCode=01011')).json().items[0] as {
      lng: number;
      lat: number;
    };
    const text = '盖子翘起来了，车开过去哐哐响';
    const without = (await suggest(acceptor, { text })).json().matterTypes as {
      code: string;
      score: number;
    }[];
    const at = (await suggest(acceptor, { text, lng: c.lng, lat: c.lat })).json().matterTypes as {
      code: string;
      score: number;
    }[];
    const score = (list: typeof at) => list.find((m) => m.code === '01011')?.score ?? 0;
    expect(score(at)).toBeGreaterThan(score(without));
  });

  it('answers the city’s staff and keys with case:report, and nobody else', async () => {
    const body = { text: '路灯不亮' };
    expect((await suggest(null, body)).statusCode).toBe(401);
    for (const who of [
      'haishu.inspector',
      'haishu.shift_leader',
      'jiangbei.dispatcher',
      'unit.water',
      'admin',
    ]) {
      const res = await suggest(await t.login(who), body);
      expect(res.statusCode, `${who}: ${res.body}`).toBe(200);
    }
    expect((await suggest(await createKey(['case:report']), body)).statusCode).toBe(200);
    expect((await suggest(await createKey(['case:read']), body)).statusCode).toBe(403);
    expect((await suggest(await createKey(['geo:read']), body)).statusCode).toBe(403);
  });

  it('refuses oversized and malformed input with the field named', async () => {
    const cases: [unknown, string][] = [
      [{ text: '测'.repeat(2001) }, 'body.text'],
      [{}, 'body.text'],
      [{ text: '' }, 'body.text'],
      [{ text: 42 }, 'body.text'],
      [{ text: '井盖', lng: 121.5 }, 'body.lat'],
      [{ text: '井盖', lng: 200, lat: 29.8 }, 'body.lng'],
      [{ text: '井盖', crs: 'mars' }, 'body.crs'],
      [{ text: '井盖', extra: 1 }, 'body.extra'],
    ];
    for (const [body, field] of cases) {
      const res = await suggest(acceptor, body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      const err = res.json().error;
      expect(err.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(err.details)).toContain(field);
    }
    // 2,000 characters are fine, counted as characters (an emoji is one).
    expect((await suggest(acceptor, { text: '😀'.repeat(2000) })).statusCode).toBe(200);
    expect((await suggest(acceptor, { text: '测'.repeat(2000) })).statusCode).toBe(200);
  });

  it('never fails on hostile text (fuzz)', async () => {
    await fc.assert(
      fc.asyncProperty(
        nastyString,
        fc.option(fc.tuple(fc.double({ min: -200, max: 200 }), fc.double({ min: -100, max: 100 }))),
        async (text, point) => {
          const res = await suggest(acceptor, point ? { text, lng: point[0], lat: point[1] } : { text });
          expect([200, 400], res.body.slice(0, 200)).toContain(res.statusCode);
          if (res.statusCode === 200) expect(res.json().matterTypes.length).toBeLessThanOrEqual(5);
          else expect(res.json().error.code).toBe('VALIDATION_FAILED');
        },
      ),
      { numRuns: 120, seed: 20_261_010 },
    );
  });
});

describe('learning at filing', () => {
  /** Words no lexicon term says: the acceptor knows the lightning sign is the power company's. */
  const taught = '路口那个铁盖子上印着一个闪电标志，被车压得翘起来了';
  const similar = '学校门口那个印着闪电标志的铁盖子又翘起来了';
  let sampleId = '';

  /** A 海曙 report without a type, accepted and filed by the shift leader under `matterCode`. */
  async function reportAndFile(description: string, matterCode: string) {
    const p = await pointIn(t, '330203', 3);
    const r = await t.as(acceptor).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'hotline',
      description,
      location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    });
    expect(r.statusCode, r.body).toBe(201);
    const caseId = r.json().case.id as string;
    const accept = await actOn(t, 'haishu.acceptor', caseId, 'accept_report', { matterType: matterCode });
    expect(accept.statusCode, accept.body).toBe(200);
    const leader = await t.login('haishu.shift_leader');
    const std = (await t.as(leader).get(`/api/catalog/standards/${matterCode}`)).json();
    const file = await actOn(t, 'haishu.shift_leader', caseId, 'file', {
      matterType: matterCode,
      filingConditionId: std.filingConditions[0].id,
    });
    expect(file.statusCode, file.body).toBe(200);
    return caseId;
  }

  it('a correction at filing changes the next suggestion for a similar text', async () => {
    // Before: the words say "an iron cover" — the classifier cannot know whose.
    const before = await firstType(similar);
    expect(before).not.toBe('01005');
    const report = await t.as(acceptor).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'hotline',
      description: taught,
      location: await (async () => {
        const p = await pointIn(t, '330203', 2);
        return { lng: p.lng, lat: p.lat, crs: 'wgs84' };
      })(),
    });
    expect(report.statusCode, report.body).toBe(201);
    // Intake itself suggested the classifier's type (not the power company's).
    expect(report.json().suggestions.matterTypes[0].code).not.toBe('01005');

    const caseId = await reportAndFile(taught, '01005');
    const admin = await t.login('admin');
    const list = (await t.as(admin).get('/api/classifier/samples?source=corrected')).json();
    const sample = list.items.find((s: { caseId: string }) => s.caseId === caseId);
    expect(sample, JSON.stringify(list.items)).toMatchObject({
      source: 'corrected',
      matterCode: '01005',
      matterName: '电力井盖异常',
      text: taught,
      suggestedCode: before,
      districtCode: '330203',
      createdByName: expect.any(String),
    });
    sampleId = sample.id;

    // After: the same kind of words now get the filed type first.
    expect(await firstType(similar)).toBe('01005');
    // One correction does not swamp the type it was taken from: other words of it keep it.
    expect(await firstType('马路中间的窨井盖没了，上面什么字都没有')).toBe(before);
    expect(await firstType('下水道盖子被压碎了')).toBe('01002');
  });

  it('a filing that confirms the first suggestion is learned as a confirmation', async () => {
    const text = '小区门口有辆车停了两年没动过，轮胎都瘪了，落满了灰';
    expect(await firstType(text)).toBe('06034');
    const caseId = await reportAndFile(text, '06034');
    const list = (await t.as(await t.login('admin')).get('/api/classifier/samples?source=confirmed')).json();
    expect(list.items.find((s: { caseId: string }) => s.caseId === caseId)).toMatchObject({
      source: 'confirmed',
      suggestedCode: '06034',
    });
  });

  it('another district’s staff neither see nor retire the text; its own do see it', async () => {
    const hs = (await t.as(acceptor).get('/api/classifier/samples?source=corrected')).json();
    expect(hs.items.map((s: { id: string }) => s.id)).toContain(sampleId);
    const jb = (await t.as(await t.login('jiangbei.acceptor')).get('/api/classifier/samples')).json();
    expect(jb.items.map((s: { id: string }) => s.id)).not.toContain(sampleId);
    expect(jb.items.every((s: { districtCode: string }) => s.districtCode === '330205')).toBe(true);
    // Staff without catalog:manage may not retire; another district's administrator finds no such
    // text; a unit reads none.
    const refused = await t.as(acceptor).post(`/api/classifier/samples/${sampleId}/retire`, { reason: 'x' });
    expect(refused.statusCode).toBe(403);
    const admin = await t.login('admin');
    const orgs = (await t.as(admin).get('/api/orgs?pageSize=100')).json().items as {
      id: string;
      kind: string;
      districtCode: string | null;
    }[];
    const jbCentre = orgs.find((o) => o.kind === 'district_center' && o.districtCode === '330205')!;
    const made = await t.as(admin).post('/api/users', {
      username: 'cls.jiangbei.admin',
      displayName: '江北管理员',
      orgId: jbCentre.id,
      roles: ['admin'],
      password: 'classifier-admin-2026',
    });
    expect(made.statusCode, made.body).toBe(201);
    const jbAdmin = await t.login('cls.jiangbei.admin', 'classifier-admin-2026');
    const elsewhere = await t.as(jbAdmin).post(`/api/classifier/samples/${sampleId}/retire`, { reason: 'x' });
    expect(elsewhere.statusCode, elsewhere.body).toBe(404);
    const unit = await t.as(await t.login('unit.haishu-sanitation')).get('/api/classifier/samples');
    expect(unit.statusCode, unit.body).toBe(200);
    expect(unit.json().total).toBe(0);
  });

  it('an administrator retires a wrong text: it leaves the model, stays in the table, audited', async () => {
    const admin = await t.login('admin');
    const res = await t.as(admin).post(`/api/classifier/samples/${sampleId}/retire`, { reason: '误判测试' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: sampleId, retiredReason: '误判测试' });
    expect(await firstType(similar)).not.toBe('01005');
    const again = await t.as(admin).post(`/api/classifier/samples/${sampleId}/retire`, { reason: 'x' });
    expect(again.statusCode).toBe(409);
    const retired = (await t.as(admin).get('/api/classifier/samples?retired=true')).json();
    expect(retired.items.map((s: { id: string }) => s.id)).toContain(sampleId);
    const events = await t.database.query<{ action: string; reason: string }>(
      sql`SELECT action, reason FROM event WHERE entity_id = ${sampleId}`,
    );
    expect(events).toEqual([{ action: 'classifier.sample_retire', reason: '误判测试' }]);
  });

  it('a change written by another node reaches this one through the revision', async () => {
    // Another node learned a text: its row and the revision, as its filing transaction writes them.
    const text = '河边那个写着防汛的电子牌子一直闪红灯，也不显示水位';
    const before = await firstType(text);
    expect(before).not.toBe('03013');
    await t.database.db.transaction(async (tx) => {
      const res = await tx.execute(sql`UPDATE classifier_state SET rev = rev + 1 WHERE id = 1 RETURNING rev`);
      const [{ rev }] = (res as unknown as { rows: { rev: string }[] }).rows;
      await tx.execute(sql`INSERT INTO classifier_sample (source, matter_code, text, text_key, rev, district_code)
        VALUES ('corrected', '03013', ${text}, 'other-node', ${Number(rev)}, '330203')`);
    });
    // Within the revision check's interval (server/modules/classifier/runtime.ts, 500 ms).
    await expect.poll(() => firstType(text), { timeout: 5_000, interval: 100 }).toBe('03013');
  });

  it('says where it stands', async () => {
    const res = await t.as(await t.login('admin')).get('/api/classifier/status');
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s.types).toBeGreaterThanOrEqual(250);
    expect(s.texts.seed).toBeGreaterThanOrEqual(1000);
    expect(s.texts.corrected).toBeGreaterThanOrEqual(1);
    expect(s.texts.confirmed).toBeGreaterThanOrEqual(1);
    expect(s.texts.retired).toBeGreaterThanOrEqual(1);
    expect(s.inModel.learned).toBeGreaterThanOrEqual(2);
  });
});
