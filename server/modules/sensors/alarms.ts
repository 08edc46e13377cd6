/**
 * An alarm's report (channel `sensor`): one open case per device and condition.
 *
 * Each alarm whose report is due is claimed on its own (FOR UPDATE SKIP LOCKED: any node, once)
 * and, in that transaction:
 *   - when the condition's previous alarm has a case that is still open (merges followed), the new
 *     alarm is noted on that case (`breach_again`; an offline alarm: `offline`) — no second case;
 *   - otherwise a report goes through intake (`createReport` of the cases module: its grid lookup,
 *     routing and duplicate check — a problem already reported through another channel nearby gets
 *     the sensor's report merged into its case), with an idempotency key of the alarm, so a retry
 *     never makes two reports;
 *   - an alarm already cleared by its readings before it was reported gets the clear noted too.
 * Intake's refusal (the device outside the managed area, a disabled matter type) fails the alarm
 * with the error's code, which the device page shows; the readings are not affected.
 */
import { and, desc, eq, isNotNull, ne, sql } from 'drizzle-orm';
import { formatChina } from '../../../common/calendar/china-time.ts';
import { COMPARISON_SIGNS, OFFLINE_CONDITION } from '../../../common/sensors.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { addCaseNote, type CaseNote, caseStandings, createReport, type Spatial } from '../cases/index.ts';
import { findCatalogType } from '../catalog/index.ts';
import { findComponent } from '../components/index.ts';
import type { KindRule } from './tables.ts';
import { sensorAlarm, sensorDevice, sensorKind } from './tables.ts';

type AlarmRow = typeof sensorAlarm.$inferSelect;
type DeviceRow = typeof sensorDevice.$inferSelect;
type KindRow = typeof sensorKind.$inferSelect;

export interface AlarmLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const durationText = (s: number) =>
  s >= 3600 && s % 3600 === 0 ? `${s / 3600} 小时` : s >= 60 && s % 60 === 0 ? `${s / 60} 分钟` : `${s} 秒`;

/** The report's words, as an acceptor reads them (Chinese: what intake stores for every channel). */
function describe(alarm: AlarmRow, device: DeviceRow, kind: KindRow, rule: KindRule | undefined): string {
  const where = device.address ? `（${device.address}）` : '';
  const head = `【传感器告警】${kind.nameZh}「${device.name}」${device.code}${where}`;
  if (!rule) {
    return `${head}：设备离线，${formatChina(alarm.startedAt)} 起无数据（静默上限 ${durationText(device.silenceS ?? kind.silenceS)}）。`;
  }
  const field = kind.fields.find((f) => f.key === rule.field);
  const unit = field?.unit ?? '';
  const value = alarm.raisedValue ?? alarm.peakValue;
  const sustained = rule.durationS > 0 ? `，持续 ${durationText(rule.durationS)}以上` : '';
  return (
    `${head}：${rule.nameZh}，${field?.nameZh ?? rule.field} ${value}${unit}` +
    `（阈值 ${COMPARISON_SIGNS[rule.comparison]} ${rule.threshold}${unit}）${sustained}，` +
    `${formatChina(alarm.startedAt)} 起。`
  );
}

/** The matter type of a rule's report: the watched component's own, when the rule says so and the catalogue has it. */
async function matterOf(
  tx: Db,
  rule: KindRule | undefined,
  kind: KindRow,
  device: DeviceRow,
): Promise<string | null> {
  if (!rule) return kind.offlineMatterCode;
  if (rule.matterFromComponent && device.componentId) {
    const c = await findComponent(tx, device.componentId);
    const m = c ? await findCatalogType(tx, 'matter', c.typeCode) : undefined;
    if (m?.enabled) return m.code;
  }
  return rule.matterCode;
}

function noteOf(
  event: CaseNote['event'],
  alarm: AlarmRow,
  device: DeviceRow,
  kind: KindRow,
  rule: KindRule | undefined,
): CaseNote {
  const cleared = event === 'cleared';
  return {
    source: 'sensor',
    event,
    deviceId: device.id,
    deviceCode: device.code,
    deviceName: device.name,
    condition: alarm.condition,
    field: rule?.field ?? null,
    value: (cleared ? alarm.clearValue : (alarm.raisedValue ?? alarm.peakValue)) ?? null,
    unit: rule ? (kind.fields.find((f) => f.key === rule.field)?.unit ?? null) : null,
    threshold: rule?.threshold ?? null,
    clearLevel: rule?.clearLevel ?? null,
    at: ((cleared ? alarm.clearedAt : alarm.raisedAt) ?? alarm.raisedAt).toISOString(),
  };
}

/**
 * Raises the report of one due alarm, if there is one not claimed by another node. Returns false
 * when none is due.
 */
