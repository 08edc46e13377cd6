/**
 * Issue 3, must-show item 7, in Debian's Chromium against the real platform (`npm start` on a fresh
 * data directory, a small demo inventory): the city map at two zoom levels (the whole city fitted
 * on load; zoomed in until grids and components draw), a grid panel (searched by grid ID, then
 * clicked on the map), a component and a community found through the search box, the import
 * wizard's validation report for a GeoJSON with an overlap and a bad code, and a routing rule's
 * history after a change made through the API with a reason. Screenshots go to
 * test-artifacts/e2e/city-model-*.png. The map must not be blank (pixels of the map differ from
 * the style's background colour) and the page must make no request to another host.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zhCN from '../../web/src/locales/zh-CN.json';
import {
  chooseOption,
  DEMO_PASSWORD,
  type PageWatch,
  shot,
  startE2E,
  stopE2E,
  watchPage,
} from '../support/browser.ts';
import type { Running } from '../support/process.ts';

/** Background colour of the map style (web/src/pages/map/style.ts). */
const BACKGROUND: [number, number, number] = [0xf2, 0xef, 0xe9];
/** Component major-class colours of the style: 01 blue, 02 purple, 03 cyan, 04 green. */
const COMPONENT_COLORS: [number, number, number][] = [
  [0x16, 0x77, 0xff],
  [0x72, 0x2e, 0xd1],
  [0x13, 0xc2, 0xc2],
  [0x38, 0x9e, 0x0d],
];

const SHOT = 'city-model-';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-city-'));
let platform: Running | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  [platform, browser] = await startE2E(
    SHOT,
    { DATA_DIR: dataDir, DEMO_PASSWORD, DATABASE_URL: '', DEMO_COMPONENTS: '5000' },
    200_000,
    // No other file seeds this city: a cached seed would only add a second start.
    { seedCache: false },
  );
});

afterAll(async () => {
  await stopE2E(platform, browser, [dataDir]);
});

/** fetch() from inside the page, with its session; throws on a non-2xx answer. */
async function apiInPage<T>(page: Page, method: string, url: string, body?: unknown): Promise<T> {
  const res = await page.evaluate(
    async ({ method, url, body }) => {
      const r = await fetch(url, {
        method,
        credentials: 'include',
        headers: {
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: r.status, text: await r.text() };
    },
    { method, url, body },
  );
  if (res.status < 200 || res.status > 299)
    throw new Error(`${method} ${url} answered ${res.status}: ${res.text}`);
  return (res.text ? JSON.parse(res.text) : undefined) as T;
}

/** Waits until MapLibre has drawn everything it asked for (the page mirrors its `idle` event). */
async function mapIdle(page: Page): Promise<{ zoom: number; grids: number; components: number }> {
  const canvas = page.getByTestId('map-canvas');
  await page.waitForTimeout(300); // let a camera move that a click started begin
  await page.locator('[data-testid="map-canvas"][data-map-idle="true"]').waitFor({ timeout: 60_000 });
  return {
    zoom: Number(await canvas.getAttribute('data-zoom')),
    grids: Number(await canvas.getAttribute('data-rendered-grids')),
    components: Number(await canvas.getAttribute('data-rendered-components')),
  };
}

interface PixelStats {
  sampled: number;
  /** Share of sampled pixels that differ clearly from the background colour. */
  nonBackground: number;
  /** Sampled pixels close to a component class colour. */
  componentLike: number;
  distinctColours: number;
}

/**
 * Pixels of the map's screenshot (what the user sees, WebGL included), decoded in the page itself
 * through an <img> and a 2D canvas (a data: URL, so no request leaves the page).
 */
async function pixelStats(page: Page, target: Locator): Promise<PixelStats> {
  const png = await target.screenshot({ animations: 'disabled' });
  return page.evaluate(
    async ({ b64, bg, comps }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      ctx.drawImage(img, 0, 0);
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      const near = (i: number, rgb: number[], tol: number) =>
        Math.abs(data[i] - rgb[0]) <= tol &&
        Math.abs(data[i + 1] - rgb[1]) <= tol &&
        Math.abs(data[i + 2] - rgb[2]) <= tol;
      let sampled = 0;
      let nonBackground = 0;
      let componentLike = 0;
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 3) {
        sampled++;
        if (!near(i, bg, 10)) nonBackground++;
        if (comps.some((rgb) => near(i, rgb, 24))) componentLike++;
        colours.add(((data[i] >> 3) << 10) | ((data[i + 1] >> 3) << 5) | (data[i + 2] >> 3));
      }
      return {
        sampled,
        nonBackground: nonBackground / sampled,
        componentLike,
        distinctColours: colours.size,
      };
    },
    { b64: png.toString('base64'), bg: BACKGROUND, comps: COMPONENT_COLORS },
  );
}

async function search(page: Page, text: string) {
  const input = page.getByTestId('map-search').locator('input');
  await input.fill(text);
  await input.press('Enter');
}

interface GridDetail {
  id: string;
  communityCode: string;
  areaClass: string;
  geometry: { type: string; coordinates: number[][][] };
  chain: { community: { code: string; name: string } };
}

/**
 * A grids GeoJSON that must be refused whole: two grids of one community whose squares overlap,
 * and a grid whose community code does not exist (so its ID does not match any community).
 */
function badGridsFile(a: GridDetail, b: GridDetail): Buffer {
  const ring = a.geometry.type === 'Polygon' ? a.geometry.coordinates[0] : [];
  const shifted = ring.map(([x, y]) => [x + 0.0003, y]);
  const fc = {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { id: a.id, community: a.communityCode, area_class: 'A' },
        geometry: a.geometry,
      },
      {
        type: 'Feature',
        properties: { id: b.id, community: b.communityCode, area_class: 'B' },
        geometry: { type: 'Polygon', coordinates: [shifted] },
      },
      {
        type: 'Feature',
        properties: { id: '330299999999001', community: '330299999999', area_class: 'C' },
        geometry: { type: 'Polygon', coordinates: [shifted] },
      },
    ],
  };
  return Buffer.from(JSON.stringify(fc, null, 1));
}

