/**
 * An application on a fresh test database with the demo organisations and accounts seeded, and
 * small helpers to call it as a given user. Requests go through Fastify's inject (no socket).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { type Config, loadConfig } from '../../server/platform/config.ts';
import { loggerOptions } from '../../server/platform/logging.ts';
import type { OutboundClient } from '../../server/platform/outbound.ts';
import type { App } from '../../server/platform/types.ts';
import { seedDemo } from '../../server/seed/index.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export const DEMO_PASSWORD = 'test-pass-2026';

// Test databases get the whole demo city but a small component inventory and no demo cases, so
// every test file seeds in seconds; a test that needs more sets these before createTestApp.
process.env.DEMO_COMPONENTS ??= '1000';
process.env.DEMO_CASES ??= '0';

export interface TestApp {
  app: App;
  database: TestDatabase;
  config: Config;
  /** Every log line the app wrote, for tests that check what is (not) logged. */
  logLines: string[];
  login(username: string, password?: string): Promise<string>;
  as(token: string | null): Caller;
  close(): Promise<void>;
}

export interface Caller {
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  delete(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export async function createTestApp(
  overrides: Partial<Config> = {},
  /** Parts built outside the config: an outbound client with the test's own DNS answers. */
  parts: { outbound?: OutboundClient } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config: Config = {
    ...loadConfig({}),
    demoPassword: DEMO_PASSWORD,
    // Photos and other files of this test app go to a directory of its own.
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-test-')),
    loginRateLimitPerMinute: 10_000,
    // Tests call Open311 from one address far more often than a client would; the throttle test sets its own.
    open311RateLimitPerMinute: 10_000,
    // The public portal's throttles have tests of their own (portal.test.ts); others call it freely.
    portalReportsPerHour: 10_000,
    portalRequestsPerMinute: 100_000,
    portalReportsPerPhonePerDay: 10_000,
    logLevel: 'info',
    ...overrides,
  };
  await seedDemo(database, config);
  const logLines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const app = await buildApp({
    config,
    database,
    // The app's own logger options (its redaction included), written to lines the tests read.
    logger: { ...loggerOptions('info'), stream },
    serveWeb: false,
    outbound: parts.outbound,
  });
  await app.ready();
  const tokens = new Map<string, string>();

  const as = (token: string | null): Caller => {
    const auth = (h?: Record<string, string>) => ({
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...h,
    });
    const send = (
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      url: string,
      body?: unknown,
      headers?: Record<string, string>,
    ) =>
      app.inject({
        method,
        url,
        headers: auth(headers),
        ...(body === undefined ? {} : { payload: body as object }),
      });
    return {
      get: (url, h) => send('GET', url, undefined, h),
      post: (url, b, h) => send('POST', url, b, h),
      put: (url, b, h) => send('PUT', url, b, h),
      patch: (url, b, h) => send('PATCH', url, b, h),
      delete: (url, h) => send('DELETE', url, undefined, h),
    };
  };

  return {
    app,
    database,
    config,
    logLines,
    as,
    async login(username, password = DEMO_PASSWORD) {
      const cached = tokens.get(`${username}:${password}`);
      if (cached) return cached;
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password },
      });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      const token = res.json().token as string;
      tokens.set(`${username}:${password}`, token);
      return token;
    },
    async close() {
      await app.close();
      await database.dispose();
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
