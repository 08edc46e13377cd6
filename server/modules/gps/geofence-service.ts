/**
 * Geofences (电子围栏) and their rules: list, page, draw or copy, change, disable — each write in
 * one transaction with its audit event (`gps.geofence.*`, which also drops every node's cached
 * fences: alarm-engine.ts). A fence taken from a grid, community or district copies that outline
 * when it is saved (`sourceCode` names it). Every read and write asks the policy (policy.ts
 * `fenceRead`/`fenceManage`): a fence outside the caller's scope answers 404 and is in no list.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { GeofenceRule, GeofenceShape, GeofenceSource } from '../../../common/gps-alarms.ts';
import { MAX_GEOFENCES } from '../../../common/gps-alarms.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { gridsByIds, isCommunityCode, isDistrictCode, storedDivisions } from '../geo/index.ts';
import { findOrgById, orgRead, orgRelation } from '../org/index.ts';
import { type FenceGeometry, fenceGeometryProblem, windowsProblem } from './geofence-geometry.ts';
import type { GeofenceCreateT, GeofenceDto, GeofenceUpdateT } from './geofence-schemas.ts';
import { fenceManage, fenceRead } from './policy.ts';
import { gpsGeofence } from './tables.ts';

const FENCE = { zh: '电子围栏', en: 'Geofence' };

type FenceRow = typeof gpsGeofence.$inferSelect;

const invalid = (
  field: string,
  zh: string,
  en: string,
  code: 'VALIDATION_FAILED' | 'INVALID_REFERENCE' = 'VALIDATION_FAILED',
) => new AppError(code, { zh, en, details: [{ field, message: en }] });

function toDto(f: FenceRow, orgName: string | null): GeofenceDto {
  return {
    id: f.id,
    name: f.name,
    shape: f.shape,
    source: f.source,
    sourceCode: f.sourceCode,
    geometry: f.geometry as GeofenceDto['geometry'],
    corridorM: f.corridorM,
    rule: f.rule,
    orgId: f.orgId,
    orgName,
    districtCode: f.districtCode,
    enabled: f.enabled,
    note: f.note,
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
    version: f.version,
  };
}

async function dtoOf(db: Db, id: string): Promise<GeofenceDto> {
  const [row] = await db
    .select({ f: gpsGeofence, orgName: orgRelation.name })
    .from(gpsGeofence)
    .leftJoin(orgRelation, eq(orgRelation.id, gpsGeofence.orgId))
    .where(eq(gpsGeofence.id, id));
  return toDto(row.f, row.orgName);
}

export async function listGeofences(db: Db, ctx: RequestContext, q: { enabled?: boolean }) {
  fenceRead.requirePermission(ctx.actor);
  const rows = await db
    .select({ f: gpsGeofence, orgName: orgRelation.name })
    .from(gpsGeofence)
    .leftJoin(orgRelation, eq(orgRelation.id, gpsGeofence.orgId))
    .where(
      and(
        fenceRead.filter(ctx.actor),
        q.enabled === undefined ? undefined : eq(gpsGeofence.enabled, q.enabled),
      ),
    )
    .orderBy(asc(gpsGeofence.name))
    .limit(MAX_GEOFENCES);
  return { items: rows.map((r) => toDto(r.f, r.orgName)) };
}

export async function getGeofence(db: Db, ctx: RequestContext, id: string) {
  fenceRead.requirePermission(ctx.actor);
  const [row] = await db.select().from(gpsGeofence).where(eq(gpsGeofence.id, id));
  if (!row || !fenceRead.allows(ctx.actor, row)) throw notFound(FENCE, id);
  return dtoOf(db, id);
}

/** The outline a fence takes from a grid, community or district (copied when saved). */
async function outlineOf(db: Db, source: GeofenceSource, code: string | undefined): Promise<FenceGeometry> {
  if (!code) {
    throw invalid(
      'body.sourceCode',
      '取自网格、社区或区县的围栏须给出其编码',
      'A fence taken from a grid, community or district needs its code (`sourceCode`)',
    );
  }
  if (source === 'grid') {
    const [g] = await gridsByIds(db, [code]);
    if (!g)
      throw invalid('body.sourceCode', `网格不存在：${code}`, `Unknown grid: ${code}`, 'INVALID_REFERENCE');
    return g.geometry as FenceGeometry;
  }
  const ok = source === 'community' ? isCommunityCode(code) : isDistrictCode(code);
  const [d] = ok ? await storedDivisions(db, [code]) : [];
  if (!d) {
    throw source === 'community'
      ? invalid('body.sourceCode', `社区不存在：${code}`, `Unknown community: ${code}`, 'INVALID_REFERENCE')
      : invalid('body.sourceCode', `区县不存在：${code}`, `Unknown district: ${code}`, 'INVALID_REFERENCE');
  }
  return d.geometry as FenceGeometry;
}