export async function raiseOneDue(
  tx: Db,
  ctx: RequestContext,
  spatial: Spatial,
  log: AlarmLog,
): Promise<boolean> {
  const [alarm] = await tx
    .select()
    .from(sensorAlarm)
    .where(eq(sensorAlarm.report, 'due'))
    .orderBy(sensorAlarm.raisedAt)
    .limit(1)
    .for('update', { skipLocked: true });
  if (!alarm) return false;
  const [device] = await tx.select().from(sensorDevice).where(eq(sensorDevice.id, alarm.deviceId));
  const [kind] = await tx.select().from(sensorKind).where(eq(sensorKind.code, device.kindCode));
  const rule =
    alarm.condition === OFFLINE_CONDITION
      ? undefined
      : kind.rules.find((r) => r.condition === alarm.condition);

  // The condition's previous case, if still open, takes the new alarm as a note.
  const [previous] = await tx
    .select({ caseId: sensorAlarm.caseId })
    .from(sensorAlarm)
    .where(
      and(
        eq(sensorAlarm.deviceId, alarm.deviceId),
        eq(sensorAlarm.condition, alarm.condition),
        ne(sensorAlarm.id, alarm.id),
        isNotNull(sensorAlarm.caseId),
      ),
    )
    .orderBy(desc(sensorAlarm.raisedAt))
    .limit(1);
  const standing = previous?.caseId
    ? (await caseStandings(tx, [previous.caseId])).get(previous.caseId)
    : undefined;

  let outcome: {
    report: 'reported' | 'noted' | 'failed';
    caseId: string | null;
    caseCode: string | null;
    error: string | null;
  };
  if (standing?.open) {
    await addCaseNote(
      tx,
      ctx,
      standing.id,
      noteOf(rule ? 'breach_again' : 'offline', alarm, device, kind, rule),
    );
    outcome = { report: 'noted', caseId: standing.id, caseCode: standing.code, error: null };
  } else {
    try {
      const matterCode = await matterOf(tx, rule, kind, device);
      const res = await createReport(tx, ctx, spatial, {
        idempotencyKey: `sensor-alarm:${alarm.id}`,
        channel: 'sensor',
        description: describe(alarm, device, kind, rule),
        ...(device.address ? { address: device.address.slice(0, 200) } : {}),
        location: { lng: device.lng, lat: device.lat, crs: 'wgs84' },
        ...(matterCode ? { matterCode } : {}),
        ...(device.componentId ? { componentId: device.componentId } : {}),
      });
      outcome = {
        report: 'reported',
        caseId: res.case?.id ?? null,
        caseCode: res.case?.code ?? null,
        error: null,
      };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      log.warn(
        { alarmId: alarm.id, device: device.code, code: err.code },
        'sensor alarm: intake refused the report',
      );
      outcome = { report: 'failed', caseId: null, caseCode: null, error: err.code };
    }
  }
  let clearNoted = alarm.clearNoted;
  if (alarm.clearedAt && outcome.caseId && !clearNoted) {
    await addCaseNote(
      tx,
      ctx,
      outcome.caseId,
      noteOf(rule ? 'cleared' : 'online', alarm, device, kind, rule),
    );
    clearNoted = true;
  }
  await tx
    .update(sensorAlarm)
    .set({
      report: outcome.report,
      caseId: outcome.caseId,
      caseCode: outcome.caseCode,
      reportError: outcome.error,
      clearNoted,
    })
    .where(eq(sensorAlarm.id, alarm.id));
  await recordEvent(tx, ctx, {
    action: outcome.report === 'failed' ? 'sensor.alarm.fail' : 'sensor.alarm.raise',
    entityType: 'sensor_device',
    entityId: device.id,
    districtCode: device.districtCode,
    after: {
      alarmId: alarm.id,
      code: device.code,
      condition: alarm.condition,
      value: alarm.raisedValue,
      report: outcome.report,
      caseId: outcome.caseId,
      caseCode: outcome.caseCode,
      error: outcome.error,
    },
  });
  return true;
}

/** Raises every due alarm's report (each in its own transaction); returns how many were handled. */
export async function raiseDueAlarms(
  db: Db,
  ctx: RequestContext,
  spatial: Spatial,
  log: AlarmLog,
): Promise<number> {
  let n = 0;
  for (;;) {
    const handled = await db.transaction((tx) => raiseOneDue(tx, ctx, spatial, log));
    if (!handled) return n;
    n++;
  }
}

/** How many alarms wait for their report (the status page). */
export async function dueAlarmCount(db: Db): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(sensorAlarm)
    .where(eq(sensorAlarm.report, 'due'));
  return Number(r.n);
}
