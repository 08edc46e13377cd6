/**
 * A report's channel says who sent it (issue 10, tester's findings): through `POST /api/reports` a
 * unit reports on `department` only, any other API key on `app` only, an inspector on `inspector`
 * only, and no person or key on the machine channels `sensor` and `opinion`, which only the
 * platform's own modules use. Each refusal is a 422 naming the channel, in Chinese and English,
 * and writes nothing; staff keep the citizen channels they enter on a citizen's behalf.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { pointIn } from '../support/cases.ts';

let t: TestApp;
let centreKey = '';

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const centre = (await t.as(admin).get('/api/orgs?kind=district_center&districtCode=330203')).json()
    .items[0] as { id: string };
  const key = await t
    .as(admin)
    .post('/api/api-keys', { name: '市民随手拍（渠道）', orgId: centre.id, permissions: ['case:report'] });
  expect(key.statusCode, key.body).toBe(201);
  centreKey = key.json().secret as string;
});
afterAll(async () => t?.close());

const reports = async () =>
  (await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM report`))[0].n;

async function report(token: string, channel: string, index: number, lang: 'zh' | 'en' = 'zh') {
  const p = await pointIn(t, '330203', index);
  return t.as(token).post(
    '/api/reports',
    {
      idempotencyKey: randomUUID(),
      channel,
      description: '人行道井盖松动，踩上去会响',
      location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    },
    { 'accept-language': lang },
  );
}

async function refused(token: string, channel: string, index: number, en: RegExp) {
  const before = await reports();
  const zh = await report(token, channel, index, 'zh');
  expect(zh.statusCode, zh.body).toBe(422);
  expect(zh.json().error.code).toBe('UNPROCESSABLE');
  expect(zh.json().error.message).toContain(`不能使用渠道 ${channel}`);
  expect(zh.json().error.details[0].field).toBe('body.channel');
  const eng = await report(token, channel, index, 'en');
  expect(eng.statusCode, eng.body).toBe(422);
  expect(eng.json().error.message).toMatch(en);
  expect(await reports()).toBe(before);
}

describe('POST /api/reports: the channel follows the sender', () => {
  it("a key that is not a unit's reports on `app` only", async () => {
    for (const [i, channel] of ['sensor', 'opinion', 'web', 'hotline', 'inspector', 'department'].entries()) {
      await refused(
        centreKey,
        channel,
        20 + i,
        /API key other than a unit's reports on the channel `app` only/,
      );
    }
    const ok = await report(centreKey, 'app', 30);
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('no person reports on a machine channel (sensor, opinion), whatever their role', async () => {
    for (const who of ['haishu.acceptor', 'haishu.hotline_operator', 'admin']) {
      const token = await t.login(who);
      for (const channel of ['sensor', 'opinion']) {
        await refused(token, channel, 31, /the platform's own modules', never a person's/);
      }
    }
  });

  it('an inspector reports on `inspector` only (their report is never the public portal’s)', async () => {
    const inspector = await t.login('haishu.inspector');
    for (const [i, channel] of ['web', 'app', 'wechat', 'hotline', 'video'].entries()) {
      await refused(inspector, channel, 32 + i, /An inspector reports on the channel `inspector` only/);
    }
    const ok = await report(inspector, 'inspector', 40);
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('other staff keep the citizen channels they enter on a citizen’s behalf', async () => {
    const acceptor = await t.login('haishu.acceptor');
    for (const [i, channel] of ['hotline', 'web', 'app', 'wechat'].entries()) {
      const res = await report(acceptor, channel, 41 + i);
      expect(res.statusCode, res.body).toBe(201);
    }
    // A unit's channel stays the unit's.
    await refused(acceptor, 'department', 45, /The channels you may report on: .*hotline/);
  });
});
