/**
 * OGC API – Features Part 1 (Core, GeoJSON, OpenAPI 3.0) over the city's geography: the
 * landing page, conformance, five collections (districts, townships, communities, grids,
 * components) and their items. Links are absolute, built from the request's base URL.
 *
 * Paging: `limit` (default 10, max 10,000) and `offset`; `numberMatched` is exact. Bbox
 * queries prefilter in SQL on the bbox columns and then keep only features whose geometry
 * really touches the box, so `numberMatched` counts exact matches (components are points: the
 * SQL test on lng/lat is already exact).
 */
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { type Bbox, geometryIntersectsBbox } from './geometry.ts';
import { componentLayerRead, requireGeoRead } from './policy.ts';
import * as repo from './repository.ts';
import type { SpatialService } from './spatial-service.ts';

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
];
export const COLLECTION_IDS = ['districts', 'townships', 'communities', 'grids', 'components'] as const;
export type CollectionId = (typeof COLLECTION_IDS)[number];
export const MAX_LIMIT = 10_000;

const TITLES: Record<CollectionId, { title: string; description: string }> = {
  districts: { title: '区 Districts', description: 'Districts (6-digit GB/T 2260 codes)' },
  townships: { title: '街道（镇） Townships', description: 'Townships (9-digit NBS codes)' },
  communities: {
    title: '社区（村） Communities',
    description: 'Communities and villages (12-digit NBS codes)',
  },
  grids: { title: '单元网格 Unit grids', description: 'Unit grids (15-character IDs), about 10,000 m² each' },
  components: { title: '部件 Components', description: 'Component instances (17-digit IDs), GB/T 47678.5' },
};
const LEVEL: Record<'districts' | 'townships' | 'communities', repo.DivisionLevelName> = {
  districts: 'district',
  townships: 'township',
  communities: 'community',
};

const JSON_T = 'application/json';
const GEOJSON_T = 'application/geo+json';
const OAS_T = 'application/vnd.oai.openapi+json;version=3.0';

type Link = { href: string; rel: string; type?: string; title?: string };
type Feature = { type: 'Feature'; id: string; geometry: unknown; properties: Record<string, unknown> };

/** Components need `component:read` too; without it the collection is not listed and reading it is refused. */
function visibleCollections(ctx: RequestContext): CollectionId[] {
  const canComponents = componentLayerRead.permitted(ctx.actor);
  return COLLECTION_IDS.filter((c) => c !== 'components' || canComponents);
}

function checkCollection(ctx: RequestContext, id: string): CollectionId {
  requireGeoRead(ctx.actor);
  // The same 403 as /api/components and /tiles/components for a caller without component:read.
  if (id === 'components') componentLayerRead.requirePermission(ctx.actor);
  if (!(visibleCollections(ctx) as string[]).includes(id)) throw notFound('collection', id);
  return id as CollectionId;
}

export function landingPage(ctx: RequestContext, base: string) {
  requireGeoRead(ctx.actor);
  const links: Link[] = [
    { href: `${base}/ogc`, rel: 'self', type: JSON_T, title: 'This document' },
    {
      href: `${base}/api/openapi.json`,
      rel: 'service-desc',
      type: OAS_T,
      title: 'API definition (OpenAPI 3.0)',
    },
    { href: `${base}/api/docs`, rel: 'service-doc', type: 'text/html', title: 'API documentation' },
    { href: `${base}/ogc/conformance`, rel: 'conformance', type: JSON_T, title: 'Conformance classes' },
    { href: `${base}/ogc/collections`, rel: 'data', type: JSON_T, title: 'Collections' },
  ];
  return {
    title: 'CityOps 智慧城管 — OGC API – Features',
    description:
      'Divisions, unit grids and components of the city, WGS84 (CRS84). 演示城市的几何为程序生成。',
    links,
  };
}

