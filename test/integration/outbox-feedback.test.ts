/**
 * Feedback from a unit's own system: it acts on its cases through the ordinary action routes
 * with an API key holding case:unit_feedback, and signs every such call with its endpoint secret.
 * Unsigned, wrongly signed or stale calls are refused with 401 SIGNATURE_INVALID and change
 * nothing; a unit's key cannot reach another unit's case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../../server/modules/outbox/signature.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, dispatchCase, uploadPhoto } from '../support/cases.ts';

let t: TestApp;
let admin: string;
let units: Record<string, string>;
let apiKey: string;
let secret: string;

const caseOf = async (id: string) => (await t.as(admin).get(`/api/cases/${id}`)).json().case;

/** The unit's system calling an action: the body as sent, signed unless told otherwise. */
function unitCall(
  caseId: string,
  action: string,
  body: Record<string, unknown>,
  sign: 'valid' | 'none' | 'wrong-secret' | 'tampered' | 'stale' = 'valid',
) {
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = {
    authorization: `Bearer ${apiKey}`,
    'content-type': 'application/json',
  };
  if (sign === 'valid') Object.assign(headers, signedHeaders(secret, raw));
  if (sign === 'wrong-secret') Object.assign(headers, signedHeaders(`${secret}x`, raw));
  if (sign === 'tampered') Object.assign(headers, signedHeaders(secret, raw.replace('}', ',"note":"x"}')));
  if (sign === 'stale') Object.assign(headers, signedHeaders(secret, raw, Date.now() - 6 * 60_000));
  return t.app.inject({
    method: 'POST',
    url: `/api/cases/${caseId}/actions/${action}`,
    headers,
    payload: raw,
  });
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items;
  units = Object.fromEntries(orgs.map((o: { id: string; name: string }) => [o.name, o.id]));
  const unit = units.海曙区环境卫生管理处;
  const key = await t.as(admin).post('/api/api-keys', {
    name: '环卫处业务系统',
    orgId: unit,
    permissions: ['case:read', 'case:unit_feedback'],
  });
  expect(key.statusCode, key.body).toBe(201);
  apiKey = key.json().secret;
  // The receiving URL is never called here: no worker runs in this file.
  const ep = await t
    .as(admin)
    .put(`/api/endpoints/${unit}`, { url: 'https://sanitation.example.cn/cases', enabled: true });
  expect(ep.statusCode, ep.body).toBe(200);
  secret = ep.json().secret;
});
afterAll(async () => t?.close());

describe("feedback from a unit's own system", () => {
  it('moves the case with a valid API key and signature: sign, then feed back with a photo', async () => {
    const id = await dispatchCase(t, units.海曙区环境卫生管理处, 40, { description: '道路破损 0' });
    const c = await caseOf(id);
    const signed = await unitCall(id, 'sign', { version: c.version });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json().state).toBe('in_progress');
    // The photo goes up with the same key, unsigned (multipart), and is named in a signed action.
    const photo = await uploadPhoto(t, apiKey);
    const fed = await unitCall(id, 'feed_back', {
      version: signed.json().version,
      note: '已处理',
      photos: [photo],
    });
    expect(fed.statusCode, fed.body).toBe(200);
    expect(fed.json().state).toBe('fed_back');
    const timeline = (await t.as(admin).get(`/api/cases/${id}`)).json().timeline as {
      action: string;
      actorType: string;
      actorDisplayName: string | null;
    }[];
    const byKey = timeline.filter((e) => e.actorType === 'api_key');
    expect(byKey.map((e) => e.action)).toEqual(['case.sign', 'case.feed_back']);
    // The timeline names the key as it was named, not "api-key:…".
    expect(byKey.map((e) => e.actorDisplayName)).toEqual(['环卫处业务系统', '环卫处业务系统']);
  });

  it('refuses a missing, wrong, tampered or stale signature with 401 and leaves the case as it was', async () => {
    const id = await dispatchCase(t, units.海曙区环境卫生管理处, 41, { description: '道路破损 1' });
    const before = await caseOf(id);
    for (const sign of ['none', 'wrong-secret', 'tampered', 'stale'] as const) {
      const res = await unitCall(id, 'sign', { version: before.version }, sign);
      expect(res.statusCode, sign).toBe(401);
      expect(res.json().error.code, sign).toBe('SIGNATURE_INVALID');
      expect(res.json().error.details[0].field).toBe('headers.x-cityops-signature');
    }
    const after = await caseOf(id);
    expect(after).toMatchObject({ state: 'dispatched', version: before.version });
    // Reading needs no signature; people (sessions) never sign.
    expect(
      (await t.app.inject({ url: `/api/cases/${id}`, headers: { authorization: `Bearer ${apiKey}` } }))
        .statusCode,
    ).toBe(200);
    expect((await actOn(t, 'unit.haishu-sanitation', id, 'sign')).statusCode).toBe(200);
  });

  it("cannot act on another unit's case, even when signed (404)", async () => {
    const id = await dispatchCase(t, units.海曙区园林绿化管理中心, 42, { description: '道路破损 2' });
    const before = await caseOf(id);
    const res = await unitCall(id, 'sign', { version: before.version });
    expect(res.statusCode, res.body).toBe(404);
    expect(await caseOf(id)).toMatchObject({ state: 'dispatched', version: before.version });
  });

  it('refuses signed calls from a unit whose endpoint has no secret set', async () => {
    const other = units.海曙区园林绿化管理中心;
    const key = await t.as(admin).post('/api/api-keys', {
      name: '园林中心系统',
      orgId: other,
      permissions: ['case:read', 'case:unit_feedback'],
    });
    const id = await dispatchCase(t, units.海曙区园林绿化管理中心, 43, { description: '道路破损 3' });
    const raw = JSON.stringify({ version: (await caseOf(id)).version });
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/cases/${id}/actions/sign`,
      headers: {
        authorization: `Bearer ${key.json().secret}`,
        'content-type': 'application/json',
        ...signedHeaders(secret, raw),
      },
      payload: raw,
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('SIGNATURE_INVALID');
  });
});
