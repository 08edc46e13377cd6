/**
 * Intake (信息收集): a report from any channel becomes a new case or joins an open case of the
 * same type nearby (duplicate). Location → grid and its chain (in memory), type suggestion,
 * responsible unit suggestion, duplicate check, audit event — all in one transaction. The same
 * idempotency key from the same submitter never makes a second report.
 */

import { eq } from 'drizzle-orm';
import { visibleLength } from '../../../common/blank-text.ts';
import type { Channel } from '../../../common/channels.ts';
import { toPublicReport } from '../../../common/public-report.ts';
import { CREATION } from '../../../common/workflow.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import { type Db, isUniqueViolation } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { assertSameRequest, type KeyReuse } from '../../platform/idempotency.ts';
import { emit } from '../../platform/subscribers.ts';
import { findCatalogType } from '../catalog/index.ts';
import { suggest } from '../classifier/index.ts';
import { convertLngLat, type LookupHit } from '../geo/index.ts';
import { resolveRoute } from '../routing/index.ts';
import { loadClock } from './clock.ts';
import {
  assertOwnRemit,
  departmentDisposalNoted,
  departmentDispose,
  selfDisposalRule,
} from './department-dispose.ts';
import { toCaseSummary } from './dto.ts';
import { candidates, duplicateTypeOf, findDuplicate } from './duplicates.ts';
import { applyStages, noticesOf } from './effects.ts';
import { assertAttachable } from './photos.ts';
import { planCreation } from './plan.ts';
import { assertReportChannel, canReport, canSeeCase, caseRead, reportArea } from './policy.ts';
import { referToFiling } from './refer-to-filing.ts';
import * as repo from './repository.ts';
import type { OwnReportDto, OwnReportListQueryT, ReportCreateT } from './schemas.ts';
import { refreshCurrent } from './stages.ts';
import { caseFile, report } from './tables.ts';

export interface Spatial {
  lookup(lng: number, lat: number): LookupHit | null;
}

export function submitterOf(actor: Actor): string {
  if (actor.type === 'user' || actor.type === 'api_key') return actor.id!;
  return `${actor.type}:${actor.name}`;
}

/** China date as YYYYMMDD for the case code. */
const chinaDate = (d: Date) =>
  new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');

export function locate(spatial: Spatial, actor: Actor, loc: ReportCreateT['location']) {
  const [lng, lat] = convertLngLat(loc.lng, loc.lat, loc.crs, 'wgs84');
  const hit = spatial.lookup(lng, lat);
  if (!hit)
    throw new AppError('OUTSIDE_MANAGED_AREA', {
      details: [{ field: 'body.location', message: `${lng},${lat}` }],
    });
  if (!reportArea.allows(actor, { districtCode: hit.district.code })) {
    throw new AppError('OUTSIDE_SCOPE', {
      zh: `该位置属于${hit.district.name}，不在本区管辖范围`,
      en: `The location is in ${hit.district.code}, outside your district`,
      details: [{ field: 'body.location', message: hit.district.code }],
    });
  }
  return { lng, lat, hit };
}

/**
 * What a reporter's answer says about the case their report is on. Every reporter gets the public
 * view of their own report (their words, place and photos, the tracking code, the public status).
 * Only one who may open the case now (a district centre in its district, the city centre, a unit
 * it is dispatched to) gets the case too; to anyone else — a unit reporting a problem in the street,
 * a sensor's key, a report merged into a case outside the reporter's scope — the case does not
 * exist: not its id, code, state, grid, urgency, clock, units or another reporter's words.
 */
function reporterView(
  actor: Actor,
  r: repo.ReportRow,
  c: repo.CaseRow,
  clock: Awaited<ReturnType<typeof loadClock>>,
) {
  return {
    report: toPublicReport(r, c),
    case: canSeeCase(actor, c) ? toCaseSummary(c, clock.now) : null,
  };
}

async function replay(db: Db, actor: Actor, existing: repo.ReportRow) {
  const c = await repo.findCase(db, existing.caseId);
  const clock = await loadClock(db);
  return {
    replayed: true,
    merged: existing.merged,
    reportId: existing.id,
    ...reporterView(actor, existing, c!, clock),
    suggestions: { matterTypes: [], unit: null },
  };
}

