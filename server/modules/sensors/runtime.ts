/**
 * The sensors on one node: the device directory, the ingest, the MQTT listener (only with
 * MQTT_URL), the alarm reporter and the periodic rounds — the offline sweep, the due alarms (a
 * report a crash or a refusal left due) and the partitions (made ahead, dropped after the
 * retention). Built with the app (routes read its status); `start` runs it (server/main.ts, or a
 * test with its own clock and broker settings); `stop` runs on the app's close, before the
 * database closes.
 */
import type { OfflineAction } from '../../../common/sensors.ts';
import { observeEvents } from '../../platform/audit.ts';
import { type RequestContext, systemContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db.ts';
import type { EventFeed } from '../../platform/event-feed.ts';
import type { MqttConfig } from '../../platform/mqtt.ts';
import { everyInterval } from '../../platform/periodic.ts';
import type { Spatial } from '../cases/index.ts';
import { getSetting } from '../settings/index.ts';
import { raiseDueAlarms } from './alarms.ts';
import { DeviceDirectory } from './directory.ts';
import { type IngestStats, SensorIngest } from './ingest.ts';
import { type ListenerStatus, SensorListener } from './listener.ts';
import { sweepOffline } from './offline.ts';
import { dropExpiredPartitions, ensurePartitionsAround } from './partitions.ts';

export interface RuntimeLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RuntimeStart {
  /** The broker (MQTT_URL and the rest); no url: no listener on this node. */
  mqtt: MqttConfig;
  /** The clock of the rules' receipt times and the offline sweep (tests set it). */
  clock?: () => Date;
  sweepIntervalMs?: number;
  alarmIntervalMs?: number;
  maintenanceIntervalMs?: number;
  maxBatch?: number;
}

/** The actions of events that change what the directory holds. */
const REGISTRY_ACTIONS = new Set([
  'sensor.device.create',
  'sensor.device.update',
  'sensor.device.import',
  'sensor.kind.update',
  'sensor.kind.seed',
]);

export class SensorRuntime {
  readonly directory: DeviceDirectory;
  /** The sensors' system actor: it reports through intake and writes notes and events. */
  readonly ctx: RequestContext = systemContext('sensors', ['case:report', 'case:read']);
  private ingestImpl: SensorIngest | undefined;
  private listener: SensorListener | undefined;
  private stops: (() => Promise<void>)[] = [];
  private clock: () => Date = () => new Date();
  private alarmRun: Promise<void> | undefined;
  private alarmAgain = false;
  private running = false;
  private readonly unobserve: () => void;
  private readonly unfeed: (() => void) | undefined;

  constructor(
    private readonly database: Database,
    private readonly spatial: Spatial,
    private readonly log: RuntimeLog,
    feed?: EventFeed,
  ) {
    this.directory = new DeviceDirectory(database.db);
    // This node's registry writes, and (through the event feed) other nodes'.
    this.unobserve = observeEvents((_ctx, e) => {
      if (REGISTRY_ACTIONS.has(e.action)) this.directory.invalidate();
    });
    this.unfeed = feed?.subscribe((rows) => {
      if (rows.some((r) => REGISTRY_ACTIONS.has(r.action))) this.directory.invalidate();
    });
  }

  get ingest(): SensorIngest | undefined {
    return this.ingestImpl;
  }

  get started(): boolean {
    return this.running;
  }

  now(): Date {
    return this.clock();
  }

  async start(opts: RuntimeStart): Promise<void> {
    if (this.running) throw new Error('sensor runtime already started');
    this.running = true;
    this.clock = opts.clock ?? (() => new Date());
    const db = this.database.db;
    await ensurePartitionsAround(db, this.clock());
    await this.directory.fresh();
    this.ingestImpl = new SensorIngest({
      db,
      directory: this.directory,
      ctx: this.ctx,
      clock: this.clock,
      topicPrefix: opts.mqtt.topicPrefix,
      log: this.log,
      onAlarmsDue: () => this.kickAlarms(),
      maxBatch: opts.maxBatch,
    });
    this.stops.push(
      everyInterval(opts.sweepIntervalMs ?? 30_000, async () => {
        await this.sweepOffline().catch((err) => this.log.error({ err }, 'sensor offline sweep failed'));
      }),
      everyInterval(opts.alarmIntervalMs ?? 30_000, async () => this.kickAlarms()),
      everyInterval(opts.maintenanceIntervalMs ?? 3_600_000, async () => {
        await this.maintain().catch((err) => this.log.error({ err }, 'sensor partition maintenance failed'));
      }),
    );
    // Alarms a previous run left due.
    this.kickAlarms();
    if (opts.mqtt.url) {
      this.listener = new SensorListener(opts.mqtt, this.ingestImpl, this.log);
      await this.listener.start();
    }
  }

  /** Marks the silent devices offline now (also the periodic round); returns their codes. */
  async sweepOffline(): Promise<string[]> {
    const action = await getSetting<OfflineAction>(this.database.db, 'sensors.offline');
    const marked = await sweepOffline(this.database.db, this.ctx, this.clock(), action);
    if (marked.length > 0) {
      this.log.info({ devices: marked.slice(0, 20), count: marked.length }, 'sensors marked offline');
      if (action === 'report') this.kickAlarms();
    }
    return marked;
  }

  /** Partitions ahead, expired ones dropped. */
  async maintain(): Promise<{ made: string[]; dropped: string[] }> {
    const db = this.database.db;
    const now = this.clock();
    const made = await ensurePartitionsAround(db, now);
    const days = await getSetting<number>(db, 'sensors.retentionDays');
    const dropped = await dropExpiredPartitions(db, now, days);
    if (dropped.length > 0) this.log.info({ dropped }, 'sensor reading partitions dropped (retention)');
    return { made, dropped };
  }

  /** Raises the due alarms' reports (one run at a time; a kick during a run runs again after it). */
  kickAlarms(): void {
    if (this.alarmRun) {
      this.alarmAgain = true;
      return;
    }
    this.alarmRun = (async () => {
      do {
        this.alarmAgain = false;
        try {
          await raiseDueAlarms(this.database.db, this.ctx, this.spatial, this.log);
        } catch (err) {
          this.log.error({ err }, 'raising sensor alarms failed');
        }
      } while (this.alarmAgain && this.running);
    })().finally(() => {
      this.alarmRun = undefined;
    });
  }

  /** Waits until the alarm reporter is idle (tests). */
  async alarmsSettled(): Promise<void> {
    while (this.alarmRun) await this.alarmRun;
  }

  status(): { listener: ListenerStatus | null; ingest: IngestStats | null; started: boolean } {
    return {
      started: this.running,
      listener: this.listener?.status() ?? null,
      ingest: this.ingestImpl?.stats ?? null,
    };
  }

  async stop(): Promise<void> {
    if (this.running) {
      this.running = false;
      if (this.listener) await this.listener.stop();
      else await this.ingestImpl?.stop();
      this.listener = undefined;
      for (const stop of this.stops.splice(0)) await stop();
      await this.alarmsSettled();
    }
  }

  /** Stops and lets go of the event observers (the app's close). */
  async close(): Promise<void> {
    await this.stop();
    this.unobserve();
    this.unfeed?.();
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This node's sensors: directory, ingest, MQTT listener and rounds (modules/sensors). */
    sensors: SensorRuntime;
  }
}
