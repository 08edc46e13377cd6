/**
 * Which address the platform believes a client has (the login rate limit and the audit trail's
 * source address use it) under each TRUST_PROXY form. The reverse proxy appends the address it
 * saw to X-Forwarded-For; anything to the left of that was written by the client itself.
 */
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../server/platform/config.ts';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../support/app.ts';

const PROXY = '10.9.0.2';
const CLIENT = '198.51.100.23'; // what the proxy saw and appended
const FORGED = '127.0.0.1'; // what the client wrote itself

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function sourceOfLogin(trustProxy: Config['trustProxy']): Promise<string | null> {
  t = await createTestApp({ trustProxy });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: PROXY,
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `${FORGED}, ${CLIENT}` },
    payload: { username: 'admin', password: DEMO_PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(200);
  const [row] = await t.database.query<{ source_ip: string | null }>(
    sql`SELECT source_ip FROM event WHERE action = 'auth.login' ORDER BY id DESC LIMIT 1`,
  );
  return row.source_ip;
}

describe('TRUST_PROXY decides the client address', () => {
  it('off: the socket peer (the proxy), headers ignored', async () => {
    expect(await sourceOfLogin(false)).toBe(PROXY);
  });
  it("the proxy's address: the address the proxy appended, not what the client forged — and only when the peer is that proxy", async () => {
    expect(await sourceOfLogin([PROXY])).toBe(CLIENT);
    await t?.close();
    expect(await sourceOfLogin(['10.9.0.99'])).toBe(PROXY);
  });
  it('true (every hop) believes the forged address — why it is not the recommended form', async () => {
    expect(await sourceOfLogin(true)).toBe(FORGED);
  });
});