/** The rule as stored, after the checks the schema cannot make. */
function checkedRule(rule: GeofenceRule): GeofenceRule {
  const w = windowsProblem(rule.windows);
  if (w) throw invalid(w.field, w.zh, w.en);
  if (rule.mode === 'none' && rule.speedLimitKmh === null) {
    throw invalid(
      'body.rule',
      '规则须为“禁止驶入”“不得驶出”或给出限速',
      'A rule needs a mode other than `none` or a speed limit',
    );
  }
  const t = rule.targets;
  if (t.terminalKinds.length + t.terminalIds.length + t.userIds.length === 0) {
    throw invalid(
      'body.rule.targets',
      '须指定规则适用的终端类型、终端或人员',
      'Say which terminal kinds, terminals or staff the rule applies to',
    );
  }
  return rule;
}

/** The geometry of a fence to be saved: drawn (given) or copied from its source, checked. */
async function geometryFor(
  db: Db,
  shape: GeofenceShape,
  source: GeofenceSource,
  sourceCode: string | undefined,
  given: FenceGeometry | undefined,
  corridorM: number | null,
): Promise<{ geometry: FenceGeometry; sourceCode: string | null }> {
  if (shape === 'route' && source !== 'drawn') {
    throw invalid(
      'body.source',
      '路线围栏只能手绘',
      'A route fence is drawn, not taken from a grid or division',
    );
  }
  const geometry = source === 'drawn' ? given : await outlineOf(db, source, sourceCode);
  const problem = fenceGeometryProblem(shape, geometry, corridorM);
  if (problem) throw invalid(problem.field, problem.zh, problem.en);
  return { geometry: geometry!, sourceCode: source === 'drawn' ? null : sourceCode! };
}

async function orgFor(tx: Db, actor: Actor, orgId: string | undefined) {
  const id = orgId ?? actor.orgId;
  const o = id ? await findOrgById(tx, id) : undefined;
  if (!o || !orgRead.inScope(actor, o)) {
    throw invalid(
      'body.orgId',
      `组织不存在：${id ?? ''}`,
      `Organisation not found: ${id ?? ''}`,
      'INVALID_REFERENCE',
    );
  }
  if (!fenceManage.allows(actor, { districtCode: o.districtCode, orgId: o.id })) {
    throw new AppError('OUTSIDE_SCOPE', {
      zh: `不能为${o.name}设置电子围栏：不在您的管辖范围`,
      en: `You may not set geofences for ${o.name}: outside your scope`,
      details: [{ field: 'body.orgId', message: o.id }],
    });
  }
  return o;
}

