/**
 * Issue 7, findings 9 and 10: what every answer tells a browser, cross-site writes with the
 * session cookie, and uploaded photos that are images and only images.
 *
 * - Headers: API answers (success and error), the API docs, the web client's HTML and its static
 *   files all carry a CSP, `nosniff`, frame protection, a referrer policy and a permissions
 *   policy; the web client's CSP has no inline or eval script and lets the map's workers start.
 * - CSRF: a write carrying the session cookie is refused (403 CROSS_SITE_REQUEST, zh/en) unless
 *   `Sec-Fetch-Site: same-origin` or a same-origin `Origin` says it comes from our own pages —
 *   text/plain bodies and multipart uploads alike, and nothing is written; bearer tokens and API
 *   keys are not affected; a browser's cross-site login is refused, a script's login is not.
 * - Photos: an image with an HTML page appended is stored and served without it, upright, with
 *   its GPS tags and no other metadata, under `nosniff`, `Content-Disposition: inline` and a
 *   sandbox CSP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { readExifGps } from '../../server/modules/cases/exif-gps.ts';
import { photoPaths } from '../../server/modules/cases/photos.ts';
import { ERRORS } from '../../server/platform/errors.ts';
import type { App } from '../../server/platform/types.ts';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../support/app.ts';
import { dispatchCase } from '../support/cases.ts';

let t: TestApp;
/** The same platform serving a small web client of its own (createTestApp serves none). */
let web: App;
const webDist = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-web-'));

/** The site as the tests' requests name it: Host header and the matching Origin. */
const HOST = 'cityops.example.cn';
const OWN = `http://${HOST}`;
const FOREIGN = 'https://evil.example.net';

beforeAll(async () => {
  t = await createTestApp();
  fs.mkdirSync(path.join(webDist, 'assets'));
  fs.writeFileSync(
    path.join(webDist, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body><div id="root"></div></body></html>',
  );
  fs.writeFileSync(path.join(webDist, 'assets/app.js'), 'console.log("app")');
  web = await buildApp({ config: t.config, database: t.database, logger: false, webDist });
  await web.ready();
});
afterAll(async () => {
  await web?.close();
  await t?.close();
  fs.rmSync(webDist, { recursive: true, force: true });
});

/** The directives of a CSP header as name → sources. */
function directives(res: LightMyRequestResponse): Record<string, string[]> {
  const header = String(res.headers['content-security-policy'] ?? '');
  const out: Record<string, string[]> = {};
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out[name] = sources;
  }
  return out;
}

/** What every answer carries whatever its kind. */
function expectCommonHeaders(res: LightMyRequestResponse, what: string) {
  expect(res.headers['x-content-type-options'], what).toBe('nosniff');
  expect(res.headers['x-frame-options'], what).toBe('DENY');
  expect(res.headers['referrer-policy'], what).toBe('same-origin');
  const permissions = String(res.headers['permissions-policy']);
  expect(permissions, what).toContain('geolocation=(self)');
  expect(permissions, what).toContain('camera=(self)');
  expect(permissions, what).toContain('microphone=()');
  expect(directives(res)['frame-ancestors'], what).toEqual(["'none'"]);
}

/** A fresh session through the login form's request (no cookie yet, no Origin: a script). */
async function cookieSession(username: string): Promise<string> {
  const res = await t.as(null).post('/api/auth/login', { username, password: DEMO_PASSWORD });
  expect(res.statusCode, res.body).toBe(200);
  return String(res.headers['set-cookie']).split(';')[0];
}

