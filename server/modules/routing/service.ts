/**
 * Responsibility rules: list, create, change, deactivate (each with a reason and one audit event
 * holding before/after), the "who is responsible?" query and the history read from the events.
 */

import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { districtsByCode } from '../../platform/reference.ts';
import { findCatalogType, isMatterMajor } from '../catalog/index.ts';
import { isCommunityCode, isDistrictCode, isGridId, isTownshipCode } from '../geo/index.ts';
import { findOrgById, orgRead } from '../org/index.ts';
import { ruleManage, ruleRead } from './policy.ts';
import * as repo from './repository.ts';
import { typeLevelOf } from './resolve.ts';
import type { RuleCreateT, RuleDeactivateT, RuleDto, RuleListQueryT, RuleUpdateT } from './schemas.ts';

export const invalid = (
  code: 'VALIDATION_FAILED' | 'INVALID_REFERENCE' | 'UNPROCESSABLE',
  field: string,
  zh: string,
  en: string,
) => new AppError(code, { zh, en, details: [{ field, message: en }] });

/** Names for the rows' units and matter types, looked up once per distinct id. */
export async function toDtos(db: Db, rows: repo.RuleRow[]): Promise<RuleDto[]> {
  const units = new Map<string, string | null>();
  const matters = new Map<string, string | null>();
  for (const r of rows) {
    if (!units.has(r.unitId)) units.set(r.unitId, (await findOrgById(db, r.unitId))?.name ?? null);
    if (r.matterCode && !matters.has(r.matterCode)) {
      matters.set(r.matterCode, (await findCatalogType(db, 'matter', r.matterCode))?.name ?? null);
    }
  }
  return rows.map((r) => ({
    id: r.id,
    matterCode: r.matterCode,
    matterMajor: r.matterMajor,
    matterName: r.matterCode ? (matters.get(r.matterCode) ?? null) : null,
    typeLevel: typeLevelOf(r),
    areaLevel: r.areaLevel,
    areaCode: r.areaCode,
    districtCode: r.districtCode,
    unitId: r.unitId,
    unitName: units.get(r.unitId) ?? null,
    active: r.active,
    note: r.note,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    version: r.version,
  }));
}
export const toDto = async (db: Db, row: repo.RuleRow) => (await toDtos(db, [row]))[0];

export async function listRules(db: Db, ctx: RequestContext, q: RuleListQueryT) {
  ruleRead.requirePermission(ctx.actor);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.listRules(
    db,
    { ...q, scope: ruleRead.filter(ctx.actor) },
    page,
    pageSize,
  );
  return { items: await toDtos(db, rows), total, page, pageSize };
}

export async function visibleRule(db: Db, actor: Actor, id: string) {
  ruleRead.requirePermission(actor);
  const row = await repo.findRule(db, id);
  if (!row || !ruleRead.allows(actor, row)) throw notFound('routingRule', id);
  return row;
}

export async function getRule(db: Db, ctx: RequestContext, id: string) {
  return toDto(db, await visibleRule(db, ctx.actor, id));
}

const AREA_CHECK = {
  district: isDistrictCode,
  township: isTownshipCode,
  community: isCommunityCode,
  grid: isGridId,
};

/** The target must be a unit the actor may see (org policy), of the rule's district or city-level. */
async function checkUnit(db: Db, actor: Actor, unitId: string, districtCode: string) {
  const unit = await findOrgById(db, unitId);
  if (!unit || !orgRead.inScope(actor, unit) || unit.kind !== 'unit') {
    throw invalid(
      'INVALID_REFERENCE',
      'body.unitId',
      `责任单位不存在：${unitId}`,
      `Unit not found: ${unitId}`,
    );
  }
  if (unit.districtCode !== null && unit.districtCode !== districtCode) {
    throw invalid(
      'INVALID_REFERENCE',
      'body.unitId',
      '责任单位属于其他区，不能承接本区的案件',
      'The unit belongs to another district and cannot be responsible here',
    );
  }
}

