/**
 * Reading the routing: "who is responsible here?" for a caller, and the history of the rules
 * (from the event table: who, when, why, before/after).
 */
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { findCatalogType } from '../catalog/index.ts';
import { convertLngLat, findGrid, isGridId } from '../geo/index.ts';
import { historyRead, routingArea, ruleRead } from './policy.ts';
import * as repo from './repository.ts';
import { resolveRoute, specificityOf } from './resolve.ts';
import type { HistoryQueryT, ResolveQueryT } from './schemas.ts';
import { invalid, toDto, visibleRule } from './service.ts';

/** The geo module's in-memory point → grid lookup (server/modules/geo/spatial-service.ts), when present. */
export interface PointLookup {
  lookup(lng: number, lat: number): { grid: { id: string } } | null;
}

function gridOfPoint(spatial: PointLookup | undefined, q: ResolveQueryT): string {
  if (q.lng === undefined || q.lat === undefined) {
    throw invalid(
      'VALIDATION_FAILED',
      'query.gridId',
      '请提供网格编码或经纬度',
      'Give gridId, or lng and lat',
    );
  }
  if (!spatial) {
    throw new AppError('SERVICE_UNAVAILABLE', {
      zh: '空间查询服务不可用，请提供网格编码',
      en: 'Point lookup is unavailable; give gridId',
    });
  }
  const crs = q.crs ?? 'wgs84';
  const [lng, lat] = convertLngLat(q.lng, q.lat, crs, 'wgs84');
  const hit = spatial.lookup(lng, lat);
  if (!hit) {
    throw invalid(
      'UNPROCESSABLE',
      'query.lng',
      '该点不在本市管理范围内',
      'The point is outside the managed area',
    );
  }
  return hit.grid.id;
}

export async function resolveForCaller(db: Db, ctx: RequestContext, q: ResolveQueryT, spatial?: PointLookup) {
  routingArea.requirePermission(ctx.actor);
  // The parameter the caller gave: errors about the place name it, not the other one.
  const field = q.gridId !== undefined ? 'query.gridId' : 'query.lng';
  const gridId = q.gridId ?? gridOfPoint(spatial, q);
  if (!isGridId(gridId)) {
    throw invalid('VALIDATION_FAILED', field, `网格编码无效：${gridId}`, `Invalid grid ID: ${gridId}`);
  }
  // A grid ID of the right form that no grid has: a 404, whichever district its digits name
  // (grids are the shared base map; saying it is someone else's would be untrue).
  if (q.gridId !== undefined && !(await findGrid(db, gridId))) {
    throw new AppError('NOT_FOUND', {
      zh: `网格不存在：${gridId}`,
      en: `No such grid: ${gridId}`,
      details: [{ field, message: `no grid ${gridId}` }],
      detailsZh: [{ field, message: `没有网格 ${gridId}` }],
    });
  }
  const districtCode = gridId.slice(0, 6);
  if (!routingArea.allows(ctx.actor, { districtCode })) {
    // Grids are the city's shared base map (everyone reads them): say plainly why there is no
    // answer rather than pretending the grid does not exist, which read as "no unit" on the map.
    throw new AppError('OUTSIDE_DISTRICT', {
      zh: `该网格不在您的辖区（网格 ${gridId} 属于区划 ${districtCode}），无法查询其责任单位`,
      en: `This grid is outside your district (grid ${gridId} lies in division ${districtCode}); its responsible unit is not yours to look up`,
      details: [{ field, message: `outside the caller's district: ${districtCode}` }],
      detailsZh: [{ field, message: `不在您的辖区：${districtCode}` }],
    });
  }
  if (!(await findCatalogType(db, 'matter', q.matterCode))) {
    throw invalid(
      'INVALID_REFERENCE',
      'query.matterCode',
      `未知的事项类型：${q.matterCode}`,
      `Unknown matter type: ${q.matterCode}`,
    );
  }
  const match = await resolveRoute(db, { matterCode: q.matterCode, gridId });
  if (!match) {
    throw new AppError('NOT_FOUND', {
      zh: '没有匹配的责任规则，请上报市级协调',
      en: 'No routing rule matches; escalate to the city centre',
      details: [{ field, message: gridId }],
    });
  }
  // The answer IS a rule: whoever may not open it on its own page (a unit asking about work routed
  // to another unit) does not learn it here either.
  if (!ruleRead.allows(ctx.actor, match.rule)) throw notFound('routingRule', `${q.matterCode} @ ${gridId}`);
  const rule = await toDto(db, match.rule);
  return {
    unit: { id: rule.unitId, name: rule.unitName ?? rule.unitId },
    rule,
    specificity: specificityOf(match.rule),
    chain: match.chain,
  };
}

function toHistory(rows: Awaited<ReturnType<typeof repo.ruleEvents>>['rows']) {
  return rows.map((e) => ({
    id: e.id,
    at: e.at.toISOString(),
    action: e.action,
    ruleId: e.entityId,
    districtCode: e.districtCode,
    actorId: e.actorId,
    actorName: e.actorName,
    reason: e.reason,
    before: e.before,
    after: e.after,
  }));
}

export async function ruleHistory(db: Db, ctx: RequestContext, id: string, q: HistoryQueryT) {
  await visibleRule(db, ctx.actor, id);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.ruleEvents(db, { ruleId: id }, page, pageSize);
  return { items: toHistory(rows), total, page, pageSize };
}

export async function districtHistory(db: Db, ctx: RequestContext, q: HistoryQueryT) {
  historyRead.requirePermission(ctx.actor);
  if (!historyRead.reachesAny(ctx.actor)) throw new AppError('FORBIDDEN');
  if (q.districtCode && !historyRead.allows(ctx.actor, { districtCode: q.districtCode })) {
    throw notFound('district', q.districtCode);
  }
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.ruleEvents(
    db,
    { districtCode: q.districtCode, scope: historyRead.filter(ctx.actor) },
    page,
    pageSize,
  );
  return { items: toHistory(rows), total, page, pageSize };
}
