/**
 * Debian's Chromium driven through playwright-core (never a downloaded browser), plus helpers the
 * end-to-end tests share: full-page screenshots kept under test-artifacts/e2e/, and a watcher that
 * records console errors, page errors and requests to any host other than the platform's own.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
  type Response,
} from 'playwright-core';
import { ROOT, type Running, startPlatform } from './process.ts';
import { copySeedTemplate } from './seed-template.ts';

export const ARTIFACTS_DIR = path.join(ROOT, 'test-artifacts/e2e');

/**
 * The demo accounts' password in every end-to-end file. It is part of the seed (its hash is in the
 * accounts), so one password for all lets files that seed the same city share a cached seed
 * (seed-template.ts).
 */
export const DEMO_PASSWORD = 'e2e-demo-2026';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Writes a full-page PNG to test-artifacts/e2e/<name>.png and returns its path. The viewport is
 * stretched to the page's height for the shot (then restored): Chromium's own full-page capture
 * paints sticky headers in the middle of long pages.
 */
export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  const size = page.viewportSize();
  const height = await page.evaluate(() =>
    Math.max(document.documentElement.scrollHeight, document.body?.scrollHeight ?? 0),
  );
  if (!size || height <= size.height) {
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
    return file;
  }
  await page.setViewportSize({ width: size.width, height: Math.min(height, 10_000) });
  try {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  } finally {
    await page.setViewportSize(size);
  }
  return file;
}

/** Removes earlier screenshots whose names start with `prefix`, so a run leaves only its own. */
export function clearShots(prefix: string): void {
  if (!fs.existsSync(ARTIFACTS_DIR)) return;
  for (const f of fs.readdirSync(ARTIFACTS_DIR)) {
    if (f.startsWith(prefix) && f.endsWith('.png')) fs.rmSync(path.join(ARTIFACTS_DIR, f));
  }
}

export interface PageWatch {
  /** `console.error` messages and uncaught page errors, with where they came from. */
  errors: string[];
  /** Requests whose origin is not the platform's (data: and blob: URLs are local, not counted). */
  foreignRequests: string[];
  /** Every request URL the page made, for diagnosis. */
  requests: string[];
}