export async function createRule(db: Db, ctx: RequestContext, input: RuleCreateT) {
  ruleManage.requirePermission(ctx.actor);
  const matterCode = input.matterCode ?? null;
  const matterMajor = input.matterMajor ?? null;
  if (matterCode && matterMajor) {
    throw invalid(
      'VALIDATION_FAILED',
      'body.matterMajor',
      '事项类型与事项大类只能指定其一',
      'Give a matter code or a major class, not both',
    );
  }
  if (!AREA_CHECK[input.areaLevel](input.areaCode)) {
    throw invalid(
      'VALIDATION_FAILED',
      'body.areaCode',
      `区域代码与层级不符：${input.areaCode}`,
      `Area code does not match level ${input.areaLevel}`,
    );
  }
  const districtCode = input.areaCode.slice(0, 6);
  if (!districtsByCode().has(districtCode)) {
    throw invalid(
      'INVALID_REFERENCE',
      'body.areaCode',
      `未知的区县代码：${districtCode}`,
      `Unknown district: ${districtCode}`,
    );
  }
  if (!ruleManage.allows(ctx.actor, { districtCode, unitId: input.unitId })) {
    throw new AppError('FORBIDDEN', {
      zh: '只能维护本区的责任规则',
      en: "You can only change your own district's rules",
    });
  }
  if (matterMajor && !isMatterMajor(matterMajor)) {
    throw invalid(
      'INVALID_REFERENCE',
      'body.matterMajor',
      `未知的事项大类：${matterMajor}`,
      `Unknown matter major class: ${matterMajor}`,
    );
  }
  return db.transaction(async (tx) => {
    if (matterCode && !(await findCatalogType(tx, 'matter', matterCode))) {
      throw invalid(
        'INVALID_REFERENCE',
        'body.matterCode',
        `未知的事项类型：${matterCode}`,
        `Unknown matter type: ${matterCode}`,
      );
    }
    await checkUnit(tx, ctx.actor, input.unitId, districtCode);
    const key = { matterCode, matterMajor, areaLevel: input.areaLevel, areaCode: input.areaCode };
    const same = await repo.findSameKey(tx, key);
    if (same) {
      throw new AppError('DUPLICATE', {
        zh: '该区域已有同一类型的生效规则，请修改那条规则',
        en: 'An active rule for this type and area exists; change that rule instead',
        details: [{ field: 'body.areaCode', message: 'duplicate', ruleId: same.id }],
      });
    }
    const row = await repo.insertRule(tx, {
      ...key,
      districtCode,
      unitId: input.unitId,
      note: input.note ?? null,
    });
    const after = await toDto(tx, row);
    await recordEvent(tx, ctx, {
      action: 'routing.rule.create',
      entityType: 'route_rule',
      entityId: row.id,
      districtCode,
      after,
      reason: input.reason.trim(),
    });
    return after;
  });
}

const isDistrictDefault = (r: repo.RuleRow) => r.areaLevel === 'district' && typeLevelOf(r) === 'default';

async function change(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: RuleUpdateT,
  action: 'routing.rule.update' | 'routing.rule.deactivate',
) {
  ruleManage.requirePermission(ctx.actor);
  return db.transaction(async (tx) => {
    const current = await repo.findRule(tx, id, true);
    // A rule the caller may neither read nor change does not exist for them; one they read but
    // may not change (a unit's own rule) is refused.
    if (!current || !(ruleRead.allows(ctx.actor, current) || ruleManage.allows(ctx.actor, current))) {
      throw notFound('routingRule', id);
    }
    if (!ruleManage.allows(ctx.actor, current)) throw new AppError('FORBIDDEN');
    if (current.version !== input.version) {
      throw new AppError('CONFLICT', {
        details: [{ field: 'body.version', message: `current version is ${current.version}` }],
      });
    }
    if (input.unitId !== undefined) await checkUnit(tx, ctx.actor, input.unitId, current.districtCode);
    if (input.active === false && isDistrictDefault(current)) {
      throw invalid(
        'VALIDATION_FAILED',
        'body.active',
        '区级默认规则不能停用，请改派其责任单位',
        "A district's default rule cannot be deactivated; change its unit instead",
      );
    }
    if (input.active === true && !current.active && (await repo.findSameKey(tx, current))) {
      throw new AppError('DUPLICATE', {
        details: [{ field: 'body.active', message: 'an active rule has this key' }],
      });
    }
    const row = await repo.updateRule(tx, id, input.version, {
      unitId: input.unitId,
      note: input.note,
      active: input.active,
    });
    if (!row) throw new AppError('CONFLICT');
    const [before, after] = await toDtos(tx, [current, row]);
    await recordEvent(tx, ctx, {
      action,
      entityType: 'route_rule',
      entityId: id,
      districtCode: row.districtCode,
      before,
      after,
      reason: input.reason.trim(),
    });
    return after;
  });
}

export const updateRule = (db: Db, ctx: RequestContext, id: string, input: RuleUpdateT) =>
  change(db, ctx, id, input, 'routing.rule.update');

export const deactivateRule = (db: Db, ctx: RequestContext, id: string, input: RuleDeactivateT) =>
  change(db, ctx, id, { ...input, active: false }, 'routing.rule.deactivate');
