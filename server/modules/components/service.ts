import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import {
  allFinite,
  buildComponentId,
  convertLngLat,
  findGrid,
  type GeographicCrs,
  type GeoJsonGeometry,
  geometryToWgs84,
  gridAt,
  haversineM,
  normalizeGridId,
  parseComponentId,
  representativePoint,
} from '../geo/index.ts';
import { componentTypeName, knownComponentTypes } from './catalogue.ts';
import { componentRead, componentWrite } from './policy.ts';
import * as repo from './repository.ts';
import type { ComponentCreateT, ComponentDto, ComponentListQueryT, ComponentUpdateT } from './schemas.ts';

export type ComponentRow = repo.ComponentRow;
export {
  type BulkComponent,
  existingComponentIds,
  insertComponentsBulk,
  maxSequences,
} from './repository.ts';

export function toComponentDto(row: ComponentRow & { distanceM?: number }): ComponentDto {
  return {
    id: row.id,
    typeCode: row.typeCode,
    typeName: componentTypeName(row.typeCode),
    districtCode: row.districtCode,
    gridId: row.gridId,
    name: row.name,
    ownerDept: row.ownerDept,
    propertyDept: row.propertyDept,
    maintainerDept: row.maintainerDept,
    state: row.state,
    geometry: row.geometry,
    lng: row.lng,
    lat: row.lat,
    crs: 'wgs84',
    legacyId: row.legacyId,
    source: row.source,
    installedAt: row.installedAt,
    surveyedAt: row.surveyedAt,
    attrs: row.attrs ?? {},
    ...(row.distanceM === undefined ? {} : { distanceM: Math.round(row.distanceM * 100) / 100 }),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}

function requireRead(actor: Actor) {
  componentRead.requirePermission(actor);
}

function invalid(field: string, zh: string, en: string): AppError {
  return new AppError('VALIDATION_FAILED', { zh, en, details: [{ field, message: en }] });
}

export async function listComponents(db: Db, ctx: RequestContext, q: ComponentListQueryT) {
  requireRead(ctx.actor);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  let near: repo.ComponentFilters['near'];
  if (q.near) {
    const [x, y] = q.near.split(',').map(Number);
    const [lng, lat] = convertLngLat(x, y, (q.crs ?? 'wgs84') as GeographicCrs, 'wgs84');
    if (!Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lng) > 180 || Math.abs(lat) > 90) {
      throw invalid('query.near', '坐标超出范围', 'near is out of range');
    }
    near = { lng, lat, radius: q.radius ?? 200 };
  }
  const gridId = q.gridId ? (normalizeGridId(q.gridId) ?? q.gridId) : undefined;
  const { rows, total } = await repo.listComponents(
    db,
    { typeCode: q.typeCode, gridId, districtCode: q.districtCode, state: q.state, q: q.q?.trim(), near },
    page,
    pageSize,
  );
  return { items: rows.map(toComponentDto), total, page, pageSize };
}

export async function getComponent(db: Db, ctx: RequestContext, id: string) {
  requireRead(ctx.actor);
  const row = await repo.findComponent(db, id);
  if (!row) throw notFound('component', id);
  return toComponentDto(row);
}

/** Converts and checks a geometry from the request; answers WGS84 geometry and its point. */
function wgs84Geometry(input: ComponentCreateT['geometry'], crs: GeographicCrs | undefined) {
  const g = input as unknown as GeoJsonGeometry;
  if (!allFinite(g)) throw invalid('body.geometry', '坐标无效', 'Coordinates must be finite numbers');
  const out = geometryToWgs84(g as never, { kind: 'geographic', system: crs ?? 'wgs84' });
  if (!out) throw invalid('body.geometry', '不支持的几何类型', 'Unsupported geometry type');
  const [lng, lat] = representativePoint(out);
  if (Math.abs(lng) > 180 || Math.abs(lat) > 90)
    throw invalid('body.geometry', '坐标超出经纬度范围', 'Coordinates out of range');
  return { geometry: out, lng, lat };
}

/** The grid a component sits in: the given one (checked) or the one containing its point. */
async function resolveGrid(db: Db, gridId: string | null | undefined, lng: number, lat: number) {
  if (gridId) {
    const id = normalizeGridId(gridId);
    const row = id ? await findGrid(db, id) : undefined;
    if (!row) throw invalid('body.gridId', `网格不存在：${gridId}`, `Unknown grid: ${gridId}`);
    return { id: row.id, districtCode: row.districtCode };
  }
  const hit = await gridAt(db, lng, lat);
  return hit ? { id: hit.id, districtCode: hit.districtCode } : null;
}

