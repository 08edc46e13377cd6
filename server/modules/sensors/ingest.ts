/**
 * Readings in, in batches: whatever arrived while the previous batch was being written goes into
 * the next one (the batch grows with the load, up to `maxBatch`), and each batch is one
 * transaction —
 *   1. the readings, in one INSERT … ON CONFLICT DO NOTHING (a reading delivered twice is one row;
 *      only the new ones go on);
 *   2. the devices' status rows, locked in device order (so the batches of several nodes that
 *      share devices queue instead of deadlocking, and each device's conditions are evaluated by
 *      one batch at a time) and updated in one statement: online, last seen, last reading, counts;
 *   3. the rules (rules.ts) over each device's new readings in time order: condition states
 *      upserted in one statement, alarms raised, cleared (and the clear noted on the alarm's case),
 *      their peaks kept;
 *   4. a device heard again after it was marked offline: back online, its offline alarm cleared.
 * `submit` resolves when the batch holding the reading has committed (or the reading was refused:
 * there is nothing to keep), which is when the listener acknowledges it to the broker.
 *
 * Raising an alarm's report goes through intake (alarms.ts) after the batch, not in it: a report
 * the intake refuses must not lose the readings, and readings must not wait on intake.
 *
 * Failures: a batch whose readings fall on a day without a partition makes the partition and tries
 * again; one the database refuses for its data (SQLSTATE 22/23) is split until the culprit is
 * alone, which is counted as `store_failed` and let go; anything else (the database away, a
 * deadlock) is retried with backoff, the readings unacknowledged meanwhile — until the process
 * stops, when they stay unacknowledged and the broker hands them over again.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { REJECT_REASONS, type RejectReason } from '../../../common/sensors.ts';
import { recordEvents } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import { isMissingPartition } from '../../platform/day-partitions.ts';
import { type Db, dbErrorMessage, sqlStateOf } from '../../platform/db.ts';
import { addCaseNote } from '../cases/index.ts';
import type { DeviceDirectory, DirectoryDevice, DirectoryKind } from './directory.ts';
import { ensurePartitions } from './partitions.ts';
import { deviceOfTopic, parseTelemetry } from './payload.ts';
import { type ConditionState, evaluate, extreme, NORMAL } from './rules.ts';
import { sensorAlarm, sensorAlarmState } from './tables.ts';

export interface IngestLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface IngestOptions {
  db: Db;
  directory: DeviceDirectory;
  /** The sensors' system actor (alarms' notes and events). */
  ctx: RequestContext;
  clock: () => Date;
  topicPrefix: string;
  log: IngestLog;
  /** Told after a batch that raised alarms (their reports are due). */
  onAlarmsDue?: () => void;
  maxBatch?: number;
}

interface Pending {
  topic: string;
  payload: Uint8Array;
  receivedAt: Date;
  resolve(): void;
  reject(err: Error): void;
}

interface Reading {
  device: DirectoryDevice;
  at: Date;
  receivedAt: Date;
  values: Record<string, number>;
}

export interface IngestStats {
  received: number;
  stored: number;
  duplicates: number;
  rejected: Record<RejectReason, number>;
  batches: number;
  largestBatch: number;
  alarmsRaised: number;
  alarmsCleared: number;
  lastError: string | null;
  lastErrorAt: string | null;
}

