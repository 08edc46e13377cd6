/**
 * The devices and kinds as the ingest reads them: in memory, one map by topic code, because every
 * reading needs its device and every batch its kinds' rules. Reloaded whole (a city has thousands
 * of devices, not millions) when a registry or kind event is written on this node or arrives from
 * another through the event feed, when a code is not known (at most once every few seconds: a
 * device registered on another node a moment ago), and at least every `maxAgeMs`.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import type { KindField, KindRule } from './tables.ts';
import { sensorDevice, sensorKind } from './tables.ts';

export interface DirectoryDevice {
  id: string;
  code: string;
  kindCode: string;
  name: string;
  enabled: boolean;
  districtCode: string;
  orgId: string;
  lng: number;
  lat: number;
  address: string | null;
  componentId: string | null;
  /** Its own silence limit or its kind's, in seconds. */
  silenceS: number;
}

export interface DirectoryKind {
  code: string;
  nameZh: string;
  nameEn: string;
  fields: KindField[];
  /** The enabled rules only. */
  rules: KindRule[];
  silenceS: number;
  offlineMatterCode: string | null;
}

const MISS_RELOAD_MS = 3000;

export class DeviceDirectory {
  private devices = new Map<string, DirectoryDevice>();
  private kinds = new Map<string, DirectoryKind>();
  private loadedAt = 0;
  private stale = true;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly maxAgeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Forget what is loaded: the next read reloads (a registry or kind change). */
  invalidate(): void {
    this.stale = true;
  }

  private async load(): Promise<void> {
    this.loading ??= (async () => {
      // Marked fresh before reading: a change committed while this reads marks it stale again.
      this.stale = false;
      const started = this.now();
      const kinds = await this.db.select().from(sensorKind);
      const devices = await this.db
        .select({
          id: sensorDevice.id,
          code: sensorDevice.code,
          kindCode: sensorDevice.kindCode,
          name: sensorDevice.name,
          enabled: sensorDevice.enabled,
          districtCode: sensorDevice.districtCode,
          orgId: sensorDevice.orgId,
          lng: sensorDevice.lng,
          lat: sensorDevice.lat,
          address: sensorDevice.address,
          componentId: sensorDevice.componentId,
          silenceS: sensorDevice.silenceS,
          kindSilenceS: sensorKind.silenceS,
        })
        .from(sensorDevice)
        .innerJoin(sensorKind, eq(sensorKind.code, sensorDevice.kindCode));
      this.kinds = new Map(
        kinds.map((k) => [
          k.code,
          {
            code: k.code,
            nameZh: k.nameZh,
            nameEn: k.nameEn,
            fields: k.fields,
            rules: k.rules.filter((r) => r.enabled),
            silenceS: k.silenceS,
            offlineMatterCode: k.offlineMatterCode,
          },
        ]),
      );
      this.devices = new Map(
        devices.map(({ kindSilenceS, ...d }) => [d.code, { ...d, silenceS: d.silenceS ?? kindSilenceS }]),
      );
      this.loadedAt = started;
    })().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Reloads when stale or old. */
  async fresh(): Promise<void> {
    if (this.stale || this.now() - this.loadedAt > this.maxAgeMs) await this.load();
    else if (this.loading) await this.loading;
  }

  /** The devices of these codes; reloads once when one is unknown (and the last load is a few seconds old). */
  async devicesFor(codes: Iterable<string>): Promise<Map<string, DirectoryDevice>> {
    await this.fresh();
    const wanted = [...new Set(codes)];
    if (wanted.some((c) => !this.devices.has(c)) && this.now() - this.loadedAt > MISS_RELOAD_MS) {
      await this.load();
    }
    const out = new Map<string, DirectoryDevice>();
    for (const c of wanted) {
      const d = this.devices.get(c);
      if (d) out.set(c, d);
    }
    return out;
  }

  kind(code: string): DirectoryKind | undefined {
    return this.kinds.get(code);
  }

  deviceById(id: string): DirectoryDevice | undefined {
    for (const d of this.devices.values()) if (d.id === id) return d;
    return undefined;
  }
}
