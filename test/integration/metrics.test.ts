/**
 * /metrics answers Prometheus on an allowed address (METRICS_ALLOW, default loopback) or a
 * caller holding `metrics:read`; everyone else gets what an unknown URL gets (404
 * ROUTE_NOT_FOUND). Forwarding headers cannot widen the list, even with TRUST_PROXY on.
 * /healthz and /readyz stay public. A bad METRICS_ALLOW stops the process at start.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_METRICS_ALLOW, loadConfig } from '../../server/platform/config.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { errorShapeProblem } from '../support/error-body.ts';
import { ROOT } from '../support/process.ts';

let t: TestApp;
let admin: string;
const OUTSIDE = '203.0.113.7';

beforeAll(async () => {
  // TRUST_PROXY on is the worst case: Fastify then takes request.ip from X-Forwarded-For.
  t = await createTestApp({
    trustProxy: true,
    metricsAllow: [...DEFAULT_METRICS_ALLOW.split(','), '10.20.0.0/16', 'fd00:abcd::/32'],
  });
  admin = await t.login('admin');
});
afterAll(() => t?.close());

const scrape = (remoteAddress: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url: '/metrics', remoteAddress, headers });

function expectHidden(res: Awaited<ReturnType<typeof scrape>>) {
  expect(res.statusCode, res.body).toBe(404);
  expect(errorShapeProblem(res)).toBeNull();
  expect(res.json().error.code).toBe('ROUTE_NOT_FOUND');
  expect(res.body).not.toContain('cityops_');
}

async function apiKey(permissions: string[]) {
  const me = (await t.as(admin).get('/api/me')).json();
  const res = await t.as(admin).post('/api/api-keys', {
    name: `prometheus ${permissions.join(' ')}`,
    orgId: me.org.id,
    permissions,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().secret as string;
}

describe('who may scrape /metrics', () => {
  it('an allowed address (loopback v4/v6, a configured v4 and v6 block) gets the Prometheus text', async () => {
    for (const address of [
      '127.0.0.1',
      '127.0.0.53',
      '::1',
      '::ffff:127.0.0.1',
      '10.20.3.4',
      'fd00:abcd::9',
    ]) {
      const res = await scrape(address);
      expect(res.statusCode, `${address}: ${res.body}`).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.body).toContain('cityops_http_requests_total');
    }
  });

  it('an address outside the list gets the 404 of an unknown URL, credential or not', async () => {
    for (const address of [OUTSIDE, '10.21.0.1', '2001:db8::1', 'fd00:abce::1'])
      expectHidden(await scrape(address));
    // Word for word what an unknown URL answers.
    const en = { 'accept-language': 'en' };
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/metricz',
      remoteAddress: OUTSIDE,
      headers: en,
    });
    expect((await scrape(OUTSIDE, en)).json()).toEqual({
      error: { ...unknown.json().error, details: [{ message: 'GET /metrics' }] },
    });
    // A bad, unknown or under-privileged credential is refused the same way (nothing revealed).
    expectHidden(await scrape(OUTSIDE, { authorization: 'Basic abc' }));
    expectHidden(await scrape(OUTSIDE, { authorization: 'Bearer no-such-token-aaaaaaaaaaaaaaaaaaaaaaa' }));
    expectHidden(await scrape(OUTSIDE, { authorization: `Bearer ${await t.login('city.supervisor')}` }));
    expectHidden(await scrape(OUTSIDE, { authorization: `Bearer ${await apiKey(['org:read'])}` }));
  });

  it('forwarding headers cannot spoof an allowed address, even with TRUST_PROXY on', async () => {
    // An outsider claiming loopback in every header a proxy might set.
    const spoofs: Record<string, string>[] = [
      { 'x-forwarded-for': '127.0.0.1' },
      { 'x-forwarded-for': '127.0.0.1, ::1' },
      { 'x-real-ip': '127.0.0.1' },
      { forwarded: 'for=127.0.0.1;proto=https' },
    ];
    for (const headers of spoofs) expectHidden(await scrape(OUTSIDE, headers));
    // A local reverse proxy (peer 127.0.0.1) that appended the outsider's real address: the
    // claimed loopback in front does not help, the appended address is checked too.
    expectHidden(await scrape('127.0.0.1', { 'x-forwarded-for': `127.0.0.1, ${OUTSIDE}` }));
    expectHidden(await scrape('127.0.0.1', { 'x-real-ip': OUTSIDE }));
    expectHidden(await scrape('127.0.0.1', { forwarded: `for=127.0.0.1, for="[2001:db8::1]:4711"` }));
    expectHidden(await scrape('127.0.0.1', { 'x-forwarded-for': 'unknown' }));
    // Prometheus inside an allowed block behind the same proxy still gets in.
    const viaProxy = await scrape('127.0.0.1', {
      'x-forwarded-for': '10.20.0.8',
      forwarded: 'for=10.20.0.8',
    });
    expect(viaProxy.statusCode, viaProxy.body).toBe(200);
  });

  it('an API key or a session holding metrics:read gets the text from any address', async () => {
    const key = await apiKey(['metrics:read']);
    const res = await scrape(OUTSIDE, { authorization: `Bearer ${key}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain('cityops_http_request_duration_seconds');
    // The admin role holds it; the session cookie works as well as the bearer token.
    const me = (await t.as(admin).get('/api/me')).json();
    expect(me.permissions).toContain('metrics:read');
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'test-pass-2026' },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    expect((await scrape(OUTSIDE, { cookie })).statusCode).toBe(200);
  });

  it('/healthz and /readyz stay public from anywhere', async () => {
    for (const url of ['/healthz', '/readyz']) {
      const res = await t.app.inject({ method: 'GET', url, remoteAddress: OUTSIDE });
      expect(res.statusCode, res.body).toBe(200);
    }
  });

  it('"none" leaves only credentials; no entries at all is refused', () => {
    expect(loadConfig({ METRICS_ALLOW: 'none' }).metricsAllow).toEqual([]);
    expect(loadConfig({}).metricsAllow).toEqual(['127.0.0.1/8', '::1']);
    expect(() => loadConfig({ METRICS_ALLOW: ' , ' })).toThrow(/METRICS_ALLOW: no entries/);
  });
});

describe('a bad METRICS_ALLOW stops the start', () => {
  it('names the variable and the bad entry', () => {
    for (const bad of ['10.0.0.0/33', 'localhost', '10.0.0.1/8/2', 'fe80::1%eth0', '::1/129', '10.0.0.0/x']) {
      expect(() => loadConfig({ METRICS_ALLOW: `127.0.0.1,${bad}` }), bad).toThrow(
        new RegExp(
          `^METRICS_ALLOW: "${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" is not an IP address or CIDR`,
        ),
      );
    }
  });

  it('the real process exits 1 before opening the database, with the message', async () => {
    const dataDir = path.join(os.tmpdir(), `cityops-never-created-${Date.now()}`);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
      cwd: ROOT,
      env: { ...process.env, METRICS_ALLOW: '127.0.0.1,10.0.0.0/33', DATA_DIR: dataDir, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      out += String(d);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, out).toBe(1);
    expect(out).toContain('CityOps failed to start: Error: METRICS_ALLOW: "10.0.0.0/33"');
    expect(out).not.toContain('is running');
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
