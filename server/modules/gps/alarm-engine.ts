/**
 * GPS alarms on ingest: after a batch of positions is stored (the gateway's batch writer,
 * gateway-backend.ts; a phone's batch, service.ts), `afterStore(rows)` evaluates them, subject by
 * subject in time order:
 *
 * - against the fences that apply to the subject (enabled; its terminal's kind or id, or the
 *   person, named in the rule's targets; a district's fence only for its district's terminals and
 *   staff): entering a no-entry fence, leaving a stay-inside one, overspeed sustained inside one
 *   (geofence-geometry.ts `step`) — when the rule's window is active;
 * - a terminal's own JT/T 808 alarm bits: one alarm on each bit's rising edge.
 *
 * Bounded: the fences are loaded once (at most MAX_GEOFENCES) and held until a `gps.geofence.*`
 * event (this node's or, through the event feed, another's) or `ttlMs`; the subjects' terminal
 * kind and district are cached likewise; each position meets a fence's bounding box before its
 * polygon or line. Where each subject stands against each fence is in `gps_fence_state`, read FOR
 * UPDATE and written back in the same transaction as the alarms and their events
 * (`gps.alarm.raise`, which the live stream carries to the browser): one alarm per transition, on
 * any node, across restarts. A position not newer than the subject's last one evaluated (a
 * blind-area back-fill, a resend) raises nothing.
 *
 * Alarms that raise a case (a fence's rule says `raiseCase`; terminal alarm kinds listed in the
 * setting `gps.caseAlarmKinds`) go through intake afterwards, each in its own transaction, on the
 * channel `sensor` (a terminal is the city's sensor on wheels), with an idempotency key of the
 * alarm; intake's refusal (outside the managed area…) is kept on the alarm (`caseError`).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { formatChina } from '../../../common/calendar/china-time.ts';
import { GPS_TERMINAL_KINDS } from '../../../common/gps.ts';
import {
  type GeofenceRule,
  GPS_ALARM_KIND_NAMES,
  type GpsAlarmKind,
  MAX_GEOFENCES,
} from '../../../common/gps-alarms.ts';
import { observeEvents, recordEvents } from '../../platform/audit.ts';
import { type RequestContext, systemContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { EventFeed } from '../../platform/event-feed.ts';
import { createReport, type Spatial } from '../cases/index.ts';
import { enabledUsersWithOrg } from '../identity/index.ts';
import { getSetting } from '../settings/index.ts';
import {
  type FenceState,
  freshState,
  type PreparedFence,
  prepareFence,
  risingAlarmBits,
  step,
} from './geofence-geometry.ts';
import type { PositionInsert } from './store.ts';
import { gpsAlarm, gpsFenceState, gpsGeofence, gpsTerminal } from './tables.ts';

/** The fence id under which a terminal's own alarm bits are kept in `gps_fence_state`. */
export const TERMINAL_BITS = '00000000-0000-0000-0000-000000000000';
const FENCE_ACTION = /^gps\.(geofence|terminal)\./;

interface LoadedFence {
  id: string;
  name: string;
  orgId: string;
  districtCode: string | null;
  rule: GeofenceRule;
  prepared: PreparedFence;
}

interface Subject {
  key: string;
  terminalId: string | null;
  userId: string | null;
  kind: string | null;
  orgId: string | null;
  districtCode: string | null;
  plate: string | null;
}

export interface AlarmEngineLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface AlarmEngineOptions {
  log: AlarmEngineLog;
  /** Intake's grid lookup and routing, for the cases alarms raise. */
  spatial?: Spatial;
  feed?: EventFeed;
  /** How long the fences and subjects are trusted without an event (default 60 s). */
  ttlMs?: number;
}

type AlarmInsert = typeof gpsAlarm.$inferInsert;

export class GpsAlarmEngine {
  private fences: { list: LoadedFence[]; at: number } | null = null;
  private readonly subjects = new Map<string, { s: Subject; at: number }>();
  private readonly ttl: number;
  private readonly unobserve: () => void;
  private readonly unfeed?: () => void;
  readonly ctx: RequestContext = systemContext('gps-alarms', ['case:report', 'case:read']);
  /** Counters for the status page and tests. */
  readonly stats = { batches: 0, raised: 0, cases: 0, failures: 0 };

  constructor(
    private readonly database: { db: Db },
    private readonly opts: AlarmEngineOptions,
  ) {
    this.ttl = opts.ttlMs ?? 60_000;
    this.unobserve = observeEvents((_c, e) => {
      if (FENCE_ACTION.test(e.action)) this.invalidate();
    });
    this.unfeed = opts.feed?.subscribe((rows) => {
      if (rows.some((r) => FENCE_ACTION.test(r.action))) this.invalidate();
    });
  }