export function conformance(ctx: RequestContext) {
  requireGeoRead(ctx.actor);
  return { conformsTo: CONFORMANCE };
}

async function extentOf(db: Db, id: CollectionId): Promise<Bbox | null> {
  const e = id === 'components' ? await repo.componentExtent(db) : (await repo.geoSummary(db)).extent;
  if (!e || e.minLng === null || e.minLng === undefined) return null;
  return [Number(e.minLng), Number(e.minLat), Number(e.maxLng), Number(e.maxLat)];
}

function collectionDoc(id: CollectionId, base: string, extent: Bbox | null) {
  return {
    id,
    ...TITLES[id],
    itemType: 'feature',
    crs: [CRS84],
    ...(extent ? { extent: { spatial: { bbox: [extent], crs: CRS84 } } } : {}),
    links: [
      { href: `${base}/ogc/collections/${id}`, rel: 'self', type: JSON_T, title: TITLES[id].title },
      { href: `${base}/ogc/collections/${id}/items`, rel: 'items', type: GEOJSON_T, title: 'Features' },
    ],
  };
}

export async function collections(db: Db, ctx: RequestContext, base: string) {
  requireGeoRead(ctx.actor);
  const ids = visibleCollections(ctx);
  const extents = await Promise.all(ids.map((id) => extentOf(db, id)));
  return {
    links: [{ href: `${base}/ogc/collections`, rel: 'self', type: JSON_T, title: 'Collections' }],
    collections: ids.map((id, i) => collectionDoc(id, base, extents[i])),
  };
}

export async function collection(db: Db, ctx: RequestContext, base: string, rawId: string) {
  const id = checkCollection(ctx, rawId);
  return collectionDoc(id, base, await extentOf(db, id));
}

/** `bbox=w,s,e,n` (or the 6-number form with heights, which are ignored). */
export function parseBbox(raw: string | undefined): Bbox | undefined {
  if (raw === undefined || raw === '') return undefined;
  const parts = raw.split(',').map((s) => Number(s.trim()));
  const bad = (why: string) =>
    new AppError('VALIDATION_FAILED', {
      zh: `bbox 参数无效：${why}`,
      en: `Invalid bbox: ${why}`,
      details: [{ field: 'querystring.bbox', message: why }],
    });
  if (parts.length !== 4 && parts.length !== 6) throw bad('expected 4 (or 6) comma-separated numbers');
  if (!parts.every(Number.isFinite)) throw bad('every value must be a finite number');
  const b: Bbox =
    parts.length === 4 ? [parts[0], parts[1], parts[2], parts[3]] : [parts[0], parts[1], parts[3], parts[4]];
  if (b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90) throw bad('outside [-180,-90,180,90]');
  if (b[1] > b[3]) throw bad('south is greater than north');
  if (b[0] > b[2]) throw bad('west is greater than east (boxes across the antimeridian are not supported)');
  return b;
}

function gridFeature(r: repo.GridRow, spatial: SpatialService): Feature {
  return {
    type: 'Feature',
    id: r.id,
    geometry: r.geometry,
    properties: {
      id: r.id,
      areaClass: r.areaClass,
      communityCode: r.communityCode,
      communityName: spatial.nameOf(r.communityCode),
      townshipCode: r.townshipCode,
      districtCode: r.districtCode,
      areaM2: r.areaM2,
      legacyId: r.legacyId,
      generated: r.generated,
    },
  };
}

function divisionFeature(r: repo.DivisionRow): Feature {
  return {
    type: 'Feature',
    id: r.code,
    geometry: r.geometry,
    properties: {
      code: r.code,
      name: r.name,
      level: r.level,
      parentCode: r.parentCode,
      generated: r.generated,
    },
  };
}

function componentFeature(r: repo.ComponentFeatureRow): Feature {
  return {
    type: 'Feature',
    id: r.id,
    geometry: r.geometry,
    properties: {
      id: r.id,
      typeCode: r.typeCode,
      name: r.name,
      state: r.state,
      gridId: r.gridId,
      districtCode: r.districtCode,
    },
  };
}

