/**
 * Geo use cases: point lookup (in memory, through the SpatialService), grids, divisions and the
 * summary of the map. Reads only; imports live in their own service.
 */
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { normalizeGridId } from './core/codes.ts';
import { convertLngLat } from './core/crs.ts';
import { DISTRICT_OUTLINES, OUTLINE_LICENSE, OUTLINE_SOURCE } from './core/demo-city.ts';
import type { Bbox } from './geometry.ts';
import { requireGeoRead } from './policy.ts';
import * as repo from './repository.ts';
import type { DivisionListQueryT, GridListQueryT, LookupQueryT } from './schemas.ts';
import type { SpatialService } from './spatial-service.ts';

const bboxOfRow = (r: { minLng: number; minLat: number; maxLng: number; maxLat: number }): Bbox => [
  r.minLng,
  r.minLat,
  r.maxLng,
  r.maxLat,
];

export const DEMO_NOTICE = {
  zh: '演示城市：区、街道（镇）、社区（村）的代码和名称真实（国家统计局），各区位于其真实行政区轮廓内（简化边界），但管理范围（各区建成区核心）、街道、社区和单元网格的几何均为程序生成，不代表实际边界。',
  en: "Demo city: the district, township and community codes and names are real (NBS) and each district lies inside its real outline (simplified), but the managed area (each district's built-up core) and every township, community and unit grid geometry are generated and do not show real boundaries.",
};
export const IMPORTED_NOTICE = {
  zh: '地理数据来自导入的官方数据。',
  en: 'The geography comes from imported official data.',
};

export function lookup(spatial: SpatialService, ctx: RequestContext, q: LookupQueryT) {
  requireGeoRead(ctx.actor);
  const crs = q.crs ?? 'wgs84';
  const [lng, lat] = convertLngLat(q.lng, q.lat, crs, 'wgs84');
  const hit = spatial.lookup(lng, lat);
  if (!hit) {
    throw new AppError('OUTSIDE_MANAGED_AREA', {
      zh: `坐标 (${q.lng}, ${q.lat}) [${crs}] 不在本市管理范围内（不属于任何单元网格）`,
      en: `The point (${q.lng}, ${q.lat}) [${crs}] is outside the managed area: no unit grid contains it`,
      details: [{ field: 'querystring', message: 'outside the managed area', lng, lat, crs: 'wgs84' }],
    });
  }
  return {
    ...hit,
    crs: 'wgs84' as const,
    point: { lng, lat },
    input: { lng: q.lng, lat: q.lat, crs },
    indexRevision: spatial.revision,
  };
}

async function chainOf(db: Db, communityCode: string) {
  const codes = [communityCode, communityCode.slice(0, 9), communityCode.slice(0, 6)];
  const rows = await repo.findDivisions(db, codes);
  const name = (c: string) => rows.find((r) => r.code === c)?.name ?? '';
  return {
    community: { code: codes[0], name: name(codes[0]) },
    township: { code: codes[1], name: name(codes[1]) },
    district: { code: codes[2], name: name(codes[2]) },
  };
}

const gridSummary = (r: repo.GridRow) => ({
  id: r.id,
  legacyId: r.legacyId,
  communityCode: r.communityCode,
  areaClass: r.areaClass,
  centroid: { lng: r.centroidLng, lat: r.centroidLat },
  areaM2: r.areaM2,
  generated: r.generated,
});

export async function getGrid(db: Db, ctx: RequestContext, rawId: string) {
  requireGeoRead(ctx.actor);
  const id = normalizeGridId(rawId);
  if (!id) {
    throw new AppError('VALIDATION_FAILED', {
      zh: `网格编码无效：${rawId}`,
      en: `Invalid grid ID: ${rawId}`,
      details: [{ field: 'params.id', message: 'not a valid 15-character (or 14-character legacy) grid ID' }],
    });
  }
  const row =
    (await repo.findGrid(db, id)) ??
    (rawId.length === 14 ? await repo.findGridByLegacyId(db, rawId) : undefined);
  if (!row) throw notFound('grid', rawId);
  return {
    ...gridSummary(row),
    crs: 'wgs84' as const,
    geometry: row.geometry,
    bbox: bboxOfRow(row),
    chain: await chainOf(db, row.communityCode),
    source: row.source,
    version: row.version,
  };
}

