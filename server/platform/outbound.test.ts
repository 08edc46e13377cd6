/**
 * The outbound client against real sockets on 127.0.0.1: what it refuses before connecting, that
 * it connects to the address it checked, and what it does with what comes back.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowList } from './allow-list.ts';
import { loadConfig } from './config.ts';
import { detailsFor, messageFor } from './errors.ts';
import {
  describeOutcome,
  OutboundClient,
  OutboundError,
  type ResolvedAddress,
  type UrlProblem,
  urlProblemError,
} from './outbound.ts';

const LOOPBACK = allowList(['127.0.0.1/32']);
const answers = (...addresses: string[]): ResolvedAddress[] =>
  addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

/** A resolver that answers from a table and counts the questions. */
function scriptedDns(table: Record<string, string[] | (() => string[])>) {
  const asked: string[] = [];
  const resolve = async (host: string) => {
    asked.push(host);
    const a = table[host];
    if (!a) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return answers(...(typeof a === 'function' ? a() : a));
  };
  return { asked, resolve };
}

const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
let server: Server;
let port: number;
const BIG = Buffer.alloc(200 * 1024, 'x');

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    req.resume();
    if (req.url === '/ok') res.writeHead(204).end();
    else if (req.url === '/secret') res.writeHead(500).end('SECRET-ANSWER');
    else if (req.url === '/redirect') res.writeHead(302, { location: '/elsewhere' }).end();
    else if (req.url === '/big') res.writeHead(200, { 'content-length': BIG.length }).end(BIG);
    else if (req.url === '/big-chunked') {
      res.writeHead(200);
      for (let i = 0; i < 4; i++) res.write(BIG);
      res.end();
    } else if (req.url === '/small') res.writeHead(200).end('{"id":"SR-1"}');
    else if (req.url === '/silent') {
      // never answers
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const post = (
  client: OutboundClient,
  url: string,
  extra: Partial<Parameters<OutboundClient['request']>[0]> = {},
) => client.request({ url, method: 'POST', body: '{}', allowHttp: true, timeoutMs: 5_000, ...extra });

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(OutboundError);
    return (err as OutboundError).message;
  }
  throw new Error('expected an OutboundError');
}

describe('OUTBOUND_ALLOW', () => {
  it('is empty unless set; takes addresses and blocks; a typo stops the start', () => {
    expect(loadConfig({}).outboundAllow).toEqual([]);
    expect(loadConfig({ OUTBOUND_ALLOW: '127.0.0.1/32, 10.20.0.0/16,fd00::/8' }).outboundAllow).toEqual([
      '127.0.0.1/32',
      '10.20.0.0/16',
      'fd00::/8',
    ]);
    expect(() => loadConfig({ OUTBOUND_ALLOW: 'intranet.example.cn' })).toThrow(/^OUTBOUND_ALLOW: /);
  });
});

