/**
 * Issue 10 must-show 4 (the hotline half), in Debian's Chromium against the real platform
 * (`npm start`, a fresh data directory, the demo city without demo cases): the operator signs in at
 * seat 8001; the telephony posts a ringing call with its API key and the console pops over the live
 * stream with the caller's earlier report and its public status; an enquiry is answered from the
 * knowledge base and finished; a second call becomes a report (the address found in the gazetteer,
 * the type from the suggestions, the tracking code read out); the district closes the case through
 * the API as its staff would; the operator calls back from the 回访 queue and records 不满意, which
 * reopens the case (the setting's default) — on its timeline with the caller's words.
 * Screens: test-artifacts/e2e/hotline-*.png. No page error, no request to another host.
 */
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
  signInPage,
  staffApi,
  startE2E,
  stopE2E,
} from '../support/browser.ts';
import { makePng } from '../support/png.ts';
import type { Running } from '../support/process.ts';

const SHOT = 'hotline-';
const CALLER = '13957412345';
const DISSATISFIED = '井盖装上了，但周围的路面还是坑坑洼洼';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-hotline-'));
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

const staff = (username: string) =>
  staffApi(browser!, platform!.url, { username, password: DEMO_PASSWORD }, contexts);
const getJson = <T>(api: APIRequestContext, url: string) => apiJson<T>(api, platform!.url, url);

/** POST `data` to `url` with an API client, expecting `status`. */
async function postJson<T>(api: APIRequestContext, url: string, data: object, status = 200): Promise<T> {
  const res = await api.post(`${platform!.url}${url}`, { data });
  expect(res.status(), `${url}: ${await res.text()}`).toBe(status);
  return (await res.json()) as T;
}