async function unitId(name: string): Promise<string> {
  const orgs = (await t.as(await t.login('admin')).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  const org = orgs.find((o) => o.name === name);
  if (!org) throw new Error(`no unit ${name}`);
  return org.id;
}

const withCookie = (cookie: string, headers: Record<string, string>) => ({ host: HOST, cookie, ...headers });

describe('security headers', () => {
  it('API answers, success and error alike, let nothing load, run or be framed', async () => {
    const admin = await t.login('admin');
    const answers = {
      'GET /api/me': await t.as(admin).get('/api/me'),
      '401': await t.as(null).get('/api/me'),
      '404 route': await t.as(admin).get('/api/no-such-thing'),
      'validation 400': await t.as(admin).post('/api/users', { nope: 1 }),
      healthz: await t.as(null).get('/healthz'),
      tiles: await t.as(admin).get('/tiles/divisions/0/0/0.mvt'),
    };
    for (const [what, res] of Object.entries(answers)) {
      expectCommonHeaders(res, what);
      expect(directives(res)['default-src'], what).toEqual(["'none'"]);
    }
  });

  it('the API docs get the policy swagger-ui needs, scoped to /api/docs', async () => {
    const page = await t.as(null).get('/api/docs/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expectCommonHeaders(page, 'docs');
    const csp = directives(page);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    // The page names only script files: no inline script for the policy to have to allow.
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const initializer = await t.as(null).get('/api/docs/static/swagger-initializer.js');
    expect(initializer.statusCode).toBe(200);
    expect(directives(initializer)['script-src']).toEqual(["'self'"]);
  });

  it('the web client: its HTML and files under a strict policy that still runs the map', async () => {
    const html = await web.inject({ method: 'GET', url: '/dashboard' });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    const asset = await web.inject({ method: 'GET', url: '/assets/app.js' });
    expect(asset.statusCode).toBe(200);
    for (const [what, res] of [
      ['html', html],
      ['asset', asset],
    ] as const) {
      expectCommonHeaders(res, what);
      const csp = directives(res);
      // Scripts only from our files: no inline, no eval, no other host.
      expect(csp['script-src'], what).toEqual(["'self'"]);
      expect(csp['default-src'], what).toEqual(["'self'"]);
      expect(csp['connect-src'], what).toEqual(["'self'"]);
      expect(csp['object-src'], what).toEqual(["'none'"]);
      expect(csp['base-uri'], what).toEqual(["'none'"]);
      // MapLibre's workers (our file, or a blob: wrapping it) and images from here, data: and blob:.
      expect(csp['worker-src'], what).toEqual(["'self'", 'blob:']);
      expect(csp['child-src'], what).toEqual(["'self'", 'blob:']);
      expect(csp['img-src'], what).toEqual(["'self'", 'data:', 'blob:']);
    }
    // The page itself has no inline script to allow (the real one: web/index.html).
    const source = fs.readFileSync(path.join(import.meta.dirname, '../../web/index.html'), 'utf8');
    expect(source).toMatch(/<script[^>]*\bsrc=/);
    expect(source).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(source).not.toMatch(/\son[a-z]+=/i);
  });

  it('HEAD of a page answers as its GET does, without the body (link checkers and uptime probes use it)', async () => {
    for (const url of ['/dashboard', '/public/', '/public/track/K7Q2M9X4P3A8']) {
      const get = await web.inject({ method: 'GET', url });
      const head = await web.inject({ method: 'HEAD', url });
      expect(head.statusCode, url).toBe(200);
      expect(head.headers['content-type'], url).toBe(get.headers['content-type']);
      expect(head.body, url).toBe('');
    }
    // An API route that does not exist stays a 404, for HEAD too.
    expect((await web.inject({ method: 'HEAD', url: '/api/nothing-here' })).statusCode).toBe(404);
  });
});

describe('cross-site writes with the session cookie', () => {
  it('logout with a text/plain body and the cookie only, from another site: refused, session kept', async () => {
    const cookie = await cookieSession('haishu.dispatcher');
    const attempts: Record<string, Record<string, string>> = {
      'foreign Origin': { origin: FOREIGN },
      'Origin null': { origin: 'null' },
      'another port of our host': { origin: `${OWN}:8443` },
      'no Origin at all': {},
      'Sec-Fetch-Site cross-site': { 'sec-fetch-site': 'cross-site' },
      'Sec-Fetch-Site same-site': { 'sec-fetch-site': 'same-site' },
      // The browser's verdict wins over an Origin that looks like ours.
      'same Origin but cross-site fetch': { origin: OWN, 'sec-fetch-site': 'cross-site' },
    };
    for (const [what, headers] of Object.entries(attempts)) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: withCookie(cookie, { 'content-type': 'text/plain', ...headers }),
        payload: 'x',
      });
      expect(res.statusCode, what).toBe(403);
      expect(res.json().error, what).toMatchObject({
        code: 'CROSS_SITE_REQUEST',
        message: ERRORS.CROSS_SITE_REQUEST.zh,
      });
    }
    const en = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: withCookie(cookie, { origin: FOREIGN, 'accept-language': 'en' }),
    });
    expect(en.json().error).toMatchObject({
      code: 'CROSS_SITE_REQUEST',
      message: ERRORS.CROSS_SITE_REQUEST.en,
      details: [{ field: 'headers.origin', message: FOREIGN }],
    });
    // Still signed in: nothing happened.
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    // Reads are not writes: a cross-site GET with the cookie is answered (SameSite=Lax sends it
    // on top-level navigations only, and a GET changes nothing).
    const read = await t.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: withCookie(cookie, { origin: FOREIGN }),
    });
    expect(read.statusCode).toBe(200);
  });

  it('notifications/read-all with the cookie from another site: refused, the inbox stays unread', async () => {
    await dispatchCase(t, await unitId('海曙区环境卫生管理处'), 0);
    const cookie = await cookieSession('unit.haishu-sanitation');
    const unread = async () =>
      (
        await t.app.inject({ method: 'GET', url: '/api/notifications?unread=true', headers: { cookie } })
      ).json().unread as number;
    const before = await unread();
    expect(before).toBeGreaterThan(0);
    for (const headers of [{ origin: FOREIGN }, {}] as Record<string, string>[]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/notifications/read-all',
        headers: withCookie(cookie, { 'content-type': 'text/plain', ...headers }),
        payload: '',
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('CROSS_SITE_REQUEST');
    }
    expect(await unread()).toBe(before);
    // From our own page it works.
    const own = await t.app.inject({
      method: 'POST',
      url: '/api/notifications/read-all',
      headers: withCookie(cookie, { origin: OWN }),
    });
    expect(own.statusCode, own.body).toBe(204);
    expect(await unread()).toBe(0);
  });

  it('a multipart photo upload with the cookie from another site is refused before it is read', async () => {
    const cookie = await cookieSession('haishu.inspector');
    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    const count = async () =>
      (
        (await t.database.db.execute(sql`SELECT count(*)::int AS n FROM photo`)) as unknown as {
          rows: { n: number }[];
        }
      ).rows[0].n;
    const before = await count();
    const refused = await upload(png, withCookie(cookie, { origin: FOREIGN }));
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().error.code).toBe('CROSS_SITE_REQUEST');
    expect(await count()).toBe(before);

    // Our own page: Origin ours, or the browser's Sec-Fetch-Site (a proxy may hide our scheme).
    const own = await upload(png, withCookie(cookie, { origin: OWN }));
    expect(own.statusCode, own.body).toBe(201);
    const fetchSite = await upload(
      png,
      withCookie(cookie, { 'sec-fetch-site': 'same-origin', origin: 'https://cityops.example.cn' }),
    );
    expect(fetchSite.statusCode, fetchSite.body).toBe(201);
    expect(await count()).toBe(before + 1);
  });

  it('same-origin writes with the cookie work; logout from our own page ends the session', async () => {
    const cookie = await cookieSession('haishu.acceptor');
    const prefs = await t.app.inject({
      method: 'PUT',
      url: '/api/me/preferences',
      headers: withCookie(cookie, { origin: OWN }),
      payload: { locale: 'en-US' },
    });
    expect(prefs.statusCode, prefs.body).toBe(200);
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: withCookie(cookie, { 'sec-fetch-site': 'same-origin' }),
    });
    expect(out.statusCode, out.body).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('bearer tokens and API keys are not affected, whatever the Origin', async () => {
    const admin = await t.login('admin');
    const key = await t.as(admin).post('/api/api-keys', {
      name: 'csrf-test key',
      orgId: await unitId('海曙区园林绿化管理中心'),
      permissions: ['case:read'],
    });
    expect(key.statusCode, key.body).toBe(201);
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#abcdef' } })
      .png()
      .toBuffer();
    for (const token of [await t.login('haishu.inspector'), key.json().secret as string]) {
      const res = await upload(png, { host: HOST, origin: FOREIGN, authorization: `Bearer ${token}` });
      expect(res.statusCode, res.body).toBe(201);
    }
    const session = await t.login('city.leader');
    const readAll = await t.as(session).post('/api/notifications/read-all', undefined, {
      origin: FOREIGN,
      'content-type': 'text/plain',
    });
    expect(readAll.statusCode, readAll.body).toBe(204);
    // A cookie beside an Authorization header is not used at all: a junk bearer with a good
    // cookie from another site is a 401, never a write done with the cookie.
    const cookie = await cookieSession('haishu.dispatcher');
    const mixed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: withCookie(cookie, { origin: FOREIGN, authorization: 'Bearer junk-junk-junk' }),
    });
    expect(mixed.statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(200);
  });

  it('login: scripts (no Origin) and our own page sign in; another site cannot sign a browser in', async () => {
    const body = { username: 'haishu.inspector', password: DEMO_PASSWORD };
    const login = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { host: HOST, ...headers },
        payload: body,
      });
    expect((await login({})).statusCode).toBe(200);
    expect((await login({ origin: OWN })).statusCode).toBe(200);
    expect((await login({ 'sec-fetch-site': 'same-origin' })).statusCode).toBe(200);
    const foreign = await login({ origin: FOREIGN });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('CROSS_SITE_REQUEST');
    expect(foreign.headers['set-cookie']).toBeUndefined();
    expect((await login({ 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
  });
});

