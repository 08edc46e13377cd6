/**
 * China time in a browser that is not in China: Debian's Chromium with its zone emulated as
 * America/New_York, against the real platform (`npm start`, a fresh data directory, a few demo
 * cases). Every expected string is computed here from the API's instants with a plain +8 h shift,
 * independently of the web app's helpers.
 *
 * - the dashboard greets by the hour in China;
 * - a case's creation time and deadline show as China wall clock in the queue and on the case page;
 * - the audit filter's range, typed as China wall clock (02:30 on 2026-03-08, an hour New York skips
 *   for daylight saving), is sent as the +08:00 instant and stays as typed in the picker;
 * - the deadline preview's picker has China's "today", and its "now" is sent as the real instant.
 * Each screen is captured under test-artifacts/e2e/china-time-*.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import enUS from '../../web/src/locales/en-US.json';
import zhCN from '../../web/src/locales/zh-CN.json';
import { DEMO_PASSWORD, type PageWatch, shot, signInPage, startE2E, stopE2E } from '../support/browser.ts';
import type { Running } from '../support/process.ts';

const SHOT = 'china-time-';
const BROWSER_ZONE = 'America/New_York';
const CHINA_MS = 8 * 3_600_000;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-china-time-'));
let platform: Running | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const watches: PageWatch[] = [];

beforeAll(async () => {
  [platform, browser] = await startE2E(
    SHOT,
    { DATA_DIR: dataDir, DEMO_PASSWORD, DATABASE_URL: '', DEMO_COMPONENTS: '2000', DEMO_CASES: '60' },
    200_000,
  );
}, 220_000);

afterAll(async () => {
  await stopE2E(platform, browser, [dataDir], contexts);
});

/** `YYYY-MM-DD HH:mm:ss` of an instant in China (UTC+8), computed without any zone database. */
function china(instant: string | number): string {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  return new Date(ms + CHINA_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** The same instant as the emulated browser's own clock would print it (what the app did before). */
async function browserLocal(page: Page, iso: string): Promise<string> {
  return page.evaluate((v) => {
    const d = new Date(v);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }, iso);
}

/** A fresh browser session in New York, signed in as `username`. */
async function signIn(username: string): Promise<Page> {
  if (!platform || !browser) throw new Error('platform or browser did not start');
  return signInPage(
    browser,
    platform.url,
    { username, password: DEMO_PASSWORD, timezoneId: BROWSER_ZONE },
    contexts,
    watches,
  );
}

interface CaseRow {
  id: string;
  code: string;
  createdAt: string;
  currentDueAt: string | null;
}

describe('China time in a New York browser', () => {
  it('shows and takes China wall clock everywhere', async () => {
    if (!platform) throw new Error('platform did not start');
    const base = platform.url;
    const admin = await signIn('admin');

    // The browser really is in New York (UTC-5 in winter, UTC-4 in summer).
    const zone = await admin.evaluate(() => ({
      name: Intl.DateTimeFormat().resolvedOptions().timeZone,
      winter: new Date('2026-01-15T12:00:00Z').getTimezoneOffset(),
      summer: new Date('2026-07-15T12:00:00Z').getTimezoneOffset(),
    }));
    expect(zone).toEqual({ name: BROWSER_ZONE, winter: 300, summer: 240 });

    // 1. The dashboard greets by the hour in China.
    const hourBefore = new Date(Date.now() + CHINA_MS).getUTCHours();
    await admin.goto(`${base}/`);
    const welcome = (await admin.getByTestId('dashboard-welcome').textContent()) ?? '';
    const hourAfter = new Date(Date.now() + CHINA_MS).getUTCHours();
    const greetingKey = (h: number) =>
      h < 12 ? ('morning' as const) : h < 18 ? ('afternoon' as const) : ('evening' as const);
    const expected = [greetingKey(hourBefore), greetingKey(hourAfter)].flatMap((k) => [
      zhCN.dashboard[k],
      enUS.dashboard[k],
    ]);
    expect(
      expected.some((g) => welcome.startsWith(g)),
      `${welcome} should greet with one of ${expected}`,
    ).toBe(true);
    await shot(admin, `${SHOT}01-dashboard`);

    // 2. A case with a running deadline, from the API; its China times differ from New York's.
    const list = await admin.request.get(`${base}/api/cases?view=all&pageSize=100`);
    expect(list.status()).toBe(200);
    const items = ((await list.json()) as { items: CaseRow[] }).items;
    const c = items.find((i) => i.currentDueAt);
    if (!c?.currentDueAt) throw new Error(`no demo case with a deadline among ${items.length}`);
    const createdChina = china(c.createdAt);
    const dueChina = china(c.currentDueAt);
    expect(await browserLocal(admin, c.createdAt)).not.toBe(createdChina);
    expect(await browserLocal(admin, c.currentDueAt)).not.toBe(dueChina);

    // In the queue: the deadline (YYYY-MM-DD HH:mm) and the creation time (MM-DD HH:mm).
    await admin.goto(`${base}/cases?view=all&q=${encodeURIComponent(c.code)}`);
    const row = admin.locator(`[data-testid=case-row][data-case-id="${c.id}"]`);
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain(dueChina.slice(0, 16));
    expect(await row.textContent()).toContain(createdChina.slice(5, 16));
    expect(await row.textContent()).not.toContain((await browserLocal(admin, c.currentDueAt)).slice(0, 16));
    await shot(admin, `${SHOT}02-queue`);

    // On the case page: reported at and due at, to the second.
    await admin.goto(`${base}/cases/${c.id}`);
    const casePage = admin.locator(`[data-testid=page-case][data-case-id="${c.id}"]`);
    await casePage.waitFor();
    await expect.poll(() => casePage.textContent()).toContain(createdChina);
    expect(await admin.getByTestId('case-deadline').textContent()).toContain(dueChina);
    await shot(admin, `${SHOT}03-case`);

    // 3. The audit log: its times are China's (our own sign-in, filtered on so that events the
    // timer sweeper writes meanwhile do not move it), and a range typed in the filter is sent as +08:00.
    await admin.goto(`${base}/audit`);
    const rows = admin.getByTestId('audit-table').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    // The action filter lists labelled actions; typing the code finds 登录 (auth.login) first.
    await admin.getByTestId('audit-filter').locator('input#action').fill('auth.login');
    await admin.keyboard.press('Enter');
    const loginsShown = admin.waitForResponse((r) => r.url().includes('action=auth.login'));
    await admin.getByTestId('audit-search').click();
    await loginsShown;
    const logins = await admin.request.get(`${base}/api/audit?action=auth.login&page=1&pageSize=1`);
    const loginAt = ((await logins.json()) as { items: { at: string }[] }).items[0].at;
    await expect.poll(() => rows.first().textContent()).toContain(china(loginAt));
    // Actions are shown by their label, with the code beneath.
    expect(await rows.first().getByTestId('audit-action-label').textContent()).toBe('登录');
    await shot(admin, `${SHOT}04-audit`);
    expect(await admin.getByTestId('page-audit').getByTestId('china-time-hint').isVisible()).toBe(true);

    // rc-picker puts data-* attributes on both of the range's inputs.
    const [fromInput, toInput] = [0, 1].map((i) => admin.getByTestId('audit-filter-range').nth(i));
    await fromInput.click();
    await fromInput.fill('2026-03-08 02:30:00');
    await fromInput.press('Enter');
    await toInput.fill('2026-03-08 10:00:00');
    // Enter in the last input both confirms the range and submits the filter form.
    const searched = admin.waitForRequest(
      (r: Request) => r.url().includes('/api/audit?') && new URL(r.url()).searchParams.has('from'),
    );
    await toInput.press('Enter');
    const sent = new URL((await searched).url()).searchParams;
    expect(sent.get('from')).toBe('2026-03-08T02:30:00+08:00');
    expect(sent.get('to')).toBe('2026-03-08T10:00:00+08:00');
    expect(Date.parse(sent.get('from') ?? '')).toBe(Date.UTC(2026, 2, 7, 18, 30));
    // The picker still shows what was typed (not shifted by New York's missing hour).
    expect(await fromInput.inputValue()).toBe('2026-03-08 02:30:00');
    expect(await toInput.inputValue()).toBe('2026-03-08 10:00:00');
    await shot(admin, `${SHOT}05-audit-filter`);

    // 4. The deadline preview: China's "today" in the panel, and "now" sent as the real instant.
    await admin.goto(`${base}/calendar`);
    const start = admin.getByTestId('calendar-preview-start');
    await start.click();
    const todayBefore = china(Date.now()).slice(0, 10);
    const today = admin.locator('.ant-picker-dropdown:visible .ant-picker-cell-today');
    await today.waitFor();
    expect([todayBefore, china(Date.now()).slice(0, 10)]).toContain(await today.getAttribute('title'));
    await shot(admin, `${SHOT}06-preview-panel`);
    const before = Date.now();
    await admin.locator('.ant-picker-dropdown:visible .ant-picker-now-btn').click();
    // "Now" fills and closes the picker; its value is China's wall clock now.
    await expect.poll(() => start.inputValue()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    const shown = await start.inputValue();
    expect([china(before).slice(0, 16), china(Date.now()).slice(0, 16)]).toContain(shown);
    const previewed = admin.waitForRequest((r: Request) => r.url().includes('/api/calendar/due?'));
    await admin.getByTestId('calendar-preview-run').click();
    const startSent = new URL((await previewed).url()).searchParams.get('start') ?? '';
    expect(startSent).toBe(`${shown.replace(' ', 'T')}:00+08:00`);
    const startMs = Date.parse(startSent);
    expect(Math.abs(startMs - before)).toBeLessThan(120_000);
    await admin.getByTestId('calendar-preview-due').waitFor();
    await shot(admin, `${SHOT}07-preview`);

    for (const w of watches) {
      expect(w.foreignRequests).toEqual([]);
      expect(w.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    }
  }, 240_000);
});