  invalidate(): void {
    this.fences = null;
    this.subjects.clear();
  }

  close(): void {
    this.unobserve();
    this.unfeed?.();
  }

  private async loadFences(): Promise<LoadedFence[]> {
    if (this.fences && Date.now() - this.fences.at < this.ttl) return this.fences.list;
    const rows = await this.database.db
      .select()
      .from(gpsGeofence)
      .where(eq(gpsGeofence.enabled, true))
      .limit(MAX_GEOFENCES);
    const list = rows.map((f) => ({
      id: f.id,
      name: f.name,
      orgId: f.orgId,
      districtCode: f.districtCode,
      rule: f.rule,
      prepared: prepareFence(f.id, f.geometry, f.corridorM),
    }));
    this.fences = { list, at: Date.now() };
    return list;
  }

  private async loadSubjects(keys: {
    terminalIds: string[];
    userIds: string[];
  }): Promise<Map<string, Subject>> {
    const out = new Map<string, Subject>();
    const now = Date.now();
    const missingT: string[] = [];
    const missingU: string[] = [];
    for (const id of keys.terminalIds) {
      const hit = this.subjects.get(`terminal:${id}`);
      if (hit && now - hit.at < this.ttl) out.set(hit.s.key, hit.s);
      else missingT.push(id);
    }
    for (const id of keys.userIds) {
      const hit = this.subjects.get(`user:${id}`);
      if (hit && now - hit.at < this.ttl) out.set(hit.s.key, hit.s);
      else missingU.push(id);
    }
    const db = this.database.db;
    if (missingT.length) {
      const rows = await db
        .select({
          id: gpsTerminal.id,
          kind: gpsTerminal.kind,
          orgId: gpsTerminal.orgId,
          districtCode: gpsTerminal.districtCode,
          plate: gpsTerminal.plate,
        })
        .from(gpsTerminal)
        .where(inArray(gpsTerminal.id, missingT));
      for (const r of rows) {
        const s: Subject = { key: `terminal:${r.id}`, terminalId: r.id, userId: null, ...r };
        out.set(s.key, s);
        this.subjects.set(s.key, { s, at: now });
      }
    }
    if (missingU.length) {
      for (const r of await enabledUsersWithOrg(db, missingU)) {
        const s: Subject = {
          key: `user:${r.user.id}`,
          terminalId: null,
          userId: r.user.id,
          kind: null,
          orgId: r.org.id,
          districtCode: r.org.districtCode,
          plate: null,
        };
        out.set(s.key, s);
        this.subjects.set(s.key, { s, at: now });
      }
    }
    if (this.subjects.size > 100_000) this.subjects.clear();
    return out;
  }

  /** The fences that apply to the subject. */
  private applicable(fences: LoadedFence[], s: Subject): LoadedFence[] {
    return fences.filter((f) => {
      if (f.districtCode !== null && f.districtCode !== s.districtCode) return false;
      const t = f.rule.targets;
      if (s.terminalId)
        return (
          t.terminalIds.includes(s.terminalId) || (!!s.kind && (t.terminalKinds as string[]).includes(s.kind))
        );
      return !!s.userId && t.userIds.includes(s.userId);
    });
  }

  /**
   * Evaluates a stored batch; never throws (the positions are stored whatever happens here: a
   * failure is logged and counted, and the next batch continues from the stored states).
   */
  async afterStore(rows: readonly PositionInsert[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      const raised = await this.evaluate(rows);
      if (raised.length) await this.raiseCases(raised);
    } catch (err) {
      this.stats.failures++;
      this.opts.log.error({ err }, 'gps alarms: a batch could not be evaluated');
    }
  }

