/**
 * The outbox worker: sends due deliveries to units' own systems.
 *
 * "Exactly once" to a receiver means: the dispatch transaction writes one delivery row per
 * dispatch event (outbox/enqueue.ts), and the worker retries that row until the receiver answers
 * 2xx. A receiver can still see a delivery more than once — its 2xx may be lost, or a worker may
 * die between the call and recording the result — so every request carries the delivery's id in
 * `X-CityOps-Delivery` and the receiver must treat a second request with an id it has already
 * processed as done (answer 2xx, do nothing). Together that is exactly-once processing.
 *
 * How a delivery is sent is its endpoint's sender's business (outbox/senders: the signed webhook,
 * the Open311 client), through the platform's OutboundClient: the URL is checked again at every attempt and
 * the connection goes to the address that was checked. A non-2xx answer, a refused address, a
 * network error or a timeout counts as a failed attempt, recorded in `last_error` as a status
 * and a class only (never the receiver's text): the next one waits 2^attempts × base (capped,
 * with jitter); after `maxAttempts` the delivery is dead (an admin may replay it). Deliveries of
 * a disabled endpoint wait, untouched, until it is enabled again.
 */
import { type EventInput, recordEvent } from '../../platform/audit.ts';
import { systemContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db.ts';
import type { OutboundClient } from '../../platform/outbound.ts';
import { getSetting } from '../settings/index.ts';
import { buildPayload } from './payload.ts';
import { type Claimed, claimDue, markDelivered, markFailed, nextDueInMs } from './queue.ts';
import { senderFor } from './senders/registry.ts';
import type { SenderEnv } from './senders/sender.ts';

export interface OutboxWorkerOptions {
  /** Deliveries claimed (and sent concurrently) per round. */
  batchSize?: number;
  /** How long a claimed delivery stays invisible to other workers while it is being sent. */
  leaseMs?: number;
  /** Per-attempt deadline: resolution, connection and answer. */
  timeoutMs?: number;
  /** Attempts before a delivery is dead. */
  maxAttempts?: number;
  /** The first retry waits about 2 × base; each next one doubles, up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Share of the delay randomised (0: none; 0.2: ±20 %). */
  jitter?: number;
  onError?: (err: unknown) => void;
}

export interface RoundResult {
  claimed: number;
  delivered: number;
  failed: number;
  dead: number;
}

const DEFAULTS = {
  batchSize: 20,
  leaseMs: 60_000,
  timeoutMs: 10_000,
  maxAttempts: 8,
  baseDelayMs: 1_000,
  maxDelayMs: 60 * 60_000,
  jitter: 0.2,
};

export class OutboxWorker {
  private readonly opts: typeof DEFAULTS & Pick<OutboxWorkerOptions, 'onError'>;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly database: Database,
    /** The platform's outbound client (app.outbound): the only way a delivery leaves. */
    private readonly outbound: OutboundClient,
    options: OutboxWorkerOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
  }

  /** Delay before the attempt after `attempts` failed ones. */
  backoffMs(attempts: number): number {
    const { baseDelayMs, maxDelayMs, jitter } = this.opts;
    const raw = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempts, 30));
    return Math.max(0, raw * (1 + jitter * (2 * Math.random() - 1)));
  }

  /** One round: claim what is due, send it, record each result. */
  async runOnce(): Promise<RoundResult> {
    const db = this.database.db;
    const claimed = await claimDue(db, this.opts.batchSize, this.opts.leaseMs);
    const out: RoundResult = { claimed: claimed.length, delivered: 0, failed: 0, dead: 0 };
    if (claimed.length === 0) return out;
    // Read once per round: an admin's change applies from the next round on.
    const env: SenderEnv = {
      outbound: this.outbound,
      allowHttp: await getSetting(db, 'outbound.allowHttp'),
      db,
    };
    await Promise.all(
      claimed.map(async (c) => {
        const error = await this.send(c, env);
        if (error === null) {
          if (await markDelivered(db, c)) out.delivered++;
          return;
        }
        const dead = c.attempts + 1 >= this.opts.maxAttempts;
        const delay = dead ? 0 : this.backoffMs(c.attempts + 1);
        // Dead-lettering is recorded in the event trail, in the same transaction.
        const recorded = await db.transaction(async (tx) => {
          if (!(await markFailed(tx, c, error, delay, dead))) return false;
          if (dead) await recordEvent(tx, systemContext('outbox'), deadEvent(c, error));
          return true;
        });
        if (!recorded) return;
        out.failed++;
        if (dead) out.dead++;
      }),
    );
    return out;
  }

  /**
   * Rounds until nothing is due within `horizonMs` (waiting for retries due sooner): for tests
   * and tools. Returns the sum of the rounds.
   */
  async drain(horizonMs = 5_000, maxRounds = 1_000): Promise<RoundResult> {
    const sum: RoundResult = { claimed: 0, delivered: 0, failed: 0, dead: 0 };
    for (let i = 0; i < maxRounds; i++) {
      const r = await this.runOnce();
      for (const k of Object.keys(sum) as (keyof RoundResult)[]) sum[k] += r[k];
      if (r.claimed > 0) continue;
      const wait = await nextDueInMs(this.database.db);
      if (wait === null || wait > horizonMs) return sum;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(wait))));
    }
    return sum;
  }

  /** Runs a round every `intervalMs` (and again at once while rounds are full) until stopped. */
  start(intervalMs = 2_000): void {
    this.stopped = false;
    const tick = async () => {
      try {
        while (!this.stopped && (await this.runOnce()).claimed === this.opts.batchSize) {
          // A backlog: keep going.
        }
      } catch (err) {
        this.opts.onError?.(err);
      }
    };
    this.timer = setInterval(() => {
      if (this.current || this.stopped) return;
      this.current = tick().finally(() => {
        this.current = undefined;
      });
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the loop and waits for a round in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.current;
  }

  /** Sends one delivery through its endpoint's sender; null when delivered, otherwise what went wrong. */
  private async send(c: Claimed, env: SenderEnv): Promise<string | null> {
    const sender = senderFor(c.sender);
    // A kind this build does not know (a newer node wrote it): fails and is retried, so a node
    // that knows it delivers it.
    if (!sender) return `sender_unknown (${c.sender.slice(0, 40)})`;
    try {
      const payload = await buildPayload(this.database.db, c);
      const result = await sender.send(
        {
          deliveryId: c.id,
          orgId: c.orgId,
          target: { url: c.url, secret: c.secret, options: c.options },
          payload,
          timeoutMs: this.opts.timeoutMs,
        },
        env,
      );
      return result.ok ? null : result.error;
    } catch (err) {
      // Our own fault (the database, a bug): logged in full, recorded as a class only.
      this.opts.onError?.(err);
      return 'internal_error';
    }
  }
}

const deadEvent = (c: Claimed, error: string): EventInput => ({
  action: 'delivery.dead',
  entityType: 'delivery',
  entityId: c.id,
  districtCode: c.districtCode,
  after: { orgId: c.orgId, caseId: c.caseId, attempts: c.attempts + 1, lastError: error },
});
