/**
 * Issue 7, findings 9 and 10, in Debian's Chromium against the real platform:
 *
 * - Every desktop page of the menu (web/src/menu.tsx: the routes the server grants, for the
 *   admin, who has them all, and for a district dispatcher, a unit handler and the city's leader),
 *   a case page, the API docs and the inspectors' `/m/` app load under the platform's CSP with no
 *   CSP violation — neither a console message nor a `securitypolicyviolation` event — while the
 *   map draws its tiles (MapLibre's workers ran) and the app's service worker caches its shell.
 * - A photo URL answers with `nosniff`, `Content-Disposition: inline` and the sandbox CSP; a photo
 *   uploaded with an HTML page appended is served without it, and opening it runs nothing.
 * - A page of another application on the same host (same site, so SameSite=Lax still sends the
 *   session cookie) posts a text/plain form to /api/auth/logout: the browser sends the cookie,
 *   the platform refuses the write, the session lives on.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, type PageWatch, shot, startE2E, stopE2E, watchPage } from '../support/browser.ts';
import { ROOT, type Running } from '../support/process.ts';

const SHOT = 'web-security-';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-websec-'));
let platform: Running | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
/** Every CSP violation any page, frame or worker of the file reported, with where. */
const violations: string[] = [];
const watches: { who: string; watch: PageWatch }[] = [];

beforeAll(async () => {
  [platform, browser] = await startE2E(
    SHOT,
    { DATA_DIR: dataDir, DEMO_PASSWORD, DATABASE_URL: '', DEMO_COMPONENTS: '2000', DEMO_CASES: '30' },
    200_000,
  );
});

afterAll(async () => {
  await stopE2E(platform, browser, [dataDir], contexts);
});

/** Pages only a unit's account holds (common/identity.ts menuOf). */
const UNIT_ONLY_PAGES = ['departmentChecks'];

/** key → path of every page the client has, read from web/src/menu.tsx. */
function clientRoutes(): Map<string, string> {
  const src = fs.readFileSync(path.join(ROOT, 'web/src/menu.tsx'), 'utf8');
  const body = src.slice(src.indexOf('MENU_ITEMS'));
  const routes = new Map(
    [...body.matchAll(/\bkey:\s*'([A-Za-z]+)',\s*path:\s*'([^']+)'/g)].map((m) => [m[1], m[2]]),
  );
  if (routes.size < 10) throw new Error(`only ${routes.size} routes found in web/src/menu.tsx`);
  return routes;
}

/**
 * A browser context whose every CSP violation lands in `violations`: the console's report (pages
 * and workers alike) and the `securitypolicyviolation` event of each document, with the directive
 * and what was blocked. Unless told otherwise, its page's console errors and requests to other
 * hosts are checked at the end. Responses from /tiles/ are counted (MapLibre's workers fetch them).
 */