describe('before connecting', () => {
  it('refuses internal addresses by default and reaches them only when OUTBOUND_ALLOW lists them', async () => {
    const closed = new OutboundClient({ allow: allowList([]) });
    expect(await failure(post(closed, `http://127.0.0.1:${port}/ok`))).toBe('address_refused (loopback)');
    const before = seen.length;
    expect(await failure(post(closed, `http://0x7f000001:${port}/ok`))).toBe('address_refused (loopback)');
    expect(seen.length).toBe(before);
    const open = new OutboundClient({ allow: LOOPBACK });
    expect((await post(open, `http://127.0.0.1:${port}/ok`)).status).toBe(204);
    expect(seen.at(-1)?.url).toBe('/ok');
    // The allow-list opens what it names, not its neighbours.
    expect(await failure(post(open, `http://127.0.0.2:${port}/ok`))).toBe('address_refused (loopback)');
  });

  it('never reaches unspecified, metadata, multicast or broadcast addresses, whatever the allow-list', async () => {
    const all = new OutboundClient({ allow: allowList(['0.0.0.0/0', '::/0']) });
    for (const [url, cls] of [
      [`http://0.0.0.0:${port}/ok`, 'unspecified'],
      [`http://[::]:${port}/ok`, 'unspecified'],
      ['http://169.254.169.254/latest/meta-data/', 'metadata'],
      ['http://[fd00:ec2::254]/', 'metadata'],
      ['http://[::ffff:169.254.169.254]/', 'metadata'],
      ['http://224.0.0.1/', 'multicast'],
      ['http://255.255.255.255/', 'broadcast'],
    ]) {
      expect(await all.check(url, { allowHttp: true }), url).toMatchObject({
        ok: false,
        problem: { kind: 'address', cls },
      });
    }
    expect((await all.check('http://10.0.0.1/', { allowHttp: true })).ok).toBe(true);
  });

  it('treats localhost names as loopback without asking DNS, both families', async () => {
    const dns = scriptedDns({ localhost: ['8.8.8.8'] });
    const v4only = new OutboundClient({ allow: LOOPBACK, resolve: dns.resolve });
    for (const host of ['localhost', 'LOCALHOST.', 'api.localhost']) {
      expect(await v4only.check(`http://${host}:${port}/`, { allowHttp: true })).toMatchObject({
        ok: false,
        problem: { kind: 'address', address: '::1', cls: 'loopback' },
      });
    }
    const both = new OutboundClient({ allow: allowList(['127.0.0.1/32', '::1/128']), resolve: dns.resolve });
    expect(await both.check(`http://localhost:${port}/`, { allowHttp: true })).toMatchObject({ ok: true });
    expect(dns.asked).toEqual([]);
  });

  it('checks every address a name resolves to', async () => {
    const dns = scriptedDns({
      'mixed.example.test': ['8.8.8.8', '10.0.0.7'],
      'pub.example.test': ['8.8.8.8'],
    });
    const client = new OutboundClient({ allow: allowList([]), resolve: dns.resolve });
    expect(await client.check('https://mixed.example.test/', { allowHttp: false })).toMatchObject({
      ok: false,
      problem: { kind: 'address', host: 'mixed.example.test', literal: false, cls: 'private' },
    });
    expect(await client.check('https://pub.example.test/', { allowHttp: false })).toMatchObject({
      ok: true,
      addresses: answers('8.8.8.8'),
    });
    expect(await client.check('https://gone.example.test/', { allowHttp: false })).toMatchObject({
      ok: false,
      problem: { kind: 'unresolved', code: 'ENOTFOUND' },
    });
  });

  it('asks for https unless http is allowed, and refuses other schemes and credentials', async () => {
    const client = new OutboundClient({ allow: LOOPBACK });
    const kinds = async (url: string, allowHttp: boolean) => {
      const r = await client.check(url, { allowHttp });
      return r.ok ? 'ok' : r.problem.kind;
    };
    expect(await kinds(`http://127.0.0.1:${port}/`, false)).toBe('http_not_allowed');
    expect(await kinds(`http://127.0.0.1:${port}/`, true)).toBe('ok');
    expect(await kinds(`https://127.0.0.1:${port}/`, false)).toBe('ok');
    expect(await kinds('ftp://127.0.0.1/', true)).toBe('scheme');
    expect(await kinds('file:///etc/passwd', true)).toBe('scheme');
    expect(await kinds('gopher://127.0.0.1:6379/_INFO', true)).toBe('scheme');
    expect(await kinds('https://user:pw@127.0.0.1/', true)).toBe('credentials');
    expect(await kinds('not a url', true)).toBe('invalid');
    expect(await failure(post(client, `http://127.0.0.1:${port}/ok`, { allowHttp: false }))).toBe(
      'url_refused (http_not_allowed)',
    );
  });

  it('names each problem in Chinese and English, as a 4xx on the field', () => {
    const problems: UrlProblem[] = [
      { kind: 'invalid' },
      { kind: 'scheme', scheme: 'ftp' },
      { kind: 'credentials' },
      { kind: 'http_not_allowed' },
      { kind: 'unresolved', host: 'x.example.test', code: 'ENOTFOUND' },
      { kind: 'address', host: '10.0.0.1', literal: true, address: '10.0.0.1', cls: 'private' },
      { kind: 'address', host: 'x.example.test', literal: false, address: '::1', cls: 'loopback' },
      {
        kind: 'address',
        host: '169.254.169.254',
        literal: true,
        address: '169.254.169.254',
        cls: 'metadata',
      },
    ];
    for (const p of problems) {
      const err = urlProblemError(p, 'body.url');
      expect(err.status, p.kind).toBeGreaterThanOrEqual(400);
      expect(err.status, p.kind).toBeLessThan(500);
      const zh = messageFor(err, 'zh');
      const en = messageFor(err, 'en');
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(en).not.toMatch(/[\u4e00-\u9fff]/);
      expect(detailsFor(err, 'zh')).toEqual([expect.objectContaining({ field: 'body.url', message: zh })]);
      expect(detailsFor(err, 'en')).toEqual([expect.objectContaining({ field: 'body.url', message: en })]);
    }
    // A name's resolved address is not told back (it could be an internal one): only its class.
    const named = urlProblemError(problems[6], 'body.url');
    expect(messageFor(named, 'en')).toBe(
      'The host x.example.test resolves to a loopback address (this host), which outbound calls may not reach; for a receiver on a private network the operator lists it in OUTBOUND_ALLOW',
    );
    expect(messageFor(urlProblemError(problems[7], 'body.url'), 'zh')).toBe(
      '169.254.169.254 是云主机元数据服务地址，不能作为对外发送的目标',
    );
  });
});

