/**
 * Issue 10 items 5 and 6, in Debian's Chromium against the real platform (`npm start`, a fresh
 * data directory, the demo city without demo cases). Online opinion: a forum's RSS feed is served
 * by this test on 127.0.0.1 (the operator lists it in OUTBOUND_ALLOW and turns
 * `outbound.allowHttp` on, as a city whose forum mirror is on its intranet would); the admin
 * polls it from the 舆情源 page; 海曙's acceptor finds the post about 天一广场's rubbish in the
 * 网络舆情 queue with its type, place and link to the source, and turns it into a report — a case
 * on the channel `opinion`. Departments' own checks: 海曙's sanitation unit reports, on its 部门自查
 * page, a problem it has already fixed (the place from the words, the after photo, what was done),
 * and the case waits on the shift leader as self-disposed.
 * Screens: test-artifacts/e2e/opinion-*.png. No page error; the pages ask no other host.
 */
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  waitClosed,
} from '../support/browser.ts';
import { rss2, SAMPLE_POSTS } from '../support/fixtures/opinion-feeds.ts';
import { photo } from '../support/png.ts';
import type { Running } from '../support/process.ts';

const SHOT = 'opinion-';
const RUBBISH = SAMPLE_POSTS.find((p) => p.title.startsWith('天一广场'))!;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-opinion-'));
let platform: Running | undefined;
let browser: Browser | undefined;
let feeds: Server | undefined;
let feedRequests = 0;
const contexts: BrowserContext[] = [];
const watches: PageWatch[] = [];