async function cspContext(who: string, options: BrowserContextOptions = {}, checkErrors = true) {
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ...options });
  contexts.push(context);
  context.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(`${who} console: ${msg.text()}`);
  });
  await context.exposeBinding('__cityopsCspViolation', (_source, v: string) => {
    violations.push(`${who} event: ${v}`);
  });
  // Injected by the browser's debugging protocol, not by the page: the CSP does not apply to it.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __cityopsCspViolation(v: string): void }).__cityopsCspViolation;
      report(
        `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber} on ${location.pathname}`,
      );
    });
  });
  const tiles = { answered: 0 };
  context.on('response', (res) => {
    if (res.url().includes('/tiles/') && res.status() === 200) tiles.answered++;
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  if (checkErrors) watches.push({ who, watch: watchPage(page, platform!.url) });
  return { context, page, tiles };
}

/**
 * Opens a page of the platform and checks that it came under the web client's policy (or the API
 * docs' one): without it "no violation" would prove nothing.
 */
async function open(page: Page, url: string) {
  const res = await page.goto(`${platform!.url}${url}`);
  const csp = res?.headers()['content-security-policy'] ?? '';
  expect(csp, url).toContain("script-src 'self'");
  expect(csp, url).toContain("frame-ancestors 'none'");
  if (!url.startsWith('/api/docs')) expect(csp, url).toContain("worker-src 'self' blob:");
  expect(res?.headers()['x-content-type-options'], url).toBe('nosniff');
  return res;
}

async function signIn(page: Page, username: string) {
  await open(page, '/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** A page is drawn: its container is there and nothing is loading any more. */
async function settled(page: Page) {
  // page-loading is the spinner shown while the page's code loads (components/lazyPage.tsx).
  await page.locator('[data-testid^="page-"]:not([data-testid="page-loading"])').first().waitFor();
  await expect
    .poll(() => page.locator('.ant-spin-spinning, .ant-skeleton-active').count(), { timeout: 30_000 })
    .toBe(0);
}

/** A map on the page has drawn tiles: MapLibre's workers started and fetched them. */
async function mapDrew(page: Page, tiles: { answered: number }, before: number) {
  await page.locator('.maplibregl-canvas').first().waitFor();
  await expect.poll(() => tiles.answered, { timeout: 60_000 }).toBeGreaterThan(before);
}

async function walkMenu(username: string): Promise<string[]> {
  const { page, tiles } = await cspContext(username);
  await signIn(page, username);
  const menu = (await page.evaluate(async () => (await fetch('/api/me')).json())).menu as string[];
  const routes = clientRoutes();
  const visited: string[] = [];
  for (const key of menu) {
    const route = routes.get(key);
    if (!route) continue;
    const before = tiles.answered;
    await open(page, route);
    await settled(page);
    if (key === 'map') await page.locator('[data-testid="map-canvas"][data-map-ready="true"]').waitFor();
    if ((await page.locator('.maplibregl-map').count()) > 0) await mapDrew(page, tiles, before);
    if (key === 'map' && username === 'admin') await shot(page, `${SHOT}map`);
    visited.push(key);
  }
  expect(violations, `${username}: CSP violations`).toEqual([]);
  return visited;
}

describe('the web client under its Content-Security-Policy', () => {
  it('the watch sees a violation: a script injected into the page is blocked and reported', async () => {
    // Its console error is the point here, so its errors are not checked with the others'.
    const { page } = await cspContext('canary', {}, false);
    await open(page, '/login');
    await page.getByTestId('login-username').waitFor();
    const ran = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.head.append(s);
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(ran).toBe(false);
    await expect
      .poll(() => violations.filter((v) => v.includes('script-src')).length)
      .toBeGreaterThanOrEqual(2);
    expect(violations.every((v) => v.startsWith('canary '))).toBe(true);
    violations.length = 0;
  });

  it('the admin walks every page of the menu, a case page and the API docs: no violation', async () => {
    if (!platform) throw new Error('platform did not start');
    const visited = await walkMenu('admin');
    // The admin holds every page this client has but a unit's own: a department's checks are
    // reported by the unit (menuOf gives them to unit accounts only); the unit walks it below.
    expect(visited.sort()).toEqual(
      [...clientRoutes().keys()].filter((k) => !UNIT_ONLY_PAGES.includes(k)).sort(),
    );

    const { page, tiles } = await cspContext('admin case page');
    await signIn(page, 'admin');
    const list = await page.evaluate(async () => (await fetch('/api/cases?pageSize=1')).json());
    expect(list.items.length).toBe(1);
    const before = tiles.answered;
    await open(page, `/cases/${list.items[0].id}`);
    await page.getByTestId('page-case').waitFor();
    await mapDrew(page, tiles, before);

    // The API docs run under their own policy: swagger-ui loads the spec and opens an operation.
    await open(page, '/api/docs');
    await page.locator('.swagger-ui .opblock').first().waitFor();
    await page.locator('.swagger-ui .opblock-summary').first().click();
    await page.locator('.swagger-ui .opblock-body').first().waitFor();
    await shot(page, `${SHOT}api-docs`);
    expect(violations).toEqual([]);
  });

  it('a district dispatcher, a unit handler and the city leader walk their menus: no violation', async () => {
    for (const who of ['haishu.dispatcher', 'unit.haishu-sanitation', 'city.leader']) {
      const visited = await walkMenu(who);
      expect(visited.length, who).toBeGreaterThan(0);
      if (who.startsWith('unit.')) expect(visited).toEqual(expect.arrayContaining(UNIT_ONLY_PAGES));
    }
  });

  it('the inspectors’ /m/ app: login, tasks, report with GPS, my reports, outbox, service worker', async () => {
    if (!platform) throw new Error('platform did not start');
    const { page } = await cspContext('m', {
      ...PHONE,
      geolocation: { longitude: 121.55, latitude: 29.87, accuracy: 10 },
      permissions: ['geolocation'],
    });
    await open(page, '/m/login');
    await page.getByTestId('m-login').waitFor();
    await page.getByTestId('m-login-username').fill('haishu.inspector');
    await page.getByTestId('m-login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('m-login-submit').click();
    await page.waitForURL(`${platform.url}/m/`);
    await page.getByTestId('m-tasks').waitFor();
    await page.getByTestId('m-tab-report').click();
    await page.getByTestId('m-report').waitFor();
    await page.getByTestId('m-report-place').waitFor(); // geolocation answered (Permissions-Policy: self)
    await shot(page, `${SHOT}m-report`);
    await page.getByTestId('m-tab-reports').click();
    await page.getByTestId('m-reports').waitFor();
    await open(page, '/m/outbox');
    await page.getByTestId('m-outbox').waitFor();
    // The service worker (its own script, under the same policy) installed and cached the shell.
    await expect
      .poll(
        () =>
          page.evaluate(async () => {
            await navigator.serviceWorker.ready;
            return !!(await caches.match('/m/'));
          }),
        { timeout: 30_000 },
      )
      .toBe(true);
    expect(violations).toEqual([]);
  });

  it('a photo answers with nosniff, inline and a sandbox; one with HTML appended is served without it', async () => {
    if (!platform) throw new Error('platform did not start');
    const { context, page } = await cspContext('photo');
    await signIn(page, 'haishu.inspector');
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
      .jpeg()
      .toBuffer();
    const html = '<html><body><script>alert("stored XSS")</script></body></html>';
    const sent = Buffer.concat([jpeg, Buffer.from(html)]).toString('base64');
    // Uploaded from the page as the web client does it: a same-origin multipart write with the cookie.
    const uploaded = await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const form = new FormData();
      form.append('file', new Blob([bytes], { type: 'image/jpeg' }), 'photo.jpg');
      const res = await fetch('/api/photos', { method: 'POST', body: form });
      return { status: res.status, body: await res.json() };
    }, sent);
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    const id = uploaded.body.id as string;

    for (const url of [`/api/photos/${id}`, `/api/photos/${id}/thumb`]) {
      const res = await context.request.get(`${platform.url}${url}`);
      expect(res.status(), url).toBe(200);
      const headers = res.headers();
      expect(headers['x-content-type-options'], url).toBe('nosniff');
      expect(headers['content-disposition'], url).toBe('inline');
      expect(headers['content-security-policy'], url).toBe("default-src 'none'; sandbox");
      expect(headers['content-type'], url).toMatch(/^image\//);
      expect((await res.body()).includes('<script'), url).toBe(false);
    }
    // Opened on its own, it is a picture: nothing runs (no dialog), and the answer is the sandboxed one.
    const tab = await context.newPage();
    const dialogs: string[] = [];
    tab.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const opened = await tab.goto(`${platform.url}/api/photos/${id}`);
    expect(opened?.headers()['content-security-policy']).toBe("default-src 'none'; sandbox");
    await tab.locator('img').waitFor();
    expect(dialogs).toEqual([]);
    await tab.close();
  });
});

describe('a cross-site write with the session cookie', () => {
  let attacker: http.Server | undefined;
  afterAll(async () => {
    await new Promise((r) => (attacker ? attacker.close(r) : r(null)));
  });

  it('another app on the same host posts a text/plain logout form: the cookie goes, the write does not', async () => {
    if (!platform) throw new Error('platform did not start');
    const target = `${platform.url}/api/auth/logout`;
    // Same host, another port: another origin but the same site, so SameSite=Lax sends the cookie.
    attacker = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<form method="POST" action="${target}" enctype="text/plain"><input name="a" value="b"></form>` +
          '<script>document.forms[0].submit()</script>',
      );
    });
    await new Promise<void>((r) => attacker!.listen(0, '127.0.0.1', () => r()));
    const evil = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;

    const { context, page } = await cspContext('csrf victim');
    await signIn(page, 'haishu.dispatcher');
    const other = await context.newPage();
    const answered = other.waitForResponse((r) => r.url() === target);
    await other.goto(evil);
    const res = await answered;
    const sentHeaders = await res.request().allHeaders();
    expect(sentHeaders.cookie ?? '').toMatch(/cityops_session=/);
    expect(res.status()).toBe(403);
    expect((await res.json()).error.code).toBe('CROSS_SITE_REQUEST');
    await other.close();
    // Still signed in.
    const me = await page.evaluate(async () => (await fetch('/api/me')).status);
    expect(me).toBe(200);
  });

  it('no page logged an error or reached another host', () => {
    for (const { who, watch } of watches) {
      expect(watch.errors, `${who}: console errors`).toEqual([]);
      expect(watch.foreignRequests, `${who}: requests to other hosts`).toEqual([]);
    }
  });
});
