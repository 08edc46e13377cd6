/**
 * 决策辅助 in Debian's Chromium against the real platform with the demo's generated cases (the
 * last three months): a city leader opens /decision from the menu and sees the trend lines (this
 * period and the year before), the hotspot grids the API lists, the overdue drivers and the heat
 * map drawn; a recurrence's case code opens the case. Screenshots: test-artifacts/e2e/decision-*.png.
 * No request may leave for another host.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zhCN from '../../web/src/locales/zh-CN.json';
import {
  chooseOption,
  DEMO_PASSWORD,
  type PageWatch,
  shot,
  signInPage,
  startE2E,
  stopE2E,
} from '../support/browser.ts';
import type { Running } from '../support/process.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-decision-'));
let platform: Running | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const watches: PageWatch[] = [];

beforeAll(async () => {
  [platform, browser] = await startE2E(
    'decision-',
    { DATA_DIR: dataDir, DEMO_PASSWORD, DATABASE_URL: '', DEMO_COMPONENTS: '500', DEMO_CASES: '1500' },
    240_000,
  );
});

afterAll(async () => {
  await stopE2E(platform, browser, [dataDir], contexts);
});

async function apiInPage<T>(page: Page, url: string): Promise<T> {
  const res = await page.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'include', headers: { Accept: 'application/json' } });
    return { status: r.status, text: await r.text() };
  }, url);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${res.text}`);
  return JSON.parse(res.text) as T;
}

describe('the decision-support page', () => {
  it('shows a leader the trends, a hotspot, the overdue drivers and the heat map', async () => {
    const base = platform!.url;
    const page = await signInPage(
      browser!,
      base,
      { username: 'city.leader', password: DEMO_PASSWORD, timezoneId: 'Asia/Shanghai' },
      contexts,
      watches,
    );
    await page.getByTestId('menu-decision').click();
    await page.waitForURL(`${base}/decision`);
    await expect.poll(() => page.getByTestId('page-title').textContent()).toBe(zhCN.decision.title);

    // The same period the page asks for by default: the last six months to the end of this one.
    const now = new Date(Date.now() + 8 * 3_600_000);
    const y = now.getUTCFullYear();
    const m = now.getUTCMonth();
    const day = (yy: number, mm: number) => new Date(Date.UTC(yy, mm, 1)).toISOString().slice(0, 10);
    const period = `from=${day(y, m - 5)}&to=${day(y, m + 1)}`;
    const trends = await apiInPage<{ series: unknown[] }>(page, `/api/decision/trends?${period}`);
    expect(trends.series.length).toBeGreaterThan(0);
    const hot = await apiInPage<{
      grids: { gridId: string }[];
      recurrences: { later: { id: string; code: string } }[];
    }>(page, `/api/decision/hotspots?${period}`);
    expect(hot.grids.length).toBeGreaterThan(0);

    // Each series drawn twice (this period, a year earlier), the total too.
    const chart = page.getByTestId('decision-trend-chart');
    await expect
      .poll(() => chart.getAttribute('data-series'))
      .toBe(String(Math.min(trends.series.length, 6) + 1));
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);

    // The busiest hotspot grid first.
    const gridTable = page.getByTestId('decision-grid-hotspots');
    await expect
      .poll(() => gridTable.locator('tbody tr').first().textContent())
      .toContain(hot.grids[0].gridId);

    // The overdue drivers and their summary.
    await expect.poll(() => page.getByTestId('decision-overdue-summary').count()).toBe(1);
    expect(await page.getByTestId('decision-overdue-units').locator('tbody tr').count()).toBeGreaterThan(0);

    // The heat map has its cells.
    const heat = await apiInPage<{ cells: unknown[] }>(page, `/api/decision/heat?${period}`);
    expect(heat.cells.length).toBeGreaterThan(0);
    const map = page.getByTestId('decision-heat-map');
    await page
      .locator(`[data-testid="decision-heat-map"][data-heat="${heat.cells.length}"]`)
      .waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="decision-heat-map"][data-idle="true"]').waitFor({ timeout: 60_000 });
    expect(await map.getAttribute('data-ready')).toBe('true');
    await shot(page, 'decision-page');

    // A recurrence's later case (the newest, first in the table) opens the case.
    expect(hot.recurrences.length).toBeGreaterThan(0);
    const r = hot.recurrences[0];
    await page.getByTestId('decision-recurrences').getByRole('link', { name: r.later.code }).first().click();
    await page.waitForURL(`${base}/cases/${r.later.id}`);
    await shot(page, 'decision-recurrence-case');

    // Back, narrowed to 海曙: the heat map redraws with 海曙's cells only.
    await page.goBack();
    await page.waitForURL(`${base}/decision`);
    const hs = await apiInPage<{ cells: unknown[] }>(
      page,
      `/api/decision/heat?${period}&districtCode=330203`,
    );
    expect(hs.cells.length).toBeGreaterThan(0);
    expect(hs.cells.length).toBeLessThan(heat.cells.length);
    await chooseOption(page, page.getByTestId('decision-district'), '海曙区');
    await page
      .locator(`[data-testid="decision-heat-map"][data-heat="${hs.cells.length}"]`)
      .waitFor({ timeout: 60_000 });
    await shot(page, 'decision-haishu');

    for (const w of watches) {
      expect(w.errors).toEqual([]);
      expect(w.foreignRequests).toEqual([]);
    }
  });
});
