/**
 * 统一GPS监管 in Debian's Chromium against the real platform (`npm start`, its JT/T 808 gateway on
 * a port of its own): a terminal registered through the registry page's dialog; a simulated
 * terminal (test/support/jt808-testkit.ts) dialling the gateway over TCP — registration,
 * authentication, a blind-area batch of the last half hour (two stays of six minutes) and then
 * live reports; the live map's marker of that vehicle moving as the terminal reports (through the
 * SSE stream, no reload); its details and replay link; the replay listing the two stops and the
 * grids crossed. Screenshots: test-artifacts/e2e/gps-terminals.png, gps-live.png, gps-replay.png.
 * No request may leave for another host.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MSG } from '../../server/modules/gps/jt808/messages.ts';
import {
  authBody,
  batchBody,
  bcdTimeOf,
  locationBody,
  registerBody,
} from '../../server/modules/gps/jt808/simulator.ts';
import { haversineM } from '../../server/modules/gps/track-analysis.ts';
import zhCN from '../../web/src/locales/zh-CN.json';
import {
  DEMO_PASSWORD,
  type PageWatch,
  shot,
  signInPage,
  startE2E,
  stopE2E,
  waitClosed,
} from '../support/browser.ts';
import { TestTerminal } from '../support/jt808-testkit.ts';
import { freePort, type Running } from '../support/process.ts';

const SHOT = 'gps-';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-gps-'));
let platform: Running | undefined;
let browser: Browser | undefined;
let jt808Port = 0;
const contexts: BrowserContext[] = [];
const watches: PageWatch[] = [];
const terminals: TestTerminal[] = [];

const PHONE = `0139${String(Date.now()).slice(-8)}`;
const PLATE = '浙B9E2E1';
const MIN = 60_000;
type LngLat = { lng: number; lat: number };

beforeAll(async () => {
  jt808Port = await freePort();
  [platform, browser] = await startE2E(SHOT, {
    DATA_DIR: dataDir,
    DEMO_PASSWORD,
    DATABASE_URL: '',
    JT808_PORT: String(jt808Port),
  });
});

afterAll(async () => {
  for (const x of terminals) x.close();
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

/** Six decimals: what a JT/T 808 position carries. */
const deg = (x: number) => Math.round(x * 1e6) / 1e6;
const fix = (at: Date, p: { lng: number; lat: number }, speed: number) =>
  locationBody({ lat: p.lat, lng: p.lng, speed, direction: 90, altitude: 8, time: bcdTimeOf(at) });

/** Where the live map draws a key's marker now ([lng, lat]), or null. */
async function markerOf(page: Page, key: string): Promise<[number, number] | null> {
  return page.evaluate((k) => {
    const f = window.__gpsLiveFeatures?.features.find((x) => x.properties?.key === k);
    return f
      ? ((f.geometry as unknown as { coordinates: [number, number] }).coordinates as [number, number])
      : null;
  }, key);
}

