/**
 * Issue 4 end to end in Debian's Chromium against the real platform (`npm start` on a fresh data
 * directory): an acceptor registers a report on the intake form (map picker, grid lookup, type
 * hint, photo) and accepts it; the shift leader files it against a filing condition; the
 * dispatcher dispatches it; the unit signs for it and feeds back with a photo; the acceptor sends
 * a check; the inspector passes it with a photo; the shift leader closes it. Every button comes
 * from the server's `actions`; every step leaves a screenshot in test-artifacts/e2e/cases-*.png.
 * The page must make no request to another host and raise no page error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chooseOption,
  clickSeededGrid,
  DEMO_PASSWORD,
  type PageWatch,
  shot,
  signInPage,
  startE2E,
  stopE2E,
  watchPage,
} from '../support/browser.ts';
import type { Running } from '../support/process.ts';

const SHOT = 'cases-';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-cases-'));
const photoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-photos-'));
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
  await stopE2E(platform, browser, [dataDir, photoDir], contexts);
});

/** A fresh browser session signed in as `username`, in China time. */
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

/** A small JPEG made by the browser itself (no fixture files, no network). */
async function makePhoto(page: Page, name: string, colours: string): Promise<string> {
  const file = path.join(photoDir, `${name}.jpg`);
  const probe = await page.context().newPage();
  await probe.setContent(
    `<div style="width:480px;height:360px;background:linear-gradient(135deg,${colours})"></div>`,
  );
  await probe.screenshot({ path: file, type: 'jpeg', clip: { x: 0, y: 0, width: 480, height: 360 } });
  await probe.close();
  return file;
}

async function stateOf(page: Page): Promise<string | null> {
  return page.getByTestId('page-case').getByTestId('case-state').first().getAttribute('data-state');
}

/** Clicks the action's button, lets `fill` complete the form, submits and waits for `to`. */
async function act(
  page: Page,
  action: string,
  to: string,
  name: string,
  fill?: (page: Page) => Promise<void>,
) {
  await page.getByTestId(`action-${action}`).click();
  await page.getByTestId('action-submit').waitFor();
  if (fill) await fill(page);
  await shot(page, `${SHOT}${name}`);
  await page.getByTestId('action-submit').click();
  await expect.poll(() => stateOf(page), { timeout: 20_000 }).toBe(to);
}

async function openCase(page: Page, id: string) {
  await page.goto(`${platform!.url}/cases/${id}`);
  // A page that cannot load the case says so (case-not-found, case-load-failed): fail on that,
  // naming it, rather than wait out the timeout for actions that will never come.
  const shown = page
    .getByTestId('case-actions')
    .or(page.getByTestId('case-no-actions'))
    .or(page.getByTestId('case-not-found'))
    .or(page.getByTestId('case-load-failed'))
    .first();
  await shown.waitFor();
  const testId = await shown.getAttribute('data-testid');
  expect(testId, `case ${id} as opened`).toMatch(/^case-(no-)?actions$/);
}

