/**
 * Issue 2 end to end, in Debian's Chromium against the real platform (`npm start` on a fresh data
 * directory): the login page in Chinese, a wrong password shows the server's error, the admin logs
 * in and sees the menu /api/me grants, switches to English (kept across a reload), creates a
 * dispatcher for 海曙区智慧城管中心, logs out, and that dispatcher logs in and sees exactly their own
 * menu and organisation. Every step leaves a screenshot in test-artifacts/e2e/. The page must make
 * no request to another host and log no console or page error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import enUS from '../../web/src/locales/en-US.json';
import zhCN from '../../web/src/locales/zh-CN.json';
import {
  chooseOption,
  DEMO_PASSWORD,
  type PageWatch,
  shot,
  startE2E,
  stopE2E,
  submitForm,
  waitClosed,
  watchPage,
} from '../support/browser.ts';
import { ROOT, type Running } from '../support/process.ts';

const DISPATCHER = {
  username: 'e2e.dispatcher',
  displayName: '端到端派遣员',
  org: '海曙区智慧城管中心',
  password: 'dispatch-e2e-2026',
};

/** Screenshots of this file: test-artifacts/e2e/foundation-*.png. */
const SHOT = 'foundation-';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-e2e-'));
let platform: Running | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  [platform, browser] = await startE2E(
    SHOT,
    { DATA_DIR: dataDir, DEMO_PASSWORD, DATABASE_URL: '', DEMO_COMPONENTS: '1000', DEMO_CASES: '0' },
    200_000,
  );
});

afterAll(async () => {
  await stopE2E(platform, browser, [dataDir]);
});

/**
 * The menu keys this web client has a page for, read from web/src/menu.tsx: the server may send
 * keys of pages still being built (the client drops those), so the visible menu is /api/me's menu
 * restricted to these, in the server's order.
 */
function clientMenuKeys(): Set<string> {
  const src = fs.readFileSync(path.join(ROOT, 'web/src/menu.tsx'), 'utf8');
  const body = src.slice(src.indexOf('MENU_ITEMS'));
  const keys = new Set([...body.matchAll(/\bkey:\s*'([A-Za-z]+)'/g)].map((m) => m[1]));
  if (keys.size === 0) throw new Error('no menu keys found in web/src/menu.tsx');
  return keys;
}

interface MeBody {
  user: { username: string; displayName: string; locale: string; roles: string[] };
  org: { id: string; name: string };
  menu: string[];
}

