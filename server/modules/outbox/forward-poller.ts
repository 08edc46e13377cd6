/**
 * Reads back what departments' Open311 servers say of the cases forwarded to them: every
 * `intervalMs`, each forwarded request that is not closed is read (`GET requests/{id}`, or first
 * `GET tokens/{token}` while only a token is known), and a changed status or note goes onto the
 * case's timeline as a `case.forward_status` event (outbox/forwards.ts). A closed request is not
 * read again. A failed read (the server down, a refused address, an answer that is not GeoReport)
 * is kept as a status and a class and tried again at the next interval.
 *
 * The department's word is information for the centre, not an action in the loop: its "closed" does
 * not close or feed back the case (the unit's handler, or its system through the signed API, does).
 */
import type { Database } from '../../platform/db.ts';
import type { OutboundClient } from '../../platform/outbound.ts';
import { type GeoReportTarget, getRemoteRequest, resolveRemoteToken } from '../open311/index.ts';
import { getSetting } from '../settings/index.ts';
import { type ClaimedPoll, claimDuePolls, recordPoll } from './forwards.ts';
import { open311Options } from './senders/open311.ts';

export interface ForwardPollerOptions {
  /** Between two reads of one request. */
  intervalMs?: number;
  batchSize?: number;
  leaseMs?: number;
  timeoutMs?: number;
  onError?: (err: unknown) => void;
}

const DEFAULTS = { intervalMs: 5 * 60_000, batchSize: 20, leaseMs: 60_000, timeoutMs: 10_000 };

export interface PollRound {
  claimed: number;
  changed: number;
  failed: number;
}

export class ForwardPoller {
  private readonly opts: typeof DEFAULTS & Pick<ForwardPollerOptions, 'onError'>;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<unknown> | undefined;

  constructor(
    private readonly database: Database,
    private readonly outbound: OutboundClient,
    options: ForwardPollerOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
  }

  /** One round: claim the reads that are due, make them, record each. */
  async runOnce(): Promise<PollRound> {
    const db = this.database.db;
    const claimed = await claimDuePolls(db, this.opts.batchSize, this.opts.leaseMs);
    const out: PollRound = { claimed: claimed.length, changed: 0, failed: 0 };
    if (claimed.length === 0) return out;
    const env = {
      outbound: this.outbound,
      allowHttp: await getSetting(db, 'outbound.allowHttp'),
      timeoutMs: this.opts.timeoutMs,
    };
    for (const c of claimed) {
      try {
        const r = await this.read(c, env);
        if (r.error) out.failed++;
        else if (r.remote && (r.remote.status !== c.status || r.remote.statusNotes !== c.statusNotes))
          out.changed++;
        await recordPoll(db, c, { ...r, nextInMs: this.opts.intervalMs });
      } catch (err) {
        this.opts.onError?.(err);
        await recordPoll(db, c, { error: 'internal_error', nextInMs: this.opts.intervalMs });
        out.failed++;
      }
    }
    return out;
  }

  private async read(c: ClaimedPoll, env: Parameters<typeof getRemoteRequest>[0]) {
    const o = open311Options(c.options);
    if (!o?.apiKey) return { error: 'not_configured (api_key)' };
    const target: GeoReportTarget = {
      baseUrl: c.url,
      apiKey: o.apiKey,
      jurisdictionId: o.jurisdictionId,
      format: o.format,
    };
    let id = c.serviceRequestId;
    if (!id && c.token) {
      const resolved = await resolveRemoteToken(env, target, c.token);
      if (!resolved.ok) return { error: resolved.error };
      // Not made yet on the other side: ask again next time.
      if (!resolved.value) return {};
      id = resolved.value;
    }
    if (!id) return { error: 'protocol (no_request_id)' };
    const got = await getRemoteRequest(env, target, id);
    if (!got.ok) return { serviceRequestId: id, error: got.error };
    if (!got.value) return { serviceRequestId: id, error: 'HTTP 404 (request_gone)' };
    return { serviceRequestId: id, remote: got.value };
  }

  /** Runs a round every `everyMs` until stopped (the interval does not keep the process alive). */
  start(everyMs = 30_000): void {
    this.timer = setInterval(() => {
      if (this.current) return;
      this.current = this.runOnce()
        .catch((err) => this.opts.onError?.(err))
        .finally(() => {
          this.current = undefined;
        });
    }, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.current;
  }
}
