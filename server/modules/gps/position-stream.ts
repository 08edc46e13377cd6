/**
 * Positions between gateways and writers over NATS JetStream (issue 12 item 7), when NATS_URL is
 * set: a node's gateway publishes the positions it decoded to the stream and answers the terminal
 * (0x8001) once JetStream has them; writers on any node take them from one shared durable pull
 * consumer, store them and only then acknowledge. So gateways can run on several machines behind a
 * TCP load balancer, and a writer that dies between storing and acknowledging only causes a
 * redelivery — harmless, because the insert is idempotent on the position's key (terminal, user,
 * device time, serial: `gps_position_key`, ON CONFLICT DO NOTHING). At least once, stored once.
 *
 * - Stream `<PREFIX>_GPS`, subject `<prefix>.gps.positions`, file storage, work-queue retention
 *   (a message is gone once a writer acknowledged it), kept at most `maxAgeDays` (7) if no writer
 *   runs for that long, and JetStream's duplicate window (2 min) on a message id made of the
 *   positions' keys (a publish retried after a lost answer is not stored twice in the stream).
 * - One message holds at most `MAX_ROWS_PER_MESSAGE` positions (NATS's default 1 MiB payload).
 * - A message that does not decode (not JSON, not our shape) is terminated and logged, never
 *   retried for ever; a database failure is answered with a delayed redelivery (nak).
 */
import { createHash } from 'node:crypto';
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  JSONCodec,
  type JsMsg,
  type NatsConnection,
  RetentionPolicy,
  StorageType,
} from 'nats';
import type { PositionSource } from '../../../common/gps.ts';
import type { Db } from '../../platform/db.ts';
import type { LastPositions } from './live.ts';
import { insertPositions, type PositionInsert, type PositionsObserver, touchTerminals } from './store.ts';

export const MAX_ROWS_PER_MESSAGE = 500;
const DAY_NS = 86_400 * 1e9;

export interface PositionStreamNames {
  stream: string;
  subject: string;
  durable: string;
}

export function positionStreamNames(prefix: string): PositionStreamNames {
  return {
    stream: `${prefix.toUpperCase()}_GPS`,
    subject: `${prefix.toLowerCase()}.gps.positions`,
    durable: 'gps-writer',
  };
}

/** Makes (or updates) the stream and the writers' shared consumer; every node may call it. */
export async function ensurePositionStream(
  nc: NatsConnection,
  names: PositionStreamNames,
  maxAgeDays = 7,
): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const config = {
    name: names.stream,
    subjects: [names.subject],
    storage: StorageType.File,
    retention: RetentionPolicy.Workqueue,
    max_age: maxAgeDays * DAY_NS,
    duplicate_window: 120 * 1e9,
  };
  try {
    await jsm.streams.info(names.stream);
    await jsm.streams.update(names.stream, config);
  } catch (err) {
    if (!/stream not found/i.test(String((err as Error)?.message))) throw err;
    await jsm.streams.add(config);
  }
  const consumers = await jsm.consumers.list(names.stream).next();
  if (!consumers.some((c) => c.name === names.durable)) {
    await jsm.consumers.add(names.stream, {
      durable_name: names.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: 30 * 1e9,
      max_ack_pending: 20_000,
    });
  }
}

// ---- the wire form of a position: the row, its instants as ISO strings ----

type WirePosition = Omit<PositionInsert, 'time' | 'receivedAt'> & { time: string; receivedAt: string };

const codec = JSONCodec<{ v: 1; rows: WirePosition[] }>();