/**
 * What intake takes: the report as `POST /api/reports` accepts it, and what only other channels
 * carry — a link to the reporter's own media (Open311 `media_url`), kept and never fetched; the
 * hotline call a report was made on (`origin`), named by the report's one `case.report` event so
 * the case's timeline says which call it came from (one request, one event); the open case the
 * channel found to be the same problem (`duplicateOf`: the hotline's address match, duplicates.ts),
 * joined when it is still open.
 */
export type IntakeInput = ReportCreateT & {
  mediaUrl?: string;
  origin?: ReportOrigin;
  duplicateOf?: string;
  sameRequest?: SameRequest;
  /** The machine channel a platform module set itself (the opinion queue): policy `assertReportChannel`. */
  byModule?: Channel;
};

/**
 * What the request under the idempotency key said, from a channel whose keys come from outside
 * (`POST /api/reports`, Open311, the portal): its fingerprint (platform/idempotency.ts) is kept
 * with the report, and a later request with the key that says something else is refused (409,
 * naming `field`) instead of answered with the first. Channels whose keys name their own records
 * (a sensor alarm, a hotline call, an opinion post) give none.
 */
export type SameRequest = KeyReuse & { fingerprint: string };

/** The hotline call a report was made on: its id and the line called. */
export interface ReportOrigin {
  callId: string;
  line: string;
}

/** The fewest visible characters a report's description has (the portal's rule, on every channel). */
const MIN_DESCRIPTION_CHARS = 2;

