/**
 * The sensors page in Debian's Chromium against the real platform (`npm start` with MQTT_URL set,
 * listening to the real Mosquitto): the demo's generated sensors in the list and on the map; a
 * water-level gauge registered through the dialog; a flood at it published to the broker (three
 * readings beyond 20 cm over more than the rule's two minutes, then one below the clear level)
 * raising one report and noting the clear on the case; the device page's chart with its threshold
 * and clear level, and the alarm with its case; the case's timeline with the sensor's note.
 * Screenshots: test-artifacts/e2e/sensors-*.png. No request may leave for another host.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
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
  waitClosed,
} from '../support/browser.ts';
import type { Running } from '../support/process.ts';
import { BROKER_URL, connectPublisher, publish, uniquePrefix, until } from '../support/sensors.ts';

const SHOT = 'sensors-';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-sensors-'));
const prefix = uniquePrefix();
const run = prefix.split('/')[1];
const CODE = `E2E-WATER-${run}`;
let platform: Running | undefined;
let browser: Browser | undefined;
let pub: MqttClient | undefined;
const contexts: BrowserContext[] = [];
const watches: PageWatch[] = [];

beforeAll(async () => {
  pub = await connectPublisher();
  [platform, browser] = await startE2E(
    SHOT,
    {
      DATA_DIR: dataDir,
      DEMO_PASSWORD,
      DATABASE_URL: '',
      DEMO_COMPONENTS: '3000',
      MQTT_URL: BROKER_URL,
      MQTT_TOPIC_PREFIX: prefix,
      MQTT_CLIENT_ID: `cityops-e2e-${run}`,
      MQTT_SHARE_GROUP: `cityops-e2e-${run}`,
      MQTT_SESSION_EXPIRY_SECONDS: '0',
    },
    240_000,
    // No other file seeds this city: a cached seed would only add a second start.
    { seedCache: false },
  );
});

afterAll(async () => {
  await pub?.endAsync();
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

describe('the sensors page', () => {
  it('lists and maps the sensors, registers one, and shows a flood raising one case', async () => {
    const base = platform!.url;
    const page = await signInPage(
      browser!,
      base,
      { username: 'admin', password: DEMO_PASSWORD, timezoneId: 'Asia/Shanghai' },
      contexts,
      watches,
    );

    // The list: the demo's fifteen generated sensors, each with its state and last reading.
    await page.getByTestId('menu-sensors').click();
    await page.waitForURL(`${base}/sensors`);
    await expect.poll(() => page.getByTestId('page-title').textContent()).toBe(zhCN.sensors.title);
    await expect.poll(() => page.getByTestId('sensor-link').count()).toBe(15);
    expect(await page.getByTestId('sensors-counts').textContent()).toContain('15');
    expect(await page.getByTestId('sensors-listener-off').count()).toBe(0);
    expect(await page.getByTestId('sensor-last-reading').first().textContent()).toMatch(/\d/);
    await shot(page, 'sensors-list');

    // The map of them.
    await page.getByRole('tab', { name: zhCN.sensors.tabs.map }).click();
    await page.locator('[data-testid="sensor-map"][data-devices="15"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="sensor-map"][data-idle="true"]').waitFor({ timeout: 60_000 });
    await shot(page, 'sensors-map');
    await page.getByRole('tab', { name: zhCN.sensors.tabs.list }).click();

    // A water-level gauge at an underpass in 海曙, registered through the dialog at a point.
    const grids = await apiInPage<{ items: { centroid: { lng: number; lat: number } }[] }>(
      page,
      '/api/geo/grids?districtCode=330203&areaClass=A&pageSize=1',
    );
    const at = grids.items[0].centroid;
    await page.getByTestId('sensors-create').click();
    const dialog = page.getByTestId('sensor-dialog');
    await dialog.waitFor();
    await page.getByTestId('sensor-code').fill(CODE);
    await chooseOption(page, page.getByTestId('sensor-kind'), '下穿通道水位传感器');
    await page.getByTestId('sensor-name').fill('解放南路下穿通道水位');
    await dialog.getByText(zhCN.sensors.atPoint).click();
    await dialog.locator('#lng').fill(String(at.lng));
    await dialog.locator('#lat').fill(String(at.lat));
    await page.getByTestId('sensor-dialog-submit').click();
    await waitClosed(page, dialog);
    await expect.poll(() => page.getByTestId('sensor-link').count()).toBe(16);
    const device = (
      await apiInPage<{ items: { id: string; districtCode: string; status: { state: string } }[] }>(
        page,
        `/api/sensors/devices?q=${CODE}`,
      )
    ).items[0];
    expect(device).toMatchObject({ districtCode: '330203', status: { state: 'never' } });

    // The flood, through the broker: beyond 20 cm for 130 s (the rule asks 120 s), then drained.
    const t0 = Date.now() - 170_000;
    for (const [s, level] of [
      [0, 4],
      [20, 28],
      [85, 33],
      [150, 36],
      [160, 6],
    ] as const) {
      await publish(
        pub!,
        `${prefix}/${CODE}/telemetry`,
        JSON.stringify({ ts: new Date(t0 + s * 1000).toISOString(), values: { level, battery: 90 } }),
      );
      // One at a time, as a gauge sends them.
      await until(`reading at ${s} s stored`, async () => {
        const d = await apiInPage<{ device: { status: { lastReadingAt: string | null } } }>(
          page,
          `/api/sensors/devices/${device.id}`,
        );
        return d.device.status.lastReadingAt === new Date(t0 + s * 1000).toISOString();
      });
    }
    const detail = await until('the alarm reported and cleared', async () => {
      const d = await apiInPage<{
        alarms: {
          report: string;
          clearedAt: string | null;
          caseId: string | null;
          caseCode: string | null;
        }[];
      }>(page, `/api/sensors/devices/${device.id}`);
      return d.alarms.length === 1 && d.alarms[0].report === 'reported' && d.alarms[0].clearedAt
        ? d
        : undefined;
    });
    const caseId = detail.alarms[0].caseId!;

    // The device page: the chart with the threshold and clear level, the alarm with its case.
    await page.goto(`${base}/sensors/${device.id}`);
    await page.getByTestId('sensor-chart').waitFor();
    // The last six hours: one-minute points, so the three-minute flood is drawn point by point
    // (the default day is drawn in five-minute points).
    await page.getByTestId('sensor-range').getByText(zhCN.sensors.ranges['6h']).click();
    await page.locator('[data-testid="sensor-chart"][data-points]').waitFor();
    // The chart redraws as its readings arrive: wait for them rather than read the first paint.
    await expect
      .poll(async () => Number(await page.getByTestId('sensor-chart').getAttribute('data-points')))
      .toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('sensor-alarms').textContent()).toContain(detail.alarms[0].caseCode!);
    expect(await page.getByTestId('sensor-condition').textContent()).toContain(
      zhCN.sensors.alarmStates.normal,
    );
    await page.locator('[data-testid="sensor-detail-map"][data-idle="true"]').waitFor({ timeout: 60_000 });
    await shot(page, 'sensors-device');

    // The case it raised: channel 传感器, the clear noted on its timeline with a link back.
    await page.getByTestId('sensor-alarm-case').click();
    await page.waitForURL(`${base}/cases/${caseId}`);
    const note = page.getByTestId('timeline-sensor-note');
    await note.waitFor();
    expect(await note.getAttribute('data-event')).toBe('cleared');
    expect(await note.textContent()).toContain(CODE);
    await shot(page, 'sensors-case');

    for (const w of watches) {
      expect(w.errors).toEqual([]);
      expect(w.foreignRequests).toEqual([]);
    }
  });
});
