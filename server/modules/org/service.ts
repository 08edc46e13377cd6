import { isValidUscc } from '../../../common/uscc.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { districtsByCode } from '../../platform/reference.ts';
import { orgCreate, orgManage, orgRead } from './policy.ts';
import * as repo from './repository.ts';
import type { OrgCreateT, OrgDto, OrgListQueryT, OrgUpdateT } from './schemas.ts';

export type OrgRow = repo.OrgRow;

export function toOrgDto(row: OrgRow): OrgDto {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    code: row.code,
    parentId: row.parentId,
    districtCode: row.districtCode,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}

/** Loads an organisation the actor may see, or answers 404 as if it did not exist. */
export async function getVisibleOrg(db: Db, actor: Actor, id: string): Promise<OrgRow> {
  orgRead.requirePermission(actor);
  const row = await repo.findOrg(db, id);
  if (!row || !orgRead.allows(actor, row)) throw notFound('organisation', id);
  return row;
}

/** For other modules: an organisation by id without any scope check. */
export const findOrgById = (db: Db, id: string) => repo.findOrg(db, id);
export const findOrgByCode = (db: Db, code: string) => repo.findOrgByCode(db, code);

export async function listOrgs(db: Db, ctx: RequestContext, q: OrgListQueryT) {
  orgRead.requirePermission(ctx.actor);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.listOrgs(
    db,
    { scope: orgRead.filter(ctx.actor), q: q.q, kind: q.kind, districtCode: q.districtCode },
    page,
    pageSize,
  );
  return { items: rows.map(toOrgDto), total, page, pageSize };
}

export async function getOrg(db: Db, ctx: RequestContext, id: string) {
  return toOrgDto(await getVisibleOrg(db, ctx.actor, id));
}

function invalid(field: string, zh: string, en: string): AppError {
  return new AppError('VALIDATION_FAILED', { zh, en, details: [{ field, message: en }] });
}

/** Checks the shape rules of the hierarchy: one city centre, district centres under it, units anywhere. */
async function checkHierarchy(
  db: Db,
  actor: Actor,
  kind: OrgRow['kind'],
  districtCode: string | null,
  parentId: string | null,
  selfId?: string,
) {
  if (kind === 'city_center' && (districtCode !== null || parentId !== null)) {
    throw invalid('body.districtCode', '市级中心不属于任何区', 'A city centre has no district and no parent');
  }
  if (kind === 'district_center' && !districtCode) {
    throw invalid('body.districtCode', '区级中心必须指定所属区', 'A district centre needs its district code');
  }
  if (districtCode !== null && !districtsByCode().has(districtCode)) {
    throw invalid(
      'body.districtCode',
      `未知的区县代码：${districtCode}`,
      `Unknown district code: ${districtCode}`,
    );
  }
  if (kind !== 'city_center' && parentId === null) {
    throw invalid('body.parentId', '必须指定上级组织', 'A parent organisation is required');
  }
  if (parentId !== null) {
    if (parentId === selfId)
      throw invalid('body.parentId', '上级组织不能是自己', 'An organisation cannot be its own parent');
    const parent = await repo.findOrg(db, parentId);
    if (!parent || !orgRead.inScope(actor, parent)) {
      throw invalid('body.parentId', '上级组织不存在', `Parent organisation not found: ${parentId}`);
    }
    if (kind === 'district_center' && parent.kind !== 'city_center') {
      throw invalid(
        'body.parentId',
        '区级中心的上级必须是市级中心',
        'A district centre sits under the city centre',
      );
    }
    if (parent.districtCode !== null && parent.districtCode !== districtCode) {
      throw invalid('body.parentId', '上级组织属于其他区', 'The parent belongs to another district');
    }
  }
}

export async function createOrg(db: Db, ctx: RequestContext, input: OrgCreateT) {
  orgCreate.requirePermission(ctx.actor);
  const districtCode = input.districtCode ?? null;
  if (!orgCreate.allows(ctx.actor, { kind: input.kind, districtCode })) throw new AppError('FORBIDDEN');
  if (!isValidUscc(input.code)) {
    throw invalid(
      'body.code',
      '统一社会信用代码无效（格式或校验位错误）',
      'Invalid unified social credit code (format or check character)',
    );
  }
  return db.transaction(async (tx) => {
    await checkHierarchy(tx, ctx.actor, input.kind, districtCode, input.parentId);
    if (await repo.findOrgByCode(tx, input.code)) {
      throw new AppError('DUPLICATE', {
        zh: `统一社会信用代码已存在：${input.code}`,
        en: `Unified social credit code already used: ${input.code}`,
        details: [{ field: 'body.code', message: 'duplicate' }],
      });
    }
    const row = await repo.insertOrg(tx, {
      kind: input.kind,
      name: input.name,
      code: input.code,
      parentId: input.parentId,
      districtCode,
    });
    const dto = toOrgDto(row);
    await recordEvent(tx, ctx, {
      action: 'org.create',
      entityType: 'org',
      entityId: row.id,
      districtCode: row.districtCode,
      after: dto,
    });
    return dto;
  });
}

export async function updateOrg(db: Db, ctx: RequestContext, id: string, input: OrgUpdateT) {
  orgManage.requirePermission(ctx.actor);
  if (input.code !== undefined && !isValidUscc(input.code)) {
    throw invalid(
      'body.code',
      '统一社会信用代码无效（格式或校验位错误）',
      'Invalid unified social credit code (format or check character)',
    );
  }
  return db.transaction(async (tx) => {
    const current = await repo.findOrgForUpdate(tx, id);
    if (!current || !orgRead.inScope(ctx.actor, current)) throw notFound('organisation', id);
    if (!orgManage.allows(ctx.actor, current)) throw new AppError('FORBIDDEN');
    if (current.version !== input.version)
      throw new AppError('CONFLICT', {
        details: [{ field: 'body.version', message: `current version is ${current.version}` }],
      });
    if (input.parentId !== undefined) {
      await checkHierarchy(tx, ctx.actor, current.kind, current.districtCode, input.parentId, id);
    }
    if (
      input.code !== undefined &&
      input.code !== current.code &&
      (await repo.findOrgByCode(tx, input.code))
    ) {
      throw new AppError('DUPLICATE', { details: [{ field: 'body.code', message: 'duplicate' }] });
    }
    const row = await repo.updateOrg(tx, id, input.version, {
      name: input.name,
      code: input.code,
      parentId: input.parentId,
    });
    if (!row) throw new AppError('CONFLICT');
    const before = toOrgDto(current);
    const after = toOrgDto(row);
    await recordEvent(tx, ctx, {
      action: 'org.update',
      entityType: 'org',
      entityId: id,
      districtCode: row.districtCode,
      before,
      after,
    });
    return after;
  });
}
