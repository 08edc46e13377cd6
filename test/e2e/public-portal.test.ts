/**
 * Issue 10, must-show 4 (the public portal's half), in Debian's Chromium at 390×844 against the
 * real platform (`npm start`, a fresh data directory, the demo city without demo cases).
 *
 * A citizen, without an account, opens /public/ on a phone and reports: takes a photo (a JPEG
 * with the camera's GPS tags: the form offers the photo's place), finds the place by the address
 * search (天一 → 天一广场, checked inside the managed area), describes the problem — in words that
 * would be markup if anything rendered them as HTML — takes a suggested type, then browses the
 * categories for another, gives a phone number and gets a tracking code. The code opens the track
 * page: submitted, their words as plain text, their photo. The staff side (through the API:
 * acceptor, inspector, shift leader, dispatcher, unit) verifies, files, dispatches, disposes with a
 * photo, checks and closes the case. The citizen's track page then shows it resolved, its public
 * steps, the photos of the result, and takes a satisfaction rating once. The page switches to
 * English; recent reports nearby show the report on the map and in the list.
 *
 * Issue 11 item 4 (the portal's half): 考核排名公示 says nothing is published until a city leader
 * publishes; then it shows the districts' and units' published lines as the public API answers them
 * (names, ranks, grades), the periods newest first, a line's item scores by the indicators' names.
 *
 * Screens under test-artifacts/e2e/public-*.png. No page may log an error or ask another host
 * for anything; no script or element of the citizen's words may ever run or appear.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import enUS from '../../web/src/locales/en-US.json';
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
import type { Running } from '../support/process.ts';

const SHOT = 'public-';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const HOSTILE = '人行道上的污水井盖破了 <script>window.__xss=1</script><img src=x onerror="window.__xss=2">';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-portal-'));
let platform: Running | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const watches: { who: string; watch: PageWatch }[] = [];
const staffWatches: PageWatch[] = [];

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

const origin = () => platform!.url;

/** A camera photo: a JPEG with the phone's make and the GPS position where it was taken. */
async function cameraPhoto(at: { lng: number; lat: number }, hue: string) {
  const dms = (v: number) => {
    const d = Math.floor(v);
    const m = Math.floor((v - d) * 60);
    const s = Math.round(((v - d) * 60 - m) * 60 * 100);
    return `${d}/1 ${m}/1 ${s}/100`;
  };
  return sharp({ create: { width: 640, height: 480, channels: 3, background: hue } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'CitizenPhone', Model: 'P-9' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: dms(at.lat),
        GPSLongitudeRef: 'E',
        GPSLongitude: dms(at.lng),
      },
    })
    .toBuffer();
}

/** A citizen's phone at `at`, location allowed. */
async function phone(at: { lng: number; lat: number }): Promise<Page> {
  const context = await browser!.newContext({
    ...PHONE,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    geolocation: { longitude: at.lng, latitude: at.lat, accuracy: 10 },
    permissions: ['geolocation'],
  });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  watches.push({ who: 'citizen', watch: watchPage(page, origin()) });
  return page;
}

/** Waits until the map has drawn what is in view. */
async function mapIdle(page: Page, testId: string) {
  const map = page.getByTestId(testId);
  await map.locator('canvas').waitFor();
  await expect.poll(() => map.getAttribute('data-idle'), { timeout: 30_000 }).toBe('true');
}

const staff = (username: string) =>
  staffApi(browser!, origin(), { username, password: DEMO_PASSWORD }, contexts);

async function act(
  api: APIRequestContext,
  caseId: string,
  action: string,
  fields: Record<string, unknown> = {},
) {
  const { case: c } = await apiJson<{ case: { version: number } }>(api, origin(), `/api/cases/${caseId}`);
  const res = await api.post(`${origin()}/api/cases/${caseId}/actions/${action}`, {
    data: { version: c.version, ...fields },
  });
  expect(res.status(), `${action}: ${await res.text()}`).toBe(200);
}

