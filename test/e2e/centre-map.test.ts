/**
 * The city map for a district centre (issue 9 item 10), in Debian's Chromium against the real
 * platform with demo cases: a 海曙 acceptor's map opens fitted on 海曙; the case layer holds
 * exactly the open cases GET /api/cases/map gives them (all 海曙, while the city admin's include
 * other districts); the legend switches the case layer off and on; a component found by its ID
 * offers "report on this component", which opens intake with the component and its point filled
 * in. Screenshot: test-artifacts/e2e/centre-map.png. Every place comes from the seeded data at
 * test time — no coordinates are written here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zh from '../../web/src/locales/zh-CN.json' with { type: 'json' };
import {
  DEMO_PASSWORD,
  type PageWatch,
  pageJson,
  shot,
  signInPage,
  startE2E,
  stopE2E,
} from '../support/browser.ts';
import type { Running } from '../support/process.ts';

const SHOT = 'centre-map';
const HAISHU = '330203';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-map-'));
let platform: Running | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const watches: PageWatch[] = [];

beforeAll(async () => {
  [platform, browser] = await startE2E(
    SHOT,
    { DATA_DIR: dataDir, DEMO_PASSWORD, DATABASE_URL: '', DEMO_COMPONENTS: '3000', DEMO_CASES: '400' },
    300_000,
  );
}, 320_000);

afterAll(async () => {
  await stopE2E(platform, browser, [dataDir], contexts);
});

async function signIn(username: string): Promise<Page> {
  if (!platform || !browser) throw new Error('platform or browser did not start');
  return signInPage(
    browser,
    platform.url,
    { username, password: DEMO_PASSWORD, timezoneId: 'Asia/Shanghai' },
    contexts,
    watches,
  );
}

const getJson = pageJson;

interface MapPoint {
  id: string;
  code: string;
  light: string | null;
}

async function mapIdle(page: Page) {
  await page.waitForTimeout(300);
  await page.locator('[data-testid="map-canvas"][data-map-idle="true"]').waitFor({ timeout: 60_000 });
}

/** The features the map's case source holds (the data given to it, before clustering). */
async function sourceCases(page: Page): Promise<{ id: string; code: string; light: string | null }[]> {
  return page.evaluate(async () => {
    const map = window.__cityopsMap;
    if (!map) throw new Error('no map');
    const src = map.getSource('cases') as unknown as { getData(): Promise<GeoJSON.FeatureCollection> };
    const fc = await src.getData();
    return fc.features.map((f) => ({
      id: String(f.properties?.id),
      code: String(f.properties?.code),
      light: (f.properties?.light as string | null) ?? null,
    }));
  });
}

