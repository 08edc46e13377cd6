/**
 * Open311 in the browser, against the real platform (`npm start`, PGlite, no demo cases): a
 * citizens' app posts a request with a picture link through GeoReport v2; the centre files it and
 * dispatches it to 海曙区环境卫生管理处, which the city admin has set — on the endpoints page — to
 * be reached as a department running an Open311 server (here the platform's own `/open311/v2`,
 * allowed by OUTBOUND_ALLOW=127.0.0.1/32, with a service-code table sending 06010 (暴露垃圾) as 06011 (积存垃圾渣土) so the
 * forwarded request is a case of its own there). The case page shows the reporter's link, the
 * forwarding, and the department's status as it changes. Screens under test-artifacts/e2e/open311-*.
 * No page may log a console error or make a request to another host.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, type PageWatch, shot, signInPage, startE2E, stopE2E } from '../support/browser.ts';
import type { Running } from '../support/process.ts';

const SHOT = 'open311-';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-open311-'));
let platform: Running | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const watches: PageWatch[] = [];

beforeAll(async () => {
  [platform, browser] = await startE2E(
    SHOT,
    {
      DATA_DIR: dataDir,
      DEMO_PASSWORD,
      DATABASE_URL: '',
      DEMO_COMPONENTS: '2000',
      DEMO_CASES: '0',
      OUTBOUND_ALLOW: '127.0.0.1/32',
      OPEN311_POLL_SECONDS: '2',
    },
    200_000,
  );
});

afterAll(async () => {
  await stopE2E(platform, browser, [dataDir], contexts);
});

/** A call from inside the page (same origin); `token` as a bearer when given. Throws on non-2xx. */
async function call<T>(
  page: Page,
  method: string,
  url: string,
  body?: unknown,
  opts: { token?: string; form?: boolean; anonymous?: boolean } = {},
): Promise<T> {
  const res = await page.evaluate(
    async ({ method, url, body, token, form, anonymous }) => {
      const r = await fetch(url, {
        method,
        // With a token or anonymous, the page's own session neither goes nor changes.
        credentials: token || anonymous ? 'omit' : 'include',
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(body === undefined
            ? {}
            : { 'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json' }),
        },
        body:
          body === undefined
            ? undefined
            : form
              ? new URLSearchParams(body as Record<string, string>).toString()
              : JSON.stringify(body),
      });
      return { status: r.status, text: await r.text() };
    },
    { method, url, body, token: opts.token, form: opts.form, anonymous: opts.anonymous },
  );
  if (res.status < 200 || res.status > 299)
    throw new Error(`${method} ${url} answered ${res.status}: ${res.text}`);
  return (res.text ? JSON.parse(res.text) : undefined) as T;
}

async function tokenOf(page: Page, username: string): Promise<string> {
  return (
    await call<{ token: string }>(
      page,
      'POST',
      '/api/auth/login',
      { username, password: DEMO_PASSWORD },
      // The page's own session stays the admin's: this login's cookie is not taken.
      { anonymous: true },
    )
  ).token;
}

async function actAs(page: Page, username: string, caseId: string, action: string, fields: object) {
  const token = await tokenOf(page, username);
  const c = await call<{ case: { version: number } }>(page, 'GET', `/api/cases/${caseId}`, undefined, {
    token,
  });
  return call(
    page,
    'POST',
    `/api/cases/${caseId}/actions/${action}`,
    { version: c.case.version, ...fields },
    { token },
  );
}

/** A small photo uploaded as `username` (through the page's request context, with their token); its id. */
async function photoAs(page: Page, username: string): Promise<string> {
  const token = await tokenOf(page, username);
  const buffer = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#6b8e23' } })
    .png()
    .toBuffer();
  const res = await page.request.post(`${platform!.url}/api/photos`, {
    headers: { Authorization: `Bearer ${token}` },
    multipart: { file: { name: 'seen.png', mimeType: 'image/png', buffer } },
  });
  if (res.status() !== 201) throw new Error(`photo upload answered ${res.status()}: ${await res.text()}`);
  return (await res.json()).id as string;
}

/** Waits (up to a deadline) for the case page's timeline to hold an entry with this text. */
async function timelineShows(page: Page, text: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    await page.reload();
    const timeline = page.getByTestId('case-timeline');
    await timeline.waitFor();
    if (((await timeline.textContent()) ?? '').includes(text)) return;
    await page.waitForTimeout(1_000);
  }
  throw new Error(`the timeline never showed "${text}"`);
}