function unexpected(watch: PageWatch): string[] {
  // The SSE stream is cut by navigation, and antd's deprecation notices (another page's props) are
  // logged through console.error without being errors. Anything else is an error of the app.
  return watch.errors.filter(
    (e) => !/\/api\/stream\b/.test(e) && !/Warning: \[antd: [^\]]+\] `\w+` is deprecated/.test(e),
  );
}

describe('issue 3 in the browser: city map, import report, routing history', () => {
  it('shows the city at two zooms, a grid panel, the import error report and a rule history', async () => {
    if (!platform || !browser) throw new Error('platform or browser did not start');
    const base = platform.url;
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const watch = watchPage(page, base);

    try {
      // Log in as the admin.
      await page.goto(`${base}/login`);
      await page.getByTestId('login-username').fill('admin');
      await page.getByTestId('login-password').fill(DEMO_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.waitForURL((u) => u.pathname !== '/login');
      // This test measures the platform's own layers against the plain background, so it turns
      // the base map off (test/e2e/basemap.test.ts shows the base map under them).
      const chosen = await apiInPage<{ choice: { version: number } }>(page, 'GET', '/api/basemap/settings');
      await apiInPage(page, 'PUT', '/api/basemap', { kind: 'none', version: chosen.choice.version });

      // 1. The whole city, fitted to /api/geo/info's bbox, with the "generated" banner.
      const info = await apiInPage<{ bbox: number[]; generated: boolean; notice: { zh: string } }>(
        page,
        'GET',
        '/api/geo/info',
      );
      expect(info.generated).toBe(true);
      await page.getByTestId('menu-map').click();
      await page.waitForURL(`${base}/map`);
      await page.getByTestId('page-map').waitFor();
      expect(await page.getByTestId('page-title').textContent()).toBe(zhCN.map.title);
      expect(await page.getByTestId('map-generated-banner').textContent()).toContain(info.notice.zh);
      await page.getByTestId('map-legend').waitFor();
      await page.locator('.maplibregl-ctrl-zoom-in').waitFor();
      await page.locator('.maplibregl-ctrl-scale').waitFor();
      const city = await mapIdle(page);
      expect(city.zoom).toBeGreaterThan(8);
      expect(city.zoom).toBeLessThan(14);
      const mapBox = page.getByTestId('map-canvas');
      const cityPixels = await pixelStats(page, mapBox);
      expect(cityPixels.nonBackground, JSON.stringify(cityPixels)).toBeGreaterThan(0.3);
      expect(cityPixels.distinctColours).toBeGreaterThan(20);
      await shot(page, `${SHOT}01-city-whole`);

      // 2. Into a district's managed core (the whole city is mostly the real outlines around the
      //    cores): an address chosen in the search box flies there; out a little with the −
      //    control, the core's grids and components draw.
      const searchInput = page.getByTestId('map-search').locator('input');
      await searchInput.fill('天一广场');
      await page.locator('[data-testid="map-search-option"][data-name="天一广场"]').click();
      await page.getByTestId('map-panel-grid').waitFor();
      await mapIdle(page);
      await page.getByTestId('map-panel-close').click();
      await searchInput.fill('');
      for (let i = 0; i < 2; i++) {
        await page.locator('.maplibregl-ctrl-zoom-out').click();
        await mapIdle(page);
      }
      const zoomed = await mapIdle(page);
      expect(zoomed.zoom).toBeGreaterThanOrEqual(14);
      expect(zoomed.grids).toBeGreaterThan(0);
      expect(zoomed.components).toBeGreaterThan(0);
      const zoomedPixels = await pixelStats(page, mapBox);
      expect(zoomedPixels.nonBackground, JSON.stringify(zoomedPixels)).toBeGreaterThan(0.5);
      expect(zoomedPixels.componentLike, JSON.stringify(zoomedPixels)).toBeGreaterThan(30);
      await shot(page, `${SHOT}02-city-zoomed-grids-components`);

      // 3. A grid found by its ID: the map flies there and the panel shows the grid, its chain,
      //    and who is responsible for everyday matters.
      const gridA = (
        await apiInPage<{ items: { id: string }[] }>(
          page,
          'GET',
          '/api/geo/grids?areaClass=A&pageSize=1&page=3',
        )
      ).items[0];
      expect(gridA).toBeDefined();
      const gridDetail = await apiInPage<
        GridDetail & { chain: Record<string, { code: string; name: string }> }
      >(page, 'GET', `/api/geo/grids/${gridA.id}`);
      await search(page, gridA.id);
      const gridPanel = page.getByTestId('map-panel-grid');
      await gridPanel.waitFor();
      await expect.poll(() => page.getByTestId('map-panel-grid-id').textContent()).toContain(gridA.id);
      expect(await page.getByTestId('map-panel-area-class').textContent()).toContain('A');
      const panelText = (await gridPanel.textContent()) ?? '';
      for (const level of ['community', 'township', 'district'] as const) {
        expect(panelText).toContain(gridDetail.chain[level].name);
        expect(panelText).toContain(gridDetail.chain[level].code);
      }
      const unit = page.getByTestId('map-panel-unit-06010');
      await unit.waitFor();
      expect((await unit.textContent())?.trim()).toBeTruthy();
      const atGrid = await mapIdle(page);
      expect(atGrid.zoom).toBeGreaterThan(16);
      await shot(page, `${SHOT}03-grid-panel`);

      // ... and a grid clicked on the map opens its panel too.
      await page.getByTestId('map-panel-close').click();
      await gridPanel.waitFor({ state: 'detached' });
      const box = await mapBox.boundingBox();
      if (!box) throw new Error('map has no box');
      // the searched grid was fitted in the part of the map the panel leaves free
      await page.mouse.click(box.x + (60 + box.width - 380) / 2, box.y + box.height / 2);
      const clicked = page.locator('[data-testid="map-panel-grid"], [data-testid="map-panel-component"]');
      await clicked.first().waitFor();
      if (await gridPanel.isVisible()) {
        await expect.poll(() => page.getByTestId('map-panel-grid-id').textContent()).toContain(gridA.id);
      }
      await page.getByTestId('map-panel-close').click();

      // 4. A component by its 17-digit ID.
      const comp = (
        await apiInPage<{ items: { id: string; typeCode: string }[] }>(
          page,
          'GET',
          '/api/components?state=damaged&pageSize=1',
        )
      ).items[0];
      expect(comp).toBeDefined();
      await search(page, comp.id);
      await page.getByTestId('map-panel-component').waitFor();
      await expect.poll(() => page.getByTestId('map-panel-component-id').textContent()).toContain(comp.id);
      expect(await page.getByTestId('map-panel-component-state').textContent()).toBe(zhCN.map.states.damaged);
      expect(await page.getByTestId('map-panel-component').textContent()).toContain(comp.typeCode);
      await mapIdle(page);
      await shot(page, `${SHOT}04-component-panel`);

      // 5. A community by name.
      const community = gridDetail.chain.community;
      await search(page, community.name);
      await page.getByTestId('map-panel-division').waitFor();
      await expect.poll(() => page.getByTestId('map-panel-division-name').textContent()).toBe(community.name);
      await mapIdle(page);
      await shot(page, `${SHOT}05-community-search`);

      // 6. The import wizard (kind and file → CRS → validation → result) refuses a grids file with
      //    an overlap and a bad code whole: its report names both and no grid is written.
      const [a, b] = (
        await apiInPage<{ items: { id: string }[] }>(
          page,
          'GET',
          `/api/geo/grids?communityCode=${gridDetail.communityCode}&pageSize=2`,
        )
      ).items;
      const [ga, gb] = await Promise.all([
        apiInPage<GridDetail>(page, 'GET', `/api/geo/grids/${a.id}`),
        apiInPage<GridDetail>(page, 'GET', `/api/geo/grids/${(b ?? a).id}`),
      ]);
      const gridTotal = async () =>
        (await apiInPage<{ total: number }>(page, 'GET', '/api/geo/grids?pageSize=1')).total;
      const gridsBefore = await gridTotal();
      await page.getByTestId('menu-imports').click();
      await page.waitForURL(`${base}/imports`);
      await page.getByTestId('page-imports').waitFor();
      expect(await page.getByTestId('page-title').textContent()).toBe(zhCN.imports.title);
      //    Step 1: the kind (grids) and the file.
      await chooseOption(page, page.getByTestId('import-kind'), zhCN.imports.kinds.grids);
      const next = page.getByTestId('import-next');
      expect(await next.isDisabled()).toBe(true);
      // (the Dragger hands its data-testid to its <input type="file">)
      await page.getByTestId('import-file').setInputFiles({
        name: 'bad-grids.geojson',
        mimeType: 'application/geo+json',
        buffer: badGridsFile(ga, gb),
      });
      await expect.poll(() => page.getByTestId('page-imports').textContent()).toContain('bad-grids.geojson');
      await next.click();
      //    Step 2: the coordinate system (the grids are WGS84 from the API).
      const crs = page.getByTestId('import-crs');
      await crs.waitFor();
      expect(await crs.textContent()).toContain(zhCN.imports.detect);
      await chooseOption(page, crs, 'wgs84');
      await page.getByTestId('import-start').click();
      //    Steps 3 and 4: progress to the end, then the refusal with its row-by-row report.
      await page.getByTestId('import-progress').waitFor();
      const rejected = page.getByTestId('import-rejected');
      await rejected.waitFor({ timeout: 60_000 });
      expect(await rejected.textContent()).toContain('未写入任何数据');
      await expect.poll(() => page.getByTestId('import-progress').textContent()).toBe('3 / 3');
      const report = page.getByTestId('import-report');
      await report.waitFor();
      const overlapRow = report.locator('tr', { hasText: 'overlap' }).first();
      await overlapRow.waitFor();
      expect(await overlapRow.textContent()).toContain('重叠');
      // The row of the grid naming an unknown community (it may carry further findings, such as an
      // overlap with stored grids, in rows of its own).
      const badRow = report
        .locator('tr', { hasText: '330299999999001' })
        .filter({ hasText: 'unknown-community' })
        .first();
      await badRow.waitFor();
      expect(await badRow.textContent()).toContain(zhCN.imports.error);
      expect(await badRow.textContent()).toContain('unknown-community');
      //    Nothing was written: the grid count is what it was.
      expect(await gridTotal()).toBe(gridsBefore);
      await shot(page, `${SHOT}06-import-error-report`);

      // 7. A routing rule changed through the API with a reason, then its history in the UI.
      const rule = (
        await apiInPage<{ items: { id: string; version: number; districtCode: string }[] }>(
          page,
          'GET',
          '/api/routing/rules?typeLevel=default&districtCode=330203&pageSize=1',
        )
      ).items[0];
      expect(rule).toBeDefined();
      const reason = 'E2E：海曙区默认责任单位备注更新（城市模型截图）';
      await apiInPage(page, 'PATCH', `/api/routing/rules/${rule.id}`, {
        version: rule.version,
        reason,
        note: '端到端测试修改的备注',
      });
      await page.getByTestId('menu-routing').click();
      await page.waitForURL(`${base}/routing`);
      // Every cover type has its rule in every district: the defaults are found with the filter.
      await chooseOption(page, page.getByTestId('routing-filter-type'), zhCN.routing.typeLevels.default);
      await page.getByTestId('routing-search').click();
      await page.getByTestId(`routing-history-${rule.id}`).click();
      const drawer = page.getByTestId('routing-history');
      await drawer.waitFor();
      await expect.poll(async () => (await drawer.textContent()) ?? '').toContain(reason);
      expect(await drawer.textContent()).toContain('端到端测试修改的备注');
      await page.waitForTimeout(400); // drawer slide-in
      await shot(page, `${SHOT}07-routing-history`);
    } catch (err) {
      await shot(page, `${SHOT}failure`).catch(() => undefined);
      const seen = [...watch.errors, ...watch.foreignRequests.map((r) => `foreign request: ${r}`)];
      if (err instanceof Error)
        err.message += `\nBrowser errors and foreign requests:\n${seen.join('\n') || '(none)'}`;
      throw err;
    } finally {
      await context.close();
    }

    expect(watch.foreignRequests).toEqual([]);
    expect(watch.requests.some((r) => /\/tiles\/components\/\d+\/\d+\/\d+\.mvt/.test(r))).toBe(true);
    expect(unexpected(watch)).toEqual([]);
  });
});
