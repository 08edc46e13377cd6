/**
 * Reopening a closed case (不满意重办): the transition table's `reopen`, taken by the system on
 * behalf of a city setting, never pressed by a person. The call-back module calls it in the
 * transaction that records a reporter's dissatisfaction, so the rating, the reopening and their
 * events commit together; the case loop itself knows nothing of call-backs (it publishes
 * `case.close`, the call-back queue subscribes).
 */
import { transition } from '../../../common/workflow.ts';
import { systemContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, type ErrorCode, notFound } from '../../platform/errors.ts';
import { workflowContext } from './action-service.ts';
import { loadClock } from './clock.ts';
import { applyPlan, transitionEvent } from './effects.ts';
import { planEffects } from './plan.ts';
import { workflowRolesOf } from './policy.ts';
import * as repo from './repository.ts';

export interface ReopenRequest {
  /** The reporter's words (the call-back's note), recorded as the reopening's reason. */
  reason: string;
  /** What made the system reopen it (the satisfaction record), kept on the event. */
  cause: Record<string, unknown>;
}

/**
 * Reopens the closed case `caseId` in `tx`: back to the dispatcher (待派遣) with a fresh dispatch
 * clock, the check result cleared, `closedAt` cleared, the dispatchers told. Answers
 * `{ reopened: false }` when the table's guard keeps it closed (a case closed after a fix on the
 * spot was never filed); any other refusal (the case is not closed) is an error of the caller.
 */
export async function reopenCase(
  tx: Db,
  caseId: string,
  why: ReopenRequest,
): Promise<{ reopened: boolean; state: string; version: number }> {
  const ctx = systemContext('callback');
  const clock = await loadClock(tx);
  const c = await repo.findCase(tx, caseId, true);
  if (!c) throw notFound('case', caseId);
  const input = { version: c.version, reason: why.reason };
  const result = transition(
    c.state,
    'reopen',
    workflowRolesOf(ctx.actor),
    await workflowContext(tx, c, ctx.actor, input, clock.now),
  );
  if (!result.ok) {
    if (result.code === 'WORKFLOW_GUARD_FAILED')
      return { reopened: false, state: c.state, version: c.version };
    throw new AppError(result.code as ErrorCode, { zh: result.message_zh, en: result.message_en });
  }
  const plan = planEffects(c, result.rule, input, clock, { id: null, name: ctx.actor.name });
  const after = await applyPlan(tx, ctx, c, plan, clock, {
    event: (after) => transitionEvent(c, 'case.reopen', after, { cause: why.cause }, why.reason),
  });
  return { reopened: true, state: after.state, version: after.version };
}
