/**
 * Kinds of sensor and their rules: the defaults a city starts with (seeded whenever missing, like
 * the catalogue) and the city admin's changes (one transaction, version-checked, audited with
 * before and after). The defaults are local choices, not a standard: a city sets its own
 * thresholds, durations and hysteresis.
 */
import { and, eq, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import { clearLevelFits } from '../../../common/sensors.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { findCatalogType } from '../catalog/index.ts';
import { kindManage, kindRead } from './policy.ts';
import * as repo from './repository.ts';
import type { KindDto, KindUpdateT } from './schemas.ts';
import { type KindRule, sensorAlarm, sensorAlarmState, sensorDevice, sensorKind } from './tables.ts';

const KIND = { zh: '传感器类型', en: 'Sensor kind' };

export function toKindDto(k: repo.KindRow): KindDto {
  return {
    code: k.code,
    nameZh: k.nameZh,
    nameEn: k.nameEn,
    fields: k.fields,
    rules: k.rules,
    silenceS: k.silenceS,
    offlineMatterCode: k.offlineMatterCode,
    updatedAt: k.updatedAt.toISOString(),
    version: k.version,
  };
}

const battery = { key: 'battery', nameZh: '电量', nameEn: 'Battery', unit: '%' };

/** The kinds a city starts with (local defaults; the city admin changes them). */
export const DEFAULT_KINDS: (typeof sensorKind.$inferInsert)[] = [
  {
    code: 'manhole_tilt',
    nameZh: '井盖倾斜传感器',
    nameEn: 'Manhole cover tilt sensor',
    fields: [{ key: 'tilt', nameZh: '倾角', nameEn: 'Tilt', unit: '°' }, battery],
    rules: [
      {
        condition: 'tilt',
        nameZh: '井盖倾斜或移位',
        nameEn: 'Cover tilted or displaced',
        field: 'tilt',
        comparison: 'gt',
        threshold: 15,
        // Back below 5° (seated again): a cover rocking around 15° under traffic is one alarm.
        clearLevel: 5,
        // A lorry rolling over a cover tilts it for a second or two: not a displaced cover.
        durationS: 30,
        matterCode: '01023',
        matterFromComponent: true,
        enabled: true,
      },
    ],
    // Tilt sensors sleep and send a heartbeat every 30 minutes.
    silenceS: 2 * 3600,
    offlineMatterCode: null,
  },
  {
    code: 'underpass_water',
    nameZh: '下穿通道水位传感器',
    nameEn: 'Underpass water level sensor',
    fields: [{ key: 'level', nameZh: '积水深度', nameEn: 'Water depth', unit: 'cm' }, battery],
    rules: [
      {
        condition: 'flood',
        nameZh: '下穿通道积水',
        nameEn: 'Underpass flooded',
        field: 'level',
        comparison: 'gt',
        threshold: 20,
        clearLevel: 10,
        durationS: 120,
        matterCode: '02007',
        matterFromComponent: true,
        enabled: true,
      },
    ],
    // Level gauges report every minute: ten quiet minutes in a rainstorm is a fault worth a report.
    silenceS: 600,
    offlineMatterCode: '01067',
  },
  {
    code: 'bin_fill',
    nameZh: '垃圾箱满溢传感器',
    nameEn: 'Bin fill level sensor',
    fields: [{ key: 'fill', nameZh: '满溢度', nameEn: 'Fill level', unit: '%' }, battery],
    rules: [
      {
        condition: 'full',
        nameZh: '垃圾箱满溢',
        nameEn: 'Bin full',
        field: 'fill',
        comparison: 'gte',
        threshold: 90,
        clearLevel: 60,
        durationS: 900,
        matterCode: '06042',
        matterFromComponent: false,
        enabled: true,
      },
    ],
    silenceS: 4 * 3600,
    offlineMatterCode: null,
  },
];

/** Inserts the default kinds that are missing (idempotent); returns the codes inserted. */
export async function seedSensorKinds(db: Db, ctx: RequestContext): Promise<string[]> {
  const have = new Set((await repo.listKinds(db)).map((k) => k.code));
  const missing = DEFAULT_KINDS.filter((k) => !have.has(k.code));
  if (missing.length === 0) return [];
  return db.transaction(async (tx) => {
    const rows = await tx.insert(sensorKind).values(missing).onConflictDoNothing().returning();
    for (const row of rows) {
      await recordEvent(tx, ctx, {
        action: 'sensor.kind.seed',
        entityType: 'sensor_kind',
        entityId: row.code,
        districtCode: null,
        after: toKindDto(row),
      });
    }
    return rows.map((r) => r.code);
  });
}

export async function listKinds(db: Db, ctx: RequestContext) {
  kindRead.requirePermission(ctx.actor);
  return { items: (await repo.listKinds(db)).map(toKindDto) };
}

const invalid = (
  field: string,
  zh: string,
  en: string,
  code: 'VALIDATION_FAILED' | 'INVALID_REFERENCE' = 'VALIDATION_FAILED',
) => new AppError(code, { zh, en, details: [{ field, message: en }] });

async function checkMatter(db: Db, code: string, field: string) {
  const t = await findCatalogType(db, 'matter', code);
  if (!t?.enabled) {
    throw invalid(
      field,
      `事项类型不存在或已停用：${code}`,
      `Matter type unknown or disabled: ${code}`,
      'INVALID_REFERENCE',
    );
  }
}

function checkRules(kind: repo.KindRow, rules: KindRule[]) {
  const fields = new Set(kind.fields.map((f) => f.key));
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    const at = `body.rules[${i}]`;
    if (seen.has(r.condition))
      throw invalid(`${at}.condition`, `条件重复：${r.condition}`, `Condition named twice: ${r.condition}`);
    seen.add(r.condition);
    if (r.condition === 'offline') {
      throw invalid(
        `${at}.condition`,
        '“offline” 为离线告警保留',
        '"offline" is reserved for the offline alarm',
      );
    }
    if (!fields.has(r.field)) {
      throw invalid(`${at}.field`, `该类型没有读数字段：${r.field}`, `The kind reports no field ${r.field}`);
    }
    if (!clearLevelFits(r.comparison, r.threshold, r.clearLevel)) {
      throw invalid(
        `${at}.clearLevel`,
        '解除值须在阈值的安全一侧（大于类比较：不高于阈值；小于类比较：不低于阈值）',
        'The clear level must lie on the safe side of the threshold (gt/gte: not above it; lt/lte: not below it)',
      );
    }
  });
}