describe('Open311 in the browser', () => {
  it('forwards a citizen app’s request to a department’s Open311 server and shows what it says', async () => {
    const origin = platform!.url;
    const admin = await signInPage(
      browser!,
      origin,
      { username: 'admin', password: DEMO_PASSWORD, timezoneId: 'Asia/Shanghai' },
      contexts,
      watches,
    );
    // The operator lets outbound calls use http:// (the department is on this machine's loopback).
    const allowHttp = await call<{ version: number }>(admin, 'GET', '/api/settings/outbound.allowHttp');
    await call(admin, 'PUT', '/api/settings/outbound.allowHttp', { value: true, version: allowHttp.version });
    // The keys: one the citizens' app posts with, one the "department" issued to the city.
    const me = await call<{ org: { id: string } }>(admin, 'GET', '/api/me');
    const appKey = await call<{ secret: string }>(admin, 'POST', '/api/api-keys', {
      name: '宁波城管随手拍 App',
      orgId: me.org.id,
      permissions: ['case:report'],
    });
    const deptKey = await call<{ secret: string }>(admin, 'POST', '/api/api-keys', {
      name: '环卫部门 Open311 转办',
      orgId: me.org.id,
      permissions: ['case:report'],
    });

    // The admin sets the unit's endpoint to Open311 on the endpoints page.
    await admin.goto(`${origin}/endpoints`);
    const units = await call<{ items: { orgId: string; orgName: string }[] }>(
      admin,
      'GET',
      `/api/endpoints?q=${encodeURIComponent('海曙区环境卫生管理处')}`,
    );
    const unit = units.items[0];
    await admin.getByTestId(`endpoint-edit-${unit.orgId}`).click();
    const dialog = admin.getByTestId('endpoint-dialog');
    await dialog.getByText('Open311 GeoReport v2').click();
    await admin.getByTestId('endpoint-field-url').fill(`${origin}/open311/v2`);
    await admin.getByTestId('endpoint-field-api-key').fill(deptKey.secret);
    await admin.getByTestId('endpoint-field-codes').fill('06010=06011');
    await shot(admin, `${SHOT}endpoint-dialog`);
    await admin.getByTestId('endpoint-dialog-submit').click();
    // Saved: a secret dialog may follow the first set (the unit's signing secret); close it.
    const done = admin.getByRole('button', { name: '我已保存' });
    await done.waitFor({ timeout: 20_000 });
    await done.click();
    await expect
      .poll(() => admin.getByTestId(`endpoint-sender-${unit.orgId}`).textContent())
      .toBe('Open311 GeoReport v2');
    await shot(admin, `${SHOT}endpoints`);

    // A citizen's app posts a request through Open311 (at a core grid of 海曙), with a picture link.
    const grid = await call<{ items: { centroid: { lng: number; lat: number } }[] }>(
      admin,
      'GET',
      '/api/geo/grids?districtCode=330203&areaClass=A&pageSize=1&page=7',
    );
    const p = grid.items[0].centroid;
    const created = await call<{ service_request_id: string }[]>(
      admin,
      'POST',
      '/open311/v2/requests.json',
      {
        api_key: appKey.secret,
        service_code: '06010',
        lat: String(p.lat),
        long: String(p.lng),
        description: '路边垃圾堆了好几天，味道很大',
        media_url: 'https://img.example.cn/reports/laji.jpg',
      },
      { form: true, anonymous: true },
    );
    const reportId = created[0].service_request_id;
    const cases = await call<{ items: { id: string; description: string }[] }>(
      admin,
      'GET',
      `/api/cases?view=all&q=${encodeURIComponent('路边垃圾堆了好几天')}`,
    );
    const caseId = cases.items[0].id;
    const std = await call<{ filingConditions: { id: string }[] }>(
      admin,
      'GET',
      '/api/catalog/standards/06010',
    );
    // A request from a citizen's app (channel app) is verified on site before filing.
    await actAs(admin, 'haishu.acceptor', caseId, 'request_verify', {});
    await actAs(admin, 'haishu.inspector', caseId, 'verify_confirm', {
      photos: [await photoAs(admin, 'haishu.inspector')],
    });
    await actAs(admin, 'haishu.shift_leader', caseId, 'file', {
      matterType: '06010',
      filingConditionId: std.filingConditions[0].id,
    });
    await actAs(admin, 'haishu.dispatcher', caseId, 'dispatch', { unitId: unit.orgId });

    // The outbox forwards it; the poller reads the department's status back onto the timeline.
    await admin.goto(`${origin}/cases/${caseId}`);
    await timelineShows(admin, '转办至部门系统（Open311）');
    await timelineShows(admin, '待受理');
    const link = admin.getByTestId('report-media-url');
    await expect.poll(() => link.getAttribute('href')).toBe('https://img.example.cn/reports/laji.jpg');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    await shot(admin, `${SHOT}case-forwarded`);

    // The department declines its request: the case's timeline says so.
    const forwarded = await call<{ service_request_id: string; service_code: string }[]>(
      admin,
      'GET',
      '/open311/v2/requests.json?service_code=06011',
    );
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0].service_request_id).not.toBe(reportId);
    const theirs = await call<{ items: { id: string }[] }>(
      admin,
      'GET',
      '/api/cases?view=all&matterCode=06011',
    );
    await actAs(admin, 'haishu.acceptor', theirs.items[0].id, 'reject', { reason: '已由市容环卫处理' });
    await timelineShows(admin, '不予受理');
    await admin.getByTestId('case-timeline').scrollIntoViewIfNeeded();
    await shot(admin, `${SHOT}case-department-closed`);

    for (const w of watches) {
      expect(w.errors).toEqual([]);
      expect(w.foreignRequests).toEqual([]);
    }
  }, 300_000);
});