describe('the map of a district centre', () => {
  it('opens on 海曙 with only 海曙 cases, switches layers, reports on a component', async () => {
    const page = await signIn('haishu.acceptor');
    const base = platform!.url;
    await page.goto(`${base}/map`);
    await page.getByTestId('page-map').waitFor();
    const canvas = page.getByTestId('map-canvas');
    await page.locator('[data-testid="map-canvas"][data-map-ready="true"]').waitFor({ timeout: 60_000 });
    expect(await canvas.getAttribute('data-fitted')).toBe(`district:${HAISHU}`);

    // What the API gives this user, and (for contrast) the city admin.
    const mine = await getJson<{ items: MapPoint[]; total: number }>(page, '/api/cases/map?limit=5000');
    expect(mine.items.length).toBeGreaterThan(0);
    for (const p of mine.items) expect(p.code.startsWith(`${HAISHU}-`), p.code).toBe(true);
    await expect
      .poll(async () => Number(await canvas.getAttribute('data-case-points')), { timeout: 30_000 })
      .toBe(mine.items.length);
    await mapIdle(page);

    // The case source holds exactly the API's points, lights included.
    const drawn = await sourceCases(page);
    expect(drawn.map((f) => f.id).sort()).toEqual(mine.items.map((p) => p.id).sort());
    const lightOf = new Map(mine.items.map((p) => [p.id, p.light]));
    for (const f of drawn) expect(f.light, f.code).toBe(lightOf.get(f.id));
    expect(Number(await canvas.getAttribute('data-rendered-cases'))).toBeGreaterThan(0);

    // Fitted on 海曙: the view holds the district's extent and is not much wider (or taller).
    const district = await getJson<{ bbox: [number, number, number, number] }>(
      page,
      `/api/geo/divisions/${HAISHU}`,
    );
    const view = await page.evaluate(() => window.__cityopsMap!.getBounds().toArray().flat());
    const [w, s, e, n] = district.bbox;
    const eps = 1e-6;
    expect(view[0]).toBeLessThanOrEqual(w + eps);
    expect(view[1]).toBeLessThanOrEqual(s + eps);
    expect(view[2]).toBeGreaterThanOrEqual(e - eps);
    expect(view[3]).toBeGreaterThanOrEqual(n - eps);
    const ratio = Math.min((view[2] - view[0]) / (e - w), (view[3] - view[1]) / (n - s));
    expect(ratio).toBeLessThan(1.6);

    await shot(page, 'centre-map');

    // The legend switches the case layer off (nothing drawn) and on again.
    const visibility = () =>
      page.evaluate(() => window.__cityopsMap!.getLayoutProperty('case-point', 'visibility') ?? 'visible');
    await page.getByTestId('map-layer-cases').click();
    await expect.poll(visibility).toBe('none');
    await mapIdle(page);
    // The count of drawn cases follows the next render: poll it (the idle flag may be the last one).
    const rendered = async () => Number(await canvas.getAttribute('data-rendered-cases'));
    await expect.poll(rendered, { timeout: 20_000 }).toBe(0);
    await page.getByTestId('map-layer-cases').click();
    await expect.poll(visibility).toBe('visible');
    await mapIdle(page);
    await expect.poll(rendered, { timeout: 20_000 }).toBeGreaterThan(0);
    // The grids switch likewise.
    await page.getByTestId('map-layer-grids').click();
    await expect
      .poll(() => page.evaluate(() => window.__cityopsMap!.getLayoutProperty('grid-fill', 'visibility')))
      .toBe('none');
    await page.getByTestId('map-layer-grids').click();

    // A 海曙 component, found by its ID: its panel offers a report on it and lists its cases.
    const comp = (
      await getJson<{ items: { id: string; lng: number; lat: number }[] }>(
        page,
        `/api/components?districtCode=${HAISHU}&pageSize=1`,
      )
    ).items[0];
    await page.getByTestId('map-search').locator('input').fill(comp.id);
    await page.getByTestId('map-search').locator('input').press('Enter');
    await page.getByTestId('map-panel-component').waitFor();
    await page.getByTestId('map-panel-component-cases').waitFor();
    const link = page.getByTestId('map-panel-report-component');
    const href = (await link.getAttribute('href')) ?? '';
    const q = new URL(href, base).searchParams;
    expect(q.get('componentId')).toBe(comp.id);
    expect(Number(q.get('lng'))).toBeCloseTo(comp.lng, 9);
    expect(Number(q.get('lat'))).toBeCloseTo(comp.lat, 9);
    await link.click();
    await page.waitForURL((u) => u.pathname === '/intake');
    await page.getByTestId('intake-component').waitFor();
    expect(await page.getByTestId('intake-component').textContent()).toContain(comp.id);

    for (const w of watches) {
      expect(w.errors).toEqual([]);
      expect(w.foreignRequests).toEqual([]);
    }
  }, 240_000);

  it("says plainly that another district's grid is outside the dispatcher's district", async () => {
    const page = await signIn('jiangbei.dispatcher');
    await page.goto(`${platform!.url}/map`);
    await page.locator('[data-testid="map-canvas"][data-map-ready="true"]').waitFor({ timeout: 60_000 });
    const gridOf = async (d: string) =>
      (await getJson<{ items: { id: string }[] }>(page, `/api/geo/grids?districtCode=${d}&pageSize=1`))
        .items[0].id;
    const search = page.getByTestId('map-search').locator('input');
    const resolves: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/routing/resolve') resolves.push(r.url());
    });
    // A 海曙 grid: one plain sentence, not 无法确定 on every row — and one refused request, not
    // one per matter type (each a 403 in the console).
    await search.fill(await gridOf(HAISHU));
    await search.press('Enter');
    const outside = page.getByTestId('map-panel-outside-district');
    await outside.waitFor();
    expect(await outside.textContent()).toContain(zh.map.panel.outsideDistrict);
    expect(await page.getByTestId('map-panel-responsible').count()).toBe(0);
    await page.waitForTimeout(500);
    expect(resolves).toHaveLength(1);
    await shot(page, 'centre-map-outside-district');
    // Its own district's grid: the responsible units as before.
    await search.fill(await gridOf('330205'));
    await search.press('Enter');
    await page.getByTestId('map-panel-responsible').waitFor();
    await page.locator('[data-testid^=map-panel-unit-]').first().waitFor();
    expect(await outside.count()).toBe(0);
    // Its own grid: every matter type is asked (the first, then the other five).
    await expect.poll(() => resolves.length, { timeout: 20_000 }).toBe(7);
  }, 120_000);
});