const isDataError = (err: unknown) => /^2[23]/.test(sqlStateOf(err) ?? '');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class SensorIngest {
  private readonly queue: Pending[] = [];
  private running = false;
  private scheduled = false;
  private stopping = false;
  private current: Promise<void> | undefined;
  private readonly maxBatch: number;
  /** Refusals since the last log line, per reason (logged at most every 10 s). */
  private readonly unlogged = new Map<RejectReason, { n: number; example: string }>();
  private lastRejectLog = 0;
  readonly stats: IngestStats = {
    received: 0,
    stored: 0,
    duplicates: 0,
    rejected: Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>,
    batches: 0,
    largestBatch: 0,
    alarmsRaised: 0,
    alarmsCleared: 0,
    lastError: null,
    lastErrorAt: null,
  };

  constructor(private readonly opts: IngestOptions) {
    this.maxBatch = opts.maxBatch ?? 2000;
  }

  /** Hands one message over; resolves once it is stored (or refused), rejects if the process stops first. */
  submit(topic: string, payload: Uint8Array): Promise<void> {
    if (this.stopping) return Promise.reject(new Error('sensor ingest is stopping'));
    this.stats.received++;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, payload, receivedAt: this.opts.clock(), resolve, reject });
      this.kick();
    });
  }

  /** Stores what is queued and waits for it; new messages are refused from now on. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.current;
    // Whatever could not be stored stays unacknowledged: the broker hands it over again.
    for (const p of this.queue.splice(0)) p.reject(new Error('sensor ingest stopped'));
  }

  /** Waits until everything submitted so far has been handled (tests, benchmarks). */
  async drained(): Promise<void> {
    while (this.queue.length > 0 || this.running || this.scheduled) {
      await (this.current ?? new Promise<void>((r) => setImmediate(r)));
    }
  }

  private kick(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    // One turn of the event loop: the messages parsed from the same socket reads join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.current = this.run();
    });
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.storeWithRetry(batch);
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err as Error);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async storeWithRetry(batch: Pending[]): Promise<void> {
    let attempt = 0;
    let madePartitions = false;
    for (;;) {
      try {
        await this.store(batch);
        return;
      } catch (err) {
        if (isMissingPartition(err) && !madePartitions) {
          madePartitions = true;
          const times = batch.map((p) => p.receivedAt.getTime());
          // Every day a reading of this batch may fall on (payload.ts bounds them around receipt).
          await ensurePartitions(
            this.opts.db,
            new Date(Math.min(...times) - 2 * 86_400_000),
            new Date(Math.max(...times) + 86_400_000),
          ).catch(() => {});
          continue;
        }
        if (isDataError(err)) {
          if (batch.length === 1) {
            this.refuse('store_failed', batch[0].topic);
            this.opts.log.error({ err, topic: batch[0].topic }, 'sensor reading refused by the database');
            return;
          }
          const half = Math.ceil(batch.length / 2);
          await this.storeWithRetry(batch.slice(0, half));
          await this.storeWithRetry(batch.slice(half));
          return;
        }
        this.stats.lastError = dbErrorMessage(err).slice(0, 300);
        this.stats.lastErrorAt = new Date().toISOString();
        if (this.stopping) throw err;
        attempt++;
        if (attempt === 1 || attempt % 20 === 0) {
          this.opts.log.error(
            { err, attempt, readings: batch.length },
            'storing sensor readings failed; retrying',
          );
        }
        const code = sqlStateOf(err);
        // A deadlock or serialisation failure: at once; the database away: back off up to 5 s.
        if (code !== '40P01' && code !== '40001') await sleep(Math.min(5000, 50 * 2 ** Math.min(attempt, 7)));
      }
    }
  }

  private refuse(reason: RejectReason, example: string): void {
    this.stats.rejected[reason]++;
    const u = this.unlogged.get(reason) ?? { n: 0, example };
    u.n++;
    this.unlogged.set(reason, u);
    const now = Date.now();
    if (now - this.lastRejectLog >= 10_000) {
      this.lastRejectLog = now;
      const counts = Object.fromEntries([...this.unlogged].map(([r, x]) => [r, x.n]));
      const examples = Object.fromEntries([...this.unlogged].map(([r, x]) => [r, x.example.slice(0, 120)]));
      this.unlogged.clear();
      this.opts.log.warn({ refused: counts, examples }, 'sensor telemetry refused');
    }
  }

  private async store(batch: Pending[]): Promise<void> {
    const { db, directory, topicPrefix } = this.opts;
    const codes = batch.map((p) => deviceOfTopic(p.topic, topicPrefix));
    const devices = await directory.devicesFor(codes.filter((c): c is string => c !== null));
    const readings: Reading[] = [];
    const refusedBy = new Map<string, { n: number; reason: RejectReason }>();
    for (const [i, p] of batch.entries()) {
      const code = codes[i];
      if (code === null) {
        this.refuse('bad_topic', p.topic);
        continue;
      }
      const device = devices.get(code);
      if (!device) {
        this.refuse('unknown_device', code);
        continue;
      }
      const parsed = device.enabled ? parseTelemetry(p.payload, p.receivedAt) : null;
      if (!parsed?.ok) {
        const reason = parsed ? parsed.reason : 'disabled_device';
        this.refuse(reason, code);
        const r = refusedBy.get(device.id) ?? { n: 0, reason };
        r.n++;
        r.reason = reason;
        refusedBy.set(device.id, r);
        continue;
      }
      readings.push({
        device,
        at: parsed.reading.at,
        receivedAt: p.receivedAt,
        values: parsed.reading.values,
      });
    }
    if (readings.length === 0 && refusedBy.size === 0) return;
    const now = this.opts.clock();
    const result = await db.transaction((tx) => this.write(tx, readings, refusedBy, now));
    this.stats.batches++;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    this.stats.stored += result.stored;
    this.stats.duplicates += readings.length - result.stored;
    this.stats.alarmsRaised += result.raised;
    this.stats.alarmsCleared += result.cleared;
    if (result.raised > 0) this.opts.onAlarmsDue?.();
  }

  private async write(
    tx: Db,
    readings: Reading[],
    refusedBy: Map<string, { n: number; reason: RejectReason }>,
    now: Date,
  ): Promise<{ stored: number; raised: number; cleared: number }> {
    // 1. The readings; RETURNING names the ones that were new.
    const fresh = new Map<string, Reading[]>();
    if (readings.length > 0) {
      const inserted = await rows<{ device_id: string; ms: number }>(
        tx,
        sql`INSERT INTO sensor_reading (device_id, at, received_at, values)
            SELECT * FROM unnest(
              ${sql.param(readings.map((r) => r.device.id))}::uuid[],
              ${sql.param(readings.map((r) => r.at.toISOString()))}::timestamptz[],
              ${sql.param(readings.map((r) => r.receivedAt.toISOString()))}::timestamptz[],
              ${sql.param(readings.map((r) => JSON.stringify(r.values)))}::jsonb[])
            ON CONFLICT DO NOTHING
            RETURNING device_id, (extract(epoch FROM at) * 1000)::float8 AS ms`,
      );
      const isNew = new Set(inserted.map((r) => `${r.device_id}/${Math.round(Number(r.ms))}`));
      for (const r of readings) {
        const key = `${r.device.id}/${r.at.getTime()}`;
        if (!isNew.has(key)) continue;
        isNew.delete(key); // the same reading twice in one batch counts once
        const list = fresh.get(r.device.id) ?? [];
        list.push(r);
        fresh.set(r.device.id, list);
      }
      for (const list of fresh.values()) list.sort((a, b) => a.at.getTime() - b.at.getTime());
    }
    const stored = [...fresh.values()].reduce((n, l) => n + l.length, 0);

    // 2. The devices' status, locked in device order.
    const ids = [...new Set([...fresh.keys(), ...refusedBy.keys()])].sort();
    if (ids.length === 0) return { stored, raised: 0, cleared: 0 };
    const prior = await rows<{ device_id: string; state: string; last_ms: number | null }>(
      tx,
      sql`SELECT device_id, state, (extract(epoch FROM last_reading_at) * 1000)::float8 AS last_ms
          FROM sensor_device_status
          WHERE device_id = ANY(${sql.param(ids)}::uuid[]) ORDER BY device_id FOR UPDATE`,
    );
    // The newest reading of each device judged before this batch: older ones are not judged.
    const judged = new Map(
      prior.map((p) => [p.device_id, p.last_ms === null ? null : new Date(Number(p.last_ms))]),
    );
    const last = ids.map((id) => fresh.get(id)?.at(-1));
    await tx.execute(sql`
      UPDATE sensor_device_status s SET
        state = CASE WHEN u.n > 0 THEN 'online' ELSE s.state END,
        state_since = CASE WHEN u.n > 0 AND s.state <> 'online' THEN ${now.toISOString()}::timestamptz ELSE s.state_since END,
        last_seen_at = CASE WHEN u.n > 0 THEN ${now.toISOString()}::timestamptz ELSE s.last_seen_at END,
        last_values = CASE WHEN u.last_at IS NOT NULL AND (s.last_reading_at IS NULL OR u.last_at > s.last_reading_at)
          THEN u.last_values ELSE s.last_values END,
        last_reading_at = CASE WHEN u.last_at IS NOT NULL AND (s.last_reading_at IS NULL OR u.last_at > s.last_reading_at)
          THEN u.last_at ELSE s.last_reading_at END,
        readings = s.readings + u.n,
        rejected = s.rejected + u.rej,
        last_rejected_at = CASE WHEN u.rej > 0 THEN ${now.toISOString()}::timestamptz ELSE s.last_rejected_at END,
        last_rejected_reason = CASE WHEN u.rej > 0 THEN u.reason ELSE s.last_rejected_reason END
      FROM unnest(
        ${sql.param(ids)}::uuid[],
        ${sql.param(last.map((r) => r?.at.toISOString() ?? null))}::timestamptz[],
        ${sql.param(last.map((r) => (r ? JSON.stringify(r.values) : null)))}::jsonb[],
        ${sql.param(ids.map((id) => fresh.get(id)?.length ?? 0))}::int[],
        ${sql.param(ids.map((id) => refusedBy.get(id)?.n ?? 0))}::int[],
        ${sql.param(ids.map((id) => refusedBy.get(id)?.reason ?? null))}::text[]
      ) AS u(device_id, last_at, last_values, n, rej, reason)
      WHERE s.device_id = u.device_id`);

    // 3. The rules.
    const { raised, cleared } = await this.evaluateRules(tx, fresh, judged, now);

    // 4. Heard again after being marked offline.
    const back = prior.filter((p) => p.state === 'offline' && fresh.has(p.device_id)).map((p) => p.device_id);
    if (back.length > 0) await this.backOnline(tx, back, fresh, now);
    return { stored, raised, cleared };
  }

  private async evaluateRules(
    tx: Db,
    fresh: Map<string, Reading[]>,
    judged: Map<string, Date | null>,
    now: Date,
  ): Promise<{ raised: number; cleared: number }> {
    const ruled = [...fresh.values()]
      .map((list) => ({
        device: list[0].device,
        list,
        kind: this.opts.directory.kind(list[0].device.kindCode),
      }))
      .filter(
        (x): x is { device: DirectoryDevice; list: Reading[]; kind: DirectoryKind } => !!x.kind?.rules.length,
      );
    if (ruled.length === 0) return { raised: 0, cleared: 0 };
    // Each condition's state with its alarm's peak so far (a new extreme is written, no other).
    const stateRows = await tx
      .select({
        deviceId: sensorAlarmState.deviceId,
        condition: sensorAlarmState.condition,
        state: sensorAlarmState.state,
        since: sensorAlarmState.since,
        alarmId: sensorAlarmState.alarmId,
        peak: sensorAlarm.peakValue,
      })
      .from(sensorAlarmState)
      .leftJoin(sensorAlarm, eq(sensorAlarm.id, sensorAlarmState.alarmId))
      .where(sql`${sensorAlarmState.deviceId} = ANY(${sql.param(ruled.map((r) => r.device.id))}::uuid[])`);
    const states = new Map(stateRows.map((s) => [`${s.deviceId}/${s.condition}`, s]));
    const upserts: { deviceId: string; condition: string; next: ConditionState; alarmId: string | null }[] =
      [];
    const newAlarms: (typeof sensorAlarm.$inferInsert)[] = [];
    const clears: {
      alarmId: string;
      at: Date;
      value: number;
      peak: number | null;
      device: DirectoryDevice;
      rule: DirectoryKind['rules'][number];
    }[] = [];
    const peaks: { alarmId: string; peak: number; up: boolean }[] = [];

    for (const { device, list, kind } of ruled) {
      for (const rule of kind.rules) {
        const row = states.get(`${device.id}/${rule.condition}`);
        const prior: ConditionState = row ? { state: row.state, since: row.since } : NORMAL;
        const ev = evaluate(rule, prior, judged.get(device.id) ?? null, list);
        let alarmId = row?.alarmId ?? null;
        const up = rule.comparison === 'gt' || rule.comparison === 'gte';
        for (const t of ev.transitions) {
          if (t.kind === 'raise') {
            alarmId = randomUUID();
            newAlarms.push({
              id: alarmId,
              deviceId: device.id,
              condition: rule.condition,
              districtCode: device.districtCode,
              field: rule.field,
              startedAt: t.startedAt,
              raisedAt: t.at,
              raisedValue: t.value,
              peakValue: t.value,
            });
          } else if (alarmId) {
            const fresh = newAlarms.find((a) => a.id === alarmId);
            if (fresh) {
              fresh.clearedAt = t.at;
              fresh.clearValue = t.value;
              if (t.peak !== null) fresh.peakValue = extreme(rule, fresh.peakValue ?? null, t.peak);
            } else {
              clears.push({ alarmId, at: t.at, value: t.value, peak: t.peak, device, rule });
            }
            alarmId = null;
          }
        }
        if (ev.openPeak !== null && alarmId) {
          const fresh = newAlarms.find((a) => a.id === alarmId);
          if (fresh) fresh.peakValue = extreme(rule, fresh.peakValue ?? null, ev.openPeak);
          // Only a new extreme is written (the alarm's stored peak came with its state).
          else if (extreme(rule, row?.peak ?? null, ev.openPeak) !== row?.peak)
            peaks.push({ alarmId, peak: ev.openPeak, up });
        }
        if (!ev.changed) continue;
        upserts.push({
          deviceId: device.id,
          condition: rule.condition,
          next: ev.next,
          alarmId: ev.next.state === 'active' ? alarmId : null,
        });
      }
    }
    if (newAlarms.length > 0) await tx.insert(sensorAlarm).values(newAlarms);
    if (upserts.length > 0) {
      await tx.execute(sql`
        INSERT INTO sensor_alarm_state (device_id, condition, state, since, alarm_id, updated_at)
        SELECT u.*, ${now.toISOString()}::timestamptz FROM unnest(
          ${sql.param(upserts.map((u) => u.deviceId))}::uuid[],
          ${sql.param(upserts.map((u) => u.condition))}::text[],
          ${sql.param(upserts.map((u) => u.next.state))}::text[],
          ${sql.param(upserts.map((u) => u.next.since?.toISOString() ?? null))}::timestamptz[],
          ${sql.param(upserts.map((u) => u.alarmId))}::uuid[]
        ) AS u(device_id, condition, state, since, alarm_id)
        ON CONFLICT (device_id, condition) DO UPDATE SET
          state = excluded.state, since = excluded.since,
          alarm_id = excluded.alarm_id, updated_at = excluded.updated_at`);
    }
    if (peaks.length > 0) {
      await tx.execute(sql`
        UPDATE sensor_alarm a SET peak_value = CASE WHEN u.up
          THEN greatest(coalesce(a.peak_value, u.peak), u.peak) ELSE least(coalesce(a.peak_value, u.peak), u.peak) END
        FROM unnest(
          ${sql.param(peaks.map((p) => p.alarmId))}::uuid[],
          ${sql.param(peaks.map((p) => p.peak))}::float8[],
          ${sql.param(peaks.map((p) => p.up))}::boolean[]
        ) AS u(id, peak, up)
        WHERE a.id = u.id`);
    }
    for (const c of clears) await this.clearAlarm(tx, c);
    // Alarms raised and cleared within this batch are cleared too (their clear is noted once reported).
    const clearedFresh = newAlarms.filter((a) => a.clearedAt);
    if (clears.length + clearedFresh.length > 0) {
      await recordEvents(
        tx,
        this.opts.ctx,
        [
          ...clears.map((c) => ({
            alarmId: c.alarmId,
            device: c.device,
            condition: c.rule.condition,
            value: c.value,
            at: c.at,
          })),
          ...clearedFresh.map((a) => ({
            alarmId: a.id!,
            device: ruled.find((r) => r.device.id === a.deviceId)!.device,
            condition: a.condition,
            value: a.clearValue ?? null,
            at: a.clearedAt!,
          })),
        ].map((c) => ({
          action: 'sensor.alarm.clear' as const,
          entityType: 'sensor_device' as const,
          entityId: c.device.id,
          districtCode: c.device.districtCode,
          after: {
            alarmId: c.alarmId,
            code: c.device.code,
            condition: c.condition,
            value: c.value,
            at: c.at.toISOString(),
          },
        })),
      );
    }
    return { raised: newAlarms.length, cleared: clears.length + clearedFresh.length };
  }

  /** Clears an alarm raised in an earlier batch and notes the clear on its case, if it has one yet. */
  private async clearAlarm(
    tx: Db,
    c: {
      alarmId: string;
      at: Date;
      value: number;
      peak: number | null;
      device: DirectoryDevice;
      rule: DirectoryKind['rules'][number];
    },
  ): Promise<void> {
    const up = c.rule.comparison === 'gt' || c.rule.comparison === 'gte';
    const [alarm] = await rows<{ case_id: string | null; report: string }>(
      tx,
      sql`UPDATE sensor_alarm SET cleared_at = ${c.at.toISOString()}::timestamptz, clear_value = ${c.value},
            peak_value = CASE WHEN ${c.peak}::float8 IS NULL THEN peak_value
              WHEN ${up} THEN greatest(coalesce(peak_value, ${c.peak}::float8), ${c.peak}::float8)
              ELSE least(coalesce(peak_value, ${c.peak}::float8), ${c.peak}::float8) END
          WHERE id = ${c.alarmId}::uuid RETURNING case_id, report`,
    );
    if (!alarm?.case_id || (alarm.report !== 'reported' && alarm.report !== 'noted')) return;
    await addCaseNote(tx, this.opts.ctx, alarm.case_id, {
      source: 'sensor',
      event: 'cleared',
      deviceId: c.device.id,
      deviceCode: c.device.code,
      deviceName: c.device.name,
      condition: c.rule.condition,
      field: c.rule.field,
      value: c.value,
      unit:
        this.opts.directory.kind(c.device.kindCode)?.fields.find((f) => f.key === c.rule.field)?.unit ?? null,
      threshold: c.rule.threshold,
      clearLevel: c.rule.clearLevel,
      at: c.at.toISOString(),
    });
    await tx.execute(sql`UPDATE sensor_alarm SET clear_noted = true WHERE id = ${c.alarmId}::uuid`);
  }

  /** Devices heard again after the sweep marked them offline: their offline alarms end. */
  private async backOnline(tx: Db, ids: string[], fresh: Map<string, Reading[]>, now: Date): Promise<void> {
    const ended = await rows<{ id: string; device_id: string; case_id: string | null; report: string }>(
      tx,
      sql`UPDATE sensor_alarm SET cleared_at = ${now.toISOString()}::timestamptz
          WHERE device_id = ANY(${sql.param(ids)}::uuid[]) AND condition = 'offline' AND cleared_at IS NULL
          RETURNING id, device_id, case_id, report`,
    );
    for (const a of ended) {
      if (!a.case_id || (a.report !== 'reported' && a.report !== 'noted')) continue;
      const device = fresh.get(a.device_id)![0].device;
      await addCaseNote(tx, this.opts.ctx, a.case_id, {
        source: 'sensor',
        event: 'online',
        deviceId: device.id,
        deviceCode: device.code,
        deviceName: device.name,
        condition: 'offline',
        field: null,
        value: null,
        unit: null,
        threshold: null,
        clearLevel: null,
        at: now.toISOString(),
      });
      await tx.execute(sql`UPDATE sensor_alarm SET clear_noted = true WHERE id = ${a.id}::uuid`);
    }
    await recordEvents(
      tx,
      this.opts.ctx,
      ids.map((id) => {
        const device = fresh.get(id)![0].device;
        return {
          action: 'sensor.device.online' as const,
          entityType: 'sensor_device' as const,
          entityId: id,
          districtCode: device.districtCode,
          after: { code: device.code, state: 'online', at: now.toISOString() },
        };
      }),
    );
  }
}

async function rows<T>(tx: Db, q: ReturnType<typeof sql>): Promise<T[]> {
  const res = await tx.execute(q);
  return (res as unknown as { rows: T[] }).rows;
}