describe('connecting', () => {
  it('connects to the address it checked, with the name in Host, and checks again on the next call', async () => {
    let answer = '127.0.0.1';
    const dns = scriptedDns({ 'receiver.example.test': () => [answer] });
    const client = new OutboundClient({ allow: LOOPBACK, resolve: dns.resolve });
    const res = await post(client, `http://receiver.example.test:${port}/ok`);
    expect(res.status).toBe(204);
    expect(seen.at(-1)?.headers.host).toBe(`receiver.example.test:${port}`);
    // One question per call: the socket was given the checked address, it did not ask again.
    expect(dns.asked).toEqual(['receiver.example.test']);
    answer = '10.1.1.1';
    const before = seen.length;
    expect(await failure(post(client, `http://receiver.example.test:${port}/ok`))).toBe(
      'address_refused (private)',
    );
    expect(dns.asked).toHaveLength(2);
    expect(seen.length).toBe(before);
  });

  it('follows no redirect', async () => {
    const client = new OutboundClient({ allow: LOOPBACK });
    const res = await post(client, `http://127.0.0.1:${port}/redirect`);
    expect(res.status).toBe(302);
    expect(describeOutcome(res)).toBe('HTTP 302 (redirect_not_followed)');
    expect(seen.map((s) => s.url)).not.toContain('/elsewhere');
  });

  it('reads a bounded body, or none', async () => {
    const client = new OutboundClient({ allow: LOOPBACK });
    expect((await post(client, `http://127.0.0.1:${port}/small`)).body.toString()).toBe('{"id":"SR-1"}');
    expect(await failure(post(client, `http://127.0.0.1:${port}/big`))).toBe('response_too_large');
    expect(await failure(post(client, `http://127.0.0.1:${port}/big-chunked`))).toBe('response_too_large');
    const big = await post(client, `http://127.0.0.1:${port}/big`, { responseBody: 300 * 1024 });
    expect(big.body.length).toBe(BIG.length);
    const discarded = await post(client, `http://127.0.0.1:${port}/big-chunked`, { responseBody: 'discard' });
    expect(discarded).toMatchObject({ status: 200, body: Buffer.alloc(0) });
  });

  it('gives up at the deadline', async () => {
    const client = new OutboundClient({ allow: LOOPBACK });
    const started = Date.now();
    expect(await failure(post(client, `http://127.0.0.1:${port}/silent`, { timeoutMs: 150 }))).toBe(
      'timeout',
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    // A resolver slower than the deadline counts against it too.
    const slow = new OutboundClient({
      allow: LOOPBACK,
      resolve: () => new Promise<ResolvedAddress[]>(() => {}),
    });
    expect(await failure(post(slow, 'https://slow.example.test/', { timeoutMs: 100 }))).toBe('timeout');
  });

  it('reports failures as a class and a system code, never what the other side said', async () => {
    const client = new OutboundClient({ allow: LOOPBACK });
    const answered = await post(client, `http://127.0.0.1:${port}/secret`);
    expect(answered.status).toBe(500);
    expect(describeOutcome(answered)).toBe('HTTP 500 (http_error)');
    // TLS to a server that does not speak it.
    expect(await failure(post(client, `https://127.0.0.1:${port}/ok`))).toMatch(/^tls \([A-Z_]+\)$/);
    // A port nobody listens on.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await failure(post(client, `http://127.0.0.1:${closedPort}/`))).toBe('connect (ECONNREFUSED)');
  });
});
