/**
 * Early warning (预警, issue 11 item 6) in Debian's Chromium against the real platform (`npm
 * start`, a fresh data directory, the demo city without demo cases). 海曙's acceptor takes six
 * reports of six different 市容环境 (06) types in one grid — no duplicates of each other, one
 * family; the grid and 海曙 have no history, so against the floored baseline (0.5 a week) that is a
 * rise. The city's leader opens 预警, computes the warnings now and reads the grid's warning with
 * its baseline and Poisson tail; 海曙's shift leader finds it in the inbox, opens the page from
 * there and acknowledges it; the English page says the same in English.
 * Screens: test-artifacts/e2e/warning-*.png. No page error; the pages ask no other host.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zhCN from '../../web/src/locales/zh-CN.json';
import {
  apiJson,
  chooseOption,
  DEMO_PASSWORD,
  type PageWatch,
  shot,
  signInPage,
  staffApi,
  startE2E,
  stopE2E,
} from '../support/browser.ts';
import type { Running } from '../support/process.ts';

const SHOT = 'warning-';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-warning-'));
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

const desktop = (username: string) =>
  signInPage(
    browser!,
    platform!.url,
    { username, password: DEMO_PASSWORD, timezoneId: 'Asia/Shanghai' },
    contexts,
    watches,
  );

describe('early warning (预警)', () => {
  it('a rise in one grid is computed, explained, delivered and acknowledged', async () => {
    const base = platform!.url;
    const acceptor = await staffApi(
      browser!,
      base,
      { username: 'haishu.acceptor', password: DEMO_PASSWORD },
      contexts,
    );
    const grids = await apiJson<{ items: { id: string }[] }>(
      acceptor,
      base,
      '/api/geo/grids?districtCode=330203&page=3&pageSize=1',
    );
    const grid = await apiJson<{ centroid: { lng: number; lat: number } }>(
      acceptor,
      base,
      `/api/geo/grids/${grids.items[0].id}`,
    );
    for (const [i, matterCode] of ['06001', '06002', '06003', '06004', '06005', '06006'].entries()) {
      const res = await acceptor.post(`${base}/api/reports`, {
        data: {
          idempotencyKey: `e2e-warning-${i}`,
          channel: 'hotline',
          reporter: { name: '张先生', phone: `1380000010${i}` },
          description: `预警浏览器测试 ${i}`,
          location: { ...grid.centroid, crs: 'wgs84' },
          matterCode,
        },
      });
      expect(res.status(), await res.text()).toBe(201);
    }

    // The city's leader computes the warnings now and reads the grid's.
    const leader = await desktop('city.leader');
    await leader.getByRole('menuitem', { name: zhCN.warnings.menu }).click();
    await leader.waitForURL(`${base}/warnings`);
    await leader.getByTestId('warnings-page').waitFor();
    const ran = leader.waitForResponse((r) => r.url().endsWith('/api/warnings/run'));
    await leader.getByTestId('warnings-run').click();
    expect((await ran).status()).toBe(200);
    const gridRow = leader.getByTestId('warning-row').filter({ hasText: grids.items[0].id });
    await gridRow.waitFor();
    await expect
      .poll(() => gridRow.getByTestId('warning-explanation').textContent())
      .toContain('近7日 6 起，前8周周均 0 起，泊松上尾概率');
    await shot(leader, `${SHOT}01-leader-list`);

    // 海曙's shift leader finds it in the inbox and acknowledges it on the page.
    const shift = await desktop('haishu.shift_leader');
    await shift.getByTestId('notification-bell').click();
    const notice = shift.getByTestId('notification-item').filter({ hasText: grids.items[0].id });
    await notice.waitFor();
    expect(await notice.textContent()).toContain('新预警');
    await shot(shift, `${SHOT}02-inbox`);
    await notice.click();
    await shift.waitForURL(`${base}/warnings`);
    const row = shift.getByTestId('warning-row').filter({ hasText: grids.items[0].id });
    await row.getByTestId('warning-acknowledge').click();
    await expect.poll(() => row.textContent()).toContain(zhCN.warnings.state.acknowledged);
    await shot(shift, `${SHOT}03-acknowledged`);

    // In English, the same warning in English.
    await chooseOption(shift, shift.getByTestId('language-switch'), 'English');
    const enRow = shift.getByTestId('warning-row').filter({ hasText: grids.items[0].id });
    await expect
      .poll(() => enRow.getByTestId('warning-explanation').textContent())
      .toContain('6 cases in the last 7 days against a weekly mean of 0 over the previous 8 weeks');
    await shot(shift, `${SHOT}04-english`);

    const problems = watches.flatMap((w) => [...w.errors, ...w.foreignRequests]);
    expect(problems, 'page errors or requests to other hosts').toEqual([]);
  }, 300_000);
});
