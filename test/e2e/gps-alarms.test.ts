/**
 * Geofences and GPS alarms in Debian's Chromium against the real platform (`npm start`, the demo
 * city, its own JT/T 808 gateway port): the city's admin draws a "no entry" fence around a Haishu
 * grid by clicking its four corners on the geofences page's map; a muck truck's terminal
 * (test/support/jt808-testkit.ts, a real TCP session) drives from outside into the fence; the
 * Haishu dispatcher, already on the alarms page, sees the alarm arrive live, and acknowledges it
 * with a note (the alarm is acknowledged, by them, with the note). Screenshots:
 * test-artifacts/e2e/gps-geofences.png, gps-alarms.png. No request may leave for another host.
 */
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MSG } from '../../server/modules/gps/jt808/messages.ts';
import { authBody, bcdTimeOf, locationBody, registerBody } from '../../server/modules/gps/jt808/simulator.ts';
import zhCN from '../../web/src/locales/zh-CN.json';
import {
  apiJson,
  chooseOption,
  DEMO_PASSWORD,
  type PageWatch,
  screenPointOf,
  shot,
  signInPage,
  staffApi,
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
let terminal: TestTerminal | undefined;
const contexts: BrowserContext[] = [];
const watches: PageWatch[] = [];

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
  terminal?.close();
  await stopE2E(platform, browser, [dataDir], contexts);
});

