/**
 * The signed webhook: `POST <url>` with the JSON payload and the headers `X-CityOps-Delivery`,
 * `X-CityOps-Timestamp` and `X-CityOps-Signature` (HMAC-SHA256 of "<timestamp>.<raw body>" with
 * the endpoint secret; outbox/signature.ts). A 2xx answer delivers; anything else — a 3xx
 * included, since redirects are not followed — is a failed attempt. The answer's body is never
 * read: only its status counts.
 */
import { describeOutcome, OutboundError } from '../../../platform/outbound.ts';
import { HEADER_DELIVERY, signedHeaders } from '../signature.ts';
import { checkUrlTarget } from './check-url.ts';
import type { Sender } from './sender.ts';

export const webhookSender: Sender = {
  kind: 'webhook',

  checkTarget: checkUrlTarget,

  async send({ deliveryId, target, payload, timeoutMs }, env) {
    const body = JSON.stringify(payload);
    try {
      const res = await env.outbound.request({
        url: target.url,
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'CityOps-Outbox/1',
          [HEADER_DELIVERY]: deliveryId,
          ...signedHeaders(target.secret, body),
        },
        body,
        allowHttp: env.allowHttp,
        timeoutMs,
        responseBody: 'discard',
      });
      return res.status >= 200 && res.status < 300
        ? { ok: true }
        : { ok: false, error: describeOutcome(res) };
    } catch (err) {
      if (err instanceof OutboundError) return { ok: false, error: describeOutcome(err) };
      throw err;
    }
  },
};
