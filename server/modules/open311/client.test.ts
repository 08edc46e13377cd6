/**
 * The GeoReport v2 client against answers real servers give, not only what the spec prints (a
 * real HTTP server on 127.0.0.1, reached through the platform's OutboundClient with loopback
 * allowed, as an operator's OUTBOUND_ALLOW would): a token instead of an id (Boston), ids and
 * codes as bare numbers, a JSON list wrapped in `service_requests`, statuses other than open and
 * closed, an error in the spec's shape, an answer that is no GeoReport at all.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowList } from '../../platform/allow-list.ts';
import { OutboundClient } from '../../platform/outbound.ts';
import { type GeoReportTarget, getRequest, isClosedStatus, postRequest, resolveToken } from './client.ts';

const seen: { method: string; url: string; body: string; headers: Record<string, unknown> }[] = [];
/** path → [status, content type, body] */
const answers = new Map<string, [number, string, string]>();
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        headers: req.headers,
      });
      const path = (req.url ?? '').split('?')[0];
      const [status, type, body] = answers.get(path) ?? [404, 'text/plain', 'no'];
      res.writeHead(status, { 'content-type': type }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/open311/v2/`;
});
afterAll(() => server.close());

const env = {
  outbound: new OutboundClient({ allow: allowList(['127.0.0.1/32']) }),
  allowHttp: true,
  timeoutMs: 5_000,
};
const target = (format: 'xml' | 'json', jurisdictionId: string | null = null): GeoReportTarget => ({
  baseUrl: base,
  apiKey: 'k-1',
  jurisdictionId,
  format,
});
const XML = 'text/xml; charset=utf-8';
const JSON_TYPE = 'application/json';

describe('the GeoReport v2 client', () => {
  it('posts a form with the key, the jurisdiction and an Idempotency-Key, and reads a token-only answer', async () => {
    answers.set('/open311/v2/requests.xml', [
      200,
      XML,
      '<?xml version="1.0" encoding="utf-8"?><service_requests><request><token>503fc045ad8b2a4b1a000001</token><service_notice>queued</service_notice></request></service_requests>',
    ]);
    const r = await postRequest(
      env,
      target('xml', 'cityofboston.gov'),
      { serviceCode: '4ffa4c69601827691b000018', lat: 42.35, long: -71.06, description: 'pothole & <deep>' },
      'delivery-1',
    );
    expect(r).toEqual({ ok: true, value: { serviceRequestId: null, token: '503fc045ad8b2a4b1a000001' } });
    const sent = seen.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/open311/v2/requests.xml');
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(sent.headers['idempotency-key']).toBe('delivery-1');
    expect(Object.fromEntries(new URLSearchParams(sent.body))).toEqual({
      api_key: 'k-1',
      service_code: '4ffa4c69601827691b000018',
      lat: '42.35',
      long: '-71.06',
      jurisdiction_id: 'cityofboston.gov',
      description: 'pothole & <deep>',
    });
  });

  it('resolves a token to an id, and to nothing while the server has not made the request', async () => {
    answers.set('/open311/v2/tokens/T1.json', [
      200,
      JSON_TYPE,
      '[{"service_request_id":638344,"token":"T1"}]',
    ]);
    expect(await resolveToken(env, target('json'), 'T1')).toEqual({ ok: true, value: '638344' });
    expect(seen.at(-1)!.url).toBe('/open311/v2/tokens/T1.json');
    answers.set('/open311/v2/tokens/T2.json', [200, JSON_TYPE, '[{"token":"T2"}]']);
    expect(await resolveToken(env, target('json'), 'T2')).toEqual({ ok: true, value: null });
    expect(await resolveToken(env, target('json'), 'T3')).toEqual({ ok: true, value: null });
  });

  it('reads a request in either form: numbers as ids, wrapped JSON, other statuses, notes made plain', async () => {
    answers.set('/open311/v2/requests/638344.json', [
      200,
      JSON_TYPE,
      JSON.stringify({
        service_requests: [
          {
            service_request_id: 638344,
            status: 'Submitted',
            status_notes: 'crew\u0007 assigned',
            updated_datetime: '2010-04-14T06:37:38-08:00',
          },
        ],
      }),
    ]);
    expect(await getRequest(env, target('json'), '638344')).toEqual({
      ok: true,
      value: {
        serviceRequestId: '638344',
        status: 'submitted',
        statusNotes: 'crew assigned',
        updatedAt: '2010-04-14T06:37:38-08:00',
      },
    });
    answers.set('/open311/v2/requests/638344.xml', [
      200,
      XML,
      '<?xml version="1.0" encoding="utf-8"?><service_requests><request><service_request_id>638344</service_request_id><status>closed</status><status_notes>Duplicate request.</status_notes></request></service_requests>',
    ]);
    const got = await getRequest(env, target('xml'), '638344');
    expect(got).toEqual({
      ok: true,
      value: {
        serviceRequestId: '638344',
        status: 'closed',
        statusNotes: 'Duplicate request.',
        updatedAt: null,
      },
    });
    expect(got.ok && isClosedStatus(got.value!.status)).toBe(true);
    // The spec's 404: no such request.
    expect(await getRequest(env, target('xml'), 'nope')).toEqual({ ok: true, value: null });
  });

  it("reports a failure as a status and a class, never the server's words", async () => {
    answers.set('/open311/v2/requests.json', [
      400,
      JSON_TYPE,
      '[{"code":400,"description":"Invalid service request: base is a duplicate. Call 617-635-4500"}]',
    ]);
    const refused = await postRequest(env, target('json'), { serviceCode: '1', lat: 1, long: 1 }, 'd-2');
    expect(refused).toEqual({ ok: false, error: 'HTTP 400 (http_error)' });
    answers.set('/open311/v2/requests/9.json', [200, 'text/html', '<html>maintenance</html>']);
    expect(await getRequest(env, target('json'), '9')).toEqual({ ok: false, error: 'protocol (bad_answer)' });
    answers.set('/open311/v2/requests.xml', [
      200,
      XML,
      '<service_requests><request><service_notice>x</service_notice></request></service_requests>',
    ]);
    expect(await postRequest(env, target('xml'), { serviceCode: '1', lat: 1, long: 1 }, 'd-3')).toEqual({
      ok: false,
      error: 'protocol (bad_answer)',
    });
    const closed = { ...env, outbound: new OutboundClient({ allow: allowList([]) }) };
    expect(await getRequest(closed, target('xml'), '9')).toEqual({
      ok: false,
      error: 'address_refused (loopback)',
    });
  });
});
