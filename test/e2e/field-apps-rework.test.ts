/**
 * Issue 9, must-show 2 (last part): a failed check lands with the dispatcher and the rework dialog
 * is prefilled. The platform runs for real (`npm start`, a fresh data directory, the demo city
 * without demo cases); the case is brought to 核查中 through the API by the staff who would do it
 * (every point from the seeded grids at test time); then the inspector, on the phone at 390×844,
 * fails the check with a photo and the finding; the case reads 待返工 / 返工 and waits on the
 * dispatcher, who — on the desktop — opens the rework dialog and finds the inspector's finding in
 * the reason field. Screens under test-artifacts/e2e/field-rework-*.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIRequestContext, Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  watchPage,
} from '../support/browser.ts';
import { makePng, photo } from '../support/png.ts';
import type { Running } from '../support/process.ts';

const SHOT = 'field-rework-';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const FINDING = '现场仍有堆放垃圾约两平方米，未清理到位';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-rework-'));
let platform: Running | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const watches: PageWatch[] = [];

beforeAll(async () => {
  [platform, browser] = await startE2E(
    SHOT,
    { DATA_DIR: dataDir, DEMO_PASSWORD, DATABASE_URL: '', DEMO_COMPONENTS: '1000', DEMO_CASES: '0' },
    200_000,
  );
});
afterAll(async () => {
  await stopE2E(platform, browser, [dataDir], contexts);
});

/** A signed-in API client for a member of staff. */
const staff = (username: string) =>
  staffApi(browser!, platform!.url, { username, password: DEMO_PASSWORD }, contexts);
const getJson = <T>(api: APIRequestContext, url: string) => apiJson<T>(api, platform!.url, url);

