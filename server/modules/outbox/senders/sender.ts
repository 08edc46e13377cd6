/**
 * How a delivery leaves: one `Sender` per kind of receiving system, chosen per endpoint by its
 * `sender` column — as FixMyStreet's per-body senders are. Today there is the signed webhook
 * (webhook.ts); an Open311 client or a message queue is another implementation of this
 * interface and one more entry in registry.ts, with no change to the queue or the worker.
 *
 * Every sender that calls a URL does so through the platform's OutboundClient (the SSRF rules),
 * and reports a failure as a status and a class, never as text the receiver sent back.
 */
import type { OutboundClient } from '../../../platform/outbound.ts';
import type { DeliveryPayload } from '../payload.ts';

export const SENDER_KINDS = ['webhook'] as const;
export type SenderKind = (typeof SENDER_KINDS)[number];

/** What the platform lends a sender: the outbound client and the city's rule for http://. */
export interface SenderEnv {
  outbound: OutboundClient;
  /** The city setting `outbound.allowHttp`. */
  allowHttp: boolean;
}

export interface SendInput {
  deliveryId: string;
  /** The endpoint as stored: where to send, and the secret shared with the unit. */
  target: { url: string; secret: string };
  payload: DeliveryPayload;
  timeoutMs: number;
}

/** One attempt's result; `error` is a status and a class (e.g. `HTTP 503 (http_error)`). */
export type SendResult = { ok: true } | { ok: false; error: string };

export interface Sender {
  readonly kind: SenderKind;
  /**
   * Checks an endpoint's URL when an admin saves it; throws a 4xx AppError (bilingual, naming the
   * problem, `field` in its details) when this sender could never send there.
   */
  checkTarget(url: string, env: SenderEnv, field: string): Promise<void>;
  /** Sends one delivery. The receiver's failures are results, not exceptions. */
  send(input: SendInput, env: SenderEnv): Promise<SendResult>;
}
