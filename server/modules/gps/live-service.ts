/**
 * The live map (实时监控, issue 12 item 4): every vehicle and every person on duty the caller may
 * see, with its newest fix and state (common/gps-live.ts: moving / stopped / offline / alarm),
 * and the stream that pushes what changed.
 *
 * Sources. A vehicle's newest fix is the newer of this node's in-memory one (LastPositions: speed
 * and alarm bits included) and the database's `gps_terminal.last_*` (the newest across nodes,
 * position and time only — a vehicle last heard by another node shows its speed and alarm as
 * unknown until this node hears it, or the stream's poll below). A person on duty is one whose
 * phone sent a position in the last PERSON_WINDOW_MS: their newest row of `gps_position`, or this
 * node's in-memory one when newer. Who is listed: terminalRead for vehicles, personTrackRead
 * (through the person's organisation) for people — the policy's rules, nothing inline.
 *
 * The stream (LiveHub): positions are far too many for the event table, so they never go through
 * it. One timer per node, running only while someone subscribes, every `intervalMs` (1.5 s):
 * takes the in-memory positions taken in since the last push (LastPositions.changedSince) and
 * the terminals another node heard from since the last poll (`gps_terminal.last_seen_at`, one
 * small query), turns them into live items (the terminal's or person's organisation cached for a
 * minute), and writes each subscriber the ones its scope allows, as one `event: positions` frame.
 * A subscriber with nothing new gets a `: ping` comment every 15 s; one that does not read (more
 * than 1 MiB unsent) is cut off; a closed connection unsubscribes. A person's phone positions
 * reaching another node are in the snapshot, not in this node's stream.
 */
import type { ServerResponse } from 'node:http';
import type { GpsTerminalKind } from '../../../common/gps.ts';
import { type LiveKind, type LiveState, liveState, PERSON_WINDOW_MS } from '../../../common/gps-live.ts';
import type { Actor } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { enabledUsersWithOrg } from '../identity/index.ts';
import type { LastPositions, LivePosition } from './live.ts';
import { type LiveTerminalRow, liveTerminals, newestPersonFixes } from './live-repository.ts';
import { personTrackRead, terminalRead } from './policy.ts';

export interface LiveItem {
  /** `terminal:<id>` or `user:<id>`. */
  key: string;
  kind: LiveKind;
  /** The terminal's or the person's id. */
  id: string;
  terminalKind: GpsTerminalKind | null;
  /** What the map writes next to the marker: the plate (else the terminal phone), or the name. */
  label: string;
  plate: string | null;
  terminalPhone: string | null;
  orgId: string;
  orgName: string | null;
  districtCode: string | null;
  time: string | null;
  receivedAt: string | null;
  lat: number | null;
  lng: number | null;
  speed: number | null;
  direction: number | null;
  alarm: number | null;
  state: LiveState;
}

interface Owner {
  orgId: string;
  orgName: string | null;
  districtCode: string | null;
}
interface TerminalMeta extends Owner {
  terminalPhone: string;
  plate: string | null;
  kind: GpsTerminalKind;
}
interface PersonMeta extends Owner {
  name: string;
}

