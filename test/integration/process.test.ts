/**
 * The README's promise, checked on the real process: `npm start` serves the login page within
 * 90 s including the first-start seed, a demo login works, a user created before a restart is
 * still there after it, SIGTERM stops it cleanly and PGlite opens healthy again.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, type Running, startPlatform } from '../support/process.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-proc-'));
const env = { DATA_DIR: dataDir, DEMO_PASSWORD: 'proc-test-2026', DATABASE_URL: '' };
const running: Running[] = [];

afterAll(() => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function json(url: string, init: RequestInit = {}) {
  const res = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

describe('npm start on a fresh data directory', () => {
  it('starts, seeds, serves the login page and keeps data across a SIGTERM restart', async () => {
    const t0 = Date.now();
    const first = await startPlatform(env);
    running.push(first);
    expect(Date.now() - t0).toBeLessThan(90_000);
    expect(first.output()).toContain('seeded on this first start');
    expect(first.output()).toContain('proc-test-2026');
    // Where citizens and field staff go, beside the staff's web UI.
    expect(first.output()).toMatch(/Public portal: +http:\/\/127\.0\.0\.1:\d+\/public\//);
    expect(first.output()).toMatch(/Field app: +http:\/\/127\.0\.0\.1:\d+\/m\//);

    const page = await fetch(`${first.url}/login`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    expect(html).toContain('<div id="root">');
    // Hashed assets are cached for good; a missing one is a 404, never the app's HTML.
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${first.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${first.url}/sw.js`)).headers.get('cache-control')).toBe('no-cache');
    const gone = await fetch(`${first.url}/assets/index-0ld0ld.js`);
    expect(gone.status).toBe(404);
    expect((await gone.json()).error.code).toBe('ROUTE_NOT_FOUND');

    const login = await json(`${first.url}/api/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'admin', password: 'proc-test-2026' }),
    });
    expect(login.status).toBe(200);
    const auth = { authorization: `Bearer ${login.body.token}` };
    const created = await json(`${first.url}/api/users`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        username: 'restart.keeper',
        displayName: '重启保留',
        orgId: login.body.user.org.id,
        roles: ['leader'],
        password: 'keeper-pass-1',
      }),
    });
    expect(created.status).toBe(201);

    // A second process on the same data directory would corrupt PGlite: it must refuse.
    await expect(startPlatform(env, 30_000)).rejects.toThrow(/in use by process/);
    // So must the import tool on that directory, before it opens the database.
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/import.ts', '--kind', 'grids', '--file', 'package.json'],
      { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 },
    );
    expect(cli.status, cli.stderr).toBe(3);
    expect(cli.stderr).toMatch(/DATA_DIR .* is in use by process \d+/);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('stopped cleanly');

    const second = await startPlatform(env);
    running.push(second);
    expect(second.output()).toContain('already present');
    const ready = await json(`${second.url}/readyz`);
    expect(ready).toEqual({ status: 200, body: { status: 'ready', driver: 'pglite' } });
    const again = await json(`${second.url}/api/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'restart.keeper', password: 'keeper-pass-1' }),
    });
    expect(again.status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
