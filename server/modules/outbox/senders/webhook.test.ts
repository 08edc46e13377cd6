import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowList } from '../../../platform/allow-list.ts';
import { AppError } from '../../../platform/errors.ts';
import { OutboundClient } from '../../../platform/outbound.ts';
import { HEADER_DELIVERY, HEADER_SIGNATURE, HEADER_TIMESTAMP, verify } from '../signature.ts';
import { SENDERS, senderFor } from './registry.ts';
import { SENDER_KINDS } from './sender.ts';
import { webhookSender } from './webhook.ts';

const secret = 'whsec_test';
const payload = {
  deliveryId: 'd-1',
  eventId: 7,
  action: 'case.dispatch',
  case: { id: 'c-1', version: 3 },
  at: '2026-03-02T08:00:00.000Z',
};
const received: { url: string; ok: boolean; delivery: string; body: string }[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const sig = verify(
        secret,
        req.headers[HEADER_TIMESTAMP] as string,
        req.headers[HEADER_SIGNATURE] as string,
        body,
      );
      received.push({ url: req.url ?? '', ok: sig.ok, delivery: String(req.headers[HEADER_DELIVERY]), body });
      if (req.url === '/down') res.writeHead(503).end('maintenance until 18:00, call 0574-1234');
      else res.writeHead(202).end('accepted');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe('senders', () => {
  it('has one sender per kind, named by its kind', () => {
    for (const kind of SENDER_KINDS) expect(SENDERS[kind].kind).toBe(kind);
    expect(senderFor('webhook')).toBe(webhookSender);
    expect(senderFor('open311')?.kind).toBe('open311');
    expect(senderFor('queue')).toBeUndefined();
    expect(senderFor('__proto__')).toBeUndefined();
  });
});

describe('the webhook sender', () => {
  // The webhook keeps nothing of the answer: it never touches the database.
  const env = {
    outbound: new OutboundClient({ allow: allowList(['127.0.0.1/32']) }),
    allowHttp: true,
    db: undefined as never,
  };

  it('POSTs the payload signed with the endpoint secret; 2xx delivers', async () => {
    const result = await webhookSender.send(
      {
        deliveryId: 'd-1',
        orgId: 'o-1',
        target: { url: `${base}/hook`, secret, options: null },
        payload,
        timeoutMs: 5_000,
      },
      env,
    );
    expect(result).toEqual({ ok: true });
    expect(received.at(-1)).toMatchObject({ url: '/hook', ok: true, delivery: 'd-1' });
    expect(JSON.parse(received.at(-1)!.body)).toEqual(payload);
  });

  it("reports a failure as the status and a class, not the receiver's text", async () => {
    const result = await webhookSender.send(
      {
        deliveryId: 'd-2',
        orgId: 'o-1',
        target: { url: `${base}/down`, secret, options: null },
        payload,
        timeoutMs: 5_000,
      },
      env,
    );
    expect(result).toEqual({ ok: false, error: 'HTTP 503 (http_error)' });
    const refused = await webhookSender.send(
      {
        deliveryId: 'd-3',
        orgId: 'o-1',
        target: { url: `${base}/hook`, secret, options: null },
        payload,
        timeoutMs: 5_000,
      },
      { ...env, allowHttp: false },
    );
    expect(refused).toEqual({ ok: false, error: 'url_refused (http_not_allowed)' });
  });

  it('checks a target when saved: refuses what it could never reach, accepts a name not resolving yet', async () => {
    const closed = {
      outbound: new OutboundClient({
        allow: allowList([]),
        resolve: async () => {
          throw Object.assign(new Error('no'), { code: 'ENOTFOUND' });
        },
      }),
      allowHttp: true,
    };
    const err = await webhookSender.checkTarget(`${base}/hook`, closed, 'body.url').catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({
      code: 'OUTBOUND_URL_REFUSED',
      details: [{ field: 'body.url', rule: 'loopback' }],
    });
    await expect(webhookSender.checkTarget('https://later.example.test/', closed, 'body.url')).resolves.toBe(
      undefined,
    );
    await expect(webhookSender.checkTarget(`${base}/hook`, env, 'body.url')).resolves.toBe(undefined);
  });
});
