/**
 * Tails the event table in id order and hands new events to subscribers (live UIs over SSE,
 * a NATS publisher when several nodes run). The table is the source of truth: a subscriber that
 * falls behind re-reads from its last id, so nothing committed is lost.
 */
import { asc, gt, sql } from 'drizzle-orm';
import type { Database } from './db.ts';
import { event } from './event-table.ts';

export type EventRow = typeof event.$inferSelect;
type Listener = (rows: EventRow[]) => void;

export class EventFeed {
  private cursor = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<Listener>();
  private polling = false;

  constructor(
    private readonly database: Database,
    private readonly intervalMs = 500,
  ) {}

  async start(): Promise<void> {
    const [row] = await this.database.query<{ max: number | null }>(
      sql`SELECT max(id)::int AS max FROM event`,
    );
    this.cursor = Number(row?.max ?? 0);
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
      const rows = await this.database.db
        .select()
        .from(event)
        .where(gt(event.id, this.cursor))
        .orderBy(asc(event.id))
        .limit(500);
      if (rows.length === 0) return;
      this.cursor = rows[rows.length - 1].id;
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
