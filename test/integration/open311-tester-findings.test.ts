/**
 * Open311 GeoReport v2: an outside tester's findings. Every error description is in the caller's
 * language; a form field whose bytes are not UTF-8 is refused, naming it; a request that joined an
 * older case is not updated before it was made; a position and an address naming places far apart
 * are refused, and the address a client sent is the one published; a `<` in words is no markup;
 * a description of only white space or only invisible characters is no description.
 */
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { pointIn } from '../support/cases.ts';
import { FORM_TYPE, form, readAnswer } from '../support/open311.ts';

const BASE = '/open311/v2';
let t: TestApp;
let admin: string;
let key: string;
let hs: { lng: number; lat: number };
let jb: { lng: number; lat: number };
let square: { id: string; name: string; point: { lng: number; lat: number } };

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const me = (await t.as(admin).get('/api/me')).json();
  const res = await t.as(admin).post('/api/api-keys', {
    name: 'tester app',
    orgId: me.org.id,
    permissions: ['case:report'],
  });
  expect(res.statusCode, res.body).toBe(201);
  key = res.json().secret;
  hs = await pointIn(t, '330203', 7);
  jb = await pointIn(t, '330205', 7);
  [square] = (
    await t.as(admin).get(`/api/geo/places?q=${encodeURIComponent('天一广场')}&limit=1`)
  ).json().items;
  expect(square?.name).toContain('天一广场');
});
afterAll(async () => t?.close());