  /** The alarms the batch raises, stored with their events and the new states; those that want a case. */
  async evaluate(rows: readonly PositionInsert[]): Promise<{ id: string; raiseCase: boolean }[]> {
    this.stats.batches++;
    const bySubject = new Map<string, PositionInsert[]>();
    for (const r of rows) {
      const key = r.terminalId ? `terminal:${r.terminalId}` : `user:${r.userId}`;
      const list = bySubject.get(key) ?? [];
      list.push(r);
      bySubject.set(key, list);
    }
    const fences = await this.loadFences();
    const subjects = await this.loadSubjects({
      terminalIds: [...new Set(rows.filter((r) => r.terminalId).map((r) => r.terminalId!))],
      userIds: fences.some((f) => f.rule.targets.userIds.length)
        ? [...new Set(rows.filter((r) => r.userId).map((r) => r.userId!))]
        : [],
    });
    // What each subject needs: its fences, and the bits of a terminal that reported any.
    const work: { s: Subject; fences: LoadedFence[]; positions: PositionInsert[]; bits: boolean }[] = [];
    for (const [key, positions] of bySubject) {
      const s = subjects.get(key);
      if (!s) continue;
      const fs = this.applicable(fences, s);
      // A terminal's alarm bits are followed whatever its fences (a falling edge must be seen too).
      if (fs.length === 0 && !s.terminalId) continue;
      positions.sort((a, b) => (a.time as Date).getTime() - (b.time as Date).getTime());
      work.push({ s, fences: fs, positions, bits: !!s.terminalId });
    }
    if (work.length === 0) return [];
    const caseKinds = new Set(await getSetting(this.database.db, 'gps.caseAlarmKinds'));
    return this.database.db.transaction(async (tx) => {
      const keys = work.map((w) => w.s.key).sort();
      const stored = await tx
        .select()
        .from(gpsFenceState)
        .where(inArray(gpsFenceState.subject, keys))
        .orderBy(gpsFenceState.subject, gpsFenceState.fenceId)
        .for('update');
      const states = new Map(stored.map((r) => [`${r.subject}|${r.fenceId}`, r]));
      const alarms: (AlarmInsert & { raiseCase: boolean })[] = [];
      const writes: (typeof gpsFenceState.$inferInsert)[] = [];
      for (const w of work) {
        for (const f of w.fences) {
          const row = states.get(`${w.s.key}|${f.id}`);
          let st: FenceState = row
            ? { inside: row.inside, overSince: row.overSince, overRaised: row.overRaised, at: row.at }
            : freshState();
          const before = st;
          for (const p of w.positions) {
            const r = step(st, f.prepared, f.rule, {
              time: p.time as Date,
              lng: p.lng,
              lat: p.lat,
              speed: p.speed ?? null,
            });
            st = r.state;
            for (const kind of r.alarms) {
              alarms.push({
                kind,
                source: 'rule',
                terminalId: w.s.terminalId,
                userId: w.s.userId,
                fenceId: f.id,
                orgId: f.orgId,
                districtCode: f.districtCode ?? w.s.districtCode,
                at: p.time as Date,
                lat: p.lat,
                lng: p.lng,
                speed: p.speed ?? null,
                details: {
                  fenceName: f.name,
                  mode: f.rule.mode,
                  ...(kind === 'fence_overspeed'
                    ? { speedLimitKmh: f.rule.speedLimitKmh, overspeedSeconds: f.rule.overspeedSeconds }
                    : {}),
                },
                raiseCase: f.rule.raiseCase,
              });
            }
          }
          if (st !== before) {
            writes.push({
              subject: w.s.key,
              fenceId: f.id,
              inside: st.inside,
              overSince: st.overSince,
              overRaised: st.overRaised,
              alarmBits: null,
              at: st.at,
            });
          }
        }
        if (w.bits) {
          const row = states.get(`${w.s.key}|${TERMINAL_BITS}`);
          let bits = row?.alarmBits ?? 0;
          let at = row?.at ?? null;
          for (const p of w.positions) {
            const t = p.time as Date;
            if (at && t.getTime() <= at.getTime()) continue;
            const now = p.alarm ?? 0;
            for (const b of risingAlarmBits(bits, now)) {
              alarms.push({
                kind: b.kind,
                source: 'terminal',
                terminalId: w.s.terminalId,
                userId: null,
                fenceId: null,
                orgId: w.s.orgId,
                districtCode: w.s.districtCode,
                at: t,
                lat: p.lat,
                lng: p.lng,
                speed: p.speed ?? null,
                details: { bit: b.bit, alarm: now, ...pickExtras(p.extras) },
                raiseCase: caseKinds.has(b.kind),
              });
            }
            bits = now;
            at = t;
          }
          // Written when the bits change (not on every position: most batches change nothing).
          if (row ? row.alarmBits !== bits : bits !== 0) {
            writes.push({
              subject: w.s.key,
              fenceId: TERMINAL_BITS,
              inside: null,
              overSince: null,
              overRaised: false,
              alarmBits: bits,
              at,
            });
          }
        }
      }
      if (writes.length) {
        await tx
          .insert(gpsFenceState)
          .values(writes)
          .onConflictDoUpdate({
            target: [gpsFenceState.subject, gpsFenceState.fenceId],
            set: {
              inside: sql`excluded.inside`,
              overSince: sql`excluded.over_since`,
              overRaised: sql`excluded.over_raised`,
              alarmBits: sql`excluded.alarm_bits`,
              at: sql`excluded.at`,
            },
          });
      }
      if (alarms.length === 0) return [];
      const inserted = await tx
        .insert(gpsAlarm)
        .values(alarms.map(({ raiseCase: _r, ...a }) => a))
        .returning();
      await recordEvents(
        tx,
        this.ctx,
        inserted.map((a) => ({
          action: 'gps.alarm.raise' as const,
          entityType: 'gps_alarm' as const,
          entityId: a.id,
          districtCode: a.districtCode,
          after: alarmEventData(
            a,
            subjects.get(a.terminalId ? `terminal:${a.terminalId}` : `user:${a.userId}`)?.plate ?? null,
          ),
        })),
      );
      this.stats.raised += inserted.length;
      return inserted.map((a, i) => ({ id: a.id, raiseCase: alarms[i].raiseCase }));
    });
  }