export async function createReport(db: Db, ctx: RequestContext, spatial: Spatial, input: IntakeInput) {
  if (!canReport(ctx.actor)) throw new AppError('FORBIDDEN');
  assertReportChannel(ctx.actor, input.channel, input.byModule);
  // Every channel's description says something: white space and invisible characters (a zero-width
  // space pasted from a chat) make no report, whatever the channel's own schema let through.
  if (visibleLength(input.description) < MIN_DESCRIPTION_CHARS) {
    throw new AppError('VALIDATION_FAILED', {
      zh: `问题描述至少需要 ${MIN_DESCRIPTION_CHARS} 个可见字符`,
      en: `The description needs at least ${MIN_DESCRIPTION_CHARS} visible characters`,
      details: [
        { field: 'body.description', message: `fewer than ${MIN_DESCRIPTION_CHARS} visible characters` },
      ],
      detailsZh: [{ field: 'body.description', message: `可见字符少于 ${MIN_DESCRIPTION_CHARS} 个` }],
    });
  }
  const submitter = submitterOf(ctx.actor);
  const replayOf = (existing: repo.ReportRow) => {
    if (input.sameRequest)
      assertSameRequest(existing.fingerprint, input.sameRequest.fingerprint, input.sameRequest);
    return replay(db, ctx.actor, existing);
  };
  const existing = await repo.findReportByKey(db, submitter, input.idempotencyKey);
  if (existing) return replayOf(existing);

  const disposal = selfDisposalRule(ctx.actor, input);
  const { lng, lat, hit } = locate(spatial, ctx.actor, input.location);
  await assertAttachable(db, ctx.actor, input.photos);
  if (input.selfDisposal) await assertAttachable(db, ctx.actor, input.selfDisposal.photos);
  if (input.matterCode) {
    const t = await findCatalogType(db, 'matter', input.matterCode);
    if (!t?.enabled) {
      throw new AppError('INVALID_REFERENCE', {
        zh: `事项类型不存在或已停用：${input.matterCode}`,
        en: `Matter type unknown or disabled: ${input.matterCode}`,
        details: [{ field: 'body.matterCode', message: input.matterCode }],
      });
    }
  }
  // No type given: the classifier's suggestions for the words at this point (the acceptor or the
  // shift leader fixes the type; the first one routes the suggested unit).
  const suggested = input.matterCode
    ? []
    : (await suggest(db, ctx, { text: input.description, lng, lat }, { spatial, places: false })).matterTypes;
  const matterCode = input.matterCode ?? null;
  const typeForRouting = matterCode ?? suggested[0]?.code ?? null;
  const route = typeForRouting
    ? await resolveRoute(db, { matterCode: typeForRouting, gridId: hit.grid.id })
    : null;
  // A unit self-disposes only a type that routing gives it at this place (dispatch's own rule).
  if (disposal) await assertOwnRemit(db, ctx.actor, matterCode, route);
  const clock = await loadClock(db);
  // Creating a case is the creation rule of the table: its clock and whom it tells.
  const creation = planCreation(CREATION.effects, clock);
  // The type the duplicate check matches on: the given one, or the classifier's sure suggestion.
  const dupType = duplicateTypeOf(clock.settings.duplicate, matterCode, suggested);

  try {
    return await db.transaction(async (tx) => {
      // One problem, one case — a department's self-disposal too: when the problem already has an
      // open case, the unit's report joins it and its word that it fixed it is noted there for the
      // shift leader (`departmentDisposalNoted`), never taken as the case's disposal.
      const dup = await findDuplicate(tx, clock.settings, clock.now, {
        matterCode: dupType,
        lng,
        lat,
        districtCode: hit.district.code,
        joinCaseId: input.duplicateOf,
      });
      const noted = dup && input.selfDisposal ? input.selfDisposal : null;

      let c: repo.CaseRow;
      if (dup) {
        c = dup.c;
      } else {
        const n = await repo.nextCaseNumber(tx);
        [c] = await tx
          .insert(caseFile)
          .values({
            code: `${hit.district.code}-${chinaDate(clock.now)}-${String(n).padStart(6, '0')}`,
            state: 'reported',
            channel: input.channel,
            description: input.description,
            address: input.address ?? null,
            lng,
            lat,
            gridId: hit.grid.id,
            communityCode: hit.community.code,
            townshipCode: hit.township.code,
            districtCode: hit.district.code,
            areaClass: hit.grid.areaClass,
            matterKind: matterCode ? 'matter' : null,
            matterCode,
            suggestedMatterCode: matterCode ? null : dupType,
            componentId: input.componentId ?? null,
            suggestedUnitId: route?.unitId ?? null,
            suggestedRuleId: route?.rule.id ?? null,
            createdBy: submitter,
            createdAt: clock.now,
            updatedAt: clock.now,
          })
          .returning();
        await applyStages(tx, c, creation.stages, clock);
        await refreshCurrent(tx, c.id, clock);
        c = (await repo.findCase(tx, c.id))!;
      }
      const [r] = await tx
        .insert(report)
        .values({
          submitter,
          idempotencyKey: input.idempotencyKey,
          channel: input.channel,
          description: input.description,
          rawLng: input.location.lng,
          rawLat: input.location.lat,
          crs: input.location.crs,
          lng,
          lat,
          photos: input.photos ?? [],
          reporterName: input.reporter?.name ?? null,
          reporterPhone: input.reporter?.phone ?? null,
          mediaUrl: input.mediaUrl ?? null,
          address: input.address ?? null,
          fingerprint: input.sameRequest?.fingerprint ?? null,
          caseId: c.id,
          merged: !!dup,
        })
        .returning();
      await emit(
        tx,
        ctx,
        {
          action: dup ? 'case.report_merged' : 'case.report',
          entityType: 'case',
          entityId: c.id,
          districtCode: c.districtCode,
          after: {
            reportId: r.id,
            channel: r.channel,
            crs: r.crs,
            location: { lng, lat },
            photos: r.photos,
            state: c.state,
            code: c.code,
            ...(dup ? { duplicateOf: c.code, distanceM: Math.round(dup.distance) } : {}),
            ...(input.origin ? { origin: { callId: input.origin.callId, line: input.origin.line } } : {}),
            ...(noted ? { selfDisposal: { note: noted.note, photos: noted.photos } } : {}),
          },
        },
        {
          caseId: c.id,
          deliverTo: null,
          // A new case tells whom the creation rule names; a report joining an open case, nobody;
          // one self-disposed in this transaction, those its self-disposal names (not the acceptor).
          // A unit's self-disposal noted on an open case tells its centre's shift leaders.
          notices: noted
            ? await departmentDisposalNoted(tx, c, ctx.actor.id, noted)
            : dup || disposal
              ? []
              : await noticesOf(tx, c, new Set(creation.notify), 'case.report', ctx.actor.id),
        },
      );
      if (dup && c.state === 'self_disposed') {
        // Fixed on the spot and waiting on the shift leader, but reported again: no longer closed
        // on the fixer's word alone — on to filing (refer-to-filing.ts).
        c = await referToFiling(tx, c.id, { reportId: r.id, channel: r.channel }, clock);
      } else if (!dup && disposal && input.selfDisposal) {
        c = await departmentDispose(tx, ctx, c, disposal, input.selfDisposal, clock);
      }
      return {
        replayed: false,
        merged: !!dup,
        reportId: r.id,
        ...reporterView(ctx.actor, r, c, clock),
        suggestions: {
          matterTypes: suggested,
          // Routing is the centre's business: only a reporter who can open the case sees it.
          unit:
            route && canSeeCase(ctx.actor, c)
              ? { id: route.unitId, ruleId: route.rule.id, specificity: route.specificity }
              : null,
        },
      };
    });
  } catch (err) {
    // Two requests with one key raced: the unique index let one through; answer with that one.
    if (isUniqueViolation(err)) {
      const again = await repo.findReportByKey(db, submitter, input.idempotencyKey);
      if (again) return replayOf(again);
    }
    throw err;
  }
}

