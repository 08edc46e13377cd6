/**
 * Departments' own checks (部门自查、自行处置) at intake: a collaborating unit reports, on the channel
 * `department`, a problem it has already fixed. The transition table decides whether the reporter
 * may (`department_dispose`: whoever reports for a unit, on its own report) before intake writes
 * anything, and the rule's plan is applied in the report's own transaction. Kept apart from
 * `intake-service.ts` so that intake names the self-disposal path in a few lines only.
 */

import { transition, type WorkflowSuccess } from '../../../common/workflow.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, type ErrorCode } from '../../platform/errors.ts';
import { findOrgById } from '../org/index.ts';
import type { RouteMatch } from '../routing/index.ts';
import { levelOf } from './action-service.ts';
import type { loadClock } from './clock.ts';
import { applyPlan, noticesOf, transitionEvent } from './effects.ts';
import { linkCasePhotos } from './photos.ts';
import { planEffects } from './plan.ts';
import { workflowRolesOf } from './policy.ts';
import type * as repo from './repository.ts';
import type { ReportCreateT } from './schemas.ts';

export type SelfDisposal = NonNullable<ReportCreateT['selfDisposal']>;

/**
 * A unit self-disposes only what is its own to fix: the matter type it names, at that place, is
 * routed to it by the same rule dispatch follows (routing's `resolveRoute`). A report without a
 * type, or of a type routing gives to another unit (or to none), is refused (422) naming whose it
 * is; the unit may still report it as an ordinary department check without `selfDisposal`.
 */
export async function assertOwnRemit(
  db: Db,
  actor: Actor,
  matterCode: string | null,
  route: RouteMatch | null,
) {
  const field = 'body.selfDisposal';
  if (!matterCode) {
    throw new AppError('UNPROCESSABLE', {
      zh: '报为已自行处置时须注明事项类型（以确认属于本单位职责）',
      en: 'A report of a problem already disposed of names its matter type (to check it is your unit’s remit)',
      details: [{ field: 'body.matterCode', message: 'required with selfDisposal' }],
      detailsZh: [{ field: 'body.matterCode', message: '报为已自行处置时必填' }],
    });
  }
  const own = actor.scope.kind === 'unit' ? actor.scope.orgId : null;
  if (route && route.unitId === own) return;
  const owner = route ? await findOrgById(db, route.unitId) : null;
  const ownerName = owner?.name ?? route?.unitId;
  throw new AppError('UNPROCESSABLE', {
    zh: ownerName
      ? `事项类型 ${matterCode} 在该位置由${ownerName}负责，不属于本单位职责，不能报为已自行处置；可不勾选“已自行处置”作为部门自查上报`
      : `事项类型 ${matterCode} 在该位置没有责任单位，不属于本单位职责，不能报为已自行处置；可不勾选“已自行处置”作为部门自查上报`,
    en: ownerName
      ? `Matter type ${matterCode} at this place belongs to ${ownerName}, not your unit: it cannot be reported as disposed of by you; report it without selfDisposal`
      : `No unit is responsible for matter type ${matterCode} at this place, so it is not your unit's to dispose of; report it without selfDisposal`,
    details: [{ field, message: `matter ${matterCode} here is routed to ${ownerName ?? 'no unit'}` }],
    detailsZh: [{ field, message: `该事项在此处由${ownerName ?? '（无）'}负责` }],
  });
}

/**
 * The rule a report's self-disposal would take, or null for an ordinary report. It comes on the
 * channel `department` only, so that evaluation counts a department's self-disposal by its channel
 * and its event alike.
 */
export function selfDisposalRule(actor: Actor, input: ReportCreateT): WorkflowSuccess | null {
  const sd = input.selfDisposal;
  if (!sd) return null;
  if (input.channel !== 'department') {
    throw new AppError('VALIDATION_FAILED', {
      zh: '只有部门自查上报（渠道 department）可以报为已自行处置',
      en: 'Only a department check (channel `department`) can be reported as already disposed of',
      details: [{ field: 'body.channel', message: 'selfDisposal needs channel department' }],
      detailsZh: [{ field: 'body.channel', message: '已自行处置的上报须使用渠道 department' }],
    });
  }
  const decided = transition('reported', 'department_dispose', workflowRolesOf(actor), {
    actorLevel: levelOf(actor),
    ownReport: true,
    input: { version: 1, note: sd.note, photos: sd.photos },
  });
  if (!decided.ok) {
    throw new AppError(decided.code as ErrorCode, {
      zh: `${decided.message_zh}（只有协同单位可报自行处置）`,
      en: `${decided.message_en} (only a collaborating unit reports its own disposal)`,
      details: [
        {
          field: decided.details.field ? `body.selfDisposal.${decided.details.field}` : 'body.selfDisposal',
          message: decided.message_en,
        },
      ],
    });
  }
  return decided;
}

/**
 * A department's self-disposal of a problem that already has an open case (duplicates.ts: same
 * type, within the family's radius and window): one problem is one case, so the report joins that
 * case instead of opening a second one. The unit's word that it fixed it does not close or move
 * the case (someone else reported it, or the centre is already working on it): intake's
 * `case.report_merged` event carries it (`selfDisposal`: what was done, the after photos), the
 * after photos become the case's, and the shift leaders of the case's centre are told, who decide
 * what it means for the case (for a self-disposed case, intake moves it on to filing).
 */
export async function departmentDisposalNoted(
  tx: Db,
  c: repo.CaseRow,
  actorId: string | null,
  sd: SelfDisposal,
) {
  await linkCasePhotos(tx, c.id, sd.photos);
  return noticesOf(tx, c, new Set(['shift_leader'] as const), 'case.report_merged', actorId);
}

/** The self-disposal of a department's new case, by the rule the table chose, in intake's transaction. */
export async function departmentDispose(
  tx: Db,
  ctx: RequestContext,
  c: repo.CaseRow,
  decided: WorkflowSuccess,
  sd: SelfDisposal,
  clock: Awaited<ReturnType<typeof loadClock>>,
) {
  const input = { version: c.version, note: sd.note, photos: sd.photos };
  const plan = planEffects(c, decided.rule, input, clock, { id: ctx.actor.id, name: ctx.actor.name });
  // Whoever may see the case may see the after photos (the case page's timeline).
  await linkCasePhotos(tx, c.id, sd.photos);
  return applyPlan(tx, ctx, c, plan, clock, {
    event: (after) =>
      transitionEvent(
        c,
        'case.department_dispose',
        after,
        { input: { note: sd.note, photos: sd.photos } },
        null,
      ),
  });
}