/** Starts recording a page's errors and its requests to hosts other than `origin`. */
export function watchPage(page: Page, origin: string): PageWatch {
  const watch: PageWatch = { errors: [], foreignRequests: [], requests: [] };
  const own = new URL(origin).origin;
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    watch.errors.push(`console.error: ${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
  });
  page.on('pageerror', (err) => {
    watch.errors.push(`pageerror: ${err.stack ?? err.message}`);
  });
  page.on('request', (req) => {
    const url = req.url();
    watch.requests.push(`${req.method()} ${url}`);
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    let reqOrigin: string;
    try {
      reqOrigin = new URL(url).origin;
    } catch {
      reqOrigin = url;
    }
    if (reqOrigin !== own) watch.foreignRequests.push(`${req.method()} ${url}`);
  });
  return watch;
}

/**
 * One end-to-end file's world: the real platform (`npm start`) on its own data directory beside a
 * headless Chromium; the file's earlier screenshots are cleared first. The directory starts as a
 * copy of the cached seed for the file's environment (seed-template.ts: the first file needing a
 * seed builds it — a first start seeds the demo city, which on a busy 2-core machine can take well
 * over a minute); a seed with demo cases is made afresh unless `seedCache` is true, and `seedCache:
 * false` always seeds afresh.
 */
export async function startE2E(
  shotPrefix: string,
  env: Record<string, string>,
  timeoutMs = 200_000,
  opts: { seedCache?: boolean } = {},
): Promise<[Running, Browser]> {
  clearShots(shotPrefix);
  const platform = copySeedTemplate(env, timeoutMs, opts.seedCache).then(() => startPlatform(env, timeoutMs));
  return Promise.all([platform, launchChromium()]);
}

/**
 * Closes the browser (its contexts first), stops the platform cleanly (SIGTERM; SIGKILL after
 * 15 s) and removes the file's directories.
 */
export async function stopE2E(
  platform: Running | undefined,
  browser: Browser | undefined,
  dirs: readonly string[],
  contexts: readonly BrowserContext[] = [],
): Promise<void> {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  if (platform && platform.child.exitCode === null) {
    platform.child.kill('SIGTERM');
    await Promise.race([platform.exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (platform.child.exitCode === null) platform.child.kill('SIGKILL');
  }
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}

/**
 * A fresh desktop browser session (1440×900, in `timezoneId`) signed in through the login page;
 * its context and its page watch are added to the file's lists so the file can close and check them.
 */
export async function signInPage(
  browser: Browser,
  origin: string,
  login: { username: string; password: string; timezoneId: string },
  contexts: BrowserContext[],
  watches: PageWatch[],
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    timezoneId: login.timezoneId,
  });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  watches.push(watchPage(page, origin));
  await page.goto(`${origin}/login`);
  await page.getByTestId('login-username').fill(login.username);
  await page.getByTestId('login-password').fill(login.password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return page;
}

/** Where a WGS84 point is on screen in a CityMap (its `data-center`/`data-zoom`, Web Mercator, 512 px tiles). */
export async function screenPointOf(page: Page, mapTestId: string, lng: number, lat: number) {
  const map = page.getByTestId(mapTestId);
  // The map has settled when the view it reports stays the same for a moment.
  let view = '';
  for (let i = 0; i < 50; i++) {
    const now = `${await map.getAttribute('data-center')}@${await map.getAttribute('data-zoom')}`;
    if (now === view && !now.startsWith('@') && !now.startsWith('null')) break;
    view = now;
    await page.waitForTimeout(300);
  }
  const [centre, zoomText] = view.split('@');
  const [cLng, cLat] = centre.split(',').map(Number);
  const world = 512 * 2 ** Number(zoomText);
  const x = (l: number) => ((180 + l) / 360) * world;
  const y = (φ: number) =>
    ((180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (φ * Math.PI) / 360))) / 360) * world;
  const box = await map.boundingBox();
  if (!box) throw new Error(`${mapTestId} has no box`);
  return { x: box.x + box.width / 2 + x(lng) - x(cLng), y: box.y + box.height / 2 + y(lat) - y(cLat), box };
}

/**
 * Clicks a CityMap on a grid the demo seeded: one of the district's core grids (area class A)
 * whose centre is on screen, found through the API at test time — never a coordinate written
 * into the test.
 */
export async function clickSeededGrid(page: Page, mapTestId: string, districtCode: string) {
  const items = await page.evaluate(async (d) => {
    const res = await fetch(`/api/geo/grids?districtCode=${d}&areaClass=A&pageSize=50`, {
      credentials: 'include',
    });
    return (await res.json()).items as { id: string; centroid: { lng: number; lat: number } }[];
  }, districtCode);
  for (const g of items) {
    const p = await screenPointOf(page, mapTestId, g.centroid.lng, g.centroid.lat);
    const inside = (v: number, lo: number, size: number) => v > lo + 30 && v < lo + size - 30;
    if (inside(p.x, p.box.x, p.box.width) && inside(p.y, p.box.y, p.box.height)) {
      await page.mouse.click(p.x, p.y);
      return g;
    }
  }
  throw new Error(`no seeded grid of ${districtCode} on screen in ${mapTestId}`);
}

/**
 * A signed-in API client for a member of staff: its own browser context (added to the file's
 * list so the file closes it), holding the session cookie. Writes carry the platform's Origin,
 * as a same-origin page's would (the platform refuses cross-site cookie writes).
 */
export async function staffApi(
  browser: Browser,
  origin: string,
  login: { username: string; password: string },
  contexts: BrowserContext[],
): Promise<APIRequestContext> {
  const context = await browser.newContext({ extraHTTPHeaders: { Origin: origin } });
  contexts.push(context);
  const res = await context.request.post(`${origin}/api/auth/login`, { data: login });
  if (res.status() !== 200)
    throw new Error(`login ${login.username} answered ${res.status()}: ${await res.text()}`);
  return context.request;
}

/** GET `url` (a path) with an API client; anything but 200 throws with the answer. */
export async function apiJson<T>(api: APIRequestContext, origin: string, url: string): Promise<T> {
  const res = await api.get(`${origin}${url}`);
  if (res.status() !== 200) throw new Error(`GET ${url} answered ${res.status()}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** GET `url` from inside the page, with its session and language; anything but 200 throws. */
export async function pageJson<T>(page: Page, url: string): Promise<T> {
  const res = await page.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'include', headers: { Accept: 'application/json' } });
    return { status: r.status, text: await r.text() };
  }, url);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${res.text}`);
  return JSON.parse(res.text) as T;
}

/**
 * Waits for a dialog (or any element) to go after its submit; when it stays, the failure names
 * what the page said — the form's field errors and any message toast — instead of a bare timeout.
 */
export async function waitClosed(page: Page, dialog: Locator, timeout = 60_000): Promise<void> {
  try {
    await dialog.waitFor({ state: 'detached', timeout });
  } catch (e) {
    const said = await page
      .locator('.ant-form-item-explain-error, .ant-message-notice, .ant-alert')
      .allTextContents()
      .catch(() => []);
    throw new Error(`the dialog stayed open ${timeout} ms; the page says: ${JSON.stringify(said)}`, {
      cause: e,
    });
  }
}

/** A form's field errors on screen, those leaving (their motion running out) left out. */
async function fieldErrors(form: Locator): Promise<string[]> {
  const texts = await form
    .locator('.ant-form-item-explain-error:not([class*="-leave"])')
    .allTextContents()
    .catch(() => [] as string[]);
  return texts.map((t) => t.trim()).filter(Boolean);
}

/**
 * Clicks a form's submit button and returns the answer to the request `sent` recognises. When the
 * form's own validation refuses it — a field error shows and nothing is sent — this fails at once
 * with that error, and so it does when an error is already showing before the click, instead of
 * waiting out the timeout for a request that will never come. A timeout says what the page shows.
 */
export async function submitForm(
  page: Page,
  form: Locator,
  submit: Locator,
  sent: (r: Response) => boolean,
  timeout?: number,
): Promise<Response> {
  const before = await fieldErrors(form);
  if (before.length > 0) throw new Error(`the form shows ${JSON.stringify(before)} before its submit`);
  const answered = page.waitForResponse(sent, timeout === undefined ? undefined : { timeout });
  answered.catch(() => {}); // read below; a refusal leaves it to time out unheard
  await submit.click();
  let settled = false;
  const refused = (async () => {
    while (!settled) {
      const shown = await fieldErrors(form);
      if (shown.length > 0) return shown;
      await new Promise((r) => setTimeout(r, 100));
    }
    return [];
  })();
  try {
    const first = await Promise.race([answered, refused]);
    if (Array.isArray(first))
      throw new Error(`the form refused its submit, nothing was sent: ${JSON.stringify(first)}`);
    return first;
  } catch (e) {
    if (e instanceof Error && e.name === 'TimeoutError') {
      const said = await page
        .locator('.ant-form-item-explain-error, .ant-message-notice, .ant-alert')
        .allTextContents()
        .catch(() => []);
      throw new Error(`no answer to the form's submit; the page says: ${JSON.stringify(said)}`, { cause: e });
    }
    throw e;
  } finally {
    settled = true;
  }
}

