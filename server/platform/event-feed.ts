/**
 * Tails the event table in id order and hands new events to subscribers (live UIs over SSE,
 * a NATS publisher when several nodes run). The table is the source of truth: a subscriber that
 * falls behind re-reads from its last id, so nothing committed is lost.
 *
 * Ids are taken when a transaction inserts its event, not when it commits: a transaction that
 * took id 41 may commit after one that took 42 has been read. Reading only `id > cursor` would
 * then skip 41 for ever (a revoked session kept in another node's cache, a grid import never
 * re-indexed). So every id missing below the cursor is remembered as a gap and asked for again on
 * each poll until it shows up, or until GAP_RETENTION_MS has passed (a rolled-back transaction
 * leaves a gap that never fills).
 */
import { asc, gt, inArray, sql } from 'drizzle-orm';
import type { Database } from './db.ts';
import { event } from './event-table.ts';

export type EventRow = typeof event.$inferSelect;
type Listener = (rows: EventRow[]) => void;

/** How long a missing id is looked for: longer than any transaction that records an event runs. */
export const GAP_RETENTION_MS = 10 * 60_000;
/** At most this many gaps are tracked (a sequence jump of millions is not a million gaps). */
const MAX_GAPS = 10_000;

export class EventFeed {
  private cursor = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<Listener>();
  private polling = false;
  /** Ids below the cursor not seen yet, with when they were first missed. */
  private readonly gaps = new Map<number, number>();

  constructor(
    private readonly database: Database,
    private readonly intervalMs = 500,
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<void> {
    const [row] = await this.database.query<{ max: number | null }>(
      sql`SELECT max(id)::int AS max FROM event`,
    );
    this.cursor = Number(row?.max ?? 0);
    // Transactions in flight at start hold ids just below the maximum.
    const recent = await this.database.query<{ id: number }>(
      sql`SELECT id::int AS id FROM event WHERE id > ${this.cursor - 1000} ORDER BY id`,
    );
    this.noteGaps(
      Math.max(0, this.cursor - 1000),
      recent.map((r) => Number(r.id)),
    );
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get position(): number {
    return this.cursor;
  }

  /** Ids currently looked for below the cursor (for tests and metrics). */
  get pendingGaps(): number {
    return this.gaps.size;
  }

  /** Records every id between `from` (exclusive) and each of `seen` that was not seen. */
  private noteGaps(from: number, seen: number[]): void {
    const at = this.now();
    let prev = from;
    for (const id of seen) {
      for (let missing = prev + 1; missing < id && this.gaps.size < MAX_GAPS; missing++) {
        if (!this.gaps.has(missing)) this.gaps.set(missing, at);
      }
      prev = Math.max(prev, id);
    }
  }

  private expireGaps(): void {
    const cutoff = this.now() - GAP_RETENTION_MS;
    for (const [id, since] of this.gaps) if (since < cutoff) this.gaps.delete(id);
  }

  /** Seconds the oldest not-yet-delivered event has waited (0 when caught up): the `event lag`. */
  async lagSeconds(): Promise<number> {
    const [row] = await this.database.query<{ lag: number | null }>(
      sql`SELECT extract(epoch FROM now() - min(at))::float AS lag FROM event WHERE id > ${this.cursor}`,
    );
    return Math.max(0, Number(row?.lag ?? 0));
  }

  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      this.expireGaps();
      const late =
        this.gaps.size === 0
          ? []
          : await this.database.db
              .select()
              .from(event)
              .where(inArray(event.id, [...this.gaps.keys()]))
              .orderBy(asc(event.id));
      const fresh = await this.database.db
        .select()
        .from(event)
        .where(gt(event.id, this.cursor))
        .orderBy(asc(event.id))
        .limit(500);
      for (const r of late) this.gaps.delete(r.id);
      if (fresh.length > 0) {
        this.noteGaps(
          this.cursor,
          fresh.map((r) => r.id),
        );
        this.cursor = fresh[fresh.length - 1].id;
      }
      const rows = late.length === 0 ? fresh : [...late, ...fresh];
      if (rows.length === 0) return;
      for (const listener of this.listeners) {
        try {
          listener(rows);
        } catch {
          // One broken subscriber must not stop the feed for the others.
        }
      }
    } catch {
      // Database briefly unavailable: try again on the next tick from the same cursor.
    } finally {
      this.polling = false;
    }
  }
}