/** The telephony system: its API key posts ringing calls (as FreeSWITCH would, over HTTP). */
async function ring(key: string, body: object): Promise<{ id: string; routedTo: number }> {
  const res = await fetch(`${platform!.url}/api/hotline/calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; routedTo: number };
}

/** The console pops the ringing call and the operator answers it. */
async function takeCall(page: Page, number: string) {
  const incoming = page.getByTestId('hotline-incoming');
  await incoming.waitFor({ timeout: 20_000 });
  await expect.poll(() => page.getByTestId('hotline-incoming-number').textContent()).toBe(number);
  await page.getByTestId('hotline-answer').click();
  await page.getByTestId('hotline-call-form').waitFor();
}

describe('the hotline console (热线受理) and the call-back (回访)', () => {
  it('a call pops the console with history, an enquiry is answered, a report is made, the call-back reopens the case', async () => {
    const base = platform!.url;
    const as = {
      admin: await staff('admin'),
      acceptor: await staff('haishu.acceptor'),
      leader: await staff('haishu.shift_leader'),
      dispatcher: await staff('haishu.dispatcher'),
      inspector: await staff('haishu.inspector'),
      unit: await staff('unit.haishu-sanitation'),
    };

    // The telephony's key (city level, hotline:call only).
    const me = await getJson<{ org: { id: string } }>(as.admin, '/api/me');
    const key = (
      await postJson<{ secret: string }>(
        as.admin,
        '/api/api-keys',
        { name: 'FreeSWITCH 12345', orgId: me.org.id, permissions: ['hotline:call'] },
        201,
      )
    ).secret;

    // The caller reported on the web form last week (their phone typed with spaces).
    const place = await getJson<{ items: { point: { lng: number; lat: number } }[] }>(
      as.acceptor,
      `/api/geo/places?q=${encodeURIComponent('月湖公园')}&limit=1`,
    );
    const earlier = await postJson<{ case: { code: string } }>(
      as.acceptor,
      '/api/reports',
      {
        idempotencyKey: `hotline-e2e-earlier-${Date.now()}`,
        channel: 'web',
        description: '月湖公园北门垃圾桶满溢',
        location: { ...place.items[0].point, crs: 'wgs84' },
        matterCode: '06001',
        reporter: { name: '周女士', phone: '139 5741 2345' },
      },
      201,
    );

    // --- the operator's console: sign in at seat 8001 ---------------------------------------
    const page = await signInPage(
      browser!,
      base,
      { username: 'hotline.operator', password: DEMO_PASSWORD, timezoneId: 'Asia/Shanghai' },
      contexts,
      watches,
    );
    await page.goto(`${base}/hotline`);
    await page.getByTestId('hotline-seat-input').fill('8001');
    await page.getByTestId('hotline-seat-in').click();
    await expect.poll(() => page.getByTestId('hotline-seat-status').textContent()).toContain('8001');
    await page.getByTestId('hotline-idle').waitFor();

    // --- call 1: the pop, with the caller's history ------------------------------------------
    const call1 = await ring(key, {
      line: '12345',
      callerNumber: `+86 ${CALLER}`,
      seat: '8001',
      externalId: 'fs-e2e-1',
    });
    expect(call1.routedTo).toBe(1);
    const incoming = page.getByTestId('hotline-incoming');
    await incoming.waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('hotline-incoming-number').textContent()).toBe(CALLER);
    const history = page.getByTestId('hotline-history-reports');
    await expect.poll(() => history.textContent()).toContain(earlier.case.code);
    expect(await history.getByTestId('hotline-history-status').first().getAttribute('data-status')).toBe(
      'submitted',
    );
    // Posted without a district: the city's desk.
    expect(await page.getByTestId('hotline-call-desk').textContent()).toBe(zhCN.hotline.desk.city);
    await shot(page, `${SHOT}01-incoming-call`);

    // --- an enquiry answered from the knowledge base -----------------------------------------
    await page.getByTestId('hotline-answer').click();
    await page.getByTestId('hotline-call-form').waitFor();
    await page.getByTestId('hotline-kb-search').locator('input').fill('厨余垃圾几点可以扔');
    const first = page.getByTestId('hotline-kb-item').first();
    await expect.poll(() => first.textContent(), { timeout: 20_000 }).toContain('厨余垃圾几点到几点可以投放');
    await first.getByTestId('hotline-kb-use').click();
    await expect.poll(() => page.getByTestId('hotline-kb-chosen').textContent()).toContain('定时定点');
    await page.getByTestId('hotline-caller-name').fill('周女士');
    await shot(page, `${SHOT}02-enquiry-answered`);
    const finished1 = page.waitForResponse((r) => r.url().endsWith(`/api/hotline/calls/${call1.id}/finish`));
    await page.getByTestId('hotline-finish').click();
    expect((await finished1).status()).toBe(200);
    await page.getByTestId('hotline-idle').waitFor();
    const done1 = await getJson<{
      call: { status: string; kind: string; knowledgeEntry: { question: string } };
    }>(as.admin, `/api/hotline/calls/${call1.id}`);
    expect(done1.call).toMatchObject({ status: 'finished', kind: 'enquiry' });
    expect(done1.call.knowledgeEntry.question).toBe('厨余垃圾几点到几点可以投放？');

    // --- call 2: a report, the address from the gazetteer, the type from the suggestions -------
    const call2 = await ring(key, {
      line: '96310',
      callerNumber: CALLER,
      seat: '8001',
      externalId: 'fs-e2e-2',
    });
    await takeCall(page, CALLER);
    // The earlier call is in the history now.
    await expect
      .poll(() => page.getByTestId('hotline-caller').textContent())
      .toContain(zhCN.hotline.history.calls);
    await page.getByTestId('hotline-kind').getByText(zhCN.hotline.kind.report).click();
    await page.getByTestId('hotline-report').waitFor();
    await page
      .getByTestId('hotline-report-description')
      .fill('开明街人行道上一个井盖缺失了，晚上看不见很危险');
    await page.getByTestId('intake-place-search').fill('开明街');
    const option = page.locator('[data-testid="intake-place-search-option"][data-name="开明街"]');
    await option.waitFor();
    await option.click();
    await expect
      .poll(() => page.getByTestId('intake-grid').textContent(), { timeout: 20_000 })
      .toMatch(/^330203/);
    expect(await page.getByTestId('hotline-report-address').inputValue()).toBe('开明街');
    const suggestion = page.getByTestId('hotline-report-suggestion').first();
    await suggestion.waitFor({ timeout: 20_000 });
    await suggestion.click();
    const reported = page.waitForResponse((r) => r.url().endsWith(`/api/hotline/calls/${call2.id}/report`));
    await page.getByTestId('hotline-report-submit').click();
    const report = (await (await reported).json()) as {
      call: { case: { id: string; code: string } };
      report: { trackingCode: string };
    };
    await expect
      .poll(() => page.getByTestId('hotline-tracking-code').textContent())
      .toContain(report.report.trackingCode);
    await shot(page, `${SHOT}03-report-made`);
    await page.getByTestId('hotline-finish').click();
    await page.getByTestId('hotline-idle').waitFor();

    // --- call 3: another caller, the same problem, only the address: joins the case ------------
    const OTHER = '13757400000';
    const call3 = await ring(key, {
      line: '12345',
      callerNumber: OTHER,
      seat: '8001',
      externalId: 'fs-e2e-3',
    });
    await takeCall(page, OTHER);
    await page.getByTestId('hotline-kind').getByText(zhCN.hotline.kind.report).click();
    await page.getByTestId('hotline-report').waitFor();
    await page
      .getByTestId('hotline-report-description')
      .fill('开明街人行道上一个井盖缺失了，晚上看不见很危险');
    const suggestion3 = page.getByTestId('hotline-report-suggestion').first();
    await suggestion3.waitFor({ timeout: 20_000 });
    await suggestion3.click();
    // No map point: the address alone (written differently) finds the open case at 开明街.
    await page.getByTestId('hotline-report-address').fill(' 海曙区开明街 ');
    const reported3 = page.waitForResponse((r) => r.url().endsWith(`/api/hotline/calls/${call3.id}/report`));
    await page.getByTestId('hotline-report-submit').click();
    const third = (await (await reported3).json()) as {
      report: { merged: boolean; locatedBy: string; caseCode: string };
    };
    expect(third.report).toMatchObject({
      merged: true,
      locatedBy: 'case_address',
      caseCode: report.call.case.code,
    });
    await expect
      .poll(() => page.getByTestId('hotline-reported-merged').textContent())
      .toContain(zhCN.hotline.report.mergedInto.replace('{{code}}', report.call.case.code));
    await shot(page, `${SHOT}03b-merged-by-address`);
    await page.getByTestId('hotline-finish').click();
    await page.getByTestId('hotline-idle').waitFor();

    // The case is the district's, on the hotline channel, the caller its reporter, the call on it.
    const caseId = report.call.case.id;
    const c = await getJson<{
      case: { channel: string; districtCode: string; matterCode: string | null };
      reports: { channel: string }[];
      timeline: { action: string; after: { origin?: { callId: string; line: string } } }[];
    }>(as.acceptor, `/api/cases/${caseId}`);
    expect(c.case).toMatchObject({ channel: 'hotline', districtCode: '330203' });
    expect(c.case.matterCode).not.toBeNull();
    expect(JSON.stringify(c.reports)).toContain(CALLER);
    // The report's event names the call it was made on (the timeline shows the line).
    expect(c.timeline.find((e) => e.action === 'case.report')?.after.origin).toEqual({
      callId: call2.id,
      line: '96310',
    });

    // --- the district handles and closes it, as its staff would ------------------------------
    const act = async (who: keyof typeof as, action: string, fields: object = {}) => {
      const now = await getJson<{ case: { version: number } }>(as[who], `/api/cases/${caseId}`);
      await postJson(as[who], `/api/cases/${caseId}/actions/${action}`, {
        version: now.case.version,
        ...fields,
      });
    };
    const photo = async (api: APIRequestContext, rgb: [number, number, number]) => {
      const res = await api.post(`${base}/api/photos`, {
        multipart: { file: { name: 'p.png', mimeType: 'image/png', buffer: makePng(48, 32, rgb) } },
      });
      expect(res.status(), await res.text()).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const matter = c.case.matterCode!;
    const std = await getJson<{ filingConditions: { id: string }[] }>(
      as.leader,
      `/api/catalog/standards/${matter}`,
    );
    const unitOrg = (await getJson<{ org: { id: string } }>(as.unit, '/api/me')).org.id;
    await act('acceptor', 'accept_report', { matterType: matter });
    await act('leader', 'file', { matterType: matter, filingConditionId: std.filingConditions[0].id });
    await act('dispatcher', 'dispatch', { unitId: unitOrg });
    await act('unit', 'sign');
    await act('unit', 'feed_back', { note: '已加装新井盖', photos: [await photo(as.unit, [60, 140, 200])] });
    await act('acceptor', 'request_check');
    await act('inspector', 'check_pass', { photos: [await photo(as.inspector, [90, 170, 60])] });
    await act('leader', 'close');

    // --- the call-back: 不满意, and the case goes back to the dispatcher ------------------------
    await page.goto(`${base}/callbacks`);
    // One entry per caller: the first and the one whose report joined the case.
    const rows = page.getByTestId('callback-list').locator('tr', { hasText: report.call.case.code });
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    expect(await rows.filter({ hasText: OTHER }).getByTestId('callback-reporter-merged').count()).toBe(1);
    const row = rows.filter({ hasText: CALLER });
    await row.waitFor({ timeout: 20_000 });
    await shot(page, `${SHOT}04-callback-queue`);
    await row.getByTestId('callback-open').click();
    await page.getByTestId('callback-result').getByText(zhCN.callback.result.dissatisfied).click();
    await page.getByTestId('callback-note').fill(DISSATISFIED);
    const saved = page.waitForResponse((r) => /\/api\/callbacks\/[^/]+\/result$/.test(r.url()));
    await page.getByTestId('callback-save').click();
    expect((await saved).status()).toBe(200);
    await expect.poll(() => page.getByTestId('callback-done').textContent()).toBe(zhCN.callback.reopened);
    await shot(page, `${SHOT}05-callback-recorded`);

    const after = await getJson<{
      case: { state: string };
      timeline: { action: string; reason: string | null }[];
    }>(as.dispatcher, `/api/cases/${caseId}`);
    expect(after.case.state).toBe('pending_dispatch');
    expect(after.timeline.slice(-2).map((e) => [e.action, e.reason])).toEqual([
      ['satisfaction.record', DISSATISFIED],
      ['case.reopen', DISSATISFIED],
    ]);

    // The case page says so, in words.
    await page.goto(`${base}/cases/${caseId}`);
    await expect
      .poll(() => page.getByTestId('case-state').first().textContent())
      .toBe(zhCN.case.state.pending_dispatch);
    const timeline = page.getByTestId('case-timeline');
    await expect.poll(() => timeline.textContent()).toContain(zhCN.case.action.reopen);
    expect(await timeline.textContent()).toContain(zhCN.auditAction.satisfaction.record);
    expect(await timeline.getByTestId('timeline-satisfaction').first().textContent()).toContain(
      zhCN.callback.result.dissatisfied,
    );
    // The report came in on the call to 96310: the timeline says so.
    expect(await timeline.getByTestId('timeline-hotline-origin').textContent()).toContain('96310');
    await shot(page, `${SHOT}06-case-reopened`);
  }, 300_000);

  it('raised no page error and asked no other host', () => {
    const problems = watches.flatMap((w) => [...w.errors, ...w.foreignRequests]);
    expect(problems).toEqual([]);
  });
});