describe('geofences and GPS alarms', () => {
  it('a terminal driving into a drawn no-entry fence raises an alarm the dispatcher sees live and acknowledges', async () => {
    const base = platform!.url;
    const adminApi = await staffApi(browser!, base, { username: 'admin', password: DEMO_PASSWORD }, contexts);
    const grids = await apiJson<{ items: { id: string; centroid: { lng: number; lat: number } }[] }>(
      adminApi,
      base,
      '/api/geo/grids?districtCode=330203&areaClass=A&pageSize=1',
    );
    const c = grids.items[0].centroid;
    const orgs = await apiJson<{ items: { id: string; name: string }[] }>(
      adminApi,
      base,
      '/api/orgs?pageSize=200',
    );
    const hs = orgs.items.find((o) => o.name === '海曙区智慧城管中心')!;
    const phone = `013${String(randomInt(10 ** 8, 10 ** 9))}`;
    const plate = `浙B${randomInt(10_000, 99_999)}`;
    const created = await adminApi.post(`${base}/api/gps/terminals`, {
      data: { terminalId: phone, plate, plateColour: 2, kind: 'muck_truck', orgId: hs.id },
    });
    expect(created.status(), await created.text()).toBe(201);

    // The admin draws the fence: four corners around the grid's centre, clicked on the map.
    const admin = await signInPage(
      browser!,
      base,
      { username: 'admin', password: DEMO_PASSWORD, timezoneId: 'Asia/Shanghai' },
      contexts,
      watches,
    );
    await admin.getByTestId('menu-gpsGeofences').click();
    await admin.waitForURL(`${base}/gps/geofences`);
    await expect.poll(() => admin.getByTestId('page-title').textContent()).toBe(zhCN.geofences.title);
    await admin.locator('[data-testid="fence-map"][data-ready="true"]').waitFor({ timeout: 60_000 });
    // Zoom in on the grid (the wheel zooms around the pointer) so that the corners are apart.
    let p = await screenPointOf(admin, 'fence-map', c.lng, c.lat);
    await admin.mouse.move(p.x, p.y);
    for (let i = 0; i < 4; i++) {
      await admin.mouse.wheel(0, -600);
      await admin.waitForTimeout(250);
    }
    const d = 0.003;
    const corners: [number, number][] = [
      [c.lng - d, c.lat - d],
      [c.lng + d, c.lat - d],
      [c.lng + d, c.lat + d],
      [c.lng - d, c.lat + d],
    ];
    for (const [i, [lng, lat]] of corners.entries()) {
      p = await screenPointOf(admin, 'fence-map', lng, lat);
      await admin.mouse.click(p.x, p.y);
      await admin.locator(`[data-testid="fence-map"][data-vertices="${i + 1}"]`).waitFor();
    }
    await admin.getByTestId('fence-name').fill('渣土车禁入区（测试）');
    await chooseOption(admin, admin.getByTestId('fence-kinds'), '渣土车');
    await admin.getByTestId('fence-save').click();
    await admin.getByTestId('fence-table').getByText('渣土车禁入区（测试）').waitFor();
    await admin.locator('[data-testid="fence-map"][data-fences="1"]').waitFor();
    await admin.locator('[data-testid="fence-map"][data-idle="true"]').waitFor({ timeout: 60_000 });
    await shot(admin, 'gps-geofences');
    const fences = await apiJson<{ items: { name: string; geometry: { coordinates: number[][][] } }[] }>(
      adminApi,
      base,
      '/api/gps/geofences',
    );
    const ring = fences.items.find((f) => f.name === '渣土车禁入区（测试）')!.geometry.coordinates[0];
    expect(ring).toHaveLength(5);
    // The drawn corners are where they were clicked (to a pixel or so).
    for (const [i, [lng, lat]] of corners.entries()) {
      expect(Math.abs(ring[i][0] - lng)).toBeLessThan(0.0005);
      expect(Math.abs(ring[i][1] - lat)).toBeLessThan(0.0005);
    }

    // The dispatcher watches the alarms page.
    const dispatcher = await signInPage(
      browser!,
      base,
      { username: 'haishu.dispatcher', password: DEMO_PASSWORD, timezoneId: 'Asia/Shanghai' },
      contexts,
      watches,
    );
    await dispatcher.getByTestId('menu-gpsAlarms').click();
    await dispatcher.waitForURL(`${base}/gps/alarms`);
    await expect.poll(() => dispatcher.getByTestId('page-title').textContent()).toBe(zhCN.gpsAlarms.title);
    await dispatcher.getByTestId('alarm-table').waitFor();
    expect(await dispatcher.getByTestId('alarm-table').getByText(plate).count()).toBe(0);

    // The truck: registered and authenticated over JT/T 808, then outside, then inside the fence.
    terminal = await TestTerminal.connect(jt808Port, phone);
    terminal.send(
      MSG.register,
      registerBody({
        province: 33,
        city: 203,
        maker: 'HQ',
        model: 'HQ-808',
        terminalId: 'E2E',
        plateColour: 2,
        plate,
      }),
    );
    const reg = await terminal.next((m) => m.packet.header.messageId === MSG.registerResponse, 10_000);
    const code = Buffer.from(reg.packet.body).subarray(3).toString('latin1');
    expect(await terminal.request(MSG.authenticate, authBody(code))).toMatchObject({ result: 0 });
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const drive = [
      { lng: c.lng - 0.01, lat: c.lat },
      { lng: c.lng - 0.005, lat: c.lat },
      { lng: c.lng, lat: c.lat },
      { lng: c.lng + 0.001, lat: c.lat },
    ];
    for (const [i, w] of drive.entries()) {
      const a = await terminal.request(
        MSG.location,
        locationBody({
          ...w,
          speed: 25,
          direction: 90,
          altitude: 5,
          time: bcdTimeOf(new Date(t0 + i * 10_000)),
        }),
      );
      expect(a).toMatchObject({ replyId: MSG.location, result: 0 });
    }

    // The alarm arrives on the dispatcher's page without a reload: one, for the entering.
    const row = dispatcher.locator('[data-testid="alarm-table"] tr', { hasText: plate });
    await row.waitFor({ timeout: 30_000 });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('驶入禁入区域');
    expect(await row.textContent()).toContain('渣土车禁入区（测试）');
    await dispatcher.getByText(zhCN.gpsAlarms.newAlarm).first().waitFor();
    await shot(dispatcher, 'gps-alarms');

    // Acknowledged with a note.
    await row.getByTestId('alarm-acknowledge').click();
    const dialog = dispatcher.locator('.ant-modal').filter({ hasText: zhCN.gpsAlarms.note });
    await dialog.waitFor();
    await dispatcher.getByTestId('alarm-note').fill('已联系驾驶员驶离');
    await dispatcher.getByTestId('alarm-handle-submit').click();
    await waitClosed(dispatcher, dialog);
    // The open list no longer has it; the alarm is acknowledged, with the note.
    await expect.poll(() => row.count()).toBe(0);
    const alarms = await apiJson<{
      items: { plate: string; state: string; ackNote: string; acknowledgedBy: string }[];
    }>(adminApi, base, '/api/gps/alarms?pageSize=50');
    const mine = alarms.items.filter((a) => a.plate === plate);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ state: 'acknowledged', ackNote: '已联系驾驶员驶离' });
    expect(mine[0].acknowledgedBy).toBeTruthy();

    for (const w of watches) {
      expect(w.errors).toEqual([]);
      expect(w.foreignRequests).toEqual([]);
    }
  });
});
