/**
 * The command centre's desk in Debian's Chromium against the real platform (`npm start`, demo
 * city with demo cases): the workbench of four roles shows the numbers GET /api/workbench gives;
 * the case list sorts on the server when a column header is clicked, filters by a China-day range
 * typed into the date picker, and exports what it shows — the test downloads the .xlsx, opens it
 * with exceljs and compares its rows with the list API. Screenshots: centre-workbench-*.png,
 * centre-cases-*.png. The page must make no request to another host and raise no page error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zh from '../../web/src/locales/zh-CN.json' with { type: 'json' };
import { DEMO_PASSWORD, type PageWatch, shot, signInPage, startE2E, stopE2E } from '../support/browser.ts';
import type { Running } from '../support/process.ts';

const SHOT = 'centre-';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-centre-'));
const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-centre-dl-'));
let platform: Running | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const watches: PageWatch[] = [];

beforeAll(async () => {
  [platform, browser] = await startE2E(
    SHOT,
    { DATA_DIR: dataDir, DEMO_PASSWORD, DATABASE_URL: '', DEMO_CASES: '400' },
    300_000,
  );
}, 320_000);

afterAll(async () => {
  await stopE2E(platform, browser, [dataDir, downloads], contexts);
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

/** A GET of the API from inside the page (its session cookie, its language). */
const apiGet = <T>(page: Page, url: string) =>
  page.evaluate(async (u) => {
    const res = await fetch(u, { headers: { 'Accept-Language': 'zh-CN' } });
    if (!res.ok) throw new Error(`${u}: ${res.status} ${await res.text()}`);
    return res.json();
  }, url) as Promise<T>;

interface Workbench {
  today: Record<'reported' | 'filed' | 'dispatched' | 'closed' | 'overdue', number> & { date: string };
  queues: { role: string; total: number; overdue: number; warning: number }[];
}

/** The numbers the workbench shows, as its figures carry them (data-value). */
async function shownNumbers(page: Page) {
  const value = async (scope: Locator, id: string) =>
    Number(await scope.getByTestId(id).first().getAttribute('data-value'));
  const today = page.getByTestId('workbench-today');
  const out: Record<string, number> = {};
  for (const k of ['reported', 'filed', 'dispatched', 'closed', 'overdue'])
    out[`today.${k}`] = await value(today, `today-${k}`);
  for (const el of await page.locator('[data-testid^=workbench-queue-]').all()) {
    const role = ((await el.getAttribute('data-testid')) ?? '').replace('workbench-queue-', '');
    for (const k of ['total', 'overdue', 'warning']) out[`${role}.${k}`] = await value(el, `queue-${k}`);
  }
  return out;
}

const apiNumbers = (wb: Workbench) => {
  const out: Record<string, number> = {};
  for (const k of ['reported', 'filed', 'dispatched', 'closed', 'overdue'] as const)
    out[`today.${k}`] = wb.today[k];
  for (const q of wb.queues)
    for (const k of ['total', 'overdue', 'warning'] as const) out[`${q.role}.${k}`] = q[k];
  return out;
};

const ROLES: [string, string][] = [
  ['haishu.acceptor', 'acceptor'],
  ['haishu.shift_leader', 'shift_leader'],
  ['haishu.dispatcher', 'dispatcher'],
  ['unit.haishu-sanitation', 'unit_handler'],
];

interface CaseItem {
  code: string;
  createdAt: string;
}

const codesShown = async (page: Page) =>
  page
    .locator('[data-testid=case-row]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case-code') ?? ''));

