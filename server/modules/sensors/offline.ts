/**
 * The offline sweep (periodic, every node): a device that was online and has been silent longer
 * than its silence limit (its own or its kind's) is marked offline — one UPDATE … RETURNING, so
 * each device flips once however many nodes sweep — with an audit event and an offline alarm
 * (an episode on the device page, ended when it is heard again: ingest.ts). Then, per the setting
 * `sensors.offline`:
 *   - `mark`: nothing more;
 *   - `note`: the device's open alarm cases get an `offline` note (whoever handles a flood at an
 *     underpass learns that its water-level sensor went quiet);
 *   - `report`: also a report of the kind's offline matter type (alarms.ts), one open case per
 *     device — kinds without an offline matter type are noted only.
 * "Silent" is measured on the server's clock (when readings were last received), not on the
 * device's own timestamps, which a device with a wrong clock could keep in the future.
 */
import { and, inArray, isNotNull, sql } from 'drizzle-orm';
import { OFFLINE_CONDITION, type OfflineAction } from '../../../common/sensors.ts';
import { recordEvents } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { addCaseNote, caseStandings } from '../cases/index.ts';
import { sensorAlarm } from './tables.ts';

interface Silent {
  id: string;
  code: string;
  name: string;
  district_code: string;
  last_seen_ms: number;
  offline_matter_code: string | null;
}

/** Marks the silent devices offline; returns their codes. */
export async function sweepOffline(
  db: Db,
  ctx: RequestContext,
  now: Date,
  action: OfflineAction,
): Promise<string[]> {
  return db.transaction(async (tx) => {
    const res = await tx.execute(sql`
      UPDATE sensor_device_status s SET state = 'offline', state_since = ${now.toISOString()}::timestamptz
      FROM sensor_device d JOIN sensor_kind k ON k.code = d.kind_code
      WHERE s.device_id = d.id AND d.enabled AND s.state = 'online'
        AND s.last_seen_at < ${now.toISOString()}::timestamptz - make_interval(secs => coalesce(d.silence_s, k.silence_s))
      RETURNING d.id, d.code, d.name, d.district_code, (extract(epoch FROM s.last_seen_at) * 1000)::float8 AS last_seen_ms, k.offline_matter_code`);
    const silent = (res as unknown as { rows: Silent[] }).rows.sort((a, b) => a.id.localeCompare(b.id));
    if (silent.length === 0) return [];
    await recordEvents(
      tx,
      ctx,
      silent.map((d) => ({
        action: 'sensor.device.offline' as const,
        entityType: 'sensor_device' as const,
        entityId: d.id,
        districtCode: d.district_code,
        after: {
          code: d.code,
          state: 'offline',
          lastSeenAt: new Date(Number(d.last_seen_ms)).toISOString(),
          at: now.toISOString(),
        },
      })),
    );
    await tx.insert(sensorAlarm).values(
      silent.map((d) => ({
        deviceId: d.id,
        condition: OFFLINE_CONDITION,
        districtCode: d.district_code,
        field: null,
        startedAt: new Date(Number(d.last_seen_ms)),
        raisedAt: now,
        report: action === 'report' && d.offline_matter_code ? ('due' as const) : ('none' as const),
      })),
    );
    if (action !== 'mark') await noteOnOpenCases(tx, ctx, silent, now);
    return silent.map((d) => d.code);
  });
}

/** An `offline` note on each open case of the devices' alarms (one note per case). */
async function noteOnOpenCases(tx: Db, ctx: RequestContext, silent: Silent[], now: Date): Promise<void> {
  const withCases = await tx
    .selectDistinct({ deviceId: sensorAlarm.deviceId, caseId: sensorAlarm.caseId })
    .from(sensorAlarm)
    .where(
      and(
        inArray(
          sensorAlarm.deviceId,
          silent.map((d) => d.id),
        ),
        isNotNull(sensorAlarm.caseId),
      ),
    );
  const standings = await caseStandings(
    tx,
    withCases.map((r) => r.caseId!),
  );
  const noted = new Set<string>();
  for (const r of withCases) {
    const s = standings.get(r.caseId!);
    if (!s?.open || noted.has(`${r.deviceId}/${s.id}`)) continue;
    noted.add(`${r.deviceId}/${s.id}`);
    const d = silent.find((x) => x.id === r.deviceId)!;
    await addCaseNote(tx, ctx, s.id, {
      source: 'sensor',
      event: 'offline',
      deviceId: d.id,
      deviceCode: d.code,
      deviceName: d.name,
      condition: OFFLINE_CONDITION,
      field: null,
      value: null,
      unit: null,
      threshold: null,
      clearLevel: null,
      at: now.toISOString(),
    });
  }
}