/** Exact bbox matching after the SQL prefilter: fetch every candidate, filter, then page. */
async function exactPage<R extends { geometry: unknown }>(
  fetch: (limit: number, offset: number) => Promise<{ rows: R[]; total: number }>,
  bbox: Bbox | undefined,
  limit: number,
  offset: number,
): Promise<{ rows: R[]; total: number }> {
  if (!bbox) return fetch(limit, offset);
  const { rows } = await fetch(1_000_000_000, 0);
  const hits = rows.filter((r) => geometryIntersectsBbox(r.geometry as never, bbox));
  return { rows: hits.slice(offset, offset + limit), total: hits.length };
}

export interface ItemsQuery {
  limit?: number;
  offset?: number;
  bbox?: string;
}

export async function items(
  db: Db,
  spatial: SpatialService,
  ctx: RequestContext,
  base: string,
  rawId: string,
  q: ItemsQuery,
) {
  const id = checkCollection(ctx, rawId);
  const limit = Math.min(q.limit ?? 10, MAX_LIMIT);
  const offset = q.offset ?? 0;
  const bbox = parseBbox(q.bbox);
  let features: Feature[];
  let total: number;
  if (id === 'grids') {
    const r = await exactPage((l, o) => repo.listGrids(db, { bbox }, l, o), bbox, limit, offset);
    features = r.rows.map((row) => gridFeature(row, spatial));
    total = r.total;
  } else if (id === 'components') {
    const r = await repo.listComponents(db, bbox, limit, offset);
    features = r.rows.map(componentFeature);
    total = r.total;
  } else {
    const level = LEVEL[id];
    const r = await exactPage((l, o) => repo.listDivisions(db, { level, bbox }, l, o), bbox, limit, offset);
    features = r.rows.map(divisionFeature);
    total = r.total;
  }
  const href = (off: number) => {
    const p = new URLSearchParams({ f: 'json', limit: String(limit), offset: String(off) });
    if (q.bbox) p.set('bbox', q.bbox);
    return `${base}/ogc/collections/${id}/items?${p.toString()}`;
  };
  const links: Link[] = [
    { href: href(offset), rel: 'self', type: GEOJSON_T, title: 'This page' },
    { href: `${base}/ogc/collections/${id}`, rel: 'collection', type: JSON_T, title: TITLES[id].title },
  ];
  if (offset + features.length < total)
    links.push({ href: href(offset + limit), rel: 'next', type: GEOJSON_T });
  if (offset > 0) links.push({ href: href(Math.max(0, offset - limit)), rel: 'prev', type: GEOJSON_T });
  return {
    type: 'FeatureCollection' as const,
    features,
    numberMatched: total,
    numberReturned: features.length,
    timeStamp: new Date().toISOString(),
    links,
  };
}

export async function item(
  db: Db,
  spatial: SpatialService,
  ctx: RequestContext,
  base: string,
  rawId: string,
  featureId: string,
) {
  const id = checkCollection(ctx, rawId);
  let feature: Feature | undefined;
  if (id === 'grids') {
    const row = await repo.findGrid(db, featureId);
    feature = row && gridFeature(row, spatial);
  } else if (id === 'components') {
    const row = await repo.findComponent(db, featureId);
    feature = row && componentFeature(row);
  } else {
    const row = await repo.findDivision(db, featureId);
    feature = row && row.level === LEVEL[id] ? divisionFeature(row) : undefined;
  }
  if (!feature) throw notFound('feature', featureId);
  return {
    ...feature,
    links: [
      { href: `${base}/ogc/collections/${id}/items/${featureId}`, rel: 'self', type: GEOJSON_T },
      { href: `${base}/ogc/collections/${id}`, rel: 'collection', type: JSON_T },
    ],
  };
}
