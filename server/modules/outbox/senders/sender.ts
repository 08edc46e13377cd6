/**
 * How a delivery leaves: one `Sender` per kind of receiving system, chosen per endpoint by its
 * `sender` column — as FixMyStreet's per-body senders are: the signed webhook (webhook.ts) and
 * the Open311 GeoReport v2 client (open311.ts); a message queue would be one more implementation
 * of this interface and one more entry in registry.ts, with no change to the queue or the worker.
 *
 * Every sender that calls a URL does so through the platform's OutboundClient (the SSRF rules),
 * and reports a failure as a status and a class, never as text the receiver sent back.
 */
import type { Db } from '../../../platform/db.ts';
import type { OutboundClient } from '../../../platform/outbound.ts';
import type { DeliveryPayload } from '../payload.ts';
import type { EndpointOptions } from '../tables.ts';

export const SENDER_KINDS = ['webhook', 'open311'] as const;
export type SenderKind = (typeof SENDER_KINDS)[number];

/**
 * What the platform lends a sender: the outbound client, the city's rule for http://, and the
 * database, for a sender that keeps what the receiver answered (the Open311 request's id).
 */
export interface SenderEnv {
  outbound: OutboundClient;
  /** The city setting `outbound.allowHttp`. */
  allowHttp: boolean;
  db: Db;
}

export interface SendInput {
  deliveryId: string;
  /** The unit the delivery is for. */
  orgId: string;
  /** The endpoint as stored: where to send, the secret shared with the unit, the sender's options. */
  target: { url: string; secret: string; options: EndpointOptions | null };
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
  checkTarget(url: string, env: Pick<SenderEnv, 'outbound' | 'allowHttp'>, field: string): Promise<void>;
  /** Sends one delivery. The receiver's failures are results, not exceptions. */
  send(input: SendInput, env: SenderEnv): Promise<SendResult>;
}