/** A 1-bit greyscale PNG of the given size, all zero: tiny compressed, huge decoded. */
function pngBomb(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter method, no interlace
  // Each row: filter byte 0, then width/8 bytes of zeros.
  const raw = Buffer.alloc(height * (1 + Math.ceil(width / 8)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function upload(bytes: Buffer, headers: Record<string, string>, filename = 'p.png') {
  const boundary = '----web-security';
  return t.app.inject({
    method: 'POST',
    url: '/api/photos',
    headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
}

describe('photos are images and only images', () => {
  const HTML = Buffer.from(
    '<html><body><script>fetch("/api/me").then(r=>r.text()).then(alert)</script></body></html>',
  );
  const GPS = {
    GPSLatitudeRef: 'N',
    GPSLatitude: '29/1 52/1 1234/100',
    GPSLongitudeRef: 'E',
    GPSLongitude: '121/1 33/1 5/1',
  };

  /** 40×20: left half red, right half blue, so turning it upright can be seen. */
  async function picture() {
    const red = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer();
    return sharp({ create: { width: 40, height: 20, channels: 3, background: '#0000ff' } }).composite([
      { input: red, left: 0, top: 0 },
    ]);
  }

  it('a JPEG with an HTML page appended is stored upright, with its GPS and nothing else', async () => {
    const jpeg = await (await picture())
      .jpeg()
      .withIccProfile('p3')
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><secret-xmp/></x:xmpmeta>')
      .withMetadata({ orientation: 6 })
      .withExif({
        IFD0: { Make: 'SecretPhone', Model: 'X-1', Artist: 'Zhang San', Copyright: 'owner-name' },
        IFD3: GPS,
      })
      .toBuffer();
    const sent = Buffer.concat([jpeg, HTML]);
    const before = await sharp(sent).metadata();
    expect([before.orientation, !!before.xmp, !!before.icc]).toEqual([6, true, true]);

    const inspector = await t.login('haishu.inspector');
    const res = await upload(sent, { authorization: `Bearer ${inspector}` });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    // Orientation 6 (turn 90° clockwise): the 40×20 picture is 20×40 upright.
    expect(body).toMatchObject({ mime: 'image/jpeg', width: 20, height: 40 });

    const stored = fs.readFileSync(photoPaths(t.config.dataDir, body.id).original);
    expect(body.bytes).toBe(stored.length);
    // A JPEG from its first byte to its last: SOI … EOI, nothing after it, no HTML anywhere.
    expect(stored.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(stored.subarray(-2).toString('hex')).toBe('ffd9');
    expect(stored.includes('<script')).toBe(false);
    expect(stored.includes('<html')).toBe(false);
    for (const secret of ['SecretPhone', 'Zhang San', 'owner-name', 'secret-xmp']) {
      expect(stored.includes(secret), secret).toBe(false);
    }
    const meta = await sharp(stored).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 20, height: 40 });
    expect(meta.orientation ?? 1).toBe(1);
    expect(meta.xmp).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    // Where it was taken survives, to the same tags.
    const gps = readExifGps(meta.exif);
    expect(gps?.tags).toMatchObject(GPS);
    expect(gps?.lat).toBeCloseTo(29 + 52 / 60 + 12.34 / 3600, 9);
    expect(gps?.lng).toBeCloseTo(121 + 33 / 60 + 5 / 3600, 9);
    // Upright: the red half is on top now.
    const { data, info } = await sharp(stored).raw().toBuffer({ resolveWithObject: true });
    const px = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3),
    ];
    expect(px(10, 5)[0]).toBeGreaterThan(200);
    expect(px(10, 35)[2]).toBeGreaterThan(200);

    // Served as stored, with the headers that keep a browser from taking it for anything else.
    for (const url of [`/api/photos/${body.id}`, `/api/photos/${body.id}/thumb`]) {
      const got = await t.as(inspector).get(url);
      expect(got.statusCode, url).toBe(200);
      expect(got.headers['x-content-type-options'], url).toBe('nosniff');
      expect(got.headers['content-disposition'], url).toBe('inline');
      expect(got.headers['content-security-policy'], url).toBe("default-src 'none'; sandbox");
      expect(got.rawPayload.includes('<script'), url).toBe(false);
    }
    const original = await t.as(inspector).get(`/api/photos/${body.id}`);
    expect(original.headers['content-type']).toBe('image/jpeg');
    expect(original.rawPayload.equals(stored)).toBe(true);
    const thumb = await sharp(
      (await t.as(inspector).get(`/api/photos/${body.id}/thumb`)).rawPayload,
    ).metadata();
    expect([thumb.format, thumb.exif, thumb.xmp]).toEqual(['webp', undefined, undefined]);
  });

  it('a PNG with an HTML page appended comes out clean; the same upload again is the same photo', async () => {
    const png = Buffer.concat([await (await picture()).png().toBuffer(), HTML]);
    const inspector = await t.login('haishu.inspector');
    const first = await upload(png, { authorization: `Bearer ${inspector}` });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ mime: 'image/png', width: 40, height: 20 });
    const stored = fs.readFileSync(photoPaths(t.config.dataDir, first.json().id).original);
    expect(stored.includes('<script')).toBe(false);
    // The file ends with the PNG's IEND chunk (and its CRC).
    expect(stored.subarray(-8, -4).toString('latin1')).toBe('IEND');
    const again = await upload(png, { authorization: `Bearer ${inspector}` });
    expect(again.json().id).toBe(first.json().id);
  });

  it('refuses HTML sent as a photo, and pictures whose pixels would not fit in memory', async () => {
    const inspector = await t.login('haishu.inspector');
    const html = await upload(HTML, { authorization: `Bearer ${inspector}` });
    expect(html.statusCode).toBe(415);
    expect(html.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    // A real PNG of 12,000 × 12,000 black pixels (1 bit each): about 20 KB to send, 144 megapixels
    // (hundreds of MB) to decode.
    const huge = pngBomb(12_000, 12_000);
    expect(huge.length).toBeLessThan(100 * 1024);
    expect(await sharp(huge).metadata()).toMatchObject({ format: 'png', width: 12_000, height: 12_000 });
    const bomb = await upload(huge, { authorization: `Bearer ${inspector}` });
    expect(bomb.statusCode, bomb.body).toBe(413);
    expect(bomb.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: [{ field: 'file' }] });
  });
});