describe('the command centre in the browser', () => {
  it.each(ROLES)('the workbench of %s shows the numbers of GET /api/workbench', async (username, role) => {
    const page = await signIn(username);
    await page.getByTestId('page-dashboard').waitFor();
    await page.getByTestId(`workbench-queue-${role}`).waitFor();
    await page.getByTestId('today-reported').waitFor();
    // A light can change colour between two reads; the page refetches on reload.
    await expect
      .poll(
        async () => {
          const shown = await shownNumbers(page);
          const api = apiNumbers(await apiGet<Workbench>(page, '/api/workbench'));
          if (JSON.stringify(shown) !== JSON.stringify(api)) await page.reload();
          await page.getByTestId('today-reported').waitFor();
          return JSON.stringify(shown) === JSON.stringify(api)
            ? 'same'
            : `${JSON.stringify(shown)} ≠ ${JSON.stringify(api)}`;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('same');
    const shown = await shownNumbers(page);
    expect(shown[`${role}.total`]).toBeGreaterThan(0);
    // The queue's number is the total of the list it opens.
    const list = await apiGet<{ total: number }>(page, `/api/cases?view=mine&queue=${role}&pageSize=1`);
    expect(list.total).toBe(shown[`${role}.total`]);
    await shot(page, `${SHOT}workbench-${role}`);
  });

  it('sorts the case list on the server, filters China days and exports what it shows', async () => {
    const page = await signIn('haishu.dispatcher');
    const base = platform!.url;
    await page.goto(`${base}/cases?view=all`);
    await page.locator('[data-testid=case-row]').first().waitFor();

    // Sort by code: ascending, then descending, as the server sorts.
    const header = page.locator('th', { hasText: zh.case.col.code });
    await header.click();
    await page.waitForURL(/sort=code&order=asc/);
    const api = (q: string) => apiGet<{ items: CaseItem[]; total: number }>(page, `/api/cases?view=all&${q}`);
    const asc = (await api('sort=code&order=asc&pageSize=20')).items.map((c) => c.code);
    await expect.poll(() => codesShown(page)).toEqual(asc);
    expect([...asc].sort()).toEqual(asc);
    await shot(page, `${SHOT}cases-sorted-asc`);
    await header.click();
    await page.waitForURL(/sort=code&order=desc/);
    const desc = (await api('sort=code&order=desc&pageSize=20')).items.map((c) => c.code);
    await expect.poll(() => codesShown(page)).toEqual(desc);
    expect([...desc].sort().reverse()).toEqual(desc);
    await shot(page, `${SHOT}cases-sorted-desc`);

    // A China-day range typed into the picker: from the day of the 30th newest case to the newest's
    // (more rows than a page: the export must hold every page).
    const newest = (await api('pageSize=30')).items;
    const chinaDay = (iso: string) =>
      new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const to = chinaDay(newest[0].createdAt);
    const from = chinaDay(newest[newest.length - 1].createdAt);
    const inputs = page.getByTestId('filter-dates').locator('input');
    await inputs.nth(0).click();
    await inputs.nth(0).fill(from);
    await inputs.nth(0).press('Enter');
    await inputs.nth(1).fill(to);
    await inputs.nth(1).press('Enter');
    await page.waitForURL(
      (u) => u.searchParams.get('dateFrom') === from && u.searchParams.get('dateTo') === to,
    );
    const query = `sort=code&order=desc&dateFrom=${from}&dateTo=${to}`;
    const filtered = await api(`${query}&pageSize=20`);
    expect(filtered.total).toBeGreaterThanOrEqual(newest.length);
    await expect.poll(() => codesShown(page)).toEqual(filtered.items.map((c) => c.code));
    for (const c of filtered.items) {
      expect(chinaDay(c.createdAt) >= from && chinaDay(c.createdAt) <= to, c.createdAt).toBe(true);
    }
    await page.keyboard.press('Escape');
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    await shot(page, `${SHOT}cases-filtered`);

    // Export: the download holds every row of the filtered list, in its order.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('cases-export').click(),
    ]);
    const file = path.join(downloads, download.suggestedFilename());
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/^cases-\d{12}\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const rows: unknown[][] = [];
    wb.worksheets[0].eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    expect(rows[0][0]).toBe(zh.case.export.col.code);
    expect(rows[0][15]).toBe(zh.case.export.col.createdAt);
    const all = await api(`${query}&pageSize=200`);
    expect(all.total).toBeGreaterThan(20);
    expect(rows.slice(1).map((r) => r[0])).toEqual(all.items.map((c) => c.code));
    for (const [i, c] of all.items.entries()) {
      const cell = rows[i + 1][15] as Date;
      expect(cell.toISOString().slice(0, 19)).toBe(
        new Date(new Date(c.createdAt).getTime() + 8 * 3_600_000).toISOString().slice(0, 19),
      );
    }
    await shot(page, `${SHOT}cases-exported`);
  });

  it('says why a list is empty: a refused query shows its error, a district filter its chip', async () => {
    const page = await signIn('haishu.dispatcher');
    const watch = watches.at(-1)!;
    await page.goto(`${platform!.url}/cases?view=mine&queue=admin`);
    const error = page.getByTestId('case-list-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('queue');
    expect(await page.getByTestId('case-table').textContent()).not.toContain(zh.case.emptyAll);
    await shot(page, `${SHOT}cases-refused-query`);
    // The refused query is this test's point: the browser's console line about its 400 is
    // expected, not a page error (the last test checks every page for those).
    const refused = (e: string) => e.includes('status of 400') && e.includes('queue=admin');
    expect(watch.errors.filter(refused).length).toBeGreaterThan(0);
    watch.errors.splice(0, watch.errors.length, ...watch.errors.filter((e) => !refused(e)));
    await page.goto(`${platform!.url}/cases?view=all&districtCode=330206`);
    const chip = page.getByTestId('filter-district-tag');
    await chip.waitFor();
    expect(await chip.textContent()).toContain('330206');
    await chip.locator('.ant-tag-close-icon').click();
    await page.waitForURL((u) => !u.searchParams.has('districtCode'));
  });

  it('keeps the count and names refused cases by code in the urge result; a blank reason reads plainly', async () => {
    const page = await signIn('city.supervisor');
    await page.goto(`${platform!.url}/cases?view=all&state=closed`);
    const rows = page.locator('[data-testid=case-row]');
    await rows.nth(1).waitFor();
    // Two closed cases: urging refuses both, and the dialog must still say which and how many
    // after the list's selection has been cleared (it showed UUIDs and "0 件").
    const codes: string[] = [];
    for (const i of [0, 1]) {
      codes.push((await rows.nth(i).getAttribute('data-case-code'))!);
      await rows.nth(i).locator('.ant-checkbox-input').check();
    }
    await page.getByTestId('batch-urge').click();
    expect(await page.locator('.ant-modal-title').textContent()).toBe('督办所选的 2 件案件');
    await page.getByTestId('urge-reason').fill('   ');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await page.getByText(zh.case.list.urgeReasonRequired).waitFor();
    await page.getByTestId('urge-reason').fill('已结案也试一下');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    const refused = page.getByTestId('urge-refused');
    await refused.nth(1).waitFor();
    const shown = await refused.allTextContents();
    expect(shown).toHaveLength(2);
    for (const [i, code] of codes.entries())
      expect(
        shown.some((s) => s.includes(code)),
        `${i}`,
      ).toBe(true);
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
    for (const s of shown) expect(s).not.toMatch(uuid);
    expect(await page.locator('.ant-modal-title').textContent()).toBe('督办所选的 2 件案件');
    expect(await page.locator('.ant-modal .ant-alert').textContent()).toContain('已督办 0 件，未能督办 2 件');
    // The list's selection is cleared behind the dialog.
    expect(await page.getByTestId('batch-urge').textContent()).not.toMatch(/\(\d+\)/);
    await shot(page, `${SHOT}cases-urge-refused`);
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
  });

  it('lets a supervisor select rows for urging, and raised no page error nor foreign request', async () => {
    const page = await signIn('city.supervisor');
    await page.goto(`${platform!.url}/cases?view=all&light=red`);
    await page.locator('[data-testid=case-row]').first().waitFor();
    await page.locator('[data-testid=case-row] .ant-checkbox-input').first().check();
    await page.getByTestId('batch-urge').click();
    await page.getByTestId('urge-reason').fill('超时案件，请加快处置');
    await shot(page, `${SHOT}cases-batch-urge`);
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await page.locator('.ant-message-success').waitFor();
    for (const w of watches) {
      expect(w.errors).toEqual([]);
      expect(w.foreignRequests).toEqual([]);
    }
  });
});
