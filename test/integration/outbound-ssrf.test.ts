/**
 * Issue 7, finding 2 — SSRF with the response reflected: a unit admin pointed its delivery
 * endpoint at http://127.0.0.1:<port>/ (also 169.254.169.254, [::1], localhost, 0x7f000001), the
 * server POSTed there on dispatch and GET …/deliveries showed the internal answer; replay repeated
 * it at will.
 *
 * Here the platform runs as shipped: no OUTBOUND_ALLOW, so only public addresses are reached. An
 * "internal service" listens on 127.0.0.1 and answers a secret; it must never be called. Host
 * names resolve through this file's DNS (`dnsAnswers`), which the tests change between saving an
 * endpoint and sending to it, as a rebinding attacker's DNS would.
 */
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWorker } from '../../server/modules/outbox/worker.ts';
import { allowList } from '../../server/platform/allow-list.ts';
import { loadConfig } from '../../server/platform/config.ts';
import { OutboundClient, type ResolvedAddress } from '../../server/platform/outbound.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { dispatchCase } from '../support/cases.ts';

const PUBLIC = '93.184.215.14';
const SECRET = 'INTERNAL-ONLY-7f3a';

/** The network's DNS as the tests script it; a name not listed does not resolve. */
const dnsAnswers = new Map<string, string[]>();
const resolve = async (host: string): Promise<ResolvedAddress[]> => {
  const answers = dnsAnswers.get(host);
  if (!answers) throw Object.assign(new Error(`${host} does not resolve`), { code: 'ENOTFOUND' });
  return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

let t: TestApp;
let admin: string;
let unitAdmin: string;
let unit: string;
let internal: { server: Server; port: number; hits: number };

const putEndpoint = (url: string, lang = 'zh-CN') =>
  t.as(unitAdmin).put(`/api/endpoints/${unit}`, { url, enabled: true }, { 'accept-language': lang });

const deliveriesOf = (orgId: string) =>
  t.database.query<{ id: string; status: string; attempts: number; last_error: string | null }>(
    sql`SELECT id, status, attempts, last_error FROM delivery WHERE org_id = ${orgId} ORDER BY created_at`,
  );

const worker = () =>
  new OutboxWorker(t.database, t.app.outbound, { maxAttempts: 1, timeoutMs: 5_000, jitter: 0 });

beforeAll(async () => {
  // As shipped: OUTBOUND_ALLOW unset.
  const config = loadConfig({});
  expect(config.outboundAllow).toEqual([]);
  t = await createTestApp(
    {},
    { outbound: new OutboundClient({ allow: allowList(config.outboundAllow), resolve }) },
  );
  admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items;
  unit = orgs.find((o: { name: string }) => o.name === '海曙区环境卫生管理处').id;
  const created = await t.as(admin).post('/api/users', {
    username: 'sanitation.admin',
    displayName: '环卫处管理员',
    orgId: unit,
    roles: ['admin'],
    password: 'unit-admin-2026',
  });
  expect(created.statusCode, created.body).toBe(201);
  unitAdmin = await t.login('sanitation.admin', 'unit-admin-2026');
  const hits = { n: 0 };
  const server = createServer((req, res) => {
    hits.n++;
    req.resume();
    res.writeHead(500, { 'content-type': 'text/plain' }).end(SECRET);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  internal = {
    server,
    port: (server.address() as AddressInfo).port,
    get hits() {
      return hits.n;
    },
  };
});
afterAll(async () => {
  internal?.server.close();
  await t?.close();
});

describe('outbound URLs when saved', () => {
  it('are https unless the city allows http; a unit admin cannot allow it', async () => {
    dnsAnswers.set('unit-system.example.test', [PUBLIC]);
    const res = await putEndpoint('http://unit-system.example.test/cityops');
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error).toMatchObject({
      code: 'OUTBOUND_URL_REFUSED',
      details: [{ field: 'body.url', rule: 'http_not_allowed' }],
    });
    expect(res.json().error.message).toContain('https://');
    const setting = (await t.as(admin).get('/api/settings/outbound.allowHttp')).json();
    expect(setting.value).toBe(false);
    const put = { value: true, version: setting.version };
    expect((await t.as(unitAdmin).put('/api/settings/outbound.allowHttp', put)).statusCode).toBe(403);
    expect((await t.as(admin).put('/api/settings/outbound.allowHttp', put)).statusCode).toBe(200);
    const allowed = await putEndpoint('http://unit-system.example.test/cityops');
    expect(allowed.statusCode, allowed.body).toBe(200);
    expect(allowed.json().endpoint).toMatchObject({ sender: 'webhook' });
  });

  it('refuse every internal address in every spelling, naming the problem in both languages', async () => {
    const port = internal.port;
    dnsAnswers.set('intranet.example.test', ['10.1.2.3']);
    dnsAnswers.set('split.example.test', [PUBLIC, '127.0.0.1']);
    dnsAnswers.set('metadata.example.test', ['169.254.169.254']);
    const cases: [url: string, rule: string][] = [
      [`http://127.0.0.1:${port}/`, 'loopback'],
      ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', 'metadata'],
      [`http://[::1]:${port}/`, 'loopback'],
      [`http://localhost:${port}/`, 'loopback'],
      [`http://LOCALHOST.:${port}/`, 'loopback'],
      [`http://app.localhost:${port}/`, 'loopback'],
      [`http://0x7f000001:${port}/`, 'loopback'],
      [`http://2130706433:${port}/`, 'loopback'],
      [`http://0177.0.0.1:${port}/`, 'loopback'],
      [`http://127.1:${port}/`, 'loopback'],
      [`http://[::ffff:127.0.0.1]:${port}/`, 'ipv4_mapped'],
      ['http://[::ffff:169.254.169.254]/', 'metadata'],
      ['http://100.100.100.200/latest/meta-data/', 'metadata'],
      [`http://0.0.0.0:${port}/`, 'unspecified'],
      ['http://10.0.0.5/', 'private'],
      ['http://172.16.8.1/', 'private'],
      ['http://192.168.1.10/', 'private'],
      ['http://100.64.0.1/', 'cgnat'],
      ['http://[fd00::1]/', 'unique_local'],
      ['http://[fe80::1]/', 'link_local'],
      ['http://224.0.0.1/', 'multicast'],
      ['https://intranet.example.test/hook', 'private'],
      ['https://split.example.test/hook', 'loopback'],
      ['https://metadata.example.test/', 'metadata'],
    ];
    for (const [url, rule] of cases) {
      const res = await putEndpoint(url);
      expect(res.statusCode, url).toBe(422);
      const error = res.json().error;
      expect(error.code, url).toBe('OUTBOUND_URL_REFUSED');
      expect(error.details, url).toEqual([expect.objectContaining({ field: 'body.url', rule })]);
    }
    const zh = (await putEndpoint(`http://127.0.0.1:${port}/`)).json().error;
    expect(zh.message).toBe(
      '127.0.0.1 是本机回环地址，不能作为对外发送的目标；接收方确在内网时，由运维人员在 OUTBOUND_ALLOW 中放行',
    );
    const en = (await putEndpoint('https://metadata.example.test/', 'en')).json().error;
    expect(en.message).toBe(
      "The host metadata.example.test resolves to a cloud metadata service's address, which outbound calls may not reach",
    );
    // Nothing was written: the endpoint is still the one of the first test.
    const listed = (await t.as(unitAdmin).get('/api/endpoints')).json().items;
    expect(listed.map((i: { endpoint: { url: string } }) => i.endpoint.url)).toEqual([
      'http://unit-system.example.test/cityops',
    ]);
    const [{ n }] = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM event WHERE action = 'endpoint.set' AND entity_id = ${unit}`,
    );
    expect(n).toBe(1);
    expect(internal.hits).toBe(0);
  });
});

describe('outbound URLs when sending', () => {
  it('check again: a name that resolves to loopback by then is refused, replay or not', async () => {
    dnsAnswers.set('rebind.example.test', [PUBLIC]);
    const saved = await putEndpoint(`http://rebind.example.test:${internal.port}/hook`);
    expect(saved.statusCode, saved.body).toBe(200);
    // The attacker's DNS now answers the internal service's address.
    dnsAnswers.set('rebind.example.test', ['127.0.0.1']);
    await dispatchCase(t, unit, 1);
    expect(await worker().drain()).toMatchObject({ claimed: 1, delivered: 0, dead: 1 });
    const [d] = await deliveriesOf(unit);
    expect(d).toMatchObject({ status: 'dead', last_error: 'address_refused (loopback)' });

    const replay = await t.as(unitAdmin).post(`/api/deliveries/${d.id}/replay`);
    expect(replay.statusCode, replay.body).toBe(200);
    expect(await worker().drain()).toMatchObject({ claimed: 1, dead: 1 });
    const listed = await t.as(unitAdmin).get(`/api/endpoints/${unit}/deliveries`);
    expect(listed.json().items).toEqual([
      expect.objectContaining({ id: d.id, status: 'dead', lastError: 'address_refused (loopback)' }),
    ]);
    expect(listed.body).not.toContain(SECRET);
    expect(internal.hits).toBe(0);
  });

  it('accept a name that does not resolve yet, and fail its deliveries until it does', async () => {
    const saved = await putEndpoint('https://not-yet.example.test/hook');
    expect(saved.statusCode, saved.body).toBe(200);
    const before = (await deliveriesOf(unit)).length;
    await dispatchCase(t, unit, 2);
    expect(await worker().drain()).toMatchObject({ claimed: 1, dead: 1 });
    const rows = await deliveriesOf(unit);
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toMatchObject({ status: 'dead', last_error: 'dns (ENOTFOUND)' });
  });
});

describe('deliveries recorded before this fix', () => {
  it("keep only their status: migration 0007 drops the receivers' text", async () => {
    const statement = fs
      .readFileSync('db/migrations/0007_outbox_sender.sql', 'utf8')
      .split('--> statement-breakpoint')
      .find((part) => part.includes('UPDATE "delivery"'));
    expect(statement).toBeDefined();
    const old = [`HTTP 500: ${SECRET}`, 'HTTP 302: Found. Redirecting to /x', 'timeout after 10000 ms'];
    const ids: string[] = [];
    for (const lastError of old) {
      const [row] = await t.database.query<{ id: string }>(
        sql`INSERT INTO delivery (event_id, org_id, status, attempts, last_error)
            VALUES (1, ${unit}, 'dead', 8, ${lastError}) RETURNING id`,
      );
      ids.push(row.id);
    }
    await t.database.query(sql.raw(statement!));
    const rows = await t.database.query<{ id: string; last_error: string }>(
      sql`SELECT id, last_error FROM delivery WHERE id IN (${sql.join(ids, sql`, `)})`,
    );
    expect(ids.map((id) => rows.find((r) => r.id === id)?.last_error)).toEqual([
      'HTTP 500 (http_error)',
      'HTTP 302 (redirect_not_followed)',
      'timeout after 10000 ms',
    ]);
  });
});