beforeAll(async () => {
  // The forum's feed: the sample posts (a manhole, rubbish at 天一广场, 老外滩's night view, stocks).
  feeds = createServer((req, res) => {
    feedRequests++;
    if (req.url === '/forum/rss.xml') {
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(rss2(SAMPLE_POSTS));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => feeds!.listen(0, '127.0.0.1', r));
  [platform, browser] = await startE2E(
    SHOT,
    {
      DATA_DIR: dataDir,
      DEMO_PASSWORD,
      DATABASE_URL: '',
      DEMO_COMPONENTS: '1000',
      DEMO_CASES: '0',
      OUTBOUND_ALLOW: '127.0.0.1/32',
    },
    300_000,
  );
}, 320_000);
afterAll(async () => {
  await stopE2E(platform, browser, [dataDir], contexts);
  await new Promise((r) => feeds?.close(r));
});

const staff = (username: string) =>
  staffApi(browser!, platform!.url, { username, password: DEMO_PASSWORD }, contexts);
const getJson = <T>(api: APIRequestContext, url: string) => apiJson<T>(api, platform!.url, url);
const desktop = (username: string) =>
  signInPage(
    browser!,
    platform!.url,
    { username, password: DEMO_PASSWORD, timezoneId: 'Asia/Shanghai' },
    contexts,
    watches,
  );

async function send<T>(
  api: APIRequestContext,
  method: 'post' | 'put',
  url: string,
  data: object,
  status: number,
) {
  const res = await api[method](`${platform!.url}${url}`, { data });
  expect(res.status(), `${url}: ${await res.text()}`).toBe(status);
  return (await res.json()) as T;
}

interface CaseView {
  code: string;
  state: string;
  channel: string;
}

describe('online opinion (网络舆情) and departments’ own checks (部门自查)', () => {
  it('a forum post is polled, shown in 海曙’s queue and turned into a report', async () => {
    const base = platform!.url;
    const admin = await staff('admin');
    // The operator's choice for a feed on plain HTTP (OUTBOUND_ALLOW lists its address).
    const allowHttp = await getJson<{ version: number }>(admin, '/api/settings/outbound.allowHttp');
    await send(
      admin,
      'put',
      '/api/settings/outbound.allowHttp',
      { value: true, version: allowHttp.version },
      200,
    );
    const feedUrl = `http://127.0.0.1:${(feeds!.address() as AddressInfo).port}/forum/rss.xml`;
    const feed = await send<{ id: string }>(
      admin,
      'post',
      '/api/opinion/feeds',
      { name: '宁波论坛 · 城市管理', url: feedUrl },
      201,
    );

    // --- the admin polls it now from the 舆情源 page -------------------------------------------
    const adminPage = await desktop('admin');
    await adminPage.goto(`${base}/opinion-feeds`);
    await adminPage.getByTestId('feeds-table').waitFor();
    // (The schedule may already have polled it once: a new feed is due at once.)
    const asked = feedRequests;
    const polled = adminPage.waitForResponse((r) => r.url().endsWith(`/api/opinion/feeds/${feed.id}/poll`));
    await adminPage.getByTestId(`feed-poll-${feed.id}`).click();
    expect((await polled).status()).toBe(200);
    expect(feedRequests).toBeGreaterThan(asked);
    await expect
      .poll(() => adminPage.getByTestId('feed-status').first().textContent(), { timeout: 30_000 })
      .toBe(zhCN.opinionFeeds.status.ok);
    await shot(adminPage, `${SHOT}01-feeds-polled`);

    // --- 海曙's acceptor: the post in the queue, with type, place and the source's link ------
    const page = await desktop('haishu.acceptor');
    await page.goto(`${base}/opinion`);
    const item = page.getByTestId('opinion-item').filter({ hasText: RUBBISH.title });
    await item.waitFor();
    // 江北's post (老外滩) is not in 海曙's queue.
    expect(await page.getByTestId('opinion-list').textContent()).not.toContain('老外滩');
    await item.click();
    const detail = page.getByTestId('opinion-detail');
    await expect.poll(() => detail.textContent()).toContain(RUBBISH.title);
    expect(await page.getByTestId('opinion-place').textContent()).toContain('天一广场');
    expect(await page.getByTestId('opinion-types').textContent()).toContain('06010');
    expect(await page.getByTestId('opinion-source').getAttribute('href')).toBe(RUBBISH.link);
    // The post's markup is text: its script never reached the page.
    expect(await page.getByTestId('opinion-text').textContent()).not.toContain('alert');
    // The post's place on the map, the base map drawn.
    await page.locator('[data-testid="opinion-map"][data-idle="true"]').waitFor();
    await shot(page, `${SHOT}02-queue`);

    // --- 转为上报: the type and place prefilled from the post, sent through intake -------------
    await page.getByTestId('opinion-report').click();
    const dialog = page.getByTestId('opinion-report-form');
    await dialog.waitFor();
    await expect.poll(() => dialog.getByTestId('opinion-report-type').textContent()).toContain('06010');
    await shot(page, `${SHOT}03-report-dialog`);
    const reported = page.waitForResponse(
      (r) => r.url().includes('/report') && r.request().method() === 'POST',
    );
    await page.getByTestId('opinion-report-submit').click();
    const answer = await reported;
    expect(answer.status(), await answer.text()).toBe(200);
    await waitClosed(page, dialog);
    const { caseId, caseCode } = (await answer.json()) as { caseId: string; caseCode: string };
    // Decided, it leaves the queue of new posts (the next one is chosen); it is under 已上报.
    await expect.poll(() => page.getByTestId('opinion-list').textContent()).not.toContain(RUBBISH.title);
    await page.getByTestId('opinion-state').getByText(zhCN.opinion.state.reported, { exact: true }).click();
    await item.click();
    await expect
      .poll(() => page.getByTestId('opinion-detail-state').textContent())
      .toBe(zhCN.opinion.state.reported);
    await expect.poll(() => page.getByTestId('opinion-decision').textContent()).toContain(caseCode);
    await shot(page, `${SHOT}04-reported`);

    const acceptor = await staff('haishu.acceptor');
    const made = (await getJson<{ case: CaseView }>(acceptor, `/api/cases/${caseId}`)).case;
    expect(made).toMatchObject({ code: caseCode, state: 'reported', channel: 'opinion' });
  }, 300_000);

  it('a unit reports a problem it has fixed itself; the case waits on the shift leader as self-disposed', async () => {
    const base = platform!.url;
    const page = await desktop('unit.haishu-sanitation');
    await page.goto(`${base}/department-checks`);
    await page.getByTestId('department-form').waitFor();
    await page.getByTestId('department-description').fill('自查发现：天一广场东门垃圾桶满溢，已清运');
    // The place the words name (the classifier reads the gazetteer) puts the point there.
    const mentioned = page.getByTestId('department-mentioned').getByText('天一广场', { exact: true });
    await mentioned.click();
    // A self-disposal names its type (the server checks routing gives it to this unit): the
    // classifier's first suggestion for the words, 垃圾满溢, 海曙's sanitation unit's by default.
    await page.getByTestId('department-suggestion').first().click();
    await page.getByTestId('department-disposed').click();
    await page.locator('#note').fill('已清运满溢垃圾并冲洗地面');
    const uploaded = page.waitForResponse((r) => r.url().endsWith('/api/photos') && r.status() === 201);
    await page
      .getByTestId('department-after-photos')
      .locator('input[type="file"]')
      .setInputFiles(photo('after.png', [40, 200, 90]));
    await uploaded;
    await page.getByTestId('department-after-photos').locator('.ant-upload-list-item-done').first().waitFor();
    await page.locator('[data-testid="intake-map"][data-idle="true"]').waitFor();
    await shot(page, `${SHOT}05-department-form`);

    const sent = page.waitForResponse(
      (r) => r.url().endsWith('/api/reports') && r.request().method() === 'POST',
    );
    await page.getByTestId('department-submit').click();
    const answer = await sent;
    expect(answer.status(), await answer.text()).toBe(201);
    await page.getByTestId('department-result').waitFor();
    expect(await page.getByTestId('department-result').textContent()).toContain(
      zhCN.departmentChecks.doneDisposed,
    );
    await expect.poll(() => page.getByTestId('department-mine').textContent()).toContain('天一广场东门');
    await shot(page, `${SHOT}06-department-disposed`);

    // The shift leader sees it self-disposed, on the channel department, waiting to be closed.
    const { case: made } = (await answer.json()) as { case: { id: string } | null };
    const leader = await staff('haishu.shift_leader');
    const waiting = await getJson<{ items: { id: string; state: string; channel: string }[] }>(
      leader,
      '/api/cases?state=self_disposed&channel=department&pageSize=50',
    );
    const mine = waiting.items.filter((c) => c.channel === 'department');
    expect(mine).toHaveLength(1);
    expect(mine[0].state).toBe('self_disposed');
    // A unit never sees a case that was not dispatched to it: its answer names no case.
    expect(made).toBeNull();
  }, 300_000);

  it('raised no page error and asked no other host', () => {
    const problems = watches.flatMap((w) => [...w.errors, ...w.foreignRequests]);
    expect(problems).toEqual([]);
  });
});
