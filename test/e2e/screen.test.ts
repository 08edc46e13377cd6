/**
 * Issue 11 item 7, in Debian's Chromium against the real platform (`npm start`, a fresh data
 * directory, the demo city with a few generated demo cases): the command big screen (指挥大屏) at
 * /screen, 1920×1080. The city's leader opens it from the menu and sees every panel with data —
 * today's cases by state and channel, the open cases by light on the map, overdue and urged
 * cases, this month's on-time rate by district, the ranking, the warnings; a case reported
 * through the API raises the day's count on the open screen without a reload. 海曙's dispatcher
 * sees 海曙's screen. Screens: test-artifacts/e2e/screen-*.png. No page error; no other host asked.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import type { Running } from '../support/process.ts';

const SHOT = 'screen-';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-screen-'));
let platform: Running | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const watches: PageWatch[] = [];

beforeAll(async () => {
  [platform, browser] = await startE2E(
    SHOT,
    { DATA_DIR: dataDir, DEMO_PASSWORD, DATABASE_URL: '', DEMO_COMPONENTS: '1000', DEMO_CASES: '30' },
    300_000,
  );
}, 320_000);
afterAll(async () => {
  await stopE2E(platform, browser, [dataDir], contexts);
});

/** A wall display: a 1920×1080 window, signed in through the login page. */
async function wall(username: string): Promise<Page> {
  const context = await browser!.newContext({
    viewport: { width: 1920, height: 1080 },
    timezoneId: 'Asia/Shanghai',
  });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  watches.push(watchPage(page, platform!.url));
  await page.goto(`${platform!.url}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return page;
}

/** A 海曙 case reported by 海曙's acceptor through the API, at the `index`-th grid's centre. */
async function reportIn海曙(api: APIRequestContext, index: number): Promise<string> {
  const grids = await apiJson<{ items: { id: string }[] }>(
    api,
    platform!.url,
    `/api/geo/grids?districtCode=330203&page=${index + 1}&pageSize=1`,
  );
  const grid = await apiJson<{ centroid: { lng: number; lat: number } }>(
    api,
    platform!.url,
    `/api/geo/grids/${grids.items[0].id}`,
  );
  const res = await api.post(`${platform!.url}/api/reports`, {
    data: {
      idempotencyKey: randomUUID(),
      channel: 'hotline',
      description: `指挥大屏测试：井盖缺失 ${index}`,
      location: { ...grid.centroid, crs: 'wgs84' },
      matterCode: '06002',
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).case.id;
}

const count = async (page: Page, testId: string) => Number(await page.getByTestId(testId).textContent());

describe('the command big screen (指挥大屏)', () => {
  it('shows the city to its leader, every panel with data, and counts a new case live', async () => {
    const acceptor = await staffApi(
      browser!,
      platform!.url,
      { username: 'haishu.acceptor', password: DEMO_PASSWORD },
      contexts,
    );
    // One case today before the screen opens, so the day's panels have something to draw.
    await reportIn海曙(acceptor, 0);

    const page = await wall('city.leader');
    // The staff menu's entry opens the screen, outside the app's shell.
    await page.getByTestId('menu-screen').click();
    await page.waitForURL(`${platform!.url}/screen`);
    await expect.poll(() => page.locator('.ant-layout-sider').count()).toBe(0);
    await expect
      .poll(() => page.getByTestId('screen-title').textContent())
      .toBe(zhCN.screen.title.replace('{{scope}}', zhCN.screen.city));
    await expect.poll(() => page.getByTestId('screen-clock').textContent()).toMatch(/\d{2}:\d{2}:\d{2}/);

    // Today's cases: the count is the API's, the state and channel charts drew.
    const leader = await staffApi(
      browser!,
      platform!.url,
      { username: 'city.leader', password: DEMO_PASSWORD },
      contexts,
    );
    const stats = await apiJson<{ reported: number; overdue: number }>(
      leader,
      platform!.url,
      '/api/cases/stats/today',
    );
    expect(stats.reported).toBeGreaterThanOrEqual(1);
    await expect.poll(() => count(page, 'screen-today-count')).toBe(stats.reported);
    await expect.poll(() => count(page, 'screen-overdue-count')).toBe(stats.overdue);
    for (const chart of ['screen-state-chart', 'screen-channel-chart', 'screen-ontime-chart']) {
      await expect.poll(() => page.getByTestId(chart).locator('canvas').count(), { message: chart }).toBe(1);
    }

    // The map: every open case in scope as a dot, the lights counted above it.
    const open = await apiJson<{ total: number; items: unknown[] }>(
      leader,
      platform!.url,
      '/api/cases/map?limit=5000',
    );
    expect(open.total).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('screen-city-map').getAttribute('data-points'), { timeout: 60_000 })
      .toBe(String(open.items.length));
    await expect
      .poll(() => page.getByTestId('screen-city-map').getAttribute('data-idle'), { timeout: 60_000 })
      .toBe('true');

    // On-time rates and the ranking (none published: this month's figures, one line per district
    // that has any; the API's own answer says how many).
    const from = (await page.getByTestId('screen-ontime').getAttribute('data-from'))!;
    const to = (await page.getByTestId('screen-ontime').getAttribute('data-to'))!;
    expect(from).toMatch(/^\d{4}-\d{2}-01$/);
    const figures = await apiJson<{ subjects: unknown[] }>(
      leader,
      platform!.url,
      `/api/evaluation/figures?subjectType=district&indicator=onTimeDisposalRate&from=${from}&to=${to}`,
    );
    expect(figures.subjects.length).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('screen-ranking-list').locator('li').count())
      .toBe(figures.subjects.length);
    await expect(page.getByTestId('screen-ranking').textContent()).resolves.toContain(
      zhCN.screen.rankingNone,
    );
    // Overdue and urged: rows when the city has such cases, else the panel says there are none.
    await expect.poll(() => page.getByTestId('screen-overdue-list').locator('li').count()).toBeGreaterThan(0);
    // Warnings: the live ones, or the panel's word that there are none.
    const warnings = await apiJson<{ total: number }>(leader, platform!.url, '/api/warnings?pageSize=8');
    await expect
      .poll(() => page.getByTestId('screen-warnings-list').locator('li').count())
      .toBe(Math.max(1, Math.min(8, warnings.total)));
    await shot(page, `${SHOT}city`);

    // Live: a case reported elsewhere raises the count on the open screen, without a reload.
    await page.evaluate(() => {
      (window as unknown as { __notReloaded?: boolean }).__notReloaded = true;
    });
    const before = await count(page, 'screen-today-count');
    await reportIn海曙(acceptor, 1);
    await expect.poll(() => count(page, 'screen-today-count'), { timeout: 30_000 }).toBe(before + 1);
    expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(
      true,
    );
    await expect
      .poll(() => page.getByTestId('screen-city-map').getAttribute('data-points'), { timeout: 30_000 })
      .toBe(String(open.items.length + 1));
    await shot(page, `${SHOT}city-live`);

    // English on request.
    await page.getByTestId('screen-language').click();
    await expect.poll(() => page.getByTestId('screen-title').textContent()).toContain('command screen');
    await shot(page, `${SHOT}city-en`);
  });

  it('shows 海曙 its own screen', async () => {
    const page = await wall('haishu.dispatcher');
    await page.goto(`${platform!.url}/screen`);
    await expect
      .poll(() => page.getByTestId('screen-title').textContent())
      .toBe(zhCN.screen.title.replace('{{scope}}', '海曙区'));
    const dispatcher = await staffApi(
      browser!,
      platform!.url,
      { username: 'haishu.dispatcher', password: DEMO_PASSWORD },
      contexts,
    );
    const stats = await apiJson<{ reported: number }>(dispatcher, platform!.url, '/api/cases/stats/today');
    // This file's cases are 海曙's (generated demo cases may add some of today).
    expect(stats.reported).toBeGreaterThanOrEqual(1);
    await expect.poll(() => count(page, 'screen-today-count')).toBe(stats.reported);
    // The district's figures: its own district only, as the API gives them to it.
    const from = (await page.getByTestId('screen-ontime').getAttribute('data-from'))!;
    const to = (await page.getByTestId('screen-ontime').getAttribute('data-to'))!;
    const figures = await apiJson<{ subjects: { label: string }[] }>(
      dispatcher,
      platform!.url,
      `/api/evaluation/figures?subjectType=district&indicator=onTimeDisposalRate&from=${from}&to=${to}`,
    );
    expect(figures.subjects.map((x) => x.label)).toEqual(figures.subjects.length ? ['海曙区'] : []);
    await expect
      .poll(() => page.getByTestId('screen-ranking-list').locator('li').count())
      .toBe(figures.subjects.length);
    await expect
      .poll(() => page.getByTestId('screen-city-map').getAttribute('data-idle'), { timeout: 60_000 })
      .toBe('true');
    await shot(page, `${SHOT}haishu`);
  });

  it('made no page error and asked no other host', () => {
    expect(watches.flatMap((w) => w.errors)).toEqual([]);
    expect(watches.flatMap((w) => w.foreignRequests)).toEqual([]);
  });
});