describe('issue 4 in the browser', () => {
  it('report → accept → file → dispatch → sign → feed back → check → close', async () => {
    if (!platform) throw new Error('platform did not start');
    const base = platform.url;

    // 1. The acceptor registers a report on the intake form.
    const acceptor = await signIn('haishu.acceptor');
    const before = await makePhoto(acceptor, 'before', '#6a8caf,#d9c9a3');
    const after = await makePhoto(acceptor, 'after', '#7fb37f,#e0e0d0');
    // The inspector's own check photo: a step's evidence is a new photo, never one already on the case.
    const checked = await makePhoto(acceptor, 'checked', '#8a6fb3,#d0e0e0');
    await acceptor.goto(`${base}/intake`);
    await acceptor.getByTestId('intake-map').waitFor();
    // A point of a grid the demo seeded in 海曙 (the map opens on the acceptor's district).
    await clickSeededGrid(acceptor, 'intake-map', '330203');
    await acceptor.getByTestId('intake-community').waitFor();
    await acceptor
      .getByTestId('intake-description')
      .fill('人行道上供水井盖丢失，夜间容易有人跌落，请尽快处理');
    await acceptor.getByTestId('intake-suggestion').first().waitFor();
    await acceptor.getByTestId('intake-reporter-name').fill('李女士');
    await acceptor.getByTestId('intake-reporter-phone').fill('13912345678');
    await acceptor.getByTestId('intake-photos').locator('input[type=file]').setInputFiles(before);
    await acceptor.getByTestId('intake-photos').locator('img').first().waitFor();
    await shot(acceptor, `${SHOT}01-intake`);
    await acceptor.getByTestId('intake-submit').click();
    await acceptor.getByTestId('intake-result').waitFor();
    expect(await acceptor.getByTestId('intake-result').getAttribute('data-merged')).toBe('false');
    const caseId = (await acceptor.getByTestId('intake-result').getAttribute('data-case-id')) ?? '';
    expect(caseId).toMatch(/^[0-9a-f-]{36}$/);
    await shot(acceptor, `${SHOT}02-intake-result`);

    // 2. It is in the acceptor's work queue; they open it and accept it (type preset from the hint).
    await acceptor.goto(`${base}/cases`);
    await acceptor.locator(`[data-testid=case-row][data-case-id="${caseId}"]`).waitFor();
    await shot(acceptor, `${SHOT}03-queue-acceptor`);
    await openCase(acceptor, caseId);
    expect(await stateOf(acceptor)).toBe('reported');
    await act(acceptor, 'accept_report', 'pending_filing', '04-accept');

    // 3. The shift leader files it against the first filing condition of the type's standard.
    const leader = await signIn('haishu.shift_leader');
    await openCase(leader, caseId);
    await act(leader, 'file', 'pending_dispatch', '05-file', async (p) => {
      await p.getByTestId('field-filingConditionId').locator('input[type=radio]').first().check();
    });

    // 4. The dispatcher sends it to the sanitation unit. The caller's contact is masked for a
    //    dispatcher (the acceptor and the shift leader call back; the dispatcher does not).
    const dispatcher = await signIn('haishu.dispatcher');
    await openCase(dispatcher, caseId);
    const contact = dispatcher.getByTestId('report-contact').first();
    expect(await contact.getAttribute('data-masked')).toBe('true');
    expect(await contact.textContent()).toContain('李**');
    expect(await contact.textContent()).toContain('139****5678');
    expect(await dispatcher.content()).not.toContain('13912345678');
    await act(dispatcher, 'dispatch', 'dispatched', '06-dispatch', async (p) => {
      // The option by its whole name: '环境卫生' alone also matches 江北区 and the city's units,
      // and `.first()` of a list still filtering took whichever came first on a busy machine.
      await chooseOption(p, p.getByTestId('field-unitId'), '海曙区环境卫生管理处', {
        search: '海曙区环境卫生',
      });
    });

    // 5. The unit signs for it and feeds back with a photo.
    const unit = await signIn('unit.haishu-sanitation');
    await openCase(unit, caseId);
    await act(unit, 'sign', 'in_progress', '07-sign');
    await act(unit, 'feed_back', 'fed_back', '08-feed-back', async (p) => {
      await p.getByTestId('field-photos').locator('input[type=file]').setInputFiles(after);
      await p.getByTestId('field-photos').locator('img').first().waitFor();
      // What was done is required with the photos.
      await p.getByTestId('field-note').fill('已补装井盖并设置警示');
    });

    // 6. The acceptor sends a check; the inspector passes it with a photo.
    await openCase(acceptor, caseId);
    await act(acceptor, 'request_check', 'checking', '09-request-check');
    const inspector = await signIn('haishu.inspector');
    await openCase(inspector, caseId);
    await act(inspector, 'check_pass', 'pending_close', '10-check-pass', async (p) => {
      await p.getByTestId('field-photos').locator('input[type=file]').setInputFiles(checked);
      await p.getByTestId('field-photos').locator('img').first().waitFor();
    });

    // 7. The shift leader closes it; the timeline holds every step.
    await openCase(leader, caseId);
    await act(leader, 'close', 'closed', '11-close');
    await expect.poll(() => leader.getByTestId('timeline-entry').count()).toBeGreaterThanOrEqual(9);
    expect(await leader.getByTestId('case-no-actions').count()).toBe(1);
    await shot(leader, `${SHOT}12-closed`);

    // The acceptor was told of the feedback (bell, live).
    await acceptor.getByTestId('notification-bell').click();
    await acceptor.getByTestId('notification-item').first().waitFor();
    await shot(acceptor, `${SHOT}13-bell`);

    for (const w of watches) {
      expect(w.foreignRequests).toEqual([]);
      expect(w.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    }
  }, 300_000);

  it('the case page in either language; one filing condition comes chosen; odd addresses', async () => {
    if (!platform || !browser) throw new Error('platform or browser did not start');
    const base = platform.url;

    // A report of a type whose standard has a single filing condition (06004), accepted.
    const acceptor = await signIn('haishu.acceptor');
    const caseId = await acceptor.evaluate(async () => {
      const json = async (res: Response) => {
        if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
        return res.json();
      };
      const send = (method: string, url: string, body?: unknown) =>
        fetch(url, {
          method,
          credentials: 'include',
          headers: { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        }).then(json);
      const grid = (await send('GET', '/api/geo/grids?districtCode=330203&page=5&pageSize=1')).items[0];
      const { lng, lat } = (await send('GET', `/api/geo/grids/${grid.id}`)).centroid;
      const reported = await send('POST', '/api/reports', {
        idempotencyKey: crypto.randomUUID(),
        channel: 'hotline',
        description: '沿街建筑外墙被乱涂乱画，影响市容',
        location: { lng, lat, crs: 'wgs84' },
        matterCode: '06004',
      });
      const id = reported.case.id as string;
      await send('POST', `/api/cases/${id}/actions/accept_report`, {
        version: reported.case.version,
        matterType: '06004',
      });
      return id;
    });
    const standard = await acceptor.evaluate(() =>
      fetch('/api/catalog/standards/06004', { credentials: 'include' }).then((r) => r.json()),
    );
    expect(standard.filingConditions).toHaveLength(1);

    // The shift leader's filing dialog has the only condition chosen: filing is one click.
    const leader = await signIn('haishu.shift_leader');
    const leaderWatch = watches[watches.length - 1];
    await openCase(leader, caseId);
    await leader.getByTestId('action-file').click();
    const radio = leader.getByTestId('field-filingConditionId').locator('input[type=radio]');
    await radio.first().waitFor({ state: 'attached' });
    await expect.poll(() => radio.first().isChecked()).toBe(true);
    await shot(leader, `${SHOT}14-file-preselected`);
    await leader.getByTestId('action-submit').click();
    await expect.poll(() => stateOf(leader), { timeout: 20_000 }).toBe('pending_dispatch');

    // In Chinese: full-width colons, people by their names.
    const actorOf = (action: string) =>
      leader
        .locator(`[data-testid=timeline-entry][data-action="case.${action}"]`)
        .getByTestId('timeline-actor')
        .textContent();
    await expect.poll(() => actorOf('file')).toBe('海曙区值班长');
    expect(await actorOf('report')).toBe('海曙区受理员');
    expect(await leader.getByTestId('case-deadline').textContent()).toMatch(/^当前环节：/);
    await shot(leader, `${SHOT}15-case-zh`);

    // In English: ": ", and each limit's unit agrees with its amount ("1 work hour", "2 work days").
    await chooseOption(leader, leader.getByTestId('language-switch'), 'English');
    await expect.poll(() => leader.getByTestId('case-deadline').textContent()).toMatch(/^Current stage: /);
    const deadline = (await leader.getByTestId('case-deadline').textContent()) ?? '';
    expect(deadline).not.toContain('：');
    expect(deadline).toContain('Due: ');
    const limits = await leader
      .locator('[data-testid=case-stages] tbody tr td:nth-child(2)')
      .allTextContents();
    expect(limits.length).toBeGreaterThan(0);
    for (const l of limits) {
      expect(l).toMatch(
        /^(1 (work hour|work day|urgent hour|calendar day)|\d+(\.\d+)? (work hours|work days|urgent hours|calendar days))$/,
      );
    }
    expect(await actorOf('file')).toBe('海曙区值班长');
    expect(await leader.getByTestId('case-timeline').textContent()).not.toContain('haishu.');
    await shot(leader, `${SHOT}16-case-en`);

    // An address that cannot name a case is simply not found, without asking the server.
    await leader.goto(`${base}/cases/not-a-uuid`);
    await leader.getByTestId('case-not-found').waitFor();
    expect(await leader.getByTestId('case-not-found').textContent()).toContain('Case not found');
    expect(leaderWatch.requests.some((r) => r.includes('/api/cases/not-a-uuid'))).toBe(false);

    // The routing table names the district.
    await leader.goto(`${base}/routing`);
    await expect.poll(() => leader.getByTestId('routing-district-name').first().textContent()).toBe('海曙区');
    expect(leaderWatch.errors).toEqual([]);

    // The inspectors' app before login: straight to its sign-in page, no 401 for the browser to log.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    contexts.push(context);
    const m = await context.newPage();
    const mWatch = watchPage(m, base);
    await m.goto(`${base}/m/`);
    await m.waitForURL(`${base}/m/login`);
    await m.getByTestId('m-login').waitFor();
    expect(mWatch.requests.filter((r) => r.includes('/api/me'))).toEqual([]);
    expect(mWatch.errors).toEqual([]);
  }, 180_000);
  it('a unit reports on the intake page: its tracking code and public status, no case to open', async () => {
    if (!platform) throw new Error('platform did not start');
    const base = platform.url;
    // A district's unit reports in its district (the map opens on it) a case it may not open.
    const unit = await signIn('unit.haishu-sanitation');
    const unitWatch = watches[watches.length - 1];
    await unit.goto(`${base}/intake`);
    await unit.getByTestId('intake-map').waitFor();
    await clickSeededGrid(unit, 'intake-map', '330203');
    await unit.getByTestId('intake-community').waitFor();
    expect(await unit.getByTestId('intake-place-error').count()).toBe(0);
    await unit.getByTestId('intake-description').fill('作业中发现路面塌陷，已设置临时围挡');
    await unit.getByTestId('intake-submit').click();
    await unit.getByTestId('intake-result').waitFor();
    expect(await unit.getByTestId('intake-result').getAttribute('data-case-id')).toBe('');
    expect(await unit.getByTestId('intake-tracking-code').textContent()).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
    expect(await unit.getByTestId('intake-result-status').getAttribute('data-status')).toBe('submitted');
    expect(await unit.getByTestId('intake-result-status').textContent()).toBe('待受理');
    expect(await unit.getByTestId('intake-result-link').count()).toBe(0);
    expect(await unit.getByTestId('intake-result-state').count()).toBe(0);
    await shot(unit, `${SHOT}17-intake-unit-public`);
    expect(unitWatch.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  }, 120_000);
});