async function uploadPhoto(api: APIRequestContext, hue: [number, number, number]): Promise<string> {
  const res = await api.post(`${platform!.url}/api/photos`, {
    multipart: { file: { name: 'p.png', mimeType: 'image/png', buffer: makePng(48, 32, hue) } },
  });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('issue 9 in the browser: a failed check goes back to the dispatcher', () => {
  it('the inspector fails the check on the phone; the dispatcher’s rework dialog carries the finding', async () => {
    const base = platform!.url;
    const as = {
      acceptor: await staff('haishu.acceptor'),
      leader: await staff('haishu.shift_leader'),
      dispatcher: await staff('haishu.dispatcher'),
      unit: await staff('unit.haishu-sanitation'),
    };
    const act = async (who: keyof typeof as, caseId: string, action: string, fields: object = {}) => {
      const c = await getJson<{ case: { version: number } }>(as[who], `/api/cases/${caseId}`);
      const res = await as[who].post(`${base}/api/cases/${caseId}/actions/${action}`, {
        data: { version: c.case.version, ...fields },
      });
      expect(res.status(), `${action}: ${await res.text()}`).toBe(200);
    };

    // A 海曙 grid's centre (never a written coordinate: the demo city's geometry may change).
    const grids = await getJson<{ items: { id: string }[] }>(
      as.acceptor,
      '/api/geo/grids?districtCode=330203&page=1&pageSize=1',
    );
    const grid = await getJson<{ centroid: { lng: number; lat: number } }>(
      as.acceptor,
      `/api/geo/grids/${grids.items[0].id}`,
    );
    const at = grid.centroid;
    const matterCode = '06002';
    const reported = await as.acceptor.post(`${base}/api/reports`, {
      data: {
        idempotencyKey: `rework-${Date.now()}`,
        channel: 'hotline',
        description: '路边暴露垃圾（返工测试）',
        location: { lng: at.lng, lat: at.lat, crs: 'wgs84' },
        matterCode,
      },
    });
    expect(reported.status(), await reported.text()).toBe(201);
    const caseId = ((await reported.json()) as { case: { id: string } }).case.id;
    const std = await getJson<{ filingConditions: { id: string }[] }>(
      as.leader,
      `/api/catalog/standards/${matterCode}`,
    );
    const unitMe = await getJson<{ org: { id: string } }>(as.unit, '/api/me');
    await act('acceptor', caseId, 'accept_report', { matterType: matterCode });
    await act('leader', caseId, 'file', {
      matterType: matterCode,
      filingConditionId: std.filingConditions[0].id,
    });
    await act('dispatcher', caseId, 'dispatch', { unitId: unitMe.org.id });
    await act('unit', caseId, 'sign');
    await act('unit', caseId, 'feed_back', {
      note: '已清理',
      photos: [await uploadPhoto(as.unit, [40, 160, 90])],
    });
    await act('acceptor', caseId, 'request_check');

    // --- the inspector on the phone fails the check ---------------------------------------------
    const phoneContext = await browser!.newContext({
      ...PHONE,
      geolocation: { longitude: at.lng, latitude: at.lat, accuracy: 8 },
      permissions: ['geolocation'],
      locale: 'zh-CN',
    });
    contexts.push(phoneContext);
    const m = await phoneContext.newPage();
    m.setDefaultTimeout(20_000);
    watches.push(watchPage(m, base));
    await m.goto(`${base}/m/login`);
    await m.getByTestId('m-login-username').fill('haishu.inspector');
    await m.getByTestId('m-login-password').fill(DEMO_PASSWORD);
    await m.getByTestId('m-login-submit').click();
    await m.waitForURL(`${base}/m/`);
    await m.goto(`${base}/m/tasks/${caseId}`);
    await m.locator('[data-testid="m-task-page"][data-state="checking"]').waitFor();
    await m.getByTestId('m-action-check_fail').click();
    await m.getByTestId('m-action-form').waitFor();
    await m.getByTestId('m-action-reason').fill(FINDING);
    await m.getByTestId('m-photo-input').setInputFiles(photo('still-dirty.png', [180, 60, 40]));
    await m.getByTestId('m-photo-preview').waitFor();
    await shot(m, `${SHOT}01-inspector-check-fail`);
    const failed = m.waitForResponse((r) => r.url().endsWith('/actions/check_fail'));
    await m.getByTestId('m-action-submit').click();
    expect((await failed).status()).toBe(200);
    await m.locator('[data-testid="m-action-result"][data-outcome="sent"]').waitFor();
    await shot(m, `${SHOT}02-inspector-sent`);

    // --- the case waits on the dispatcher, timed on the rework stage -----------------------------
    const after = await getJson<{
      case: { state: string; currentStage: string | null; currentDueAt: string | null };
    }>(as.dispatcher, `/api/cases/${caseId}`);
    expect(after.case).toMatchObject({ state: 'check_failed', currentStage: 'rework' });
    expect(after.case.currentDueAt).not.toBeNull();
    const mine = await getJson<{ items: { id: string }[] }>(
      as.dispatcher,
      '/api/cases?view=mine&pageSize=100',
    );
    expect(mine.items.map((c) => c.id)).toContain(caseId);

    // --- the dispatcher's rework dialog, prefilled with the finding ------------------------------
    const desk = await signInPage(
      browser!,
      base,
      { username: 'haishu.dispatcher', password: DEMO_PASSWORD, timezoneId: 'Asia/Shanghai' },
      contexts,
      watches,
    );
    await desk.goto(`${base}/cases/${caseId}`);
    await expect
      .poll(() => desk.getByTestId('case-state').first().textContent())
      .toBe(zhCN.case.state.check_failed);
    expect(await desk.getByTestId('case-deadline').textContent()).toContain(zhCN.case.stage.rework);
    await shot(desk, `${SHOT}03-dispatcher-case`);
    await desk.getByTestId('action-rework').click();
    const dialog = desk.getByTestId('action-dialog');
    await dialog.getByTestId('field-reason').waitFor(); // the modal's root has no box of its own
    await expect.poll(() => dialog.getByTestId('field-reason').inputValue()).toBe(FINDING);
    expect(await dialog.textContent()).toContain(zhCN.case.state.check_failed);
    await shot(desk, `${SHOT}04-rework-dialog`);
    const reworked = desk.waitForResponse((r) => r.url().endsWith('/actions/rework'));
    await desk.getByTestId('action-submit').click();
    expect((await reworked).status()).toBe(200);
    const done = await getJson<{ case: { state: string } }>(as.dispatcher, `/api/cases/${caseId}`);
    expect(done.case.state).toBe('dispatched');

    const errors = watches.flatMap((w) => w.errors);
    expect(errors).toEqual([]);
  });
});
