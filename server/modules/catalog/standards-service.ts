/**
 * Disposal standards (立结案规范). Editing makes a NEW version: the old row stays (a case keeps
 * the id of the version it was filed under) and `current` moves to the new one. The edit names
 * the version it starts from; a stale one gets 409.
 */
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { requireCatalogManage as requireManage, requireCatalogRead as requireRead } from './policy.ts';
import * as repo from './repository.ts';
import type { StandardDto, StandardUpdateT } from './schemas.ts';

export function toStandardDto(row: repo.StandardRow, matterName: string | null): StandardDto {
  return {
    id: row.id,
    matterCode: row.matterCode,
    matterName,
    version: row.version,
    current: row.current,
    isDefault: row.isDefault,
    filingConditions: row.filingConditions,
    timeLimits: row.timeLimits,
    closingConditions: row.closingConditions,
    defaultUnitType: row.defaultUnitType,
    note: row.note,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

async function matterName(db: Db, code: string): Promise<string | null> {
  return (await repo.findType(db, 'matter', code))?.name ?? null;
}

const missing = (matterCode: string) => notFound('disposalStandard', matterCode);

export async function getCurrentStandard(db: Db, ctx: RequestContext, matterCode: string) {
  requireRead(ctx.actor);
  const row = await repo.currentStandard(db, matterCode);
  if (!row) throw missing(matterCode);
  return toStandardDto(row, await matterName(db, matterCode));
}

export async function listStandardVersions(db: Db, ctx: RequestContext, matterCode: string) {
  requireRead(ctx.actor);
  const rows = await repo.standardVersions(db, matterCode);
  if (rows.length === 0) throw missing(matterCode);
  const name = await matterName(db, matterCode);
  return { items: rows.map((r) => toStandardDto(r, name)) };
}

export async function getStandardVersion(db: Db, ctx: RequestContext, id: string) {
  requireRead(ctx.actor);
  const row = await repo.standardById(db, id);
  if (!row) throw notFound('disposalStandard', id);
  return toStandardDto(row, await matterName(db, row.matterCode));
}

/**
 * For the case loop: the standard a new case of this matter type is filed under (its `id` and
 * `version` go on the case). Refuses an unknown or disabled matter type (422).
 */
export async function getStandardForFiling(db: Db, matterCode: string): Promise<StandardDto> {
  const type = await repo.findType(db, 'matter', matterCode);
  if (!type?.enabled) {
    throw new AppError('INVALID_REFERENCE', {
      zh: `事项类型不存在或已停用：${matterCode}`,
      en: `Matter type unknown or disabled: ${matterCode}`,
      details: [{ field: 'matterCode', message: matterCode }],
    });
  }
  const row = await repo.currentStandard(db, matterCode);
  if (!row) throw missing(matterCode);
  return toStandardDto(row, type.name);
}

/** For the case loop: the exact version a case was filed under, whatever is current now. */
export async function getStandardById(db: Db, id: string): Promise<StandardDto | undefined> {
  const row = await repo.standardById(db, id);
  return row ? toStandardDto(row, await matterName(db, row.matterCode)) : undefined;
}

function checkLimits(limits: StandardUpdateT['timeLimits']) {
  const seen = new Set(limits.map((l) => `${l.areaClass}/${l.urgency}`));
  if (seen.size !== 6) {
    throw new AppError('VALIDATION_FAILED', {
      zh: '处置时限须覆盖 A/B/C 三类区域 × 一般/紧急，每种组合一条',
      en: 'Time limits need exactly one row for each of A/B/C × normal/urgent',
      details: [{ field: 'body.timeLimits', message: 'one row per area class × urgency' }],
    });
  }
}

const renumber = (prefix: string, list: { text: string }[]) =>
  list.map((c, i) => ({ id: `${prefix}${i + 1}`, text: c.text.trim() }));
/** Filing conditions keep their urgent mark (立即按紧急案件处理), written only when set. */
const renumberFiling = (list: StandardUpdateT['filingConditions']) =>
  renumber('f', list).map((c, i) => (list[i].urgent ? { ...c, urgent: true } : c));

const ORDER = ['A/normal', 'A/urgent', 'B/normal', 'B/urgent', 'C/normal', 'C/urgent'];

export async function updateStandard(
  db: Db,
  ctx: RequestContext,
  matterCode: string,
  input: StandardUpdateT,
) {
  requireManage(ctx.actor);
  checkLimits(input.timeLimits);
  return db.transaction(async (tx) => {
    const current = await repo.currentStandard(tx, matterCode, true);
    if (!current) {
      // Another edit committed while this one waited for the row lock: it is stale.
      if ((await repo.standardVersions(tx, matterCode)).length > 0) throw new AppError('CONFLICT');
      throw missing(matterCode);
    }
    if (current.version !== input.version) {
      throw new AppError('CONFLICT', {
        zh: `立结案规范已更新为第 ${current.version} 版，请刷新后重试`,
        en: `The standard is now at version ${current.version}; reload and try again`,
        details: [{ field: 'body.version', message: `current version is ${current.version}` }],
      });
    }
    const name = await matterName(tx, matterCode);
    await repo.retireStandard(tx, current.id);
    const row = await repo.insertStandard(tx, {
      matterCode,
      version: current.version + 1,
      current: true,
      isDefault: false,
      filingConditions: renumberFiling(input.filingConditions),
      timeLimits: [...input.timeLimits].sort(
        (a, b) => ORDER.indexOf(`${a.areaClass}/${a.urgency}`) - ORDER.indexOf(`${b.areaClass}/${b.urgency}`),
      ),
      closingConditions: renumber('c', input.closingConditions),
      defaultUnitType: input.defaultUnitType,
      note: input.note ?? null,
      createdBy: ctx.actor.name,
    });
    const before = toStandardDto(current, name);
    const after = toStandardDto(row, name);
    await recordEvent(tx, ctx, {
      action: 'catalog.standard.update',
      entityType: 'disposal_standard',
      entityId: matterCode,
      districtCode: null,
      before,
      after,
      reason: input.reason.trim(),
    });
    return after;
  });
}