interface Fix {
  time: Date | null;
  receivedAt: Date | null;
  lat: number | null;
  lng: number | null;
  speed: number | null;
  direction: number | null;
  alarm: number | null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function itemOf(kind: LiveKind, id: string, m: TerminalMeta | PersonMeta, f: Fix, now: number): LiveItem {
  const t = 'terminalPhone' in m ? m : null;
  return {
    key: `${kind === 'vehicle' ? 'terminal' : 'user'}:${id}`,
    kind,
    id,
    terminalKind: t?.kind ?? null,
    label: t ? (t.plate ?? t.terminalPhone) : (m as PersonMeta).name,
    plate: t?.plate ?? null,
    terminalPhone: t?.terminalPhone ?? null,
    orgId: m.orgId,
    orgName: m.orgName,
    districtCode: m.districtCode,
    time: iso(f.time),
    receivedAt: iso(f.receivedAt),
    lat: f.lat,
    lng: f.lng,
    speed: f.speed,
    direction: f.direction,
    alarm: f.alarm,
    state: liveState({ time: f.time, speed: f.speed, alarm: f.alarm }, now),
  };
}

const fromMemory = (p: LivePosition): Fix => ({
  time: p.time,
  receivedAt: p.receivedAt,
  lat: p.lat,
  lng: p.lng,
  speed: p.speed,
  direction: p.direction,
  alarm: p.alarm,
});

/** The newer of this node's fix and the database's (another node's) for a terminal. */
function terminalFix(r: LiveTerminalRow, mem: LivePosition | undefined): Fix {
  if (mem && (!r.lastPositionAt || mem.time.getTime() >= r.lastPositionAt.getTime())) return fromMemory(mem);
  return {
    time: r.lastPositionAt,
    receivedAt: r.lastSeenAt,
    lat: r.lastLat,
    lng: r.lastLng,
    speed: null,
    direction: null,
    alarm: null,
  };
}

const terminalMeta = (r: LiveTerminalRow): TerminalMeta => ({
  terminalPhone: r.terminalPhone,
  plate: r.plate,
  kind: r.kind,
  orgId: r.orgId,
  orgName: r.orgName,
  districtCode: r.districtCode,
});

async function personMetas(db: Db, ids: readonly string[]): Promise<Map<string, PersonMeta>> {
  const rows = await enabledUsersWithOrg(db, ids);
  return new Map(
    rows.map((r) => [
      r.user.id,
      { name: r.user.displayName, orgId: r.org.id, orgName: r.org.name, districtCode: r.org.districtCode },
    ]),
  );
}

const mayFollow = (actor: Actor) => terminalRead.permitted(actor) || personTrackRead.permitted(actor);

/** Whether the caller may see this live item (the policy's rule for a vehicle or a person). */
export function visibleTo(actor: Actor, item: Pick<LiveItem, 'kind' | 'orgId' | 'districtCode'>): boolean {
  const row = { districtCode: item.districtCode, orgId: item.orgId };
  return item.kind === 'vehicle' ? terminalRead.allows(actor, row) : personTrackRead.allows(actor, row);
}

/** GET /api/gps/live: vehicles (those with a fix first, newest first) then people on duty. */
export async function liveSnapshot(db: Db, actor: Actor, live: LastPositions, now: Date) {
  terminalRead.requirePermission(actor);
  const at = now.getTime();
  const vehicles = (await liveTerminals(db, { scope: terminalRead.filter(actor) })).map((r) =>
    itemOf('vehicle', r.id, terminalMeta(r), terminalFix(r, live.get('terminal', r.id)), at),
  );
  const since = new Date(at - PERSON_WINDOW_MS);
  const fixes = new Map<string, Fix>();
  for (const r of await newestPersonFixes(db, since, new Date(at + 10 * 60_000))) {
    fixes.set(r.userId, { ...r, alarm: null });
  }
  for (const p of live.lastPositions()) {
    if (!p.userId || p.time.getTime() < since.getTime()) continue;
    const held = fixes.get(p.userId);
    if (!held?.time || held.time.getTime() < p.time.getTime()) fixes.set(p.userId, fromMemory(p));
  }
  const metas = await personMetas(db, [...fixes.keys()]);
  const people: LiveItem[] = [];
  for (const [id, f] of fixes) {
    const m = metas.get(id);
    if (!m) continue;
    const item = itemOf('person', id, m, f, at);
    if (visibleTo(actor, item)) people.push(item);
  }
  const byTime = (a: LiveItem, b: LiveItem) => (b.time ?? '').localeCompare(a.time ?? '');
  return { now: now.toISOString(), items: [...vehicles.sort(byTime), ...people.sort(byTime)] };
}

// ---- the stream -------------------------------------------------------------------------------

export interface LiveHubOptions {
  /** Between two pushes (default 1,500 ms). */
  intervalMs?: number;
  /** A comment to an idle subscriber after this long (default 15 s). */
  heartbeatMs?: number;
  clock?: () => Date;
  log?: { warn(obj: object, msg: string): void };
}

interface Subscriber {
  actor: Actor;
  res: ServerResponse;
  lastWrite: number;
}

const META_TTL_MS = 60_000;
const MAX_UNSENT = 1 << 20;

export class LiveHub {
  private readonly subscribers = new Set<Subscriber>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private lastSeq = 0;
  private lastPoll = 0;
  private readonly terminals = new Map<string, { meta: TerminalMeta; at: number }>();
  private readonly people = new Map<string, { meta: PersonMeta | null; at: number }>();
  /** The fix last pushed of a terminal another node heard (the poll's windows overlap). */
  private readonly polledFix = new Map<string, number>();
  private readonly intervalMs: number;
  private readonly heartbeatMs: number;
  private readonly clock: () => Date;