export async function createComponent(db: Db, ctx: RequestContext, input: ComponentCreateT) {
  componentWrite.requirePermission(ctx.actor);
  const { geometry, lng, lat } = wgs84Geometry(input.geometry, input.crs);
  return db.transaction(async (tx) => {
    if (!(await knownComponentTypes(tx)).has(input.typeCode)) {
      throw invalid(
        'body.typeCode',
        `未知的部件类型：${input.typeCode}`,
        `Unknown component type: ${input.typeCode}`,
      );
    }
    const g = await resolveGrid(tx, input.gridId, lng, lat);
    const districtCode = input.districtCode ?? (input.id ? input.id.slice(0, 6) : g?.districtCode);
    if (!districtCode) {
      throw invalid(
        'body.districtCode',
        '点位不在任何网格内，须指定所属区',
        'Outside every grid: give districtCode',
      );
    }
    if (g && g.districtCode !== districtCode) {
      throw invalid('body.gridId', '网格不在该部件所属区内', 'The grid lies in another district');
    }
    if (!componentWrite.allows(ctx.actor, { districtCode })) throw new AppError('FORBIDDEN');
    let id = input.id;
    if (id) {
      const parts = parseComponentId(id);
      if (!parts || parts.typeCode !== input.typeCode || parts.district !== districtCode) {
        throw invalid('body.id', '部件编码与区、类型不一致', 'The ID does not match its district and type');
      }
      if (await repo.findComponent(tx, id))
        throw new AppError('DUPLICATE', { details: [{ field: 'body.id', message: id }] });
    } else {
      const seq = await repo.nextSequence(tx, districtCode, input.typeCode);
      if (seq > 999_999)
        throw invalid('body.typeCode', '该类型编号已用尽', 'Sequence exhausted for this type');
      id = buildComponentId(districtCode, input.typeCode, seq);
    }
    const row = await repo.insertComponent(tx, {
      id,
      typeCode: input.typeCode,
      districtCode,
      gridId: g?.id ?? null,
      name: input.name,
      ownerDept: input.ownerDept ?? null,
      propertyDept: input.propertyDept ?? null,
      maintainerDept: input.maintainerDept ?? null,
      state: input.state ?? 'intact',
      geometry,
      lng,
      lat,
      legacyId: input.legacyId ?? null,
      source: input.source ?? 'manual',
      installedAt: input.installedAt ?? null,
      surveyedAt: input.surveyedAt ?? null,
      attrs: input.attrs ?? {},
    });
    const dto = toComponentDto(row);
    await recordEvent(tx, ctx, {
      action: 'component.create',
      entityType: 'component',
      entityId: id,
      districtCode,
      after: dto,
    });
    return dto;
  });
}

export async function updateComponent(db: Db, ctx: RequestContext, id: string, input: ComponentUpdateT) {
  componentWrite.requirePermission(ctx.actor);
  const moved = input.geometry ? wgs84Geometry(input.geometry, input.crs) : null;
  return db.transaction(async (tx) => {
    const current = await repo.findComponent(tx, id, true);
    if (!current) throw notFound('component', id);
    if (!componentWrite.allows(ctx.actor, current)) throw new AppError('FORBIDDEN');
    if (current.version !== input.version) {
      throw new AppError('CONFLICT', {
        details: [{ field: 'body.version', message: `current version is ${current.version}` }],
      });
    }
    const patch: Partial<repo.ComponentInsert> = {
      name: input.name,
      ownerDept: input.ownerDept,
      propertyDept: input.propertyDept,
      maintainerDept: input.maintainerDept,
      state: input.state,
      installedAt: input.installedAt,
      surveyedAt: input.surveyedAt,
      attrs: input.attrs,
      legacyId: input.legacyId,
    };
    if (moved || input.gridId !== undefined) {
      const lng = moved?.lng ?? current.lng;
      const lat = moved?.lat ?? current.lat;
      const g = await resolveGrid(tx, input.gridId, lng, lat);
      if (g && g.districtCode !== current.districtCode) {
        throw invalid('body.geometry', '部件不能移到其他区', 'A component cannot move to another district');
      }
      if (moved) Object.assign(patch, moved);
      patch.gridId = g?.id ?? null;
    }
    const row = await repo.updateComponent(tx, id, input.version, patch);
    if (!row) throw new AppError('CONFLICT');
    const before = toComponentDto(current);
    const after = toComponentDto(row);
    await recordEvent(tx, ctx, {
      action: input.state && input.state !== current.state ? 'component.state' : 'component.update',
      entityType: 'component',
      entityId: id,
      districtCode: row.districtCode,
      before,
      after,
      reason: input.reason ?? null,
    });
    return after;
  });
}

/** For other modules: metres between a component and a WGS84 point. */
export function distanceTo(row: Pick<ComponentRow, 'lng' | 'lat'>, lng: number, lat: number): number {
  return haversineM(row.lng, row.lat, lng, lat);
}
