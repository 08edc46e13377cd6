/**
 * Issue 11 in Debian's Chromium against the real platform (`npm start`, a fresh data directory, the
 * demo city with generated demo cases over the last three months). A city leader opens 综合评价 for
 * last month, drills from a district's on-time disposal rate to the cases it did not dispose of on
 * time and opens one; computes the month's district ranking, publishes it (frozen from then on),
 * exports it; reads the templates. The public portal then serves the published ranking.
 * Screens: test-artifacts/e2e/evaluation-*.png. No page error; the pages ask no other host.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIRequestContext, Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../../common/calendar/index.ts';
import zhCN from '../../web/src/locales/zh-CN.json';
import {
  apiJson,
  DEMO_PASSWORD,
  type PageWatch,
  shot,
  signInPage,
  staffApi,
  startE2E,
  stopE2E,
} from '../support/browser.ts';
import type { Running } from '../support/process.ts';

const SHOT = 'evaluation-';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-evaluation-'));
let platform: Running | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const watches: PageWatch[] = [];

// Last month, China calendar: the demo cases span the last 91 days, so it is full.
const today = chinaDate(Date.now());
const lastMonth = (() => {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
})();
const FROM = `${lastMonth}-01`;
const TO = `${today.slice(0, 7)}-01`;

beforeAll(async () => {
  [platform, browser] = await startE2E(
    SHOT,
    { DATA_DIR: dataDir, DEMO_PASSWORD, DATABASE_URL: '', DEMO_COMPONENTS: '1000', DEMO_CASES: '300' },
    300_000,
  );
}, 320_000);
afterAll(async () => {
  await stopE2E(platform, browser, [dataDir], contexts);
});

const staff = (username: string) =>
  staffApi(browser!, platform!.url, { username, password: DEMO_PASSWORD }, contexts);
const getJson = <T>(api: APIRequestContext, url: string) => apiJson<T>(api, platform!.url, url);
const desktop = (username: string) =>
  signInPage(
    browser!,
    platform!.url,
    { username, password: DEMO_PASSWORD, timezoneId: 'Asia/Shanghai' },
    contexts,
    watches,
  );

interface Figures {
  subjects: {
    subject: string;
    label: string;
    figures: { indicator: string; numerator: number; denominator: number }[];
  }[];
}

describe('the evaluation in the browser', () => {
  it('a leader drills from a district’s on-time rate to its late cases and one case, publishes the month’s ranking, and the portal serves it', async () => {
    const api = await staff('city.leader');
    // The district with the most cases not disposed on time last month (the demo city has some).
    const figs = await getJson<Figures>(
      api,
      `/api/evaluation/figures?subjectType=district&indicator=onTimeDisposalRate&from=${FROM}&to=${TO}`,
    );
    const late = figs.subjects
      .map((s) => ({ ...s, unmet: s.figures[0].denominator - s.figures[0].numerator }))
      .sort((a, b) => b.unmet - a.unmet)[0];
    expect(late?.unmet, 'the demo city has late disposals last month').toBeGreaterThan(0);

    const page = await desktop('city.leader');
    await page.goto(`${platform!.url}/evaluation?type=district&month=${lastMonth}`);
    const row = page.locator(`tr[data-row-key="${late.subject}"]`);
    await row.waitFor();
    await shot(page, `${SHOT}figures`);
    await row.getByTestId('evaluation-figure-onTimeDisposalRate').click();
    const drawer = page.getByTestId('evaluation-drill');
    await drawer.waitFor();
    await drawer.getByText(zhCN.evaluation.unmet, { exact: true }).click();
    await expect
      .poll(() => drawer.getByTestId('evaluation-drill-case').count())
      .toBe(Math.min(20, late.unmet));
    // The drawer says how many in all (共 N 件), not only the page's 20.
    await expect
      .poll(() => drawer.getByTestId('evaluation-drill-total').textContent())
      .toBe(zhCN.evaluation.drillTotal.replace('{{count}}', String(late.unmet)));
    await shot(page, `${SHOT}drill-unmet`);
    const code = (await drawer.getByTestId('evaluation-drill-case').first().textContent()) ?? '';
    await drawer.getByTestId('evaluation-drill-case').first().click();
    await page.getByTestId('page-case').waitFor();
    await expect.poll(() => page.getByTestId('page-case').textContent()).toContain(code);
    await shot(page, `${SHOT}drill-case`);

    // The month's district ranking: computed as a draft, then approved and published.
    await page.goto(`${platform!.url}/evaluation?tab=rankings&type=district&month=${lastMonth}`);
    await page.getByTestId('ranking-compute').click();
    const state = page.getByTestId('ranking-state');
    await expect.poll(() => state.getAttribute('data-state')).toBe('draft');
    await expect.poll(() => page.getByTestId('ranking-line').count()).toBe(figs.subjects.length);
    await expect.poll(() => page.getByTestId('ranking-grade').count()).toBeGreaterThan(0);
    await shot(page, `${SHOT}ranking-draft`);
    await page.getByTestId('ranking-publish').click();
    await page.getByTestId('ranking-publish-ok').click();
    await expect.poll(() => state.getAttribute('data-state')).toBe('published');
    await expect.poll(() => page.getByTestId('ranking-publish').count()).toBe(0);
    await shot(page, `${SHOT}ranking-published`);

    // The Excel export downloads a workbook.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('ranking-export-xlsx').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^ranking-district-.*\.xlsx$/);

    // An item score drills to the cases behind its figure.
    await page.getByTestId('ranking-line').first().getByTestId('ranking-item-onTimeDisposalRate').click();
    await page.getByTestId('evaluation-drill').waitFor();
    await page.keyboard.press('Escape');

    // The templates: the district template in force, its items and grades.
    await page.getByTestId('evaluation-tab-templates').click();
    await expect.poll(() => page.getByTestId('template-version').textContent()).toBe('1');
    await shot(page, `${SHOT}templates`);

    // The public portal serves it: the published district ranking of last month.
    const pub = await fetch(`${platform!.url}/api/public/rankings?subjectType=district`);
    expect(pub.status).toBe(200);
    const body = (await pub.json()) as { ranking: { from: string; lines: { label: string }[] } | null };
    expect(body.ranking?.from).toBe(FROM);
    expect(body.ranking?.lines.map((l) => l.label)).toContain(late.label);

    const problems = watches.flatMap((w) => [...w.errors, ...w.foreignRequests]);
    expect(problems).toEqual([]);
  });
});
