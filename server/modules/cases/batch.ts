/**
 * Urging several cases at once (批量督办): each case goes through the transition table's `urge`
 * exactly as one urge from its page does (`act`: scope, version, rule, effects and audit event
 * in its own transaction), and each gets its own answer — urged, or refused with the error it
 * would have had alone (404 outside the caller's scope, 409 stale version or finished case …).
 * One refusal does not undo the others.
 */
import { TRANSITIONS } from '../../../common/workflow.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, messageFor } from '../../platform/errors.ts';
import { toAppError } from '../../platform/http-errors.ts';
import { act } from './action-service.ts';
import { caseRead, workflowRolesOf } from './policy.ts';
import type { BatchUrgeBodyT } from './schemas-centre.ts';

const URGE_ROLES = new Set(TRANSITIONS.filter((r) => r.action === 'urge').flatMap((r) => r.roles));

export async function batchUrge(db: Db, ctx: RequestContext, body: BatchUrgeBodyT) {
  caseRead.requirePermission(ctx.actor);
  // Nobody in the caller's roles may urge any case: the whole request is refused.
  if (!workflowRolesOf(ctx.actor).some((r) => URGE_ROLES.has(r))) {
    throw new AppError('WORKFLOW_ROLE_NOT_ALLOWED', {
      zh: '您的角色不能督办案件',
      en: 'Your role may not urge cases',
    });
  }
  const results = [];
  for (const item of body.items) {
    try {
      const after = await act(db, ctx, item.id, 'urge', { version: item.version, reason: body.reason });
      results.push({ id: item.id, ok: true, case: after, error: null });
    } catch (err) {
      const e = toAppError(err);
      if (!e) throw err;
      results.push({
        id: item.id,
        ok: false,
        case: null,
        error: { code: e.code, status: e.status, message: messageFor(e, ctx.lang) },
      });
    }
  }
  const urged = results.filter((r) => r.ok).length;
  return { urged, refused: results.length - urged, results };
}