/**
 * Chooses an option of an antd Select by its text (the option containing it; the one whose label is
 * exactly `text` when several do) and waits until the select shows it. With `search`, that text is
 * typed into the select's own input first (a long list shows only what matches). A click that
 * lands while the dropdown is still opening, filtering or closing (a busy machine) can be lost, or
 * the dropdown can close under it: the choice is tried again — up to three times, each step
 * bounded — before failing with what the select shows. A multiple select's dropdown, which stays
 * open after a choice, is closed (Escape on the select itself, never on an enclosing dialog).
 */
export async function chooseOption(
  page: Page,
  select: Locator,
  text: string,
  opts: { search?: string } = {},
): Promise<void> {
  const input = select.locator('input').first();
  const multiple = ((await select.getAttribute('class')) ?? '').includes('ant-select-multiple');
  const shows = select.filter({ hasText: text });
  const open = async () => (await input.getAttribute('aria-expanded').catch(() => null)) === 'true';
  for (let attempt = 1; ; attempt++) {
    try {
      if (attempt === 1 || (await shows.count()) === 0) {
        if (!(await open())) await select.click();
        // The select's own dropdown (another's may still be fading out): the one holding its list.
        const listId = `${await input.getAttribute('id')}_list`;
        const dropdown = page.locator('.ant-select-dropdown:visible').filter({
          has: page.locator(`[id=${JSON.stringify(listId)}]`),
        });
        await dropdown.waitFor({ timeout: 8_000 });
        if (opts.search !== undefined) await input.fill(opts.search, { timeout: 5_000 });
        const option = await oneOption(page, dropdown, text);
        // A multiple select's chosen option is chosen again by a click: unchosen.
        if (!((await option.getAttribute('class')) ?? '').includes('ant-select-item-option-selected'))
          await option.click({ timeout: 5_000 });
        await shows.waitFor({ timeout: 5_000 });
      }
      if (multiple && (await open())) {
        await input.press('Escape');
        for (let i = 0; (await open()) && i < 50; i++) await page.waitForTimeout(100);
        if (await open()) throw new Error('the dropdown stayed open after Escape');
      }
      return;
    } catch (e) {
      if (attempt === 3)
        throw new Error(`the select shows ${JSON.stringify(await select.textContent())}, not ${text}`, {
          cause: e,
        });
    }
  }
}

/** The one option in an open dropdown that contains `text` (or is exactly it), once the list has settled. */
async function oneOption(page: Page, dropdown: Locator, text: string): Promise<Locator> {
  const options = dropdown.locator('.ant-select-item-option').filter({ hasText: text });
  const exact = dropdown.locator(`.ant-select-item-option[title=${JSON.stringify(text)}]`);
  const deadline = Date.now() + 8_000;
  for (;;) {
    const n = await options.count();
    if (n === 1) return options;
    if (n > 1 && (await exact.count()) === 1) return exact;
    if (Date.now() > deadline) {
      const listed = await dropdown.locator('.ant-select-item-option').allTextContents();
      throw new Error(`${n} options match ${JSON.stringify(text)}; the list shows ${JSON.stringify(listed)}`);
    }
    await page.waitForTimeout(100);
  }
}