async function upload(api: APIRequestContext, hue: string): Promise<string> {
  const buffer = await sharp({ create: { width: 320, height: 240, channels: 3, background: hue } })
    .jpeg()
    .toBuffer();
  const res = await api.post(`${origin()}/api/photos`, {
    multipart: { file: { name: 'p.jpg', mimeType: 'image/jpeg', buffer } },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).id as string;
}

describe('the public portal on a phone', () => {
  it('a citizen reports with a photo and the address search, tracks it, and rates it once staff close it', async () => {
    // 天一广场 as the gazetteer has it: where the citizen says the problem is.
    const admin = await staff('admin');
    const places = await apiJson<{ items: { name: string; point: { lng: number; lat: number } }[] }>(
      admin,
      origin(),
      `/api/geo/places?q=${encodeURIComponent('天一广场')}&limit=1`,
    );
    const square = places.items[0];
    expect(square.name).toBe('天一广场');
    const page = await phone({ lng: square.point.lng + 0.002, lat: square.point.lat + 0.001 });

    // ---- Home
    await page.goto(`${origin()}/public/`);
    await expect.poll(() => page.getByTestId('p-home').isVisible()).toBe(true);
    expect(await page.title()).toBe(zhCN.portal.title);
    await shot(page, 'public-home');

    // ---- Report, step 1: a photo from the camera, whose place is read on the phone.
    await page.getByTestId('p-home-report').click();
    await page.waitForURL(`${origin()}/public/report`);
    const photo = await cameraPhoto(
      { lng: square.point.lng + 0.0004, lat: square.point.lat - 0.0003 },
      '#4a7fb5',
    );
    await page
      .getByTestId('p-photo-input')
      .setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: photo });
    await expect.poll(() => page.getByTestId('p-photo-preview').count()).toBe(1);
    await expect.poll(() => page.getByTestId('p-photo-has-place').isVisible()).toBe(true);
    await shot(page, 'public-report-photo');
    await page.getByTestId('p-next').click();

    // ---- Step 2: the photo's place is offered (not taken); the address search chooses.
    await expect.poll(() => page.getByTestId('p-report').getAttribute('data-step')).toBe('1');
    await expect.poll(() => page.getByTestId('p-photo-place-offer').isVisible()).toBe(true);
    await page.getByTestId('p-use-photo-place').click();
    await expect.poll(() => page.getByTestId('p-where').getAttribute('data-inside')).toBe('true');
    expect(await page.getByTestId('p-where').textContent()).toContain(zhCN.portal.place.source.photo);
    await page.getByTestId('p-place-search').fill('天一');
    const option = page.getByTestId('p-place-search-option').filter({ hasText: '天一广场' }).first();
    await option.waitFor();
    await option.click();
    await expect
      .poll(() => page.getByTestId('p-where').textContent())
      .toContain(zhCN.portal.place.source.search);
    await expect.poll(() => page.getByTestId('p-where').getAttribute('data-inside')).toBe('true');
    expect(await page.getByTestId('p-where').textContent()).toContain('海曙区');
    expect(await page.getByTestId('p-address').inputValue()).toBe('天一广场');
    await mapIdle(page, 'p-map');
    const centre = (await page.getByTestId('p-map').getAttribute('data-center'))!.split(',').map(Number);
    expect(Math.abs(centre[0] - square.point.lng)).toBeLessThan(0.0005);
    expect(Math.abs(centre[1] - square.point.lat)).toBeLessThan(0.0005);
    await shot(page, 'public-report-place');
    await page.getByTestId('p-next').click();

    // ---- Step 3: the words (markup as text), a suggested type, then one browsed by category.
    await expect.poll(() => page.getByTestId('p-report').getAttribute('data-step')).toBe('2');
    await page.getByTestId('p-next').click();
    await expect
      .poll(() => page.getByTestId('p-step-error').textContent())
      .toBe(zhCN.portal.problem.required);
    await page.getByTestId('p-description').fill(HOSTILE);
    const suggestion = page.getByTestId('p-suggestion').first();
    await suggestion.waitFor();
    await suggestion.click();
    await expect.poll(() => page.getByTestId('p-type-chosen').isVisible()).toBe(true);
    await page.getByTestId('p-type-clear').click();
    await page.getByTestId('p-type-browse').click();
    await page.locator('[data-testid="p-type-major"][data-code="01"]').click();
    await page.locator('[data-testid="p-type-item"][data-code="01002"]').waitFor();
    await shot(page, 'public-report-type-browse');
    await page.locator('[data-testid="p-type-item"][data-code="01002"]').click();
    await expect.poll(() => page.getByTestId('p-type-chosen').getAttribute('data-code')).toBe('01002');
    await shot(page, 'public-report-problem');
    await page.getByTestId('p-next').click();

    // ---- Step 4: a phone number (a wrong one is refused on the page), the summary, send.
    await expect.poll(() => page.getByTestId('p-report').getAttribute('data-step')).toBe('3');
    await page.getByTestId('p-phone').fill('call me');
    await page.getByTestId('p-submit').click();
    await expect
      .poll(() => page.getByTestId('p-step-error').textContent())
      .toBe(zhCN.portal.contact.phoneInvalid);
    await page.getByTestId('p-phone').fill('138 0013 8000');
    expect(await page.getByTestId('p-summary').textContent()).toContain(HOSTILE);
    await shot(page, 'public-report-send');
    await page.getByTestId('p-submit').click();
    const codeBox = page.getByTestId('p-tracking-code');
    await codeBox.waitFor();
    const code = (await codeBox.getAttribute('data-code'))!;
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
    await shot(page, 'public-report-done');

    // ---- Track: submitted; the words are text; the photo is theirs, served through the code.
    await page.getByTestId('p-track-now').click();
    await page.waitForURL(`${origin()}/public/track/${code}`);
    const view = page.getByTestId('p-track-view');
    await expect.poll(() => view.getAttribute('data-status')).toBe('submitted');
    expect(await page.getByTestId('p-track-description').textContent()).toBe(HOSTILE);
    expect(await page.getByTestId('p-track-type').textContent()).toBe('污水井盖异常');
    await expect
      .poll(() =>
        page
          .getByTestId('p-own-photos-item')
          .locator('img')
          .evaluate((img: HTMLImageElement) => img.naturalWidth),
      )
      .toBeGreaterThan(0);
    expect(await page.getByTestId('p-timeline-step').count()).toBe(1);
    expect(await page.getByTestId('p-rating').count()).toBe(0);
    await mapIdle(page, 'p-track-map');
    await shot(page, 'public-track-submitted');

    // ---- The staff close it (the API, as their screens would).
    const acceptor = await staff('haishu.acceptor');
    const list = await apiJson<{
      items: { id: string; state: string; channel: string; matterCode: string | null }[];
    }>(acceptor, origin(), '/api/cases?channel=web&pageSize=5');
    expect(list.items).toHaveLength(1);
    const c = list.items[0];
    expect(c).toMatchObject({ state: 'reported', channel: 'web', matterCode: '01002' });
    const detail = await apiJson<{ actions: { action: string }[]; reports: { reporterPhone: string }[] }>(
      acceptor,
      origin(),
      `/api/cases/${c.id}`,
    );
    // Verification first: the acceptor is not offered acceptance straight to filing.
    expect(detail.actions.map((a) => a.action)).not.toContain('accept_report');
    expect(detail.reports[0].reporterPhone).toBe('13800138000');
    const inspector = await staff('haishu.inspector');
    const leader = await staff('haishu.shift_leader');
    const dispatcher = await staff('haishu.dispatcher');
    const unit = await staff('unit.haishu-sanitation');
    const units = await apiJson<{ items: { id: string; name: string }[] }>(
      admin,
      origin(),
      '/api/orgs?kind=unit&pageSize=100',
    );
    const std = await apiJson<{ filingConditions: { id: string }[] }>(
      leader,
      origin(),
      '/api/catalog/standards/01002',
    );
    await act(acceptor, c.id, 'request_verify');
    await act(inspector, c.id, 'verify_confirm', { photos: [await upload(inspector, '#777777')] });
    await act(leader, c.id, 'file', { matterType: '01002', filingConditionId: std.filingConditions[0].id });
    await act(dispatcher, c.id, 'dispatch', {
      unitId: units.items.find((u) => u.name === '海曙区环境卫生管理处')!.id,
    });
    await act(unit, c.id, 'sign');
    await act(unit, c.id, 'feed_back', { note: '已更换井盖', photos: [await upload(unit, '#3fa34d')] });
    await act(acceptor, c.id, 'request_check');
    await act(inspector, c.id, 'check_pass', { photos: [await upload(inspector, '#2f8f3f')] });
    await act(leader, c.id, 'close');

    // ---- The citizen looks again: resolved, its steps, the photos of the result; rates once.
    await page.reload();
    await expect.poll(() => view.getAttribute('data-status')).toBe('resolved');
    const steps = await page
      .getByTestId('p-timeline-step')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    expect(steps).toEqual([
      'submitted',
      'accepted',
      'verified',
      'filed',
      'dispatched',
      'disposed',
      'checked',
      'resolved',
    ]);
    await expect.poll(() => page.getByTestId('p-after-photos-item').count()).toBe(2);
    await expect
      .poll(() =>
        page
          .getByTestId('p-after-photos-item')
          .first()
          .locator('img')
          .evaluate((img: HTMLImageElement) => img.naturalWidth),
      )
      .toBeGreaterThan(0);
    const pageText = (await page.locator('body').textContent()) ?? '';
    for (const secret of ['haishu', '海曙区环境卫生管理处', '已更换井盖', c.id])
      expect(pageText).not.toContain(secret);
    await page.getByTestId('p-rating-submit').click();
    await expect.poll(() => page.getByTestId('p-rating-error').textContent()).toBe(zhCN.portal.rating.choose);
    await page.locator('[data-testid="p-rating-choice"][data-result="satisfied"]').click();
    // Choosing answers the message: it does not stay on screen beside the choice.
    await page.getByTestId('p-rating-error').waitFor({ state: 'detached' });
    await page.getByTestId('p-rating-note').fill('处理很快，谢谢！');
    await shot(page, 'public-track-rate');
    await page.getByTestId('p-rating-submit').click();
    await expect.poll(() => page.getByTestId('p-rated').getAttribute('data-result')).toBe('satisfied');
    expect(await page.getByTestId('p-rating').count()).toBe(0);
    await page.reload();
    await expect.poll(() => page.getByTestId('p-rated').getAttribute('data-result')).toBe('satisfied');
    expect(await page.getByTestId('p-rating').count()).toBe(0);
    await shot(page, 'public-track-rated');
    // The centre sees it: the call-back is done with the portal's satisfaction.
    const closed = await apiJson<{ timeline: { action: string }[] }>(
      acceptor,
      origin(),
      `/api/cases/${c.id}`,
    );
    expect(closed.timeline.map((e) => e.action)).toContain('satisfaction.record');
    // …and on the case page the rating reads as words: 满意, from the public portal.
    const desk = await signInPage(
      browser!,
      origin(),
      { username: 'haishu.acceptor', password: DEMO_PASSWORD, timezoneId: 'Asia/Shanghai' },
      contexts,
      staffWatches,
    );
    await desk.goto(`${origin()}/cases/${c.id}`);
    const rated = desk.locator('[data-testid="timeline-satisfaction"][data-result="satisfied"]');
    await rated.waitFor();
    expect(await rated.textContent()).toContain(zhCN.callback.result.satisfied);
    expect(await rated.textContent()).toContain(zhCN.callback.source.portal);
    await shot(desk, 'public-staff-timeline');

    // ---- English.
    await page.getByTestId('p-lang').click();
    await expect.poll(() => page.getByTestId('p-lang').getAttribute('data-locale')).toBe('en-US');
    await expect
      .poll(() => page.getByTestId('p-status-text').textContent())
      .toBe(enUS.portal.status.resolved);
    expect(await page.title()).toBe(enUS.portal.title);
    await shot(page, 'public-track-en');
    await page.getByTestId('p-lang').click();

    // ---- Recent reports nearby: the report, on the map and in the list.
    await page.getByTestId('p-tab-nearby').click();
    await page.waitForURL(`${origin()}/public/nearby`);
    const nearby = page.getByTestId('p-nearby-list');
    await expect.poll(() => nearby.getAttribute('data-count'), { timeout: 20_000 }).toBe('1');
    await expect.poll(() => page.getByTestId('p-nearby-status').getAttribute('data-status')).toBe('resolved');
    expect(await nearby.textContent()).toContain('污水井盖异常');
    expect(await nearby.textContent()).not.toContain('<script>');
    await mapIdle(page, 'p-nearby-map');
    await expect.poll(() => page.getByTestId('p-nearby-map').getAttribute('data-points')).toBe('1');
    await shot(page, 'public-nearby');

    // Nothing the citizen typed ran or became an element.
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.goto(`${origin()}/public/track/${code}`);
    await expect.poll(() => view.getAttribute('data-status')).toBe('resolved');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

    for (const w of [...watches, ...staffWatches.map((watch) => ({ who: 'haishu.acceptor', watch }))]) {
      expect(w.watch.errors, `${w.who}: errors`).toEqual([]);
      expect(w.watch.foreignRequests, `${w.who}: requests to other hosts`).toEqual([]);
    }
  }, 600_000);

  it('says which photos it left out and why: not a picture, a damaged one, more than three', async () => {
    const page = await phone({ lng: 121.55, lat: 29.87 });
    await page.goto(`${origin()}/public/report`);
    const good = await Promise.all(
      ['#aa3333', '#33aa33', '#3333aa', '#aaaa33'].map((hue) =>
        cameraPhoto({ lng: 121.55, lat: 29.87 }, hue),
      ),
    );
    await page.getByTestId('p-photo-input').setInputFiles([
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') },
      // A JPEG cut off after its first bytes, as a failed download leaves it.
      { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: good[0].subarray(0, 200) },
      ...good.map((buffer, i) => ({ name: `IMG_${i}.jpg`, mimeType: 'image/jpeg', buffer })),
    ]);
    await expect.poll(() => page.getByTestId('p-photo-preview').count()).toBe(3);
    const left = page.getByTestId('p-photo-left');
    await expect.poll(() => left.textContent()).toContain('有 1 个文件不是图片，未添加。');
    expect(await left.textContent()).toContain('有 1 张照片无法读取');
    expect(await left.textContent()).toContain('最多 3 张照片，多出的 1 张未添加。');
    await shot(page, 'public-report-photos-left');
    // Removing one makes room again, and the note, about the last pick, goes.
    await page.getByRole('button', { name: '删除照片 1' }).click();
    await expect.poll(() => left.count()).toBe(0);
    await expect.poll(() => page.getByTestId('p-photo-input').count()).toBe(1);
  }, 120_000);

  it('opens in the phone’s language — English for an English phone — until the citizen chooses', async () => {
    const open = async (locale: string) => {
      const context = await browser!.newContext({ ...PHONE, locale, timezoneId: 'Asia/Shanghai' });
      contexts.push(context);
      const page = await context.newPage();
      watches.push({ who: `citizen ${locale}`, watch: watchPage(page, origin()) });
      await page.goto(`${origin()}/public/`);
      await expect.poll(() => page.getByTestId('p-home').isVisible()).toBe(true);
      return page;
    };
    const english = await open('en-GB');
    expect(await english.title()).toBe(enUS.portal.title);
    expect(await english.getByTestId('p-lang').getAttribute('data-locale')).toBe('en-US');
    // The citizen switches to Chinese: the choice outlasts a reload, whatever the phone says.
    await english.getByTestId('p-lang').click();
    await expect.poll(() => english.title()).toBe(zhCN.portal.title);
    await english.reload();
    await expect.poll(() => english.getByTestId('p-home').isVisible()).toBe(true);
    expect(await english.title()).toBe(zhCN.portal.title);
    // A phone set to another Chinese, and one set to French, read Chinese (the city's language).
    expect(await (await open('zh-TW')).title()).toBe(zhCN.portal.title);
    expect(await (await open('fr-FR')).title()).toBe(zhCN.portal.title);
  }, 120_000);

  it('shows the published rankings of districts and units (考核排名公示), nothing before a leader publishes', async () => {
    const page = await phone({ lng: 121.55, lat: 29.87 });
    const watch = watches[watches.length - 1].watch;
    await page.goto(`${origin()}/public/`);
    await page.getByTestId('p-tab-rankings').click();
    await page.waitForURL(`${origin()}/public/rankings`);
    await expect
      .poll(() => page.getByTestId('p-rank-empty').textContent())
      .toContain(zhCN.portal.rankings.empty);
    await page.getByTestId('p-rank-tab-unit').click();
    await expect.poll(() => page.getByTestId('p-rank-empty').isVisible()).toBe(true);

    // ---- The city computes the months' rankings; its leader publishes them. The record is the case
    // the first test closed this month (海曙区, its sanitation unit); the month before has none.
    const month = (back: number) => {
      const now = new Date(Date.now() + 8 * 3_600_000); // China's wall clock
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
      return d.toISOString().slice(0, 10);
    };
    const supervisor = await staff('city.supervisor');
    const leader = await staff('city.leader');
    const publish = async (subjectType: string, from: string, to: string) => {
      const res = await supervisor.post(`${origin()}/api/evaluation/rankings`, {
        data: { subjectType, from, to },
      });
      expect(res.status(), await res.text()).toBe(201);
      const { id } = (await res.json()) as { id: string };
      const pub = await leader.post(`${origin()}/api/evaluation/rankings/${id}/publish`, { data: {} });
      expect(pub.status(), await pub.text()).toBe(200);
    };
    await publish('district', month(1), month(0));
    await publish('district', month(0), month(-1));
    await publish('unit', month(0), month(-1));

    type Published = {
      ranking: { from: string; lines: { label: string; rank: number | null; grade: string | null }[] };
    };
    /** The page's lines are the published ones, in order: name, rank and grade. */
    const sameAsPublished = async (subjectType: string) => {
      const published = await apiJson<Published>(
        supervisor,
        origin(),
        `/api/public/rankings?subjectType=${subjectType}`,
      );
      const table = page.getByTestId('p-rank-table');
      await expect.poll(() => table.getAttribute('data-type')).toBe(subjectType);
      await expect.poll(() => table.getAttribute('data-from')).toBe(month(0));
      const shown = await page.getByTestId('p-rank-line').evaluateAll((els) =>
        els.map((e) => ({
          label: e.getAttribute('data-label'),
          rank: e.getAttribute('data-rank') ? Number(e.getAttribute('data-rank')) : null,
          grade: e.getAttribute('data-grade') || null,
        })),
      );
      expect(shown).toEqual(
        published.ranking.lines.map((l) => ({ label: l.label, rank: l.rank, grade: l.grade })),
      );
      return published.ranking.lines;
    };

    // ---- Districts: the month's, newest first in the period selector; 海曙区 first with a grade.
    await page.reload();
    await page.getByTestId('p-rank-table').waitFor();
    const districts = await sameAsPublished('district');
    expect(districts.length).toBeGreaterThan(0);
    const haishu = page.locator('[data-testid="p-rank-line"][data-label*="海曙"]');
    expect(await haishu.getAttribute('data-rank')).toBe('1');
    expect(await haishu.getAttribute('data-grade')).toMatch(/^[A-E]$/);
    expect(await haishu.getByTestId('p-rank-grade').textContent()).toBe(
      await haishu.getAttribute('data-grade'),
    );
    // No district had a rank the month before: no movement to show.
    expect(await haishu.getByTestId('p-rank-move').getAttribute('data-move')).toBe('none');
    const period = page.getByTestId('p-rank-period');
    const [y, m] = month(0).split('-').map(Number);
    const [py, pm] = month(1).split('-').map(Number);
    expect(await period.locator('option').allTextContents()).toEqual([`${y}年${m}月`, `${py}年${pm}月`]);
    // A tap shows the line's item scores by the indicators' names.
    await haishu.click();
    const items = page.getByTestId('p-rank-items');
    await expect.poll(() => items.getByTestId('p-rank-item').count()).toBe(5);
    expect(await items.textContent()).toContain(zhCN.portal.rankings.indicator.onTimeDisposalRate);
    expect(await items.textContent()).toContain(zhCN.portal.rankings.indicator.missRate);
    expect(await items.textContent()).not.toContain('onTimeDisposalRate');
    await shot(page, 'public-rankings');

    // The month before: published, but nothing happened in it, so no district was evaluated.
    await period.selectOption(month(1));
    await expect.poll(() => page.getByTestId('p-rank-table').getAttribute('data-from')).toBe(month(1));
    await expect.poll(() => page.getByTestId('p-rank-line').count()).toBe(0);
    expect(await page.getByTestId('p-rank-none').textContent()).toBe(zhCN.portal.rankings.none);

    // ---- Units: the newest month again; 海曙区环境卫生管理处, who closed the case, is ranked with a grade.
    await page.getByTestId('p-rank-tab-unit').click();
    await sameAsPublished('unit');
    const sanitation = page.locator('[data-testid="p-rank-line"][data-label="海曙区环境卫生管理处"]');
    expect(await sanitation.getAttribute('data-rank')).not.toBe('');
    expect(await sanitation.getAttribute('data-grade')).toMatch(/^[A-E]$/);
    expect(await page.getByTestId('p-rank-period').locator('option').allTextContents()).toEqual([
      `${y}年${m}月`,
    ]);

    // ---- English: the tabs, the period and the indicators' names.
    await page.getByTestId('p-lang').click();
    await expect
      .poll(() => page.getByTestId('p-rank-tab-unit').textContent())
      .toBe(enUS.portal.rankings.tab.unit);
    const monthEn = new Intl.DateTimeFormat('en-US', {
      year: 'numeric',
      month: 'long',
      timeZone: 'UTC',
    }).format(new Date(`${month(0)}T00:00:00Z`));
    expect(await page.getByTestId('p-rank-period').locator('option').allTextContents()).toEqual([monthEn]);
    await sanitation.click();
    await expect
      .poll(() => page.getByTestId('p-rank-items').textContent())
      .toContain(enUS.portal.rankings.indicator.closureRate);
    expect(await page.getByTestId('p-rank-items').textContent()).toContain(
      enUS.portal.rankings.indicator.filedCount,
    );
    await shot(page, 'public-rankings-en');
    await page.getByTestId('p-lang').click();

    expect(watch.errors).toEqual([]);
    expect(watch.foreignRequests).toEqual([]);
  }, 180_000);
});
