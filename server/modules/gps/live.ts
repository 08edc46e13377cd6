/**
 * The newest position of every terminal and person this node has stored, in memory, for the live
 * map (issue 12 item 4): updated after each batch commits, newer fixes only (a blind-area
 * back-fill never moves a vehicle back). One entry per terminal or person, so its size is bounded
 * by the registry and the staff. Per node: with several gateways, each knows what it received;
 * the live map (live-service.ts) merges it with the database's `gps_terminal.last_*` columns,
 * which hold the newest across nodes. Every accepted update takes the next number of a counter
 * (`seq`), so the live stream asks for what changed since its last push (`changedSince`).
 */
import type { PositionSource } from '../../../common/gps.ts';

export interface LivePosition {
  /** `terminal:<id>` or `user:<id>`. */
  key: string;
  source: PositionSource;
  terminalId: string | null;
  userId: string | null;
  time: Date;
  receivedAt: Date;
  lat: number;
  lng: number;
  speed: number | null;
  direction: number | null;
  alarm: number | null;
  status: number | null;
  /** The counter's value when this fix was taken in (live stream: what changed since a push). */
  seq: number;
}

export class LastPositions {
  private readonly byKey = new Map<string, LivePosition>();
  private counter = 0;

  /** Keeps `p` unless a newer fix of the same terminal or person is already held. */
  update(p: Omit<LivePosition, 'key' | 'seq'>): void {
    const key = p.terminalId ? `terminal:${p.terminalId}` : `user:${p.userId}`;
    const held = this.byKey.get(key);
    if (held && held.time.getTime() >= p.time.getTime()) return;
    this.byKey.set(key, { ...p, key, seq: ++this.counter });
  }

  /** The counter now: every position taken in since has a larger `seq`. */
  get seq(): number {
    return this.counter;
  }

  /** The positions taken in after `seq` (copies). */
  changedSince(seq: number): LivePosition[] {
    const out: LivePosition[] = [];
    for (const p of this.byKey.values()) if (p.seq > seq) out.push({ ...p });
    return out;
  }

  get(kind: 'terminal' | 'user', id: string): LivePosition | undefined {
    return this.byKey.get(`${kind}:${id}`);
  }

  /** Every held position (copies), newest fix first. */
  lastPositions(): LivePosition[] {
    return [...this.byKey.values()]
      .map((p) => ({ ...p }))
      .sort((a, b) => b.time.getTime() - a.time.getTime());
  }

  /** Forgets a terminal (disabled) or a person. */
  forget(kind: 'terminal' | 'user', id: string): void {
    this.byKey.delete(`${kind}:${id}`);
  }

  get size(): number {
    return this.byKey.size;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This node's last position per terminal and person (modules/gps): the live map's source. */
    gpsLive: LastPositions;
  }
}
