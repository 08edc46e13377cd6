/**
 * The caller's language, all of it: a 404 names the record in Chinese or in English (not both in
 * one sentence), the details of a failed schema validation are in the caller's language too, and
 * the case timeline names its actors as people read them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepTimers } from '../../server/modules/cases/timers.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { pointIn } from '../support/cases.ts';
import { errorBodyOf } from '../support/error-body.ts';

let t: TestApp;
/** A case of Jiangbei (330205), which Haishu's staff may not see. */
let jiangbeiCase: string;
let haishuCase: string;

async function report(username: string, districtCode: string) {
  const p = await pointIn(t, districtCode);
  const res = await t.as(await t.login(username)).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'hotline',
    description: '井盖破损',
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    matterCode: '06004',
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().case.id as string;
}

beforeAll(async () => {
  t = await createTestApp();
  jiangbeiCase = await report('jiangbei.acceptor', '330205');
  haishuCase = await report('haishu.acceptor', '330203');
});
afterAll(async () => t?.close());

const EN = { 'accept-language': 'en-US,en;q=0.9' };

describe('a 404 in one language at a time', () => {
  it("another district's case: 案件不存在 in Chinese, Case not found in English", async () => {
    const token = await t.login('haishu.dispatcher');
    const zh = await t.as(token).get(`/api/cases/${jiangbeiCase}`);
    expect(zh.statusCode).toBe(404);
    expect(errorBodyOf(zh).error).toMatchObject({
      code: 'NOT_FOUND',
      message: `案件不存在：${jiangbeiCase}`,
    });
    const en = await t.as(token).get(`/api/cases/${jiangbeiCase}`, EN);
    expect(en.statusCode).toBe(404);
    expect(errorBodyOf(en).error).toMatchObject({
      code: 'NOT_FOUND',
      message: `Case not found: ${jiangbeiCase}`,
    });
    // Acting on it answers the same.
    const act = await t
      .as(token)
      .post(`/api/cases/${jiangbeiCase}/actions/urge`, { version: 1, reason: '催办' }, EN);
    expect(errorBodyOf(act).error.message).toBe(`Case not found: ${jiangbeiCase}`);
  });
});

describe('validation details in the caller language', () => {
  const body = { version: 1, reason: '工期不够', extension: { amount: 5000, unit: 'work_day' }, bogus: 1 };

  it('Chinese by default, English on request; the fields are the same', async () => {
    const token = await t.login('unit.haishu-sanitation');
    const url = `/api/cases/${haishuCase}/actions/apply_extension`;
    const zh = errorBodyOf(await t.as(token).post(url, body)).error;
    expect(zh.code).toBe('VALIDATION_FAILED');
    expect(zh.message).toBe('请求参数校验失败');
    expect(zh.details).toEqual(
      expect.arrayContaining([
        { field: 'body.extension.amount', message: '不能大于 1000', rule: 'maximum' },
        { field: 'body.bogus', message: '不允许的属性 bogus', rule: 'additionalProperties' },
      ]),
    );
    const en = errorBodyOf(await t.as(token).post(url, body, EN)).error;
    expect(en.message).toBe('Request validation failed');
    expect(en.details).toEqual(
      expect.arrayContaining([
        { field: 'body.extension.amount', message: 'must be <= 1000', rule: 'maximum' },
        { field: 'body.bogus', message: 'must NOT have additional properties', rule: 'additionalProperties' },
      ]),
    );
    expect(en.details.map((d) => d.field)).toEqual(zh.details.map((d) => d.field));
  });

  it('a required field and a format, in a query string and a body', async () => {
    const admin = await t.login('admin');
    const zh = errorBodyOf(
      await t.as(admin).post('/api/users', { username: 'ab', orgId: 'x', roles: [] }),
    ).error;
    const byField = new Map(zh.details.map((d) => [d.field, d.message]));
    expect(byField.get('body.displayName')).toBe('缺少必填项 displayName');
    expect(byField.get('body.username')).toBe('不能少于 3 个字符');
    expect(byField.get('body.orgId')).toBe('应为 UUID');
    for (const d of zh.details) expect(d.message).not.toMatch(/must/);
  });
});

describe('the case timeline names its actors', () => {
  it("a user by display name, the timer as a system actor with no name of a person's", async () => {
    // Far in the future: every stage timer of the case has fired (warning, overdue).
    await sweepTimers(t.database, 500, new Date(Date.now() + 365 * 86_400_000));
    const token = await t.login('haishu.acceptor');
    const res = await t.as(token).get(`/api/cases/${haishuCase}`);
    expect(res.statusCode, res.body).toBe(200);
    const timeline = res.json().timeline as {
      action: string;
      actorType: string;
      actorName: string | null;
      actorDisplayName: string | null;
    }[];
    const reported = timeline.find((e) => e.action === 'case.report');
    expect(reported).toMatchObject({
      actorType: 'user',
      actorName: 'haishu.acceptor',
      actorDisplayName: '海曙区受理员',
    });
    const system = timeline.filter((e) => e.actorType === 'system');
    expect(system.length).toBeGreaterThan(0);
    for (const e of system) expect(e.actorDisplayName).toBeNull();
  });
});