/** GET /api/me from inside the page, with the page's own session. */
async function meInPage(page: Page): Promise<MeBody> {
  return page.evaluate(async () => {
    const res = await fetch('/api/me', { credentials: 'include', headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`/api/me answered ${res.status}`);
    return res.json();
  });
}

async function visibleMenuKeys(page: Page): Promise<string[]> {
  const ids = await page
    .locator('[data-testid^="menu-"]:visible')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
  return ids.map((id) => id.slice('menu-'.length));
}

/** The visible menu must be exactly what /api/me grants (that the client has pages for). */
async function expectMenuMatchesMe(page: Page): Promise<{ me: MeBody; shown: string[] }> {
  const me = await meInPage(page);
  const known = clientMenuKeys();
  await page.getByTestId('menu-dashboard').waitFor();
  const shown = await visibleMenuKeys(page);
  expect(shown).toEqual(me.menu.filter((k) => known.has(k)));
  return { me, shown };
}

async function login(page: Page, username: string, password: string) {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  return submitForm(page, page.getByTestId('login-form'), page.getByTestId('login-submit'), (r) =>
    r.url().endsWith('/api/auth/login'),
  );
}

/** Errors the browser logs by itself for answers the test provokes on purpose (not app errors). */
function unexpected(watch: PageWatch): string[] {
  return watch.errors.filter(
    (e) =>
      !/Failed to load resource: the server responded with a status of 401/.test(e) ||
      !/\/api\/(auth\/login|me)\b/.test(e),
  );
}

describe('issue 2 in the browser', () => {
  it('login, language switch, an admin creates a district dispatcher who then sees their own menu', async () => {
    if (!platform || !browser) throw new Error('platform or browser did not start');
    const base = platform.url;
    const context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const watch = watchPage(page, base);

    try {
      // 1. The login page, in Chinese by default.
      await page.goto(`${base}/login`);
      await page.getByTestId('page-login').waitFor();
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
      expect(await page.getByTestId('login-product-name').textContent()).toBe(zhCN.app.name);
      await expect.poll(() => page.title()).toBe(zhCN.app.title);
      await expect.poll(() => page.getByTestId('login-submit').textContent()).toMatch(/[\u4e00-\u9fff]/);
      await shot(page, `${SHOT}01-login-zh`);

      // 2. A wrong password shows the error the server sent.
      const wrong = await login(page, 'admin', 'not-the-password-1');
      expect(wrong.status()).toBe(401);
      const serverMessage = ((await wrong.json()) as { error: { message: string } }).error.message;
      expect(serverMessage).toBeTruthy();
      const error = page.getByTestId('login-error');
      await error.waitFor();
      expect(await error.textContent()).toContain(serverMessage);
      expect(page.url()).toBe(`${base}/login`);
      await shot(page, `${SHOT}02-login-wrong-password`);

      // 3. The admin logs in and lands on the dashboard.
      const ok = await login(page, 'admin', DEMO_PASSWORD);
      expect(ok.status()).toBe(200);
      await page.waitForURL(`${base}/dashboard`);
      await page.getByTestId('page-dashboard').waitFor();

      // 4. The menu shows the admin's entries, exactly those /api/me grants.
      const admin = await expectMenuMatchesMe(page);
      expect(admin.me.user.username).toBe('admin');
      expect(admin.shown).toEqual(expect.arrayContaining(['dashboard', 'users', 'orgs', 'apiKeys', 'audit']));
      expect(await page.getByTestId('menu-users').textContent()).toBe(zhCN.menu.users);
      await shot(page, `${SHOT}03-admin-dashboard-zh`);

      // 5. Switch to English: visible text changes and the choice is saved for the user.
      const saved = page.waitForResponse(
        (r) => r.url().endsWith('/api/me/preferences') && r.request().method() === 'PUT',
      );
      // The switch is a select: the choice is checked on screen, and tried again if it was lost.
      await chooseOption(page, page.getByTestId('language-switch'), 'English');
      expect((await saved).status()).toBe(200);
      await expect.poll(() => page.getByTestId('menu-users').textContent()).toBe(enUS.menu.users);
      expect(await page.getByTestId('menu-dashboard').textContent()).toBe(enUS.menu.dashboard);
      expect(await page.getByTestId('page-title').textContent()).toBe(enUS.menu.dashboard);
      expect(await page.getAttribute('html', 'lang')).toBe('en-US');
      await shot(page, `${SHOT}04-admin-dashboard-en`);

      // ... and it survives a reload.
      await page.reload();
      await page.getByTestId('page-dashboard').waitFor();
      await expect.poll(() => page.getByTestId('menu-users').textContent()).toBe(enUS.menu.users);
      expect(await page.getAttribute('html', 'lang')).toBe('en-US');
      expect((await meInPage(page)).user.locale).toBe('en-US');
      await shot(page, `${SHOT}05-admin-en-after-reload`);

      // 6. Users: create a dispatcher for 海曙区智慧城管中心.
      await page.getByTestId('menu-users').click();
      await page.waitForURL(`${base}/users`);
      await page.getByTestId('page-users').waitFor();
      await page.getByTestId('user-create').click();
      const dialog = page.getByTestId('user-dialog');
      await dialog.waitFor();
      await page.getByTestId('user-field-username').fill(DISPATCHER.username);
      await page.getByTestId('user-field-displayName').fill(DISPATCHER.displayName);
      // Each choice is checked on screen (and tried again if a busy machine lost it): a choice that
      // did not take leaves a required field empty, and the form then refuses to send.
      await chooseOption(page, page.getByTestId('user-field-org'), DISPATCHER.org, {
        search: DISPATCHER.org,
      });
      // (a multiple select: chooseOption closes its dropdown itself, with Escape on the select)
      await chooseOption(page, page.getByTestId('user-field-roles'), enUS.role.dispatcher);
      await page.getByTestId('user-field-password').fill(DISPATCHER.password);
      await page.getByTestId('user-field-confirm').fill(DISPATCHER.password);
      await expect.poll(() => dialog.isVisible()).toBe(true);
      await shot(page, `${SHOT}06-users-create-dispatcher`);
      // A field error (the form's own validation refusing) fails here with its text.
      const createdRes = await submitForm(
        page,
        dialog,
        page.getByTestId('user-dialog-submit'),
        (r) => new URL(r.url()).pathname === '/api/users' && r.request().method() === 'POST',
      );
      expect(createdRes.status(), await createdRes.text()).toBe(201);
      await waitClosed(page, dialog, 15_000);

      // 7. The new user appears in the table (searched, as the list is paged by username).
      await page.getByTestId('users-filter-q').fill(DISPATCHER.username);
      await page.getByTestId('users-search').click();
      const row = page
        .getByTestId('users-table')
        .locator('tr.ant-table-row', { hasText: DISPATCHER.username });
      await row.waitFor();
      const rowText = await row.textContent();
      expect(rowText).toContain(DISPATCHER.displayName);
      expect(rowText).toContain(DISPATCHER.org);
      expect(rowText).toContain(enUS.role.dispatcher);
      await shot(page, `${SHOT}07-users-dispatcher-created`);

      // 8. Log out.
      await page.getByTestId('header-user').click();
      await page.getByTestId('action-logout').click();
      await page.waitForURL(`${base}/login`);
      await page.getByTestId('page-login').waitFor();
      await shot(page, `${SHOT}08-logged-out`);

      // 9. The dispatcher logs in and sees exactly their own menu and organisation.
      const dispatcherLogin = await login(page, DISPATCHER.username, DISPATCHER.password);
      expect(dispatcherLogin.status()).toBe(200);
      await page.waitForURL(`${base}/dashboard`);
      await page.getByTestId('page-dashboard').waitFor();
      const dispatcher = await expectMenuMatchesMe(page);
      expect(dispatcher.me.user.username).toBe(DISPATCHER.username);
      expect(dispatcher.me.user.roles).toEqual(['dispatcher']);
      expect(dispatcher.me.org.name).toBe(DISPATCHER.org);
      expect(dispatcher.me.menu).not.toContain('users');
      expect(dispatcher.me.menu).not.toContain('audit');
      expect(dispatcher.shown).toContain('dashboard');
      expect(await page.getByTestId('menu-users').count()).toBe(0);
      expect(await page.getByTestId('menu-audit').count()).toBe(0);
      expect(await page.getByTestId('menu-apiKeys').count()).toBe(0);
      expect(await page.getByTestId('dashboard-org').textContent()).toContain(DISPATCHER.org);
      expect(await page.getByTestId('header-org').textContent()).toBe(DISPATCHER.org);
      // The UI follows the language saved for this user, not the admin's choice.
      await expect.poll(() => page.getAttribute('html', 'lang')).toBe(dispatcher.me.user.locale);
      const labels = dispatcher.me.user.locale === 'en-US' ? enUS : zhCN;
      await expect.poll(() => page.getByTestId('dashboard-roles').textContent()).toBe(labels.role.dispatcher);
      expect(await page.getByTestId('dashboard-welcome').textContent()).toContain(DISPATCHER.displayName);
      await shot(page, `${SHOT}09-dispatcher-dashboard`);

      // A page outside the dispatcher's menu is refused, not shown.
      await page.goto(`${base}/users`);
      await page.getByTestId('page-forbidden').waitFor();
      expect(await page.getByTestId('page-users').count()).toBe(0);
      await shot(page, `${SHOT}10-dispatcher-users-forbidden`);
    } catch (err) {
      await shot(page, `${SHOT}failure`).catch(() => undefined);
      const seen = [...watch.errors, ...watch.foreignRequests.map((r) => `foreign request: ${r}`)];
      if (err instanceof Error)
        err.message += `\nBrowser errors and foreign requests:\n${seen.join('\n') || '(none)'}`;
      throw err;
    } finally {
      await context.close();
    }

    expect(watch.foreignRequests).toEqual([]);
    expect(watch.requests.length).toBeGreaterThan(0);
    expect(unexpected(watch)).toEqual([]);
  });
});