/** Open cases of the type near a point: what the intake form shows before saving. */
export async function duplicateCandidates(
  db: Db,
  ctx: RequestContext,
  spatial: Spatial,
  q: { lng: number; lat: number; crs: ReportCreateT['location']['crs']; matterCode: string },
) {
  // The candidates are cases: whoever may not read cases at all may not look for them either.
  caseRead.requirePermission(ctx.actor);
  const { lng, lat, hit } = locate(spatial, ctx.actor, q);
  const clock = await loadClock(db);
  const rows = await candidates(db, clock.settings, clock.now, {
    matterCode: q.matterCode,
    lng,
    lat,
    districtCode: hit.district.code,
  });
  // Candidates are cases like any other: only those the caller may open (a unit sees its own).
  return {
    items: rows
      .filter((r) => canSeeCase(ctx.actor, r.c))
      .map((r) => ({
        distanceM: Math.round(r.distance),
        case: toCaseSummary(r.c, clock.now),
      })),
  };
}

/**
 * A submitter follows their own reports (a citizen through the public app's key, an inspector
 * through the PWA): where each stands now, also when it was merged into another case. "Own" is
 * the submitter the report was made as (`submitterOf`): a user sees what they reported from any
 * device; an API key what was reported with that key (not other keys of its organisation). Each
 * report comes as its public view; the case behind it (id, code, state) only to a submitter who may
 * open that case now, which is decided afresh on every read (a merge, a dispatch, a move to
 * another district change it).
 */
function toOwnReport(actor: Actor, r: repo.ReportRow, c: repo.CaseRow): OwnReportDto {
  return {
    ...toPublicReport(r, c),
    case: canSeeCase(actor, c)
      ? {
          id: c.id,
          code: c.code,
          state: c.state,
          closedAt: c.closedAt?.toISOString() ?? null,
          updatedAt: c.updatedAt.toISOString(),
        }
      : null,
  };
}

export async function getOwnReport(db: Db, ctx: RequestContext, reportId: string) {
  const [r] = await db.select().from(report).where(eq(report.id, reportId));
  if (!r || r.submitter !== submitterOf(ctx.actor)) {
    throw new AppError('NOT_FOUND', { zh: `上报不存在：${reportId}`, en: `Report not found: ${reportId}` });
  }
  const c = (await repo.findCase(db, r.caseId))!;
  return toOwnReport(ctx.actor, r, c);
}

/** The caller's own reports, newest first, each with its case's state now. */
export async function listOwnReports(db: Db, ctx: RequestContext, q: OwnReportListQueryT) {
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.reportsOfSubmitter(db, submitterOf(ctx.actor), page, pageSize);
  return { items: rows.map((x) => toOwnReport(ctx.actor, x.r, x.c)), total, page, pageSize };
}
