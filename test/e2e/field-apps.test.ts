/**
 * Issue 9, items 5–7: the field apps (/m/) in Debian's Chromium at 390×844, against the real
 * platform (`npm start`, a fresh data directory, the demo city without demo cases).
 *
 * The inspector reports on the map: the form opens on the phone's position (set through the
 * browser context) with its grid shown; a tap outside the managed area is refused before anything
 * is sent, in plain words; "my location" moves the pin to the phone's new position; a tap on a
 * neighbouring grid shows that grid and the report is sent with it. Every coordinate comes from
 * the seeded grids at test time (GET /api/geo/grids, /api/geo/info, /api/geo/lookup), never from
 * numbers written here: the demo city's geometry may change.
 *
 * Then 我的上报 opens the report's detail (state, history, labelled photos); the centre files and
 * dispatches the case; the unit handler — on 处置通, the same app — sees it with its matter type,
 * distance and a `geo:` link, signs, asks for an extension and feeds back with text and a camera
 * photo; the photos are labelled 上报 / 处置. The language switches to English and back. Offline,
 * the inspector's report waits in the outbox, is opened again in the form, changed and sent once
 * the phone is back online. A phone page that meets a 401 goes to /m/login.
 *
 * Screens under test-artifacts/e2e/field-*.png. No page may log an error other than those the test
 * provokes (offline, the refused lookup, the final 401) or ask another host for anything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIRequestContext, Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import enUS from '../../web/src/locales/en-US.json';
import zhCN from '../../web/src/locales/zh-CN.json';
import {
  apiJson,
  DEMO_PASSWORD,
  type PageWatch,
  shot,
  staffApi,
  startE2E,
  stopE2E,
  watchPage,
} from '../support/browser.ts';
import { photo } from '../support/png.ts';
import type { Running } from '../support/process.ts';

const SHOT = 'field-';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DISTRICT = '330203'; // 海曙区: the district of haishu.inspector and unit.haishu-sanitation
const OTHER_DISTRICT = '330205'; // 江北区

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-field-'));
let platform: Running | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const watches: { who: string; page: Page; watch: PageWatch }[] = [];

beforeAll(async () => {
  [platform, browser] = await startE2E(
    SHOT,
    { DATA_DIR: dataDir, DEMO_PASSWORD, DATABASE_URL: '', DEMO_COMPONENTS: '2000', DEMO_CASES: '0' },
    200_000,
  );
});

afterAll(async () => {
  await stopE2E(platform, browser, [dataDir], contexts);
});

// --- helpers ------------------------------------------------------------------------------------

interface Pt {
  lng: number;
  lat: number;
}

/** A signed-in API client for a member of staff. */
const staff = (username: string) =>
  staffApi(browser!, platform!.url, { username, password: DEMO_PASSWORD }, contexts);
const getJson = <T>(api: APIRequestContext, url: string) => apiJson<T>(api, platform!.url, url);

/** A phone (390×844, touch) at `at`, with geolocation granted; its page watched. */
async function phone(
  who: string,
  at: Pt,
  locale = 'zh-CN',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser!.newContext({
    ...PHONE,
    geolocation: { longitude: at.lng, latitude: at.lat, accuracy: 8 },
    permissions: ['geolocation'],
    locale,
  });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  watches.push({ who, page, watch: watchPage(page, platform!.url) });
  return { context, page };
}