const reportCount = async () =>
  Number((await t.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM report`))[0].n);

const postRaw = (payload: string | Buffer, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: `${BASE}/requests.json`,
    headers: { 'content-type': FORM_TYPE, ...headers },
    payload,
  });
const post = (fields: Record<string, string | number | undefined>, headers: Record<string, string> = {}) =>
  postRaw(form({ api_key: key, ...fields }), headers);

const errors = (res: LightMyRequestResponse) =>
  (readAnswer('errors', res, 'json') as { code: number; description: string }[]).map((e) => {
    expect(e.code).toBe(res.statusCode);
    return e.description;
  });
const created = (res: LightMyRequestResponse) => {
  expect(res.statusCode, res.body).toBe(200);
  return (readAnswer('request-created', res, 'json') as { service_request_id: string }[])[0]
    .service_request_id;
};
const published = async (id: string) => {
  const res = await t.app.inject({ method: 'GET', url: `${BASE}/requests/${id}.json` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json()[0] as Record<string, string>;
};

const CJK = /[\u4e00-\u9fff]/;
/** English words of a sentence (parameter names, which are the spec's, aside). */
const englishWords = (s: string) =>
  s.replace(/\b[a-z]+_[a-z_]+\b|\b(lat|long|description|UTF-8)\b/g, '').match(/[A-Za-z]{3,}/g) ?? [];

describe('every error description follows the caller’s language', () => {
  it('a description of one visible character: Chinese by default and for zh-CN, English for en', async () => {
    const fields = { service_code: '06002', lat: hs.lat, long: hs.lng, description: 'a' };
    for (const headers of [{}, { 'accept-language': 'zh-CN,zh;q=0.9' }] as Record<string, string>[]) {
      const res = await post(fields, headers);
      expect(res.statusCode).toBe(400);
      const [d] = errors(res);
      expect(d).toMatch(/^description: /);
      expect(d).toMatch(CJK);
      expect(englishWords(d), d).toEqual([]);
    }
    const en = errors(await post(fields, { 'accept-language': 'en' }));
    expect(en[0]).toMatch(/^description: .*visible characters/);
    expect(en[0]).not.toMatch(CJK);
  });
});

describe('a URL refused before any route', () => {
  it('says why in Chinese by default, in English for en', async () => {
    const url = `${BASE}/requests/%E0%A4%A.json`;
    const zh = await t.app.inject({ method: 'GET', url });
    const [d] = errors(zh);
    expect(d).toMatch(/^请求无效: /);
    expect(englishWords(d), d).toEqual([]);
    const en = await t.app.inject({ method: 'GET', url, headers: { 'accept-language': 'en' } });
    expect(errors(en)[0]).toMatch(/[A-Za-z]{4,}/);
    expect(errors(en)[0]).not.toMatch(CJK);
  });
});

describe('form bytes that are not UTF-8', () => {
  const base = () => `api_key=${key}&service_code=06002&lat=${hs.lat}&long=${hs.lng}`;

  it('are refused with 400 naming the field, in either language, and nothing is written', async () => {
    const before = await reportCount();
    const zh = await postRaw(`${base()}&description=abc%FF%FEdef`);
    expect(zh.statusCode, zh.body).toBe(400);
    const [d] = errors(zh);
    expect(d).toMatch(/^description: .*UTF-8/);
    expect(d).toMatch(CJK);
    const en = await postRaw(`${base()}&description=abc%FF%FEdef`, { 'accept-language': 'en' });
    expect(errors(en)[0]).toMatch(/^description: .*not UTF-8/);
    // Raw bytes, not percent-encoded: Latin-1 text in a form declared UTF-8.
    const latin1 = await postRaw(
      Buffer.concat([Buffer.from(`${base()}&description=caf`), Buffer.from([0xe9]), Buffer.from('!!')]),
    );
    expect(latin1.statusCode, latin1.body).toBe(400);
    expect(errors(latin1)[0]).toMatch(/^description: /);
    // A truncated sequence in another field names that field.
    const name = await postRaw(`${base()}&description=${encodeURIComponent('井盖坏了')}&first_name=%E6%B5`);
    expect(errors(name)[0]).toMatch(/^first_name: /);
    expect(await reportCount()).toBe(before);
  });

  it('while UTF-8, percent-encoded or raw, is taken as written', async () => {
    const id = created(
      await postRaw(
        Buffer.from(`${base()}&description=${encodeURIComponent('路灯')}+不亮%21&address_string=a%2Bb`),
      ),
    );
    expect((await published(id)).description).toBe('路灯 不亮!');
  });
});

describe('a request that joined an older case', () => {
  it('is not updated before it was requested', async () => {
    const at = { lat: jb.lat + 0.0002, long: jb.lng };
    const first = created(await post({ service_code: '06010', ...at, description: '桥下一堆垃圾' }));
    // The case last changed a day ago.
    await t.database.query(
      sql`UPDATE case_file SET updated_at = now() - interval '1 day'
          WHERE id = (SELECT case_id FROM report WHERE id = ${first})`,
    );
    const joined = created(await post({ service_code: '06010', ...at, description: '桥下垃圾没人管' }));
    const [{ merged }] = await t.database.query<{ merged: boolean }>(
      sql`SELECT merged FROM report WHERE id = ${joined}`,
    );
    expect(merged).toBe(true);
    const r = await published(joined);
    expect(Date.parse(r.updated_datetime)).toBeGreaterThanOrEqual(Date.parse(r.requested_datetime));
  });
});

describe('a position and an address together', () => {
  const far = () => ({ lat: square.point.lat + 0.018, long: square.point.lng }); // about 2 km north
  const near = () => ({ lat: square.point.lat + 0.0005, long: square.point.lng }); // about 55 m

  it('naming places far apart are refused, naming the conflict (address_id or address_string)', async () => {
    const before = await reportCount();
    const byId = await post({
      service_code: '01037',
      ...far(),
      address_id: square.id,
      description: '路灯不亮',
    });
    expect(byId.statusCode, byId.body).toBe(400);
    const [d] = errors(byId);
    expect(d).toMatch(/^address_id: lat\/long/);
    expect(d).toContain(square.id);
    expect(d).toMatch(CJK);
    const byText = await post(
      {
        service_code: '01037',
        ...far(),
        address_string: `海曙区${square.name}东门`,
        description: '路灯不亮',
      },
      { 'accept-language': 'en' },
    );
    expect(byText.statusCode, byText.body).toBe(400);
    expect(errors(byText)[0]).toMatch(/^address_string: lat\/long and .*different places/);
    expect(await reportCount()).toBe(before);
  });

  it('close together are taken at the position, with the address the client wrote published', async () => {
    const written = `${square.name}东门旁的路灯`;
    const id = created(
      await post({
        service_code: '01037',
        ...near(),
        address_id: square.id,
        address_string: written,
        description: '路灯一直不亮',
      }),
    );
    const r = await published(id);
    expect(r.address).toBe(written);
    expect([Number(r.lat), Number(r.long)]).toEqual([near().lat, near().long]);
    // An address the gazetteer does not know is the client's words: kept and published.
    const own = '解放北路菜场后门';
    const id2 = created(
      await post({
        service_code: '01037',
        lat: hs.lat,
        long: hs.lng,
        address_string: own,
        description: '井盖缺失',
      }),
    );
    expect((await published(id2)).address).toBe(own);
  });
});

describe('plain text', () => {
  it('a “<” in words is kept; real tags are still refused', async () => {
    const words = '井盖 a<b 坏了，1 < 2';
    const id = created(await post({ service_code: '06002', lat: hs.lat, long: hs.lng, description: words }));
    expect((await published(id)).description).toBe(words);
    for (const markup of [
      '<b>粗体</b>',
      '看<img src=x onerror=alert(1)>',
      '</p>',
      '<!-- x -->',
      '<?xml ?>',
    ]) {
      const res = await post({ service_code: '06002', lat: hs.lat, long: hs.lng, description: markup });
      expect(res.statusCode, markup).toBe(400);
      expect(errors(res)[0]).toMatch(/^description: .*HTML/);
    }
  });

  it('a description of only white space or only zero-width characters is no description: the type’s name', async () => {
    const names = new Set<string>();
    for (const [i, blank] of ['   ', '\u200b\u200b', '\u200b \ufeff'].entries()) {
      const id = created(
        await post({ service_code: '06002', lat: hs.lat + 0.0001 * i, long: hs.lng, description: blank }),
      );
      const r = await published(id);
      expect(r.description).toBe(r.service_name);
      names.add(r.description);
    }
    expect(names.size).toBe(1);
  });
});