  /** Raises the case of each alarm that wants one (its own transaction each). */
  private async raiseCases(raised: { id: string; raiseCase: boolean }[]) {
    if (!this.opts.spatial) return;
    for (const r of raised.filter((x) => x.raiseCase)) {
      try {
        await this.raiseCase(r.id);
      } catch (err) {
        this.opts.log.error({ err, alarmId: r.id }, 'gps alarms: the case could not be raised');
      }
    }
  }

  async raiseCase(alarmId: string): Promise<void> {
    const spatial = this.opts.spatial;
    if (!spatial) return;
    await this.database.db.transaction(async (tx) => {
      const [a] = await tx.select().from(gpsAlarm).where(eq(gpsAlarm.id, alarmId)).for('update');
      if (!a || a.caseId) return;
      const [t] = a.terminalId
        ? await tx.select().from(gpsTerminal).where(eq(gpsTerminal.id, a.terminalId))
        : [undefined];
      let outcome: { caseId: string | null; caseCode: string | null; caseError: string | null };
      try {
        const res = await createReport(tx, this.ctx, spatial, {
          idempotencyKey: `gps-alarm:${a.id}`,
          channel: 'sensor',
          description: describe(a, t),
          location: { lng: a.lng, lat: a.lat, crs: 'wgs84' },
        });
        outcome = { caseId: res.case?.id ?? null, caseCode: res.case?.code ?? null, caseError: null };
        this.stats.cases++;
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        this.opts.log.warn({ alarmId: a.id, code: err.code }, 'gps alarm: intake refused the report');
        outcome = { caseId: null, caseCode: null, caseError: err.code };
      }
      await tx
        .update(gpsAlarm)
        .set(outcome)
        .where(and(eq(gpsAlarm.id, a.id)));
    });
  }
}

/** The JT/T 808 alarm details (0x11 overspeed, 0x12 area/route, 0x13 road time) a position carried. */
function pickExtras(extras: unknown): Record<string, unknown> {
  if (!extras || typeof extras !== 'object') return {};
  const e = extras as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of ['overspeed', 'areaAlarm', 'roadTime', '0x11', '0x12', '0x13', 'alarmEventId']) {
    if (e[k] !== undefined) out[k] = e[k];
  }
  return out;
}

/** What the alarm's event carries (the live stream's frame): no track, only this one place. */
export function alarmEventData(a: typeof gpsAlarm.$inferSelect, plate: string | null) {
  return {
    alarmId: a.id,
    kind: a.kind,
    source: a.source,
    terminalId: a.terminalId,
    userId: a.userId,
    fenceId: a.fenceId,
    orgId: a.orgId,
    plate,
    at: a.at.toISOString(),
    lat: a.lat,
    lng: a.lng,
    speed: a.speed,
    state: a.state,
  };
}

/** The report's words (Chinese: what intake stores for every channel). */
function describe(a: typeof gpsAlarm.$inferSelect, t: typeof gpsTerminal.$inferSelect | undefined): string {
  const kindName = GPS_ALARM_KIND_NAMES[a.kind as GpsAlarmKind]?.zh ?? a.kind;
  const vehicle = t
    ? `${GPS_TERMINAL_KINDS.find((k) => k.code === t.kind)?.zh ?? '车辆'}${t.plate ? `「${t.plate}」` : ''}（终端 ${t.terminalPhone}）`
    : '人员';
  const fence = typeof a.details.fenceName === 'string' ? `，电子围栏「${a.details.fenceName}」` : '';
  const speed = a.speed !== null ? `，车速 ${a.speed} km/h` : '';
  return `【GPS告警】${kindName}：${vehicle}${fence}${speed}，${formatChina(a.at)}。`;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This node's geofence and terminal alarm evaluation (modules/gps): the gateway hands it its batches. */
    gpsAlarms: GpsAlarmEngine;
  }
}
