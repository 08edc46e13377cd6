/**
 * A new report on a case fixed on the spot (自处置待确认, `self_disposed`): the problem is still
 * seen — or was seen by someone besides the fixer — so the case may no longer be closed on the
 * fixer's word alone (an inspector's fix, or a unit's own word at intake). Intake, in the
 * transaction that joins the report, takes the transition table's `refer_to_filing` as the system:
 * the case goes on to the shift leader's filing decision (立案 / 不予立案), and once filed through
 * dispatch, disposal and an on-site check like any other. The event's reason says which report
 * moved it, in both languages.
 */
import { transition } from '../../../common/workflow.ts';
import { systemContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, type ErrorCode } from '../../platform/errors.ts';
import { workflowContext } from './action-service.ts';
import type { loadClock } from './clock.ts';
import { applyPlan, transitionEvent } from './effects.ts';
import { planEffects } from './plan.ts';
import { workflowRolesOf } from './policy.ts';
import * as repo from './repository.ts';

/** The report that joined: its id and channel, named by the event. */
export interface JoiningReport {
  reportId: string;
  channel: string;
}

/** Moves the self-disposed case `caseId` on to filing in `tx`; answers the case as it is after. */
export async function referToFiling(
  tx: Db,
  caseId: string,
  joined: JoiningReport,
  clock: Awaited<ReturnType<typeof loadClock>>,
): Promise<repo.CaseRow> {
  const ctx = systemContext('intake');
  const c = (await repo.findCase(tx, caseId, true))!;
  const reason =
    `自处置待确认期间收到新的上报（渠道 ${joined.channel}），不能仅凭处置方的说法结案，转立案审核 / ` +
    `A new report (channel ${joined.channel}) joined while the on-the-spot fix awaited confirmation: ` +
    'the case is not closed on the fixer’s word alone and goes on to filing';
  const input = { version: c.version, reason };
  const decided = transition(
    c.state,
    'refer_to_filing',
    workflowRolesOf(ctx.actor),
    await workflowContext(tx, c, ctx.actor, input, clock.now),
  );
  if (!decided.ok) {
    throw new AppError(decided.code as ErrorCode, { zh: decided.message_zh, en: decided.message_en });
  }
  const plan = planEffects(c, decided.rule, input, clock, { id: null, name: ctx.actor.name });
  return applyPlan(tx, ctx, c, plan, clock, {
    event: (after) =>
      transitionEvent(
        c,
        'case.refer_to_filing',
        after,
        { cause: { reportId: joined.reportId, channel: joined.channel } },
        reason,
      ),
  });
}
