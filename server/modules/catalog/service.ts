/**
 * Catalogue of component and matter types: read by everyone with catalog:read, changed by the
 * city's admins (enable/disable, legacy code, local types). One transaction and one audit event
 * per write.
 */
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { requireCatalogManage as requireManage, requireCatalogRead as requireRead } from './policy.ts';
import { type CatalogKind, LOCAL_MAJOR, majorsOf } from './reference.ts';
import * as repo from './repository.ts';
import type { CatalogTypeDto, TypeCreateT, TypeListQueryT, TypeUpdateT } from './schemas.ts';
import { defaultStandardFor } from './standard-defaults.ts';
import { toStandardDto } from './standards-service.ts';

const majorName = (kind: CatalogKind, code: string) =>
  majorsOf(kind).find((m) => m.code === code)?.name ?? null;

export function toTypeDto(row: repo.TypeRow): CatalogTypeDto {
  return {
    kind: row.kind,
    code: row.code,
    name: row.name,
    majorCode: row.majorCode,
    majorName: majorName(row.kind, row.majorCode),
    legacyCode: row.legacyCode,
    enabled: row.enabled,
    local: row.local,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}

export async function listTypes(db: Db, ctx: RequestContext, q: TypeListQueryT) {
  requireRead(ctx.actor);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 50;
  const { rows, total } = await repo.listTypes(db, q, page, pageSize);
  return { items: rows.map(toTypeDto), total, page, pageSize, majors: q.kind ? majorsOf(q.kind) : [] };
}

export async function getType(db: Db, ctx: RequestContext, kind: CatalogKind, code: string) {
  requireRead(ctx.actor);
  const row = await repo.findType(db, kind, code);
  if (!row) throw notFound('type', `${kind}/${code}`);
  return toTypeDto(row);
}

/** For other modules (components, cases): a type by key, without any permission check. */
export async function findCatalogType(db: Db, kind: CatalogKind, code: string) {
  const row = await repo.findType(db, kind, code);
  return row ? toTypeDto(row) : undefined;
}

/**
 * For other modules (the Open311 service list): every type of a kind, enabled or not, by code,
 * without any permission check — the catalogue is the city's shared base.
 */
export async function typesOfKind(db: Db, kind: CatalogKind) {
  // The whole kind fits one page: 250 matter types of the standard plus at most 999 local ones.
  const { rows } = await repo.listTypes(db, { kind }, 1, 5_000);
  return rows.map(toTypeDto);
}

async function nextLocalCode(db: Db, kind: CatalogKind): Promise<string> {
  const used = new Set(await repo.localCodes(db, kind));
  for (let n = 1; n <= 999; n++) {
    const code = `${LOCAL_MAJOR}${String(n).padStart(3, '0')}`;
    if (!used.has(code)) return code;
  }
  throw new AppError('UNPROCESSABLE', {
    zh: '本地类型编码已用尽',
    en: 'No local type code left (99001–99999)',
  });
}

/** A local type; a local matter type gets a default disposal standard in the same transaction. */
export async function createLocalType(db: Db, ctx: RequestContext, input: TypeCreateT) {
  requireManage(ctx.actor);
  return db.transaction(async (tx) => {
    const code = input.code ?? (await nextLocalCode(tx, input.kind));
    if (await repo.findType(tx, input.kind, code)) {
      throw new AppError('DUPLICATE', {
        zh: `类型编码已存在：${code}`,
        en: `Type code already used: ${code}`,
        details: [{ field: 'body.code', message: 'duplicate' }],
      });
    }
    const row = await repo.insertType(tx, {
      kind: input.kind,
      code,
      name: input.name.trim(),
      majorCode: LOCAL_MAJOR,
      legacyCode: input.legacyCode ?? null,
      enabled: input.enabled ?? true,
      local: true,
    });
    const dto = toTypeDto(row);
    let standard = null;
    if (row.kind === 'matter') {
      const std = await repo.insertStandard(tx, {
        matterCode: row.code,
        version: 1,
        current: true,
        isDefault: true,
        ...defaultStandardFor(row),
        createdBy: ctx.actor.name,
      });
      standard = toStandardDto(std, row.name);
    }
    await recordEvent(tx, ctx, {
      action: 'catalog.type.create',
      entityType: 'catalog_type',
      entityId: `${row.kind}/${row.code}`,
      districtCode: null,
      after: standard ? { ...dto, standard } : dto,
    });
    return dto;
  });
}

export async function updateType(
  db: Db,
  ctx: RequestContext,
  kind: CatalogKind,
  code: string,
  input: TypeUpdateT,
) {
  requireManage(ctx.actor);
  return db.transaction(async (tx) => {
    const current = await repo.findType(tx, kind, code, true);
    if (!current) throw notFound('type', `${kind}/${code}`);
    if (current.version !== input.version) {
      throw new AppError('CONFLICT', {
        details: [{ field: 'body.version', message: `current version is ${current.version}` }],
      });
    }
    if (input.name !== undefined && !current.local && input.name.trim() !== current.name) {
      throw new AppError('UNPROCESSABLE', {
        zh: '国家标准类型的名称不可修改，只有本地类型可以改名',
        en: 'Only local types can be renamed; names of the standard are fixed',
        details: [{ field: 'body.name', message: 'standard type' }],
      });
    }
    const row = await repo.updateType(tx, current, {
      enabled: input.enabled,
      name: input.name?.trim(),
      legacyCode: input.legacyCode,
    });
    if (!row) throw new AppError('CONFLICT');
    const before = toTypeDto(current);
    const after = toTypeDto(row);
    await recordEvent(tx, ctx, {
      action: 'catalog.type.update',
      entityType: 'catalog_type',
      entityId: `${kind}/${code}`,
      districtCode: null,
      before,
      after,
      reason: input.reason?.trim() || null,
    });
    return after;
  });
}