/**
 * Changes a kind's rules, silence limit and offline matter type. A condition whose rule is removed
 * or disabled ends: its devices' states go back to normal and their open alarms are closed.
 */
export async function updateKind(db: Db, ctx: RequestContext, code: string, input: KindUpdateT) {
  if (!kindManage.permitted(ctx.actor) || !kindManage.reachesAny(ctx.actor)) {
    throw new AppError('FORBIDDEN', {
      zh: '传感器类型与规则由市级管理员维护',
      en: "Sensor kinds and rules are the city admins' to change",
    });
  }
  return db.transaction(async (tx) => {
    const current = await repo.findKind(tx, code, true);
    if (!current) throw notFound(KIND, code);
    if (current.version !== input.version) {
      throw new AppError('CONFLICT', {
        details: [{ field: 'body.version', message: `current version is ${current.version}` }],
      });
    }
    const rules = input.rules as KindRule[];
    checkRules(current, rules);
    for (const [i, r] of rules.entries()) await checkMatter(tx, r.matterCode, `body.rules[${i}].matterCode`);
    if (input.offlineMatterCode) await checkMatter(tx, input.offlineMatterCode, 'body.offlineMatterCode');
    const [row] = await tx
      .update(sensorKind)
      .set({
        rules,
        silenceS: input.silenceS,
        offlineMatterCode: input.offlineMatterCode,
        updatedAt: new Date(),
        version: current.version + 1,
      })
      .where(eq(sensorKind.code, code))
      .returning();
    const live = rules.filter((r) => r.enabled).map((r) => r.condition);
    const devices = tx
      .select({ id: sensorDevice.id })
      .from(sensorDevice)
      .where(eq(sensorDevice.kindCode, code));
    const ended = and(
      inArray(sensorAlarmState.deviceId, devices),
      live.length ? notInArray(sensorAlarmState.condition, live) : undefined,
    );
    await tx
      .update(sensorAlarmState)
      .set({ state: 'normal', since: null, alarmId: null, updatedAt: new Date() })
      .where(ended);
    await tx
      .update(sensorAlarm)
      .set({ clearedAt: new Date() })
      .where(
        and(
          inArray(sensorAlarm.deviceId, devices),
          isNull(sensorAlarm.clearedAt),
          sql`${sensorAlarm.condition} <> 'offline'`,
          live.length ? notInArray(sensorAlarm.condition, live) : undefined,
        ),
      );
    const after = toKindDto(row);
    await recordEvent(tx, ctx, {
      action: 'sensor.kind.update',
      entityType: 'sensor_kind',
      entityId: code,
      districtCode: null,
      before: toKindDto(current),
      after,
    });
    return after;
  });
}