  constructor(
    private readonly db: Db,
    private readonly live: LastPositions,
    private readonly opts: LiveHubOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 1500;
    this.heartbeatMs = opts.heartbeatMs ?? 15_000;
    this.clock = opts.clock ?? (() => new Date());
  }

  /** Whether the caller may follow the stream at all. */
  permitted(actor: Actor): boolean {
    return mayFollow(actor);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Adds a subscriber (its response already an open event stream); returns the unsubscribe. */
  subscribe(actor: Actor, res: ServerResponse): () => void {
    const s: Subscriber = { actor, res, lastWrite: Date.now() };
    if (this.subscribers.size === 0) {
      this.lastSeq = this.live.seq;
      this.lastPoll = this.clock().getTime();
      this.timer = setInterval(() => void this.tick(), this.intervalMs);
      this.timer.unref();
    }
    this.subscribers.add(s);
    return () => {
      this.subscribers.delete(s);
      if (this.subscribers.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Closes every subscriber's stream (the server shuts down). */
  close(): void {
    for (const s of this.subscribers) s.res.end();
    this.subscribers.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const items = await this.changes();
      const nowMs = Date.now();
      for (const s of this.subscribers) {
        if (s.res.destroyed) continue;
        if (s.res.writableLength > MAX_UNSENT) {
          s.res.destroy();
          continue;
        }
        const mine = items.filter((i) => visibleTo(s.actor, i));
        if (mine.length > 0) {
          s.res.write(
            `event: positions\ndata: ${JSON.stringify({ now: this.clock().toISOString(), items: mine })}\n\n`,
          );
          s.lastWrite = nowMs;
        } else if (nowMs - s.lastWrite >= this.heartbeatMs) {
          s.res.write(': ping\n\n');
          s.lastWrite = nowMs;
        }
      }
    } catch (err) {
      this.opts.log?.warn({ err }, 'gps live stream: a push failed');
    } finally {
      this.ticking = false;
    }
  }

  /** The live items that changed since the last push, on this node or (vehicles) on another. */
  private async changes(): Promise<LiveItem[]> {
    const now = this.clock();
    const at = now.getTime();
    const changed = this.live.changedSince(this.lastSeq);
    this.lastSeq = this.live.seq;
    // Other nodes' vehicles: heard from since the last poll (a few seconds' overlap for clocks).
    const pollFrom = new Date(this.lastPoll - 5_000);
    this.lastPoll = at;
    const polled = await liveTerminals(this.db, { seenSince: pollFrom });
    const out = new Map<string, LiveItem>();
    for (const r of polled) {
      this.terminals.set(r.id, { meta: terminalMeta(r), at });
      const mem = this.live.get('terminal', r.id);
      // Only what this node did not hear itself (its own are in `changed`), once per fix.
      const fixAt = r.lastPositionAt?.getTime();
      if (fixAt === undefined || (mem && mem.time.getTime() >= fixAt)) continue;
      if (this.polledFix.get(r.id) === fixAt) continue;
      this.polledFix.set(r.id, fixAt);
      out.set(`terminal:${r.id}`, itemOf('vehicle', r.id, terminalMeta(r), terminalFix(r, mem), at));
    }
    const staleTerminals = changed
      .filter((p) => p.terminalId && !this.fresh(this.terminals.get(p.terminalId), at))
      .map((p) => p.terminalId!);
    for (const r of await liveTerminals(this.db, { ids: staleTerminals })) {
      this.terminals.set(r.id, { meta: terminalMeta(r), at });
    }
    const stalePeople = changed
      .filter((p) => p.userId && !this.fresh(this.people.get(p.userId), at))
      .map((p) => p.userId!);
    if (stalePeople.length > 0) {
      const metas = await personMetas(this.db, stalePeople);
      for (const id of stalePeople) this.people.set(id, { meta: metas.get(id) ?? null, at });
    }
    for (const p of changed) {
      if (p.terminalId) {
        const m = this.terminals.get(p.terminalId);
        // Not found among the enabled terminals: disabled since, not on the map.
        if (m && this.fresh(m, at)) {
          out.set(p.key, itemOf('vehicle', p.terminalId, m.meta, fromMemory(p), at));
        }
      } else if (p.userId) {
        const m = this.people.get(p.userId)?.meta;
        if (m) out.set(p.key, itemOf('person', p.userId, m, fromMemory(p), at));
      }
    }
    return [...out.values()];
  }

  private fresh(e: { at: number } | undefined, at: number): boolean {
    return !!e && at - e.at < META_TTL_MS;
  }
}
