/**
 * Demo sensors (generated, flagged `generated`, named 演示): in three districts, tilt sensors on
 * sewage and storm-water manhole covers of the demo inventory, a water-level gauge at an underpass
 * sump, and fill sensors on litter bins — with the last 24 hours of readings (below every threshold,
 * so no alarm is pending) so that each device page has a chart. Deterministic: the devices sit on
 * the first components of each type by ID, the readings follow a fixed formula.
 *
 * The sensors then go offline after their silence limit unless something publishes their
 * telemetry: `npx tsx scripts/sensor-sim.ts` (README) does, through the broker.
 */
import { and, asc, eq } from 'drizzle-orm';
import { component, org, sensorDevice, sensorDeviceStatus, sensorReading } from '../db-schema.ts';
import { ensureReadingPartitions } from '../modules/sensors/index.ts';
import { recordEvent } from '../platform/audit.ts';
import type { RequestContext } from '../platform/context.ts';
import type { Db } from '../platform/db.ts';

const DISTRICTS = [
  { code: '330203', tag: 'HS' },
  { code: '330205', tag: 'JB' },
  { code: '330212', tag: 'YZ' },
] as const;

interface Plan {
  kind: 'manhole_tilt' | 'underpass_water' | 'bin_fill';
  typeCode: string;
  label: string;
  code: string;
  /** Watches the component it stands on (the gauge stands by a storm drain, watching the underpass). */
  watches: boolean;
  /** The reading at hour h of the last 24 (h = 0 the oldest). */
  value(h: number, i: number): Record<string, number>;
}

const PLANS: Plan[] = [
  {
    kind: 'manhole_tilt',
    typeCode: '01002',
    label: '污水井盖倾斜',
    code: 'TILT-1',
    watches: true,
    value: (h, i) => ({ tilt: round(1.2 + 0.8 * Math.sin(h / 3 + i), 1), battery: 96 - Math.floor(h / 6) }),
  },
  {
    kind: 'manhole_tilt',
    typeCode: '01003',
    label: '雨水井盖倾斜',
    code: 'TILT-2',
    watches: true,
    value: (h, i) => ({ tilt: round(2 + Math.cos(h / 4 + i), 1), battery: 88 - Math.floor(h / 8) }),
  },
  {
    kind: 'underpass_water',
    typeCode: '01003',
    label: '下穿通道积水',
    code: 'WATER-1',
    watches: false,
    value: (h, i) => ({ level: round(Math.max(0, 6 * Math.sin((h + i) / 4)), 1), battery: 79 }),
  },
  {
    kind: 'bin_fill',
    typeCode: '03005',
    label: '垃圾箱满溢',
    code: 'BIN-1',
    watches: true,
    value: (h) => ({ fill: 20 + ((h * 5) % 60), battery: 91 }),
  },
  {
    kind: 'bin_fill',
    typeCode: '03005',
    label: '垃圾箱满溢',
    code: 'BIN-2',
    watches: true,
    value: (h) => ({ fill: 10 + ((h * 3) % 55), battery: 67 }),
  },
];

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

/** Writes the demo devices and their last day of readings; returns how many devices. */
export async function seedDemoSensors(tx: Db, ctx: RequestContext, now = new Date()): Promise<number> {
  const hours = 24;
  await ensureReadingPartitions(tx, new Date(now.getTime() - (hours + 1) * 3600_000), now);
  let made = 0;
  for (const d of DISTRICTS) {
    const [centre] = await tx
      .select({ id: org.id })
      .from(org)
      .where(and(eq(org.kind, 'district_center'), eq(org.districtCode, d.code)));
    if (!centre) continue;
    const used = new Set<string>();
    for (const [i, p] of PLANS.entries()) {
      const candidates = await tx
        .select()
        .from(component)
        .where(and(eq(component.districtCode, d.code), eq(component.typeCode, p.typeCode)))
        .orderBy(asc(component.id))
        .limit(5);
      const c = candidates.find((x) => !used.has(x.id) && x.gridId);
      if (!c) continue;
      used.add(c.id);
      const [device] = await tx
        .insert(sensorDevice)
        .values({
          code: `DEMO-${d.tag}-${p.code}`,
          kindCode: p.kind,
          name: `${p.label}（演示）`,
          lng: c.lng,
          lat: c.lat,
          gridId: c.gridId!,
          districtCode: d.code,
          address: c.name,
          componentId: p.watches ? c.id : null,
          orgId: centre.id,
          generated: true,
          note: '演示数据：生成的设备与读数 / demo data: a generated device and readings',
        })
        .returning();
      const readings = Array.from({ length: hours * 6 }, (_, k) => {
        const at = new Date(now.getTime() - (hours * 6 - k) * 600_000);
        return { deviceId: device.id, at, receivedAt: at, values: p.value(k / 6, i) };
      });
      await tx.insert(sensorReading).values(readings);
      const last = readings.at(-1)!;
      await tx.insert(sensorDeviceStatus).values({
        deviceId: device.id,
        state: 'online',
        stateSince: readings[0].at,
        lastSeenAt: last.at,
        lastReadingAt: last.at,
        lastValues: last.values,
        readings: readings.length,
      });
      made++;
    }
  }
  const devices = await tx
    .select({ code: sensorDevice.code, districtCode: sensorDevice.districtCode })
    .from(sensorDevice)
    .where(eq(sensorDevice.generated, true));
  for (const d of DISTRICTS) {
    const codes = devices.filter((x) => x.districtCode === d.code).map((x) => x.code);
    if (codes.length === 0) continue;
    await recordEvent(tx, ctx, {
      action: 'sensor.device.import',
      entityType: 'sensor_device',
      entityId: null,
      districtCode: d.code,
      after: { count: codes.length, codes, generated: true },
    });
  }
  return made;
}