const toWire = (r: PositionInsert): WirePosition => ({
  ...r,
  time: (r.time as Date).toISOString(),
  receivedAt: (r.receivedAt as Date).toISOString(),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SOURCES: readonly PositionSource[] = ['jt808', 'phone'];
const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const optNum = (v: unknown) => v === null || v === undefined || num(v);

/** A message's rows, or null when it is not what a gateway publishes (never trusted blindly). */
export function decodePositions(data: Uint8Array): PositionInsert[] | null {
  let body: unknown;
  try {
    body = codec.decode(data);
  } catch {
    return null;
  }
  const b = body as { v?: unknown; rows?: unknown };
  if (b?.v !== 1 || !Array.isArray(b.rows) || b.rows.length > MAX_ROWS_PER_MESSAGE) return null;
  const rows: PositionInsert[] = [];
  for (const w of b.rows as Record<string, unknown>[]) {
    if (!w || typeof w !== 'object') return null;
    const time = new Date(String(w.time));
    const receivedAt = new Date(String(w.receivedAt));
    const subjectOk =
      (typeof w.terminalId === 'string' && UUID.test(w.terminalId) && w.userId == null) ||
      (typeof w.userId === 'string' && UUID.test(w.userId) && w.terminalId == null);
    if (
      !subjectOk ||
      Number.isNaN(time.getTime()) ||
      Number.isNaN(receivedAt.getTime()) ||
      !num(w.lat) ||
      !num(w.lng) ||
      !(['speed', 'direction', 'altitude', 'alarm', 'status', 'accuracy'] as const).every((k) =>
        optNum(w[k]),
      ) ||
      !Number.isInteger(w.serial) ||
      !SOURCES.includes(w.source as PositionSource) ||
      (w.extras != null && (typeof w.extras !== 'object' || Array.isArray(w.extras)))
    ) {
      return null;
    }
    rows.push({ ...(w as unknown as PositionInsert), time, receivedAt });
  }
  return rows;
}

/** The publishing half a gateway uses: resolves when JetStream has stored every message. */
export function positionPublisher(nc: NatsConnection, names: PositionStreamNames) {
  const js: JetStreamClient = nc.jetstream();
  return async function publish(rows: readonly PositionInsert[]): Promise<void> {
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < rows.length; i += MAX_ROWS_PER_MESSAGE) {
      const chunk = rows.slice(i, i + MAX_ROWS_PER_MESSAGE).map(toWire);
      const id = createHash('sha256');
      for (const r of chunk) id.update(`${r.terminalId ?? ''}|${r.userId ?? ''}|${r.time}|${r.serial}\n`);
      sends.push(js.publish(names.subject, codec.encode({ v: 1, rows: chunk }), { msgID: id.digest('hex') }));
    }
    await Promise.all(sends);
  };
}

export interface PositionWriterLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface PositionWriterStats {
  messages: number;
  stored: number;
  duplicates: number;
  terminated: number;
  failedBatches: number;
}

export interface PositionWriter {
  readonly stats: PositionWriterStats;
  /** Stops taking messages; resolves when the batch in hand is stored and acknowledged (or handed back). */
  close(): Promise<void>;
}

export interface PositionWriterOptions {
  log: PositionWriterLog;
  /** Most messages taken per batch (default 40, up to 20,000 positions). */
  maxMessages?: number;
  /**
   * How long a fetch waits to fill a batch (default and least 1 s, nats.js's floor): a position
   * reaches the table at most this long after the stream has it (the terminal was answered then),
   * and close() returns within it.
   */
  expiresMs?: number;
  /** Called after a batch is stored, with its rows (the live map). */
  onStored?: (rows: readonly PositionInsert[]) => void;
  /** The geofences' rules and the terminals' alarm bits, evaluated on each stored batch (alarm-engine.ts). */
  alarms?: PositionsObserver;
}

/** The writing half: takes batches from the shared consumer, stores them, then acknowledges them. */
export async function startPositionWriter(
  db: Db,
  nc: NatsConnection,
  names: PositionStreamNames,
  opts: PositionWriterOptions,
): Promise<PositionWriter> {
  const js = nc.jetstream();
  const consumer = await js.consumers.get(names.stream, names.durable);
  const stats: PositionWriterStats = {
    messages: 0,
    stored: 0,
    duplicates: 0,
    terminated: 0,
    failedBatches: 0,
  };
  let stopped = false;

  async function handle(msgs: JsMsg[]) {
    const good: JsMsg[] = [];
    const rows: PositionInsert[] = [];
    for (const m of msgs) {
      const got = decodePositions(m.data);
      if (!got) {
        stats.terminated++;
        opts.log.warn(
          { subject: m.subject, seq: m.seq, bytes: m.data.length },
          'gps stream: message dropped, not positions',
        );
        m.term();
        continue;
      }
      good.push(m);
      rows.push(...got);
    }
    if (good.length === 0) return;
    try {
      const inserted = await insertPositions(db, rows);
      const newest = new Map<string, { terminalId: string; time: Date; lat: number; lng: number }>();
      let seen = new Date(0);
      for (const r of rows) {
        const at = r.receivedAt as Date;
        if (at > seen) seen = at;
        if (!r.terminalId) continue;
        const held = newest.get(r.terminalId);
        const time = r.time as Date;
        if (!held || held.time < time)
          newest.set(r.terminalId, { terminalId: r.terminalId, time, lat: r.lat, lng: r.lng });
      }
      await touchTerminals(db, [...newest.values()], seen);
      // Before the acknowledgement: a writer that dies here has its batch delivered again, and the
      // engine's per-fence state makes a second evaluation raise nothing new.
      if (inserted > 0) await opts.alarms?.afterStore(rows);
      stats.messages += good.length;
      stats.stored += inserted;
      stats.duplicates += rows.length - inserted;
      // Stored, so acknowledged: a lost acknowledgement only means a redelivery, stored as nothing new.
      for (const m of good) m.ack();
      opts.onStored?.(rows);
    } catch (err) {
      stats.failedBatches++;
      opts.log.error(
        { err, positions: rows.length },
        'gps stream: positions could not be stored; redelivered',
      );
      for (const m of good) m.nak(5_000);
    }
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        const batch = await consumer.fetch({
          max_messages: opts.maxMessages ?? 40,
          expires: Math.max(1000, opts.expiresMs ?? 1000),
        });
        const msgs: JsMsg[] = [];
        for await (const m of batch) msgs.push(m);
        if (msgs.length) await handle(msgs);
      } catch (err) {
        if (stopped || nc.isClosed()) break;
        opts.log.error({ err }, 'gps stream: fetch failed; retrying');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();

  return {
    stats,
    async close() {
      stopped = true;
      await loop;
    },
  };
}

export interface GpsPositionStream {
  /** What the gateway publishes through (gateway.ts `publish`). */
  publish: (rows: readonly PositionInsert[]) => Promise<void>;
  readonly writer: PositionWriter;
  /** Stops the writer (the batch in hand finishes); the caller closes the connection. */
  close(): Promise<void>;
}

/**
 * The node's half of the stream (main.ts, when NATS_URL is set): the stream and consumer made if
 * missing, this node's writer started, and the publisher for its gateway. The positions this
 * node's writer stores also move its live map (each node's map holds what it received or wrote;
 * the registry's last fix holds the newest across nodes).
 */
export async function startGpsPositionStream(
  db: Db,
  nc: NatsConnection,
  prefix: string,
  opts: { log: PositionWriterLog; live?: LastPositions; alarms?: PositionsObserver },
): Promise<GpsPositionStream> {
  const names = positionStreamNames(prefix);
  await ensurePositionStream(nc, names);
  const writer = await startPositionWriter(db, nc, names, {
    log: opts.log,
    alarms: opts.alarms,
    onStored: (rows) => {
      if (!opts.live) return;
      const now = new Date();
      for (const r of rows) {
        if (!r.terminalId) continue;
        opts.live.update({
          source: r.source,
          terminalId: r.terminalId,
          userId: null,
          time: r.time as Date,
          receivedAt: (r.receivedAt as Date) ?? now,
          lat: r.lat,
          lng: r.lng,
          speed: r.speed ?? null,
          direction: r.direction ?? null,
          alarm: r.alarm ?? null,
          status: r.status ?? null,
        });
      }
    },
  });
  return { publish: positionPublisher(nc, names), writer, close: () => writer.close() };
}
