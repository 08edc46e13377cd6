/**
 * Photos are scoped like the cases they are attached to: a caller reads a photo (original and
 * thumbnail) when they uploaded it, or when it is on a report or a step of a case they may see
 * (GET /api/cases/:id's rule) — users and API keys alike. Anyone else gets the 404 of a photo
 * that does not exist. The links follow merges, the demo seed writes them, and migration 0005's
 * backfill derives the same links from reports and events as the live writes made.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../server/platform/context.ts';
import { seedCases } from '../../server/seed/demo-cases/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn, uploadPhoto } from '../support/cases.ts';

let t: TestApp;
let units: Record<string, string>;
/** API keys (bearer secrets) of two units, with case:read only: they upload nothing. */
let sanitationKey: string;
let greeningKey: string;

const rows = async <T>(q: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(q)) as unknown as { rows: T[] }).rows;

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  units = Object.fromEntries(orgs.map((o) => [o.name, o.id]));
  const key = async (unit: string) => {
    const res = await t.as(admin).post('/api/api-keys', {
      name: `${unit} 系统`,
      orgId: units[unit],
      permissions: ['case:read', 'case:unit_feedback'],
    });
    expect(res.statusCode, res.body).toBe(201);
    keySecrets.add(res.json().secret);
    return res.json().secret as string;
  };
  sanitationKey = await key('海曙区环境卫生管理处');
  greeningKey = await key('海曙区园林绿化管理中心');
});
afterAll(async () => t?.close());

const keySecrets = new Set<string>();
/** A bearer token: an API key secret as it is, a demo username logged in. */
const tokenOf = async (who: string) => (keySecrets.has(who) ? who : t.login(who));

/** Status of the original and of the thumbnail for the caller. */
async function reads(who: string, id: string): Promise<[number, number]> {
  const caller = t.as(await tokenOf(who));
  const [orig, thumb] = await Promise.all([
    caller.get(`/api/photos/${id}`),
    caller.get(`/api/photos/${id}/thumb`),
  ]);
  return [orig.statusCode, thumb.statusCode];
}

async function expectReadable(who: string[], id: string) {
  for (const w of who) expect(await reads(w, id), `${w.slice(0, 24)} reads`).toEqual([200, 200]);
}
async function expectHidden(who: string[], id: string) {
  for (const w of who) expect(await reads(w, id), `${w.slice(0, 24)} must not read`).toEqual([404, 404]);
}

/** Uploads these exact bytes (uploadPhoto makes new ones each call). */
async function uploadBytes(token: string, bytes: Buffer) {
  const boundary = '----photo-scope';
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/photos',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function report(
  username: string,
  at: { lng: number; lat: number },
  extra: Record<string, unknown> = {},
): Promise<{ caseId: string; merged: boolean }> {
  const res = await t.as(await t.login(username)).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: username.endsWith('.inspector') ? 'inspector' : 'hotline',
    description: '路边暴露垃圾，影响通行',
    location: { lng: at.lng, lat: at.lat, crs: 'wgs84' },
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return { caseId: res.json().case.id, merged: res.json().merged };
}

async function must(username: string, caseId: string, action: string, fields: Record<string, unknown> = {}) {
  const res = await actOn(t, username, caseId, action, fields);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
}

/** A 海曙 case filed and dispatched to a unit. */
async function dispatched(at: { lng: number; lat: number }, unit: string, matterCode = '06002') {
  const { caseId } = await report('haishu.acceptor', at, { matterCode });
  const std = (
    await t.as(await t.login('haishu.shift_leader')).get(`/api/catalog/standards/${matterCode}`)
  ).json();
  await must('haishu.acceptor', caseId, 'accept_report', { matterType: matterCode });
  await must('haishu.shift_leader', caseId, 'file', {
    matterType: matterCode,
    filingConditionId: std.filingConditions[0].id,
  });
  await must('haishu.dispatcher', caseId, 'dispatch', { unitId: units[unit] });
  return caseId;
}

