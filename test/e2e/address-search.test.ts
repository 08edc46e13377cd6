/**
 * Issue 9 item 13 in Debian's Chromium against the real platform (`npm start` on a fresh data
 * directory): on the hotline/desktop intake form the acceptor types 天一 into the address search,
 * chooses 天一广场 among the suggestions — the map's centre moves to it, the point is set and
 * resolves to its grid, community and district (海曙区, the real district: the demo city lies in
 * the real outlines) — and the address field takes the name. On the city map a misspelt 天乙广场
 * still finds it and opens its grid. Screenshot: test-artifacts/e2e/centre-address-search.png.
 * The page must make no request to another host and raise no page error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, type PageWatch, shot, signInPage, startE2E, stopE2E } from '../support/browser.ts';
import type { Running } from '../support/process.ts';

const SHOT = 'centre-address-search';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-address-'));
let platform: Running | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const watches: PageWatch[] = [];

beforeAll(async () => {
  [platform, browser] = await startE2E(
    SHOT,
    { DATA_DIR: dataDir, DEMO_PASSWORD, DATABASE_URL: '', DEMO_COMPONENTS: '1000', DEMO_CASES: '0' },
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

const centreOf = async (page: Page, testId: string) => {
  const c = await page.getByTestId(testId).getAttribute('data-center');
  const [lng, lat] = (c ?? '').split(',').map(Number);
  return { lng, lat };
};
const metres = (a: { lng: number; lat: number }, b: { lng: number; lat: number }) =>
  Math.hypot((a.lng - b.lng) * 96_600, (a.lat - b.lat) * 110_900);

describe('address search (地名地址搜索)', () => {
  it('intake: type 天一, choose 天一广场 — the map moves there and the grid resolves', async () => {
    const page = await signIn('haishu.acceptor');
    await page.goto(`${platform!.url}/intake`);
    const map = page.getByTestId('intake-map');
    await map.locator('canvas').waitFor();
    await expect.poll(() => map.getAttribute('data-center'), { timeout: 20_000 }).toMatch(/^\d/);
    await page.waitForTimeout(1000); // the map fits the acceptor's district
    const before = await centreOf(page, 'intake-map');

    // What the search will answer, from the API (the test writes no coordinate of its own).
    const expected = await page.evaluate(async () => {
      const r = await fetch(`/api/geo/places?q=${encodeURIComponent('天一广场')}&limit=1`, {
        credentials: 'include',
      });
      return (await r.json()).items[0] as {
        name: string;
        point: { lng: number; lat: number };
        grid: { id: string };
        community: { name: string };
        district: { name: string };
      };
    });
    expect(expected.name).toBe('天一广场');
    expect(expected.district.name).toBe('海曙区');

    await page.getByTestId('intake-place-search').fill('天一');
    const option = page.locator('[data-testid="intake-place-search-option"][data-name="天一广场"]');
    await option.waitFor();
    // Both real places starting with 天一 are offered.
    await page.locator('[data-testid="intake-place-search-option"][data-name="天一阁"]').waitFor();
    await option.click();

    // The point is set and resolved: grid, community, district of 天一广场.
    await expect
      .poll(() => page.getByTestId('intake-grid').textContent(), { timeout: 20_000 })
      .toContain(expected.grid.id);
    expect(await page.getByTestId('intake-community').textContent()).toBe(expected.community.name);
    expect(await page.getByTestId('intake-place').textContent()).toContain('海曙区');
    expect(await page.getByTestId('intake-address').inputValue()).toBe('天一广场');
    // The map's centre moved onto the place (it was on the whole district before).
    await expect
      .poll(async () => metres(await centreOf(page, 'intake-map'), expected.point), { timeout: 20_000 })
      .toBeLessThan(30);
    expect(metres(before, expected.point)).toBeGreaterThan(30);
    expect(Number(await map.getAttribute('data-zoom'))).toBeGreaterThanOrEqual(15);
    await page.waitForTimeout(800); // tiles of the new view
    await shot(page, SHOT);
  }, 180_000);

  it('the city map: a misspelt 天乙广场 still finds 天一广场 and opens its grid', async () => {
    const page = await signIn('haishu.inspector');
    await page.goto(`${platform!.url}/map`);
    await page.locator('[data-testid="map-canvas"][data-map-ready="true"]').waitFor({ timeout: 60_000 });
    const input = page.getByTestId('map-search').locator('input');
    await input.fill('天乙广场');
    const option = page.locator('[data-testid="map-search-option"]').first();
    await option.waitFor();
    expect(await option.getAttribute('data-name')).toBe('天一广场');
    // Text that asks nothing (no letter or digit, or blank) clears the suggestions: the previous
    // query's places do not stay under it.
    for (const nothing of ['%', '   ']) {
      await input.fill(nothing);
      await page.waitForTimeout(600); // past the debounce
      expect(await page.locator('[data-testid="map-search-option"]:visible').count(), nothing).toBe(0);
    }
    await input.fill('天乙广场');
    await option.waitFor();
    expect(await option.getAttribute('data-name')).toBe('天一广场');
    await option.click();
    await page.getByTestId('map-panel-grid').waitFor();
    expect(await page.getByTestId('map-panel-grid-id').textContent()).toMatch(/^330203\d{9}/);
  }, 120_000);

  it('raised no page error and asked no other host', () => {
    const problems = watches.flatMap((w) => [...w.errors, ...w.foreignRequests]);
    expect(problems).toEqual([]);
  });
});
