/**
 * Acting on a case: the transition table decides (state × action × role, guards, fields), this
 * service checks scope and version, carries out the effects and appends the event — one
 * transaction, so two people acting at once get one success and one conflict.
 */
import type { OrgKind } from '../../../common/identity.ts';
import {
  availableActions,
  type CaseAction,
  transition,
  type WorkflowContext,
  type WorkflowInput,
} from '../../../common/workflow.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, type ErrorCode, notFound } from '../../platform/errors.ts';
import { findOrgById } from '../org/index.ts';
import { loadClock } from './clock.ts';
import { toCaseSummary } from './dto.ts';
import { applyPlan } from './effects.ts';
import { submitterOf } from './intake-service.ts';
import { assertNewEvidence, linkCasePhotos } from './photos.ts';
import { planEffects } from './plan.ts';
import { caseRead, workflowRolesOf } from './policy.ts';
import * as repo from './repository.ts';
import type { ActionBodyT } from './schemas.ts';
import { isDisposeOverdue } from './stages.ts';

export const levelOf = (actor: Actor): OrgKind | undefined =>
  actor.scope.kind === 'city'
    ? 'city_center'
    : actor.scope.kind === 'district'
      ? 'district_center'
      : actor.type === 'anonymous'
        ? undefined
        : 'unit';

export async function workflowContext(
  tx: Db,
  c: repo.CaseRow,
  actor: Actor,
  input: WorkflowInput,
  now: Date,
): Promise<WorkflowContext> {
  return {
    actorLevel: levelOf(actor),
    caseLevel: c.caseLevel,
    overdue: await isDisposeOverdue(tx, c.id, now),
    pending: { extension: !!c.pending.extension, parking: !!c.pending.parking, void: !!c.pending.void },
    flags: { important: c.important, urgent: c.urgency === 'urgent', act_first: c.actFirst },
    checkResult: c.checkResult,
    channel: c.channel,
    filed: c.filedAt !== null,
    ownReport: c.createdBy === submitterOf(actor),
    input,
  };
}

/** The unit a case is sent to must be a unit the dispatcher may see: its district's or a city-level one. */
async function checkUnit(tx: Db, actor: Actor, c: repo.CaseRow, unitId: string) {
  const unit = await findOrgById(tx, unitId);
  const reachable =
    unit?.kind === 'unit' &&
    (actor.scope.kind === 'city' || unit.districtCode === null || unit.districtCode === c.districtCode);
  if (!reachable) {
    throw new AppError('INVALID_REFERENCE', {
      zh: `处置单位不存在或不在可派遣范围内：${unitId}`,
      en: `Unit not found or not one you may dispatch to: ${unitId}`,
      details: [{ field: 'body.unitId', message: unitId }],
    });
  }
}

export async function act(
  db: Db,
  ctx: RequestContext,
  caseId: string,
  action: CaseAction,
  body: ActionBodyT,
) {
  // Acting starts with reading the case: the same 403 (no case:read) and 404 (outside the scope)
  // as GET /api/cases/:id.
  caseRead.requirePermission(ctx.actor);
  const roles = workflowRolesOf(ctx.actor);
  const clock = await loadClock(db);
  const input: WorkflowInput = { ...body };
  return db.transaction(async (tx) => {
    const c = await repo.findCase(tx, caseId, true);
    if (!c || !caseRead.allows(ctx.actor, c)) throw notFound('case', caseId);
    if (body.version !== c.version) {
      throw new AppError('CONFLICT', {
        details: [{ field: 'body.version', message: `current version is ${c.version}` }],
      });
    }
    const result = transition(
      c.state,
      action,
      roles,
      await workflowContext(tx, c, ctx.actor, input, clock.now),
    );
    if (!result.ok) {
      throw new AppError(result.code as ErrorCode, {
        zh: result.message_zh,
        en: result.message_en,
        details: result.details.field
          ? [{ field: `body.${result.details.field}`, message: result.message_en }]
          : [],
      });
    }
    const plan = planEffects(c, result.rule, input, clock, { id: ctx.actor.id, name: ctx.actor.name });
    // A unit the input names must be one the actor may send the case to.
    if (plan.unitNamed) await checkUnit(tx, ctx.actor, c, plan.unitNamed);
    await assertNewEvidence(tx, ctx.actor, c.id, body.photos);
    // Whoever may see the case may see the photos its steps name (timeline, case page).
    await linkCasePhotos(tx, c.id, body.photos);
    const after = await applyPlan(tx, ctx, c, plan, clock, {
      event: (after, facts) => ({
        action: `case.${action}`,
        entityType: 'case',
        entityId: c.id,
        districtCode: c.districtCode,
        before: { state: c.state, version: c.version, unitId: c.unitId, pending: c.pending },
        after: {
          state: after.state,
          version: after.version,
          unitId: after.unitId,
          pending: after.pending,
          // Filing: the condition chosen, in the words of the standard's version.
          ...(facts.filing ? { filing: facts.filing } : {}),
          input: {
            note: body.note,
            photos: body.photos,
            unitId: body.unitId,
            matterType: body.matterType,
            filingConditionId: body.filingConditionId,
            extension: body.extension,
            rating: body.rating,
            targetCaseId: body.targetCaseId,
          },
        },
        reason: body.reason ?? null,
      }),
    });
    return toCaseSummary(after, clock.now);
  });
}

/** The actions the caller may take on the case now, with the fields each needs (for the buttons). */
export async function actionsFor(db: Db, actor: Actor, c: repo.CaseRow) {
  const ctx = await workflowContext(db, c, actor, {}, new Date());
  return availableActions(c.state, workflowRolesOf(actor), ctx);
}