export async function createGeofence(db: Db, ctx: RequestContext, input: GeofenceCreateT) {
  fenceManage.requirePermission(ctx.actor);
  const rule = checkedRule(input.rule);
  const corridorM = input.shape === 'route' ? (input.corridorM ?? null) : null;
  return db.transaction(async (tx) => {
    const o = await orgFor(tx, ctx.actor, input.orgId);
    const g = await geometryFor(
      tx,
      input.shape,
      input.source,
      input.sourceCode,
      input.geometry as FenceGeometry,
      corridorM,
    );
    const [row] = await tx
      .insert(gpsGeofence)
      .values({
        name: input.name.trim(),
        shape: input.shape,
        source: input.source,
        sourceCode: g.sourceCode,
        geometry: g.geometry,
        corridorM,
        rule,
        orgId: o.id,
        districtCode: o.districtCode,
        enabled: input.enabled ?? true,
        note: input.note ?? null,
      })
      .returning();
    const dto = await dtoOf(tx, row.id);
    await recordEvent(tx, ctx, {
      action: 'gps.geofence.create',
      entityType: 'gps_geofence',
      entityId: row.id,
      districtCode: row.districtCode,
      after: { ...dto, geometry: undefined },
    });
    return dto;
  });
}

async function forChange(tx: Db, actor: Actor, id: string, version: number | undefined) {
  const [current] = await tx.select().from(gpsGeofence).where(eq(gpsGeofence.id, id)).for('update');
  if (!current || !fenceManage.allows(actor, current)) throw notFound(FENCE, id);
  if (version !== undefined && current.version !== version) {
    throw new AppError('CONFLICT', {
      details: [{ field: 'body.version', message: `current version is ${current.version}` }],
    });
  }
  return current;
}

export async function updateGeofence(db: Db, ctx: RequestContext, id: string, input: GeofenceUpdateT) {
  fenceManage.requirePermission(ctx.actor);
  const rule = input.rule ? checkedRule(input.rule) : undefined;
  return db.transaction(async (tx) => {
    const current = await forChange(tx, ctx.actor, id, input.version);
    const before = await dtoOf(tx, id);
    const source = input.source ?? current.source;
    const corridorM =
      current.shape === 'route'
        ? input.corridorM === undefined
          ? current.corridorM
          : input.corridorM
        : null;
    const reshaped =
      input.geometry !== undefined ||
      input.source !== undefined ||
      input.sourceCode !== undefined ||
      input.corridorM !== undefined;
    const g = reshaped
      ? await geometryFor(
          tx,
          current.shape,
          source,
          input.sourceCode ?? current.sourceCode ?? undefined,
          (input.geometry as FenceGeometry | undefined) ??
            (source === 'drawn' ? current.geometry : undefined),
          corridorM,
        )
      : { geometry: current.geometry, sourceCode: current.sourceCode };
    await tx
      .update(gpsGeofence)
      .set({
        name: input.name?.trim() ?? current.name,
        source,
        sourceCode: g.sourceCode,
        geometry: g.geometry,
        corridorM,
        rule: rule ?? current.rule,
        enabled: input.enabled ?? current.enabled,
        note: input.note === undefined ? current.note : input.note,
        updatedAt: new Date(),
        version: current.version + 1,
      })
      .where(and(eq(gpsGeofence.id, id), eq(gpsGeofence.version, current.version)));
    const after = await dtoOf(tx, id);
    await recordEvent(tx, ctx, {
      action: 'gps.geofence.update',
      entityType: 'gps_geofence',
      entityId: id,
      districtCode: after.districtCode,
      before: { ...before, geometry: undefined },
      after: { ...after, geometry: undefined },
    });
    return after;
  });
}

/** DELETE: the fence is disabled (its alarms keep naming it). */
export async function disableGeofence(db: Db, ctx: RequestContext, id: string, version: number | undefined) {
  fenceManage.requirePermission(ctx.actor);
  return db.transaction(async (tx) => {
    const current = await forChange(tx, ctx.actor, id, version);
    if (!current.enabled) return dtoOf(tx, id);
    const before = await dtoOf(tx, id);
    await tx
      .update(gpsGeofence)
      .set({ enabled: false, updatedAt: new Date(), version: current.version + 1 })
      .where(eq(gpsGeofence.id, id));
    const after = await dtoOf(tx, id);
    await recordEvent(tx, ctx, {
      action: 'gps.geofence.disable',
      entityType: 'gps_geofence',
      entityId: id,
      districtCode: after.districtCode,
      before: { ...before, geometry: undefined },
      after: { ...after, geometry: undefined },
    });
    return after;
  });
}
