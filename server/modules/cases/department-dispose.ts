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
import { levelOf } from './action-service.ts';
import type { loadClock } from './clock.ts';
import { applyPlan } from './effects.ts';
import { linkCasePhotos } from './photos.ts';
import { planEffects } from './plan.ts';
import { workflowRolesOf } from './policy.ts';
import type * as repo from './repository.ts';
import type { ReportCreateT } from './schemas.ts';

export type SelfDisposal = NonNullable<ReportCreateT['selfDisposal']>;

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
    event: (after) => ({
      action: 'case.department_dispose',
      entityType: 'case',
      entityId: c.id,
      districtCode: c.districtCode,
      before: { state: c.state, version: c.version, unitId: c.unitId, pending: c.pending },
      after: {
        state: after.state,
        version: after.version,
        unitId: after.unitId,
        pending: after.pending,
        input: { note: sd.note, photos: sd.photos },
      },
      reason: null,
    }),
  });
}
