/**
 * Issue 12, team management (队伍管理) in Debian's Chromium against the real platform (`npm start`,
 * the demo city with its generated rosters): 海曙's shift leader changes a cell of the weekly roster
 * in the browser (saved at its version, read back through the API); the inspector, on the field
 * app at 390×844 with the phone's position in one of their responsibility grids, clocks in for a
 * shift that started an hour ago (late, inside the area, on duty); the leader's attendance tab shows
 * it; 海曙's acceptor, sending a case to verify, is offered that inspector as the nearest on duty.
 * Screens: test-artifacts/e2e/gps-roster.png, gps-clock-mobile.png, gps-nearest.png,
 * gps-attendance.png. No page may log an error or ask another host for anything.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  watchPage,
} from '../support/browser.ts';
import type { Running } from '../support/process.ts';

const SHOT = 'gps-';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const MIN = 60_000;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-teams-'));
let platform: Running | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const watches: { who: string; page: Page; watch: PageWatch }[] = [];

beforeAll(async () => {
  [platform, browser] = await startE2E(
    SHOT,
    { DATA_DIR: dataDir, DEMO_PASSWORD, DATABASE_URL: '', DEMO_COMPONENTS: '1000', DEMO_CASES: '0' },
    240_000,
  );
});
afterAll(async () => {
  await stopE2E(platform, browser, [dataDir], contexts);
});

const DAY_MS = 86_400_000;
const chinaDay = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const mondayOf = (day: string) => {
  const w = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, w === 0 ? -6 : 1 - w);
};
const hm = (min: number) =>
  `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

interface Cell {
  userId: string;
  day: string;
  shiftId: string | null;
  version: number;
}
interface Member {
  userId: string;
  username: string | null;
  gridIds: string[];
}

describe('issue 12 in the browser: rosters and attendance', () => {
  it('edits a roster cell, clocks in from the field app at 390×844, shows the day’s attendance', async () => {
    if (!platform || !browser) throw new Error('platform or browser did not start');
    try {
      await run(platform.url);
    } catch (err) {
      for (const w of watches) await shot(w.page, `${SHOT}zz-failed-${w.who}`).catch(() => '');
      throw err;
    }
    const errors = watches.flatMap((w) => w.watch.errors.map((e) => `${w.who}: ${e}`));
    expect(errors).toEqual([]);
  });
});

async function run(base: string) {
  const leaderApi = await staffApi(
    browser!,
    base,
    { username: 'haishu.shift_leader', password: DEMO_PASSWORD },
    contexts,
  );
  const get = <T>(api: APIRequestContext, url: string) => apiJson<T>(api, base, url);
  const members = (await get<{ items: Member[] }>(leaderApi, '/api/teams/members')).items;
  const inspector = members.find((m) => m.username === 'haishu.inspector')!;
  expect(inspector.gridIds.length).toBeGreaterThan(0);
  const week = mondayOf(chinaDay(Date.now()));
  const sunday = addDays(week, 6);
  const cellOf = async (day: string) =>
    (await get<{ cells: Cell[] }>(leaderApi, `/api/teams/roster?week=${mondayOf(day)}`)).cells.find(
      (c) => c.userId === inspector.userId && c.day === day,
    );
  const shifts = (await get<{ items: { id: string; name: string }[] }>(leaderApi, '/api/teams/shifts')).items;
  const early = shifts.find((s) => s.name === '早班')!;
  const before = await cellOf(sunday);

  // --- the weekly roster: a cell changed in the browser -------------------------------------------
  const watchesOf: PageWatch[] = [];
  const desk = await signInPage(
    browser!,
    base,
    { username: 'haishu.shift_leader', password: DEMO_PASSWORD, timezoneId: 'Asia/Shanghai' },
    contexts,
    watchesOf,
  );
  watches.push({ who: 'leader', page: desk, watch: watchesOf[0] });
  await desk.goto(`${base}/teams?tab=roster`);
  const cell = desk.getByTestId(`roster-cell-haishu.inspector-${sunday}`);
  await cell.waitFor();
  await chooseOption(desk, cell, '早班');
  await expect.poll(async () => (await cellOf(sunday))?.shiftId, { timeout: 20_000 }).toBe(early.id);
  const after = await cellOf(sunday);
  expect(after!.version).toBe((before?.version ?? 0) + 1);
  await desk.getByText('排班已保存').first().waitFor();
  await shot(desk, `${SHOT}roster`);

  // --- a shift running now (started an hour ago), the days around it cleared ------------------------
  const now = Date.now();
  const nowMin = Math.floor((now + 8 * 3_600_000) / MIN) % 1440;
  const created = await leaderApi.post(`${base}/api/teams/shifts`, {
    data: { name: '巡查班', start: hm((nowMin - 60 + 1440) % 1440), end: hm((nowMin + 180) % 1440) },
  });
  expect(created.status(), await created.text()).toBe(201);
  const running = (await created.json()).id as string;
  const day = chinaDay(now - 60 * MIN);
  const cells = [];
  for (const [d, shiftId] of [
    [addDays(day, -1), null],
    [day, running],
    [addDays(day, 1), null],
  ] as const) {
    const cur = await cellOf(d);
    cells.push({ userId: inspector.userId, day: d, shiftId, ...(cur ? { version: cur.version } : {}) });
  }
  const put = await leaderApi.put(`${base}/api/teams/roster`, { data: { cells } });
  expect(put.status(), await put.text()).toBe(200);

  // --- the field app at 390×844: clock in from inside a responsibility grid -----------------------
  const grid = await get<{ centroid: { lng: number; lat: number } }>(
    leaderApi,
    `/api/geo/grids/${inspector.gridIds[0]}`,
  );
  const context = await browser!.newContext({
    ...PHONE,
    geolocation: { longitude: grid.centroid.lng, latitude: grid.centroid.lat, accuracy: 8 },
    permissions: ['geolocation'],
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  contexts.push(context);
  // The on-duty trail every 2 s instead of 30 (duty-tracking.ts `flushInterval`).
  await context.addInitScript(() => window.localStorage.setItem('cityops.dutyFlushMs', '2000'));
  const phone = await context.newPage();
  phone.setDefaultTimeout(20_000);
  watches.push({ who: 'inspector', page: phone, watch: watchPage(phone, base) });
  await phone.goto(`${base}/m/login`);
  await phone.getByTestId('m-login-username').fill('haishu.inspector');
  await phone.getByTestId('m-login-password').fill(DEMO_PASSWORD);
  await phone.getByTestId('m-login-submit').click();
  await phone.waitForURL(`${base}/m/`);
  await phone.getByTestId('m-tab-clock').click();
  await phone.getByTestId('m-clock-shift').filter({ hasText: '巡查班' }).waitFor();
  await phone.getByTestId('m-clock-in').click();
  const result = phone.getByTestId('m-clock-result');
  await expect.poll(() => result.getAttribute('data-status'), { timeout: 20_000 }).toBe('on_duty');
  await result.getByText('在责任区').waitFor();
  await result.getByText('迟到').waitFor();
  expect(await phone.getByTestId('m-clock-out').isEnabled()).toBe(true);
  expect(await phone.getByTestId('m-clock-in').isDisabled()).toBe(true);
  // On duty: the phone's trail is sent while clocked in (duty-tracking.ts; every 30 s in the field,
  // every 2 s here). The clock's own fix carries no accuracy; the trail's carries the phone's (8 m),
  // so a position with it in the inspector's track came from the trail.
  await phone.getByTestId('m-clock-tracking').waitFor();
  await phone.getByTestId('m-duty-tracking').waitFor();
  await shot(phone, `${SHOT}clock-mobile`);
  const trackFrom = encodeURIComponent(new Date(Date.now() - 3600_000).toISOString());
  const trackTo = encodeURIComponent(new Date(Date.now() + 600_000).toISOString());
  await expect
    .poll(
      async () => {
        const t = await get<{ items: { lat: number; extras: Record<string, unknown> }[] }>(
          leaderApi,
          `/api/gps/positions?user=${inspector.userId}&from=${trackFrom}&to=${trackTo}`,
        );
        return t.items.some((p) => Math.abs(p.lat - grid.centroid.lat) < 1e-6 && p.extras.accuracy === 8);
      },
      { timeout: 30_000 },
    )
    .toBe(true);

  // The clock's fix is the inspector's newest position: the nearest on-duty inspector for 海曙.
  const near = await get<{ items: { userId: string; onDutyBy: string }[] }>(
    leaderApi,
    `/api/teams/nearest?lat=${grid.centroid.lat}&lng=${grid.centroid.lng}`,
  );
  expect(near.items[0]).toMatchObject({ userId: inspector.userId, onDutyBy: 'clock_in' });

  // --- the acceptor sends a case to verify: the dialog suggests the nearest on-duty inspector ----
  const accApi = await staffApi(
    browser!,
    base,
    { username: 'haishu.acceptor', password: DEMO_PASSWORD },
    contexts,
  );
  const other = await get<{ centroid: { lng: number; lat: number } }>(
    leaderApi,
    `/api/geo/grids/${inspector.gridIds[1] ?? inspector.gridIds[0]}`,
  );
  const reported = await accApi.post(`${base}/api/reports`, {
    data: {
      idempotencyKey: randomUUID(),
      channel: 'hotline',
      description: '就近核实（e2e）',
      location: { lng: other.centroid.lng, lat: other.centroid.lat, crs: 'wgs84' },
      matterCode: '06007',
    },
  });
  expect(reported.status(), await reported.text()).toBe(201);
  const caseId = (await reported.json()).case.id as string;
  const accWatches: PageWatch[] = [];
  const acceptor = await signInPage(
    browser!,
    base,
    { username: 'haishu.acceptor', password: DEMO_PASSWORD, timezoneId: 'Asia/Shanghai' },
    contexts,
    accWatches,
  );
  watches.push({ who: 'acceptor', page: acceptor, watch: accWatches[0] });
  await acceptor.goto(`${base}/cases/${caseId}`);
  await acceptor.getByTestId('action-request_verify').first().click();
  const suggestion = acceptor.getByTestId('nearest-inspectors');
  await suggestion.getByTestId('nearest-item').filter({ hasText: '海曙区监督员' }).waitFor();
  await suggestion.getByText('已打卡').waitFor();
  await shot(acceptor, `${SHOT}nearest`);
  await acceptor.getByTestId('action-cancel').click();

  // --- the day's attendance on the desk ------------------------------------------------------------
  await desk.goto(`${base}/teams?tab=attendance`);
  if (day !== chinaDay(Date.now())) {
    // The shift began yesterday (China time): the tab opens on today; pick the shift's day.
    await desk.locator('[data-testid=teams-attendance] .ant-picker input').fill(day);
    await desk.keyboard.press('Enter');
  }
  const row = desk.locator('tr', { hasText: '海曙区监督员' });
  await expect
    .poll(() => row.getByTestId('attendance-status').getAttribute('data-status'), { timeout: 20_000 })
    .toBe('on_duty');
  await row.getByText('在责任区').waitFor();
  await shot(desk, `${SHOT}attendance`);
}