describe('who may read a photo', () => {
  it("a 江北 report's photo: its uploader, 江北's staff and the city centre; not 海曙 nor other units (404)", async () => {
    const inspector = await t.login('jiangbei.inspector');
    const photo = await uploadPhoto(t, inspector);
    const { caseId } = await report('jiangbei.inspector', await pointIn(t, '330205', 2), {
      matterCode: '06001',
      photos: [photo],
    });
    expect((await t.as(inspector).get(`/api/cases/${caseId}`)).json().reports[0].photos).toEqual([photo]);

    await expectReadable(
      ['jiangbei.inspector', 'jiangbei.acceptor', 'jiangbei.dispatcher', 'city.dispatcher', 'admin'],
      photo,
    );
    await expectHidden(
      ['haishu.inspector', 'haishu.acceptor', 'unit.haishu-sanitation', 'unit.water', sanitationKey],
      photo,
    );
    // The same answer as for a photo that does not exist, in both languages: existence is not told.
    const haishu = t.as(await t.login('haishu.acceptor'));
    const missing = 'f'.repeat(64);
    for (const lang of ['zh-CN', 'en']) {
      const hidden = await haishu.get(`/api/photos/${photo}/thumb`, { 'accept-language': lang });
      const none = await haishu.get(`/api/photos/${missing}/thumb`, { 'accept-language': lang });
      expect(hidden.json().error.code).toBe('NOT_FOUND');
      expect(hidden.json().error.message.replace(photo, 'ID')).toBe(
        none.json().error.message.replace(missing, 'ID'),
      );
      expect(hidden.headers['cache-control']).toBe(none.headers['cache-control']);
    }
    expect(
      (await haishu.get(`/api/photos/${missing}`, { 'accept-language': 'en' })).json().error.message,
    ).toMatch(/not found/i);
  });

  it("a unit's feedback photo: the district's staff and that unit (also its system), not another unit", async () => {
    const caseId = await dispatched(await pointIn(t, '330203', 21), '海曙区环境卫生管理处');
    await must('unit.haishu-sanitation', caseId, 'sign');
    const photo = await uploadPhoto(t, await t.login('unit.haishu-sanitation'));
    await must('unit.haishu-sanitation', caseId, 'feed_back', { photos: [photo], note: '已清理' });

    await expectReadable(
      ['unit.haishu-sanitation', sanitationKey, 'haishu.acceptor', 'haishu.inspector', 'city.dispatcher'],
      photo,
    );
    await expectHidden(['unit.haishu-greening', greeningKey, 'unit.water', 'jiangbei.acceptor'], photo);

    // A photo a step names is readable where the case is: the unit's system did not upload it.
    const inspector = await t.login('haishu.inspector');
    const check = await uploadPhoto(t, inspector);
    await must('haishu.acceptor', caseId, 'request_check');
    await must('haishu.inspector', caseId, 'check_pass', { photos: [check] });
    await expectReadable([sanitationKey, 'haishu.dispatcher'], check);
    await expectHidden([greeningKey, 'jiangbei.inspector'], check);
  });

  it("a step's evidence is the actor's own new photo: not the report's photo, not another step's, not someone else's", async () => {
    const acceptor = await t.login('haishu.acceptor');
    const before = await uploadPhoto(t, acceptor);
    const { caseId } = await report('haishu.acceptor', await pointIn(t, '330203', 22), { photos: [before] });
    const std = (await t.as(acceptor).get('/api/catalog/standards/06002')).json();
    await must('haishu.acceptor', caseId, 'accept_report', { matterType: '06002' });
    await must('haishu.shift_leader', caseId, 'file', {
      matterType: '06002',
      filingConditionId: std.filingConditions[0].id,
    });
    await must('haishu.dispatcher', caseId, 'dispatch', { unitId: units['海曙区环境卫生管理处'] });
    await must('unit.haishu-sanitation', caseId, 'sign');
    const refused = async (who: string, action: string, fields: Record<string, unknown>, zh: string) => {
      const res = await actOn(t, who, caseId, action, fields);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.message).toContain(zh);
      expect(res.json().error.details[0].field).toBe('body.photos');
    };
    // The citizen's "before" photo (readable by the unit: it is on the case) as the "after" photo.
    await refused(
      'unit.haishu-sanitation',
      'feed_back',
      { photos: [before], note: '已处置' },
      '已在本案件中',
    );
    const unitToken = await t.login('unit.haishu-sanitation');
    const after = await uploadPhoto(t, unitToken);
    await must('unit.haishu-sanitation', caseId, 'feed_back', { photos: [after], note: '已清理' });
    // The unit's "after" photo as the inspector's check photo.
    await must('haishu.acceptor', caseId, 'request_check');
    await refused('haishu.inspector', 'check_pass', { photos: [after] }, '已在本案件中');
    // Another 海曙 case's report photo: the inspector may read it, but did not take it.
    const elsewhere = await uploadPhoto(t, acceptor);
    await report('haishu.acceptor', await pointIn(t, '330203', 23), { photos: [elsewhere] });
    await refused('haishu.inspector', 'check_pass', { photos: [elsewhere] }, '本人上传');
    const check = await uploadPhoto(t, await t.login('haishu.inspector'));
    await must('haishu.inspector', caseId, 'check_pass', { photos: [check] });
  });

  it('after a report is merged into another case, its photo is readable wherever that case is', async () => {
    const at = await pointIn(t, '330203', 31);
    const target = await dispatched(at, '海曙区环境卫生管理处', '06003');

    // Merged by an acceptor: a report with a photo becomes a case of its own, then a duplicate.
    const inspector = await t.login('haishu.inspector');
    const photo = await uploadPhoto(t, inspector);
    const dup = await report('haishu.inspector', await pointIn(t, '330203', 33), { photos: [photo] });
    expect(dup.merged).toBe(false);
    await expectHidden(['unit.haishu-sanitation', sanitationKey], photo);
    await must('haishu.acceptor', dup.caseId, 'merge_duplicate', { targetCaseId: target });
    await expectReadable(
      ['unit.haishu-sanitation', sanitationKey, 'haishu.acceptor', 'haishu.inspector'],
      photo,
    );
    await expectHidden(['unit.haishu-greening', greeningKey, 'jiangbei.acceptor'], photo);

    // Merged at intake: the same type nearby while the case is open.
    const second = await uploadPhoto(t, inspector);
    const joined = await report('haishu.inspector', at, { matterCode: '06003', photos: [second] });
    expect(joined).toEqual({ caseId: target, merged: true });
    await expectReadable(['unit.haishu-sanitation', sanitationKey, 'haishu.dispatcher'], second);
    await expectHidden(['unit.haishu-greening', 'unit.water'], second);

    // Re-dispatched to another unit: the first unit no longer sees the case, nor its photos.
    await must('haishu.dispatcher', target, 're_dispatch', { unitId: units.海曙区园林绿化管理中心 });
    await expectReadable(['unit.haishu-greening', greeningKey], second);
    await expectHidden(['unit.haishu-sanitation', sanitationKey], second);
  });

  it('an unattached photo is readable only by whoever uploaded it (a user or an API key)', async () => {
    const photo = await uploadPhoto(t, await t.login('haishu.inspector'));
    await expectReadable(['haishu.inspector'], photo);
    await expectHidden(
      ['haishu.acceptor', 'haishu.dispatcher', 'city.dispatcher', 'admin', sanitationKey],
      photo,
    );

    const byKey = await uploadPhoto(t, sanitationKey);
    await expectReadable([sanitationKey], byKey);
    await expectHidden(['unit.haishu-sanitation', greeningKey, 'haishu.acceptor', 'admin'], byKey);
  });

  it('the same bytes uploaded by two people in two districts are one photo both may read', async () => {
    const png = await sharp({
      create: { width: 20, height: 10, channels: 3, background: { r: 1, g: 2, b: 3 } },
    })
      .png()
      .toBuffer();
    const a = await uploadBytes(await t.login('haishu.inspector'), png);
    await expectHidden(['jiangbei.inspector'], a);
    const b = await uploadBytes(await t.login('jiangbei.inspector'), png);
    expect(b).toBe(a);
    await expectReadable(['haishu.inspector', 'jiangbei.inspector'], a);
    await expectHidden(['yinzhou.inspector', 'haishu.acceptor', 'jiangbei.acceptor', 'admin'], a);
    // Each uploader's first upload is in the audit trail; the same picture again from one of them is not.
    await uploadBytes(await t.login('jiangbei.inspector'), png);
    const [{ n }] = await rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM event WHERE action = 'photo.upload' AND entity_id = ${a}`,
    );
    expect(n).toBe(2);
  });

  it("nobody attaches a photo they may not read: naming another district's photo in a report or a step is refused", async () => {
    const photo = await uploadPhoto(t, await t.login('jiangbei.inspector'));
    await report('jiangbei.inspector', await pointIn(t, '330205', 4), {
      matterCode: '06001',
      photos: [photo],
    });
    const before = await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM case_photo`);
    // A 海曙 inspector who learnt the id cannot carry it into a 海曙 report…
    const viaReport = await t.as(await t.login('haishu.inspector')).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'inspector',
      description: '借用照片',
      location: await (async () => {
        const p = await pointIn(t, '330203', 9);
        return { lng: p.lng, lat: p.lat, crs: 'wgs84' };
      })(),
      photos: [photo],
    });
    expect(viaReport.statusCode, viaReport.body).toBe(422);
    expect(viaReport.json().error).toMatchObject({ code: 'INVALID_REFERENCE' });
    expect(viaReport.json().error.details).toEqual([{ field: 'body.photos', message: photo }]);
    // …nor a unit into its feedback on a case of its own.
    const caseId = await dispatched(await pointIn(t, '330203', 12), '海曙区环境卫生管理处', '06004');
    await must('unit.haishu-sanitation', caseId, 'sign');
    const viaStep = await actOn(t, 'unit.haishu-sanitation', caseId, 'feed_back', {
      photos: [photo],
      note: '已清理',
    });
    expect(viaStep.statusCode, viaStep.body).toBe(422);
    expect(viaStep.json().error.code).toBe('INVALID_REFERENCE');
    expect(await rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM case_photo`)).toEqual(before);
    await expectHidden(['haishu.inspector', 'unit.haishu-sanitation'], photo);
  });

  it('needs a caller and a valid id', async () => {
    const photo = await uploadPhoto(t, await t.login('haishu.inspector'));
    expect((await t.as(null).get(`/api/photos/${photo}`)).statusCode).toBe(401);
    expect((await t.as(await t.login('haishu.inspector')).get('/api/photos/not-a-hash')).statusCode).toBe(
      400,
    );
  });
});

describe('links written by the demo seed, and migration 0005 backfill', () => {
  const links = () =>
    rows<{ k: string }>(sql`SELECT photo_id || ':' || case_id AS k FROM case_photo ORDER BY 1`).then((r) =>
      r.map((x) => x.k),
    );
  const uploaders = () =>
    rows<{ k: string }>(sql`SELECT photo_id || ':' || actor_id AS k FROM photo_uploader ORDER BY 1`).then(
      (r) => r.map((x) => x.k),
    );

  it("seeds links for every demo case's report and step photos, readable in the case's scope", async () => {
    const result = await t.database.db.transaction((tx) =>
      seedCases(tx, systemContext('seed'), { count: 90, seed: 777, dataDir: t.config.dataDir }),
    );
    expect(result.photos).toBeGreaterThan(0);
    // Every photo a demo report or step names is on that case.
    const [{ missing }] = await rows<{ missing: number }>(sql`
      SELECT count(*)::int AS missing FROM (
        SELECT p, r.case_id FROM report r, jsonb_array_elements_text(r.photos) p
        UNION
        SELECT p, e.entity_id::uuid FROM event e, jsonb_array_elements_text(
          CASE WHEN jsonb_typeof(e.after->'input'->'photos') = 'array' THEN e.after->'input'->'photos' ELSE '[]' END) p
        WHERE e.entity_type = 'case'
      ) x(photo_id, case_id)
      WHERE NOT EXISTS (SELECT 1 FROM case_photo cp WHERE cp.photo_id = x.photo_id AND cp.case_id = x.case_id)`);
    expect(missing).toBe(0);

    // A demo photo of a 海曙 case dispatched to a unit (on no case of another unit: the few demo
    // pictures are reused by many cases): the district and the unit read it, another unit not.
    const [row] = await rows<{ photo_id: string; unit_id: string }>(sql`
      SELECT cp.photo_id, c.unit_id FROM case_photo cp JOIN case_file c ON c.id = cp.case_id
      WHERE c.district_code = '330203' AND c.unit_id = ${units.海曙区环境卫生管理处}
        AND NOT EXISTS (SELECT 1 FROM case_photo o JOIN case_file oc ON oc.id = o.case_id
                        WHERE o.photo_id = cp.photo_id AND oc.unit_id = ${units.海曙区园林绿化管理中心})
      LIMIT 1`);
    expect(row, 'a demo photo on a case of 海曙区环境卫生管理处 only').toBeDefined();
    await expectReadable(['haishu.acceptor', 'unit.haishu-sanitation'], row.photo_id);
    await expectHidden(['unit.haishu-greening'], row.photo_id);
  });

  it('derives from reports and events exactly the links the live writes made', async () => {
    const liveLinks = await links();
    const liveUploaders = await uploaders();
    expect(liveLinks.length).toBeGreaterThan(10);
    expect(liveUploaders.length).toBeGreaterThan(5);

    // An installation from before 0005: no links at all. Then the migration's backfill statements.
    await t.database.db.execute(sql`DELETE FROM case_photo`);
    await t.database.db.execute(sql`DELETE FROM photo_uploader`);
    const somePhoto = liveLinks[0].split(':')[0];
    expect(await reads('admin', somePhoto)).toEqual([404, 404]);
    const migration = fs.readFileSync(
      path.join(import.meta.dirname, '../../db/migrations/0005_cases_photo_links.sql'),
      'utf8',
    );
    const backfill = migration
      .split('--> statement-breakpoint')
      .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
      .filter((s) => s.startsWith('INSERT INTO'));
    expect(backfill).toHaveLength(3);
    for (const stmt of backfill) await t.database.db.execute(sql.raw(stmt));

    expect(await links()).toEqual(liveLinks);
    expect(await uploaders()).toEqual(liveUploaders);
    expect(await reads('admin', somePhoto)).toEqual([200, 200]);
  });
});