export async function listGrids(db: Db, ctx: RequestContext, q: GridListQueryT) {
  requireGeoRead(ctx.actor);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.listGrids(
    db,
    {
      communityCode: q.communityCode,
      townshipCode: q.townshipCode,
      districtCode: q.districtCode,
      areaClass: q.areaClass,
      q: q.q,
    },
    pageSize,
    (page - 1) * pageSize,
  );
  return { items: rows.map(gridSummary), total, page, pageSize };
}

const divisionSummary = (r: repo.DivisionRow) => ({
  code: r.code,
  level: r.level,
  name: r.name,
  parentCode: r.parentCode,
  bbox: bboxOfRow(r),
  generated: r.generated,
});

export async function listDivisions(db: Db, ctx: RequestContext, q: DivisionListQueryT) {
  requireGeoRead(ctx.actor);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.listDivisions(
    db,
    { level: q.level, parentCode: q.parentCode, q: q.q?.trim() || undefined },
    pageSize,
    (page - 1) * pageSize,
  );
  return { items: rows.map(divisionSummary), total, page, pageSize };
}

export async function getDivision(db: Db, ctx: RequestContext, code: string) {
  requireGeoRead(ctx.actor);
  const row = await repo.findDivision(db, code);
  if (!row) throw notFound('division', code);
  const ancestors = [code.slice(0, 6), code.slice(0, 9)].filter((c) => c.length < code.length);
  const [chainRows, counts] = await Promise.all([
    repo.findDivisions(db, ancestors),
    repo.countChildren(db, code),
  ]);
  const chain = ancestors
    .map((c) => chainRows.find((r) => r.code === c))
    .filter((r): r is repo.DivisionRow => r !== undefined)
    .map((r) => ({ code: r.code, name: r.name, level: r.level }));
  const parent = row.parentCode ? (chainRows.find((r) => r.code === row.parentCode) ?? null) : null;
  return {
    ...divisionSummary(row),
    crs: 'wgs84' as const,
    geometry: row.geometry,
    parent: parent ? { code: parent.code, name: parent.name } : null,
    chain,
    children: counts.divisions,
    grids: counts.grids,
    source: row.source,
    version: row.version,
  };
}

export async function info(db: Db, spatial: SpatialService, ctx: RequestContext) {
  requireGeoRead(ctx.actor);
  const s = await repo.geoSummary(db);
  const e = s.extent;
  const bbox: Bbox | null =
    e && e.minLng !== null && e.minLat !== null && e.maxLng !== null && e.maxLat !== null
      ? [Number(e.minLng), Number(e.minLat), Number(e.maxLng), Number(e.maxLat)]
      : null;
  const generated = s.grids > 0 && s.generatedGrids > 0;
  return {
    districts: s.districts,
    townships: s.townships,
    communities: s.communities,
    grids: s.grids,
    bbox,
    center: bbox ? { lng: (bbox[0] + bbox[2]) / 2, lat: (bbox[1] + bbox[3]) / 2 } : null,
    crs: 'wgs84' as const,
    generated,
    notice: generated ? DEMO_NOTICE : IMPORTED_NOTICE,
    index: {
      revision: spatial.revision,
      grids: spatial.size,
      builtAt: spatial.builtAt.toISOString(),
      buildMs: Math.round(spatial.lastBuildMs * 10) / 10,
    },
  };
}

/**
 * The real outlines of the demo's districts (db/reference/ningbo-district-outlines.json), for the
 * map to draw around the managed cores: only while the city is the demo (generated) one; with
 * imported divisions the divisions are the real outlines and this answers no feature.
 */
export async function outlines(db: Db, ctx: RequestContext) {
  requireGeoRead(ctx.actor);
  const s = await repo.geoSummary(db);
  const demo = s.grids > 0 && s.generatedGrids > 0;
  const names = demo ? await repo.findDivisions(db, [...DISTRICT_OUTLINES.keys()]) : [];
  return {
    type: 'FeatureCollection' as const,
    crs: 'wgs84' as const,
    source: OUTLINE_SOURCE,
    license: OUTLINE_LICENSE,
    features: names.map((d) => ({
      type: 'Feature' as const,
      id: d.code,
      properties: { code: d.code, name: d.name },
      geometry: DISTRICT_OUTLINES.get(d.code)!,
    })),
  };
}