describe('统一GPS监管', () => {
  it('registers a terminal, follows it live on the map as the simulator reports, and replays its stops', async () => {
    const base = platform!.url;
    const page = await signInPage(
      browser!,
      base,
      { username: 'admin', password: DEMO_PASSWORD, timezoneId: 'Asia/Shanghai' },
      contexts,
      watches,
    );

    // The registry: the demo's seven generated vehicles; one more registered through the dialog.
    // The 统一GPS监管 group of the menu, open.
    expect(await page.getByTestId('menugroup-gps').textContent()).toBe(zhCN.gps.menu);
    await page.getByTestId('menu-gpsTerminals').click();
    await page.waitForURL(`${base}/gps/terminals`);
    await expect.poll(() => page.getByTestId('page-title').textContent()).toBe(zhCN.gps.terminals.title);
    await expect.poll(() => page.getByTestId('gps-terminal-plate').count()).toBe(7);
    await page.getByTestId('gps-terminal-create').click();
    const dialog = page.getByTestId('gps-terminal-dialog');
    await dialog.waitFor();
    await page.getByTestId('gps-terminal-phone').fill(PHONE);
    await page.getByTestId('gps-terminal-plate-input').fill(PLATE);
    await page.getByTestId('gps-terminal-submit').click();
    await waitClosed(page, dialog);
    // The auth code, shown once.
    expect(await page.getByTestId('gps-terminal-auth-code').textContent()).toMatch(/^[A-Za-z0-9]{16}$/);
    await page.getByTestId('gps-terminal-created-ok').click();
    await expect.poll(() => page.getByTestId('gps-terminal-plate').count()).toBe(8);
    const id = (await apiInPage<{ items: { id: string }[] }>(page, `/api/gps/terminals?q=${PHONE.slice(1)}`))
      .items[0].id;

    // Three 海曙 grids' centres a few hundred metres apart: the simulated drive's stays and its way on.
    const grids = await apiInPage<{ items: { id: string; centroid: { lng: number; lat: number } }[] }>(
      page,
      '/api/geo/grids?districtCode=330203&areaClass=A&pageSize=60',
    );
    const centres = grids.items.map((g) => ({
      id: g.id,
      lng: deg(g.centroid.lng),
      lat: deg(g.centroid.lat),
    }));
    const apart = (p: { lng: number; lat: number }, q: { lng: number; lat: number }) =>
      haversineM(p, q) > 400 && haversineM(p, q) < 3000;
    const A = centres[0];
    const B = centres.find((g) => apart(A, g))!;
    const C = centres.find((g) => apart(A, g) && apart(B, g))!;
    expect(C).toBeDefined();

    // The terminal dials the gateway: registration (the registry's auth code), authentication.
    const x = await TestTerminal.connect(jt808Port, PHONE);
    terminals.push(x);
    x.send(
      MSG.register,
      registerBody({
        province: 33,
        city: 203,
        maker: 'E2E',
        model: 'SIM',
        terminalId: 'E2E1',
        plateColour: 1,
        plate: PLATE,
      }),
    );
    const reg = await x.next((m) => m.packet.header.messageId === MSG.registerResponse, 15_000);
    expect(Buffer.from(reg.packet.body)[2]).toBe(0);
    const code = Buffer.from(reg.packet.body).subarray(3).toString('latin1');
    expect((await x.response(x.send(MSG.authenticate, authBody(code)), 15_000)).result).toBe(0);

    // The last half hour, sent late (0x0704 blind area): A → six minutes at B → C → six minutes at C.
    const t0 = Math.floor((Date.now() - 32 * MIN) / MIN) * MIN;
    const at = (m: number) => new Date(t0 + m * MIN);
    const mid = (p: LngLat, q: LngLat): LngLat => ({
      lng: deg((p.lng + q.lng) / 2),
      lat: deg((p.lat + q.lat) / 2),
    });
    const past = [
      fix(at(0), A, 25),
      fix(at(1), mid(A, B), 30),
      ...[2, 3, 4, 5, 6, 7, 8].map((m) => fix(at(m), B, 0)),
      fix(at(9), mid(B, C), 28),
      ...[10, 11, 12, 13, 14, 15, 16].map((m) => fix(at(m), C, 0)),
      fix(at(17), mid(C, A), 32),
    ];
    expect((await x.response(x.send(MSG.batch, batchBody(1, past)), 15_000)).result).toBe(0);

    // Live: a report now at A, moving.
    const report = async (p: LngLat, speed: number) =>
      expect((await x.response(x.send(MSG.location, fix(new Date(), p, speed)), 15_000)).result).toBe(0);
    await report(A, 36);

    // The live map: the vehicle's marker at A, moving.
    await page.getByTestId('menu-gpsLive').click();
    await page.waitForURL(`${base}/gps/live`);
    await page.locator('[data-testid="gps-live-map"][data-ready="true"]').waitFor({ timeout: 60_000 });
    const key = `terminal:${id}`;
    await expect.poll(() => markerOf(page, key), { timeout: 30_000 }).toEqual([A.lng, A.lat]);
    await expect
      .poll(() => page.getByTestId('gps-live-connection').textContent(), { timeout: 30_000 })
      .toBe(zhCN.gps.live.connected);
    const item = page.locator(`[data-testid="gps-live-item"][data-key="${key}"]`);
    expect(await item.getByTestId('gps-live-state').textContent()).toBe(zhCN.gps.state.moving);

    // It moves: the next reports reach the page through the stream, the marker follows (no reload).
    const navigations: string[] = [];
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations.push(f.url());
    });
    await report(mid(A, B), 40);
    await expect.poll(() => markerOf(page, key), { timeout: 20_000 }).toEqual([mid(A, B).lng, mid(A, B).lat]);
    await report(B, 0);
    await expect.poll(() => markerOf(page, key), { timeout: 20_000 }).toEqual([B.lng, B.lat]);
    await expect.poll(() => item.getByTestId('gps-live-state').textContent()).toBe(zhCN.gps.state.stopped);
    expect(navigations).toEqual([]);

    // Its details, with the replay link.
    await item.click();
    const detail = page.getByTestId('gps-live-detail');
    await detail.waitFor();
    expect(await detail.textContent()).toContain(PLATE);
    expect(await page.getByTestId('gps-live-position').textContent()).toBe(
      `${B.lng.toFixed(5)}, ${B.lat.toFixed(5)}`,
    );
    await page.locator('[data-testid="gps-live-map"][data-idle="true"]').waitFor({ timeout: 60_000 });
    await shot(page, 'gps-live');

    // The replay of the last two hours: the track, the two stays as stops, the grids crossed.
    await page.getByTestId('gps-live-replay').click();
    await page.waitForURL((u) => u.pathname === '/gps/replay' && u.searchParams.get('terminal') === id);
    const map = page.locator('[data-testid="gps-replay-map"][data-ready="true"]');
    await map.waitFor({ timeout: 60_000 });
    await expect
      .poll(() => page.getByTestId('gps-replay-map').getAttribute('data-points'), { timeout: 30_000 })
      .toBe(String(past.length + 3));
    const stops = page.getByTestId('gps-replay-stops').locator('tbody tr.ant-table-row');
    await expect.poll(() => stops.count()).toBe(2);
    const stopText = await stops.allTextContents();
    // China time of the stays' first fixes (the page shows UTC+8 wall clocks).
    const hhmm = (m: number) => new Date(t0 + m * MIN + 8 * 3_600_000).toISOString().slice(11, 16);
    expect(stopText[0]).toContain(hhmm(2));
    expect(stopText[1]).toContain(hhmm(10));
    expect(stopText.every((s) => s.includes('6:00'))).toBe(true);
    // The whole track fitted, its stops marked.
    await page.locator('[data-testid="gps-replay-map"][data-idle="true"]').waitFor({ timeout: 60_000 });
    await shot(page, 'gps-replay');
    // The slider moves the marker: the first stop clicked puts it at B.
    await stops.first().click();
    await expect
      .poll(() => page.getByTestId('gps-replay-map').getAttribute('data-cursor'))
      .toBe(`${B.lng},${B.lat}`);
    await page.getByRole('tab', { name: new RegExp(zhCN.gps.replay.grids) }).click();
    const gridRows = page.getByTestId('gps-replay-grids').locator('tbody tr.ant-table-row');
    await expect.poll(() => gridRows.count()).toBeGreaterThanOrEqual(3);
    const gridText = await gridRows.allTextContents();
    expect(gridText.some((r) => r.includes(B.id))).toBe(true);
    await page.getByRole('tab', { name: new RegExp(zhCN.gps.replay.stops) }).click();

    // Back to the registry: the terminal is online now, with its newest fix.
    await page.getByTestId('menu-gpsTerminals').click();
    await page.waitForURL(`${base}/gps/terminals`);
    const row = page.locator('tr', { hasText: PLATE });
    await expect
      .poll(() => row.getByTestId('gps-terminal-online').textContent())
      .toBe(zhCN.gps.terminals.isOnline);
    await shot(page, 'gps-terminals');

    for (const w of watches) {
      expect(w.errors).toEqual([]);
      expect(w.foreignRequests).toEqual([]);
    }
  });
});