async function mobileLogin(page: Page, username: string) {
  await page.goto(`${platform!.url}/m/login`);
  await page.getByTestId('m-login-username').fill(username);
  await page.getByTestId('m-login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('m-login-submit').click();
  await page.waitForURL(`${platform!.url}/m/`);
}

/** Web Mercator with MapLibre's 512-px world: where a point is drawn in the map's box now. */
async function screenPoint(map: Locator, p: Pt): Promise<{ x: number; y: number; inside: boolean }> {
  const [box, center, zoom] = await Promise.all([
    map.boundingBox(),
    map.getAttribute('data-center'),
    map.getAttribute('data-zoom'),
  ]);
  if (!box || !center || !zoom) throw new Error('map not ready');
  const [clng, clat] = center.split(',').map(Number);
  const world = 512 * 2 ** Number(zoom);
  const mx = (lng: number) => ((lng + 180) / 360) * world;
  const my = (lat: number) => {
    const s = Math.sin((lat * Math.PI) / 180);
    return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * world;
  };
  const x = box.x + box.width / 2 + (mx(p.lng) - mx(clng));
  const y = box.y + box.height / 2 + (my(p.lat) - my(clat));
  // Clear of the zoom buttons (top right), the locate button (bottom right) and the scale (bottom left).
  const inside =
    x > box.x + 30 && x < box.x + box.width - 60 && y > box.y + 30 && y < box.y + box.height - 80;
  return { x, y, inside };
}

/** Waits until the map has drawn everything in view (tiles loaded, no animation running). */
async function mapDrawn(map: Locator) {
  await expect.poll(() => map.getAttribute('data-idle'), { timeout: 20_000 }).toBe('true');
}

/** Zooms the map out one step at a time (its own button) until `done`, at most `max` steps. */
async function zoomOutUntil(map: Locator, done: () => Promise<boolean>, max: number) {
  for (let i = 0; i < max && !(await done()); i++) {
    const before = await map.getAttribute('data-zoom');
    await map.locator('.maplibregl-ctrl-zoom-out').click();
    // moveend writes the zoom the animation ended at.
    await expect.poll(() => map.getAttribute('data-zoom')).toBe(String((Number(before) - 1).toFixed(4)));
  }
}

/** Waits until the map rests centred on `p` (after an easeTo). */
async function mapCentredOn(map: Locator, p: Pt) {
  await expect
    .poll(
      async () => {
        const c = await map.getAttribute('data-center');
        if (!c) return Number.POSITIVE_INFINITY;
        const [lng, lat] = c.split(',').map(Number);
        return Math.max(Math.abs(lng - p.lng), Math.abs(lat - p.lat));
      },
      { timeout: 20_000 },
    )
    .toBeLessThan(2e-5);
}

/** Errors the test provokes: offline requests, the refused lookup, the 401 at the end. */
function unexpectedErrors(): string[] {
  const out: string[] = [];
  for (const { who, watch } of watches) {
    for (const e of watch.errors) {
      if (/net::ERR_INTERNET_DISCONNECTED/.test(e)) continue;
      if (/status of 422/.test(e) && /\/api\/geo\/lookup/.test(e)) continue;
      if (/status of 401/.test(e)) continue;
      // The outbox's report from another district, refused on purpose.
      if (/status of 422/.test(e) && /\/api\/reports\b/.test(e)) continue;
      out.push(`${who}: ${e}`);
    }
  }
  return out;
}

describe('issue 9 in the browser: the field apps on a phone', () => {
  it('report on the map, my report, the unit handler’s loop, language, outbox edit, 401 → /m/login', async () => {
    if (!platform || !browser) throw new Error('platform or browser did not start');
    try {
      await fieldApps(platform.url);
    } catch (err) {
      for (const w of watches) await shot(w.page, `${SHOT}zz-failed-${w.who}`).catch(() => '');
      const logged = watches.flatMap((w) => w.watch.errors.map((e) => `${w.who}: ${e}`));
      if (logged.length) console.error(`page errors:\n${logged.join('\n')}`);
      throw err;
    }
  });
});

async function fieldApps(base: string) {
  // --- the seeded geography, read now --------------------------------------------------------------
  const admin = await staff('admin');
  type Grid = { id: string; communityCode: string; centroid: Pt };
  const info = await getJson<{ bbox: [number, number, number, number] }>(admin, '/api/geo/info');
  const grids = (
    await getJson<{ items: Grid[] }>(admin, `/api/geo/grids?districtCode=${DISTRICT}&pageSize=100`)
  ).items;
  /** A grid's centroid when the lookup puts it in that very grid (a concave grid's may not be). */
  const resolves = async (g: Grid) => {
    const res = await admin.get(
      `${base}/api/geo/lookup?lng=${g.centroid.lng}&lat=${g.centroid.lat}&crs=wgs84`,
    );
    return res.status() === 200 && (await res.json()).grid.id === g.id;
  };
  let start: Grid | undefined;
  let here: Grid | undefined;
  let neighbour: Grid | undefined;
  for (const g of grids) {
    if (!start) {
      if (await resolves(g)) start = g;
      continue;
    }
    if (g.communityCode === start.communityCode) continue;
    // "My location" moves to another community; the tap then goes to a grid next to it.
    if (!(await resolves(g))) continue;
    const community = (
      await getJson<{ items: Grid[] }>(admin, `/api/geo/grids?communityCode=${g.communityCode}&pageSize=100`)
    ).items;
    const near = community
      .filter((n) => n.id !== g.id)
      .map((n) => ({
        n,
        d: Math.hypot((n.centroid.lng - g.centroid.lng) * 0.87, n.centroid.lat - g.centroid.lat),
      }))
      .sort((a, b) => a.d - b.d);
    for (const { n } of near.slice(0, 4)) {
      if (await resolves(n)) {
        neighbour = n;
        break;
      }
    }
    if (neighbour) {
      here = g;
      break;
    }
  }
  if (!start || !here || !neighbour) throw new Error('no suitable grids in the demo district');

  // --- 1. The inspector reports on the map ----------------------------------------------------------
  const inspector = await phone('inspector', start.centroid);
  const m = inspector.page;
  await mobileLogin(m, 'haishu.inspector');
  await expect.poll(() => m.getByTestId('m-role').textContent()).toBe(zhCN.role.inspector);
  expect(await m.getByTestId('m-brand').textContent()).toContain(zhCN.mobile.brand);
  const reportPosts: string[] = [];
  m.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/reports') reportPosts.push(r.url());
  });
  await m.getByTestId('m-tab-report').click();
  const map = m.getByTestId('m-report-map');
  await m.locator('[data-testid="m-report-map"][data-ready="true"]').waitFor();
  // The form opens on the phone's position, and shows its grid before anything is sent.
  await expect.poll(() => m.getByTestId('m-report-where').getAttribute('data-grid')).toBe(start.id);
  expect(await m.getByTestId('m-report-place').getAttribute('data-source')).toBe('gps');
  await mapCentredOn(map, start.centroid);
  await mapDrawn(map);
  await shot(m, `${SHOT}01-report-opens-on-gps`);

  // A tap outside the managed area (west of the city's extent): zoom out until it shows, tap it.
  const west = { lng: info.bbox[0], lat: start.centroid.lat };
  const mapBox = (await map.boundingBox())!;
  await zoomOutUntil(map, async () => (await screenPoint(map, west)).x > mapBox.x + 40, 14);
  const edge = await screenPoint(map, west);
  await m.mouse.click(edge.x - 20, edge.y);
  const refusal = m.getByTestId('m-report-place-error');
  await refusal.waitFor();
  const refusalText = (await refusal.textContent()) ?? '';
  expect(refusalText).toContain(zhCN.mobile.place.outside);
  expect(refusalText).not.toMatch(/wgs84|\[|OUTSIDE|\d+\.\d{3,}/i);
  expect(await m.getByTestId('m-report-submit').isDisabled()).toBe(true);
  expect(await m.getByTestId('m-report-where').count()).toBe(0);
  await mapDrawn(map);
  await shot(m, `${SHOT}02-report-outside-refused`);

  // "My location": the phone has moved; the pin follows it and the new grid shows.
  await inspector.context.setGeolocation({
    longitude: here.centroid.lng,
    latitude: here.centroid.lat,
    accuracy: 6,
  });
  await m.getByTestId('m-report-gps').click();
  await expect.poll(() => m.getByTestId('m-report-where').getAttribute('data-grid')).toBe(here.id);
  expect(await m.getByTestId('m-report-accuracy').textContent()).toContain('6');
  await mapCentredOn(map, here.centroid);

  // A tap on the neighbouring grid: that grid, shown before sending.
  await zoomOutUntil(map, async () => (await screenPoint(map, neighbour.centroid)).inside, 4);
  const target = await screenPoint(map, neighbour.centroid);
  expect(target.inside, 'the neighbouring grid is on screen').toBe(true);
  await m.mouse.click(target.x, target.y);
  await expect.poll(() => m.getByTestId('m-report-place').getAttribute('data-source')).toBe('map');
  await expect.poll(() => m.getByTestId('m-report-where').getAttribute('data-grid')).toBe(neighbour.id);
  const picked = (await m.getByTestId('m-report-place').textContent()) ?? '';
  const [pLng, pLat] = picked
    .split('·')[0]
    .split(',')
    .map((v) => Number(v.trim()));
  const description = `路边暴露垃圾堆积，影响通行（手机地图上报 ${Date.now().toString(36)}）`;
  await m.getByTestId('m-report-description').fill(description);
  await m.getByTestId('m-report-suggestion').filter({ hasText: '暴露垃圾' }).first().click();
  const matterCode = (await m.getByTestId('m-report-type').textContent())!.match(/\((\w{5})\)/)![1];
  await m.getByTestId('m-report-photo-input').setInputFiles(photo('found.png', [200, 80, 40]));
  await m.getByTestId('m-photo-preview').waitFor();
  await mapDrawn(map);
  await shot(m, `${SHOT}03-report-grid-before-sending`);
  expect(reportPosts).toEqual([]); // nothing was sent for the refused point
  const created = m.waitForResponse(
    (r) => r.url().endsWith('/api/reports') && r.request().method() === 'POST',
  );
  await m.getByTestId('m-report-submit').click();
  expect((await created).status()).toBe(201);
  await m.locator('[data-testid="m-report-result"][data-outcome="sent"]').waitFor();
  expect(await m.getByTestId('m-pending').getAttribute('data-count')).toBe('0');
  await shot(m, `${SHOT}04-report-sent`);
  const inspectorApi = await staff('haishu.inspector');
  const found = await getJson<{ items: { id: string; gridId: string; location: Pt; matterCode: string }[] }>(
    inspectorApi,
    `/api/cases?view=all&q=${encodeURIComponent(description)}`,
  );
  expect(found.items.length).toBe(1);
  const caseId = found.items[0].id;
  expect(found.items[0]).toMatchObject({ gridId: neighbour.id, matterCode });
  expect(found.items[0].location.lng).toBeCloseTo(pLng, 5);
  expect(found.items[0].location.lat).toBeCloseTo(pLat, 5);

  // A component tapped on the map is attached: the report's place is the component's own.
  type Comp = { id: string; lng: number; lat: number; typeName: string | null; geometry: { type: string } };
  const comps = (
    await getJson<{ items: Comp[] }>(admin, `/api/components?districtCode=${DISTRICT}&pageSize=50`)
  ).items.filter((c) => c.geometry.type === 'Point');
  let comp: Comp | undefined;
  for (const c of comps) {
    const res = await admin.get(`${base}/api/geo/lookup?lng=${c.lng}&lat=${c.lat}&crs=wgs84`);
    if (res.status() === 200 && (await res.json()).district.code === DISTRICT) {
      comp = c;
      break;
    }
  }
  if (!comp) throw new Error('no component in the demo district');
  // The phone stands about 33 m north of it: the component shows below the pin.
  const north = { lng: comp.lng, lat: comp.lat + 0.0003 };
  await inspector.context.setGeolocation({ longitude: north.lng, latitude: north.lat, accuracy: 5 });
  await m.getByTestId('m-report-again').click();
  await m.locator('[data-testid="m-report-map"][data-ready="true"]').waitFor();
  await expect.poll(() => m.getByTestId('m-report-place').textContent()).toContain(north.lat.toFixed(6));
  await mapCentredOn(map, north);
  await mapDrawn(map);
  const onScreen = await screenPoint(map, comp);
  expect(onScreen.inside, 'the component is on screen').toBe(true);
  await m.mouse.click(onScreen.x, onScreen.y);
  const chip = m.getByTestId('m-report-component');
  await expect.poll(() => chip.getAttribute('data-component-id')).toBe(comp.id);
  expect(await m.getByTestId('m-report-place').getAttribute('data-source')).toBe('component');
  if (comp.typeName) await expect.poll(() => chip.textContent()).toContain(comp.typeName);
  await m.getByTestId('m-report-where').waitFor();
  await m.getByTestId('m-report-description').fill(`部件损坏，需维修（${comp.id}）`);
  await mapDrawn(map);
  await shot(m, `${SHOT}04b-report-component`);
  const withComponent = m.waitForResponse(
    (r) => r.url().endsWith('/api/reports') && r.request().method() === 'POST',
  );
  await m.getByTestId('m-report-submit').click();
  const componentPost = await withComponent;
  expect(componentPost.status()).toBe(201);
  expect(componentPost.request().postDataJSON()).toMatchObject({
    componentId: comp.id,
    location: { lng: comp.lng, lat: comp.lat, crs: 'wgs84' },
  });
  await m.locator('[data-testid="m-report-result"][data-outcome="sent"]').waitFor();

  // --- 2. My reports → the detail: state, history, the report's photo labelled 上报 ----------------
  await m.getByTestId('m-tab-reports').click();
  const row = m.locator('[data-testid="m-report-item"][data-status="sent"]').filter({ hasText: description });
  await row.waitFor();
  await row.getByTestId('m-report-open').click();
  const detail = m.getByTestId('m-report-detail');
  await detail.waitFor();
  expect(await detail.getAttribute('data-case-id')).toBe(caseId);
  expect(await detail.getByTestId('m-state').getAttribute('data-state')).toBe('reported');
  await detail.getByTestId('m-timeline-step').first().waitFor();
  expect(await detail.getByTestId('m-photo-label').allTextContents()).toEqual([zhCN.mobile.photoKind.report]);
  await shot(m, `${SHOT}05-my-report-detail`);
  // The new report is the inspector's own (fixable on the spot), apart from assigned tasks.
  await m.getByTestId('m-tab-tasks').click();
  await m.getByTestId('m-tasks-own').locator(`[data-case-id="${caseId}"]`).waitFor();

  // --- 3. The centre files it and dispatches it to the unit ---------------------------------------
  const unitMe = await getJson<{ org: { id: string } }>(await staff('unit.haishu-sanitation'), '/api/me');
  const act = async (username: string, action: string, fields: Record<string, unknown> = {}) => {
    const api = await staff(username);
    const c = await getJson<{ case: { version: number } }>(api, `/api/cases/${caseId}`);
    const res = await api.post(`${base}/api/cases/${caseId}/actions/${action}`, {
      data: { version: c.case.version, ...fields },
    });
    expect(res.status(), `${action}: ${await res.text()}`).toBe(200);
  };
  const std = await getJson<{ filingConditions: { id: string }[] }>(
    admin,
    `/api/catalog/standards/${matterCode}`,
  );
  await act('haishu.acceptor', 'accept_report', { matterType: matterCode });
  await act('haishu.shift_leader', 'file', {
    matterType: matterCode,
    filingConditionId: std.filingConditions[0].id,
  });
  await act('haishu.dispatcher', 'dispatch', { unitId: unitMe.org.id });

  // --- 4. The unit handler on 处置通: sign, extension, feed back with text and a photo -------------
  const near = { lng: neighbour.centroid.lng + 0.003, lat: neighbour.centroid.lat + 0.002 };
  const unit = await phone('unit', near);
  const u = unit.page;
  await mobileLogin(u, 'unit.haishu-sanitation');
  await expect.poll(() => u.getByTestId('m-role').textContent()).toBe(zhCN.role.unit_handler);
  expect(await u.getByTestId('m-brand').textContent()).toContain(zhCN.mobile.brandUnit);
  const task = u.locator(`[data-testid="m-task"][data-case-id="${caseId}"]`);
  await task.waitFor();
  expect(await task.getByTestId('m-task-kind').getAttribute('data-kind')).toBe('dispose');
  expect(await task.getByTestId('m-matter').getAttribute('data-code')).toBe(matterCode);
  expect(await task.getByTestId('m-matter').textContent()).toContain('暴露垃圾');
  expect(await task.getByTestId('m-light').getAttribute('data-light')).toMatch(/^(green|yellow|red)$/);
  expect(await task.getByTestId('m-due').textContent()).toMatch(/剩余|超时/);
  // Distance from the phone (about 370 m here) and a geo: link to navigate.
  await expect.poll(() => task.getByTestId('m-distance').textContent()).toMatch(/^距我 \d+ 米$/);
  const metres = Number((await task.getByTestId('m-distance').textContent())!.match(/\d+/)![0]);
  expect(metres).toBeGreaterThan(250);
  expect(metres).toBeLessThan(500);
  const caseLoc = found.items[0].location;
  expect(await task.getByTestId('m-navigate').getAttribute('href')).toMatch(
    new RegExp(`^geo:${caseLoc.lat.toFixed(6)},${caseLoc.lng.toFixed(6)}(\\?|$)`),
  );
  for (const el of [task.getByTestId('m-task-open'), task.getByTestId('m-navigate'), u.getByTestId('m-lang')])
    expect((await el.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await shot(u, `${SHOT}06-unit-tasks`);

  await task.getByTestId('m-task-open').click();
  await u.getByTestId('m-task-page').waitFor();
  // The actions come from the server: a dispatched case is signed for or returned.
  await u.getByTestId('m-action-sign').waitFor();
  expect(await u.getByTestId('m-action-return').isVisible()).toBe(true);
  expect(await u.getByTestId('m-action-feed_back').count()).toBe(0);
  await shot(u, `${SHOT}07-unit-task-dispatched`);
  await u.getByTestId('m-action-sign').click();
  const signed = u.waitForResponse(
    (r) => r.url().endsWith(`/actions/sign`) && r.request().method() === 'POST',
  );
  await u.getByTestId('m-action-submit').click();
  expect((await signed).status()).toBe(200);
  await u.locator('[data-testid="m-action-result"][data-outcome="sent"]').waitFor();
  await u.getByTestId('m-back-to-tasks').click();
  await task.getByTestId('m-task-open').click();
  await u.locator('[data-testid="m-task-page"][data-state="in_progress"]').waitFor();

  // 申请延期: amount, unit and reason, as the transition table asks.
  await u.getByTestId('m-action-apply_extension').click();
  const ext = u.getByTestId('m-action-form');
  await ext.getByTestId('m-field-extension').waitFor();
  await ext.getByTestId('m-field-reason').waitFor();
  await u.getByTestId('m-action-submit').click();
  expect(await ext.locator('.m-error').count()).toBe(2); // amount and reason are required
  await u.getByTestId('m-extension-amount').fill('2');
  await u.getByTestId('m-action-reason').fill('需协调环卫车辆，今日无法清运完毕');
  await shot(u, `${SHOT}08-unit-extension-form`);
  const extended = u.waitForResponse((r) => r.url().endsWith('/actions/apply_extension'));
  await u.getByTestId('m-action-submit').click();
  expect((await extended).status()).toBe(200);
  await u.locator('[data-testid="m-action-result"][data-outcome="sent"]').waitFor();
  await u.goto(`${base}/m/tasks/${caseId}`);
  await u.getByTestId('m-extension-pending').waitFor();
  expect(await u.getByTestId('m-extension-pending').textContent()).toContain('2');

  // 处置反馈: what was done, in words, and a photo from the camera.
  await u.getByTestId('m-action-feed_back').click();
  const fb = u.getByTestId('m-action-form');
  await fb.getByTestId('m-field-photos').waitFor();
  expect(await fb.getByTestId('m-photo-input').getAttribute('capture')).toBe('environment');
  expect(await fb.getByTestId('m-photo-input').getAttribute('accept')).toBe('image/*');
  // The server requires the words of what was done: the phone marks the field required.
  expect(await fb.getByTestId('m-field-note').locator('.m-req').count()).toBe(1);
  const doneText = '已清运暴露垃圾，地面冲洗干净';
  await u.getByTestId('m-action-note').fill(doneText);
  await u.getByTestId('m-action-submit').click();
  expect(await fb.locator('.m-error').count()).toBe(1); // the photo is required
  await u.getByTestId('m-photo-input').setInputFiles(photo('after.png', [40, 200, 90]));
  await u.getByTestId('m-photo-preview').waitFor();
  await shot(u, `${SHOT}09-unit-feedback-form`);
  const fedBack = u.waitForResponse((r) => r.url().endsWith('/actions/feed_back'));
  await u.getByTestId('m-action-submit').click();
  const fedRes = await fedBack;
  expect(fedRes.status()).toBe(200);
  expect(fedRes.request().postDataJSON()).toMatchObject({ note: doneText, photos: [expect.any(String)] });
  await u.locator('[data-testid="m-action-result"][data-outcome="sent"]').waitFor();
  const after = await getJson<{
    case: { state: string };
    timeline: { action: string; after: { input?: { note?: string; photos?: string[] } } }[];
  }>(inspectorApi, `/api/cases/${caseId}`);
  expect(after.case.state).toBe('fed_back');
  const step = after.timeline.find((e) => e.action === 'case.feed_back');
  expect(step?.after.input).toMatchObject({ note: doneText, photos: [expect.any(String)] });
  // The case's photos, labelled by step: the inspector's report, the unit's disposal.
  await u.goto(`${base}/m/tasks/${caseId}`);
  await u.getByTestId('m-photos').waitFor();
  expect((await u.getByTestId('m-photo-label').allTextContents()).sort()).toEqual(
    [zhCN.mobile.photoKind.dispose, zhCN.mobile.photoKind.report].sort(),
  );
  await u.getByTestId('m-timeline').getByText(doneText).waitFor();
  await shot(u, `${SHOT}10-unit-fed-back`);

  // --- 5. The language: English and back, kept for the user -----------------------------------------
  await u.getByTestId('m-lang').click();
  await expect.poll(() => u.getByTestId('m-role').textContent()).toBe(enUS.role.unit_handler);
  expect(await u.getByTestId('m-tab-tasks').textContent()).toBe(enUS.mobile.tabs.tasks);
  expect((await u.getByTestId('m-photo-label').allTextContents()).sort()).toEqual(
    [enUS.mobile.photoKind.dispose, enUS.mobile.photoKind.report].sort(),
  );
  const unitApi = await staff('unit.haishu-sanitation');
  await expect
    .poll(async () => (await getJson<{ user: { locale: string } }>(unitApi, '/api/me')).user.locale)
    .toBe('en-US');
  await u.getByTestId('m-tab-tasks').click();
  await u.locator('[data-testid="m-tasks"] .ant-empty, [data-testid="m-task"]').first().waitFor();
  await shot(u, `${SHOT}11-unit-english`);
  await u.getByTestId('m-lang').click();
  await expect.poll(() => u.getByTestId('m-tab-tasks').textContent()).toBe(zhCN.mobile.tabs.tasks);

  // --- 6. Offline: a report waits in the outbox, is edited, and is sent once online ------------------
  await inspector.context.setGeolocation({
    longitude: start.centroid.lng,
    latitude: start.centroid.lat,
    accuracy: 10,
  });
  await inspector.context.setOffline(true);
  await m.getByTestId('m-offline').waitFor();
  await m.getByTestId('m-tab-report').click();
  await expect.poll(() => m.getByTestId('m-report-place').getAttribute('data-source')).toBe('gps');
  const firstText = `井盖松动（离线草稿 ${Date.now().toString(36)}）`;
  await m.getByTestId('m-report-description').fill(firstText);
  await m.getByTestId('m-report-photo-input').setInputFiles(photo('offline.png', [220, 90, 30]));
  await m.getByTestId('m-photo-preview').waitFor();
  await m.getByTestId('m-report-submit').click();
  await m.locator('[data-testid="m-report-result"][data-outcome="queued"]').waitFor();
  await expect.poll(() => m.getByTestId('m-pending').getAttribute('data-count')).toBe('1');
  await m.getByTestId('m-pending').click();
  const queued = m.locator('[data-testid="m-outbox-item"][data-kind="report"]');
  await queued.waitFor();
  await shot(m, `${SHOT}12-outbox-pending`);
  await queued.getByTestId('m-outbox-edit').click();
  await m.locator('[data-testid="m-report"][data-editing]:not([data-editing=""])').waitFor();
  expect(await m.getByTestId('m-report-description').inputValue()).toBe(firstText);
  expect(await m.getByTestId('m-photo-preview').count()).toBe(1);
  await expect.poll(() => m.getByTestId('m-pending').getAttribute('data-drafts')).toBe('1');
  const editedText = `井盖松动，行人经过有响声（离线上报，已修改 ${Date.now().toString(36)}）`;
  await m.getByTestId('m-report-description').fill(editedText);
  await mapDrawn(map);
  await shot(m, `${SHOT}13-outbox-edit`);
  await inspector.context.setOffline(false);
  await expect.poll(() => m.getByTestId('m-offline').count()).toBe(0);
  // Online again: the grid is checked, then the report is sent at once.
  await expect.poll(() => m.getByTestId('m-report-where').getAttribute('data-grid')).toBe(start.id);
  const sentEdited = m.waitForResponse(
    (r) => r.url().endsWith('/api/reports') && r.request().method() === 'POST',
  );
  await m.getByTestId('m-report-submit').click();
  expect((await sentEdited).status()).toBe(201);
  await m.locator('[data-testid="m-report-result"][data-outcome="sent"]').waitFor();
  await expect.poll(() => m.getByTestId('m-pending').getAttribute('data-count')).toBe('0');
  expect(await m.getByTestId('m-pending').getAttribute('data-drafts')).toBe('0');
  await shot(m, `${SHOT}14-outbox-edited-sent`);
  const byText = async (q: string) =>
    (await getJson<{ total: number }>(inspectorApi, `/api/cases?view=all&q=${encodeURIComponent(q)}`)).total;
  expect(await byText(editedText)).toBe(1);
  expect(await byText(firstText)).toBe(0);

  // A report the server refuses when the outbox sends it (made offline in another district) is
  // marked, opened again in the form, moved back into the inspector's district and sent.
  const elsewhere = (
    await getJson<{ items: Grid[] }>(admin, `/api/geo/grids?districtCode=${OTHER_DISTRICT}&pageSize=20`)
  ).items;
  let foreign: Grid | undefined;
  for (const g of elsewhere) if (!foreign && (await resolves(g))) foreign = g;
  if (!foreign) throw new Error(`no grid of ${OTHER_DISTRICT}`);
  await inspector.context.setGeolocation({
    longitude: foreign.centroid.lng,
    latitude: foreign.centroid.lat,
    accuracy: 9,
  });
  await inspector.context.setOffline(true);
  await m.getByTestId('m-report-again').click();
  await expect.poll(() => m.getByTestId('m-report-place').getAttribute('data-source')).toBe('gps');
  await expect
    .poll(() => m.getByTestId('m-report-place').textContent())
    .toContain(foreign.centroid.lng.toFixed(6));
  const strayText = `路灯不亮（离线，位置有误 ${Date.now().toString(36)}）`;
  await m.getByTestId('m-report-description').fill(strayText);
  await m.getByTestId('m-report-submit').click();
  await m.locator('[data-testid="m-report-result"][data-outcome="queued"]').waitFor();
  const refusedPost = m.waitForResponse(
    (r) => r.url().endsWith('/api/reports') && r.request().method() === 'POST',
  );
  await inspector.context.setOffline(false);
  expect((await refusedPost).status()).toBe(422);
  await expect.poll(() => m.getByTestId('m-pending').getAttribute('data-refused')).toBe('1');
  await m.getByTestId('m-refused-bar').click();
  const failed = m.locator('[data-testid="m-outbox-item"][data-status="failed"]');
  await failed.waitFor();
  expect(await failed.getByTestId('m-outbox-error').textContent()).toMatch(/不在本区管辖范围|管辖/);
  await shot(m, `${SHOT}15-outbox-refused`);
  await failed.getByTestId('m-outbox-edit').click();
  await m.locator('[data-testid="m-report"][data-editing]:not([data-editing=""])').waitFor();
  expect(await m.getByTestId('m-report-description').inputValue()).toBe(strayText);
  // The form says why, and refuses the place before sending it again.
  await m.getByTestId('m-report-place-error').waitFor();
  expect(await m.getByTestId('m-report-place-error').textContent()).toContain('海曙区');
  expect(await m.getByTestId('m-report-submit').isDisabled()).toBe(true);
  await mapDrawn(map);
  await shot(m, `${SHOT}16-outbox-refused-edit`);
  await inspector.context.setGeolocation({
    longitude: here.centroid.lng,
    latitude: here.centroid.lat,
    accuracy: 7,
  });
  await m.getByTestId('m-report-gps').click();
  await expect.poll(() => m.getByTestId('m-report-where').getAttribute('data-grid')).toBe(here.id);
  const resent = m.waitForResponse(
    (r) => r.url().endsWith('/api/reports') && r.request().method() === 'POST',
  );
  await m.getByTestId('m-report-submit').click();
  expect((await resent).status()).toBe(201);
  await m.locator('[data-testid="m-report-result"][data-outcome="sent"]').waitFor();
  await expect.poll(() => m.getByTestId('m-pending').getAttribute('data-refused')).toBe('0');
  expect(await byText(strayText)).toBe(1);

  // The report form opens again without a network, map included: the service worker keeps the
  // app's chunks and the map's worker script even though no page asked for it offline before.
  await expect
    .poll(
      () =>
        m.evaluate(async () => {
          for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            if ((await cache.keys()).some((r) => /maplibre-gl-worker/.test(r.url))) return true;
          }
          return false;
        }),
      { timeout: 30_000 },
    )
    .toBe(true);
  await inspector.context.setOffline(true);
  const reopened = await inspector.context.newPage();
  reopened.setDefaultTimeout(30_000);
  watches.push({ who: 'inspector-offline', page: reopened, watch: watchPage(reopened, base) });
  await reopened.goto(`${base}/m/report`);
  await reopened.getByTestId('m-report').waitFor();
  await reopened.getByTestId('m-offline').waitFor();
  await reopened.getByTestId('m-report-place').waitFor();
  await reopened.locator('[data-testid="m-report-map"][data-ready="true"]').waitFor();
  await shot(reopened, `${SHOT}17-report-reopened-offline`);
  await reopened.close();
  await inspector.context.setOffline(false);
  await expect.poll(() => m.getByTestId('m-offline').count()).toBe(0);

  // --- 7. The session ends: a phone page that meets a 401 goes to /m/login ---------------------------
  await inspector.context.clearCookies();
  await m.getByTestId('m-tab-tasks').click(); // the list asks the server at once
  await m.waitForURL(`${base}/m/login`);
  await m.getByTestId('m-login').waitFor();

  expect(unexpectedErrors()).toEqual([]);
  expect(watches.flatMap((w) => w.watch.foreignRequests)).toEqual([]);
}
