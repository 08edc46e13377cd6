/**
 * The workbench (工作台): what waits on the caller, queue by queue, with how many of those cases
 * are overdue and how many are in warning; apart from them, the caller's own reports still open to
 * self-disposal (an inspector's, `view=own`); and the day's numbers of the caller's scope (China
 * day): reported, filed, dispatched and closed today, and overdue now. Every count is the total
 * of a case-list query (list-query.ts) — the queue of a role is `view=mine&queue=<role>`, its
 * overdue and warning counts add `light=red` / `light=yellow` — and runs on an index: scope and
 * state lead the case indexes, the day's counts use the date columns' own indexes.
 */
import { and, type Column, count, type SQL, sql } from 'drizzle-orm';
import { chinaDate, chinaInstant, DAY_MS } from '../../../common/calendar/index.ts';
import { ROLES, type Role } from '../../../common/identity.ts';
import { type CaseAction, TRANSITIONS } from '../../../common/workflow.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { levelOf } from './action-service.ts';
import { caseListWhere, lightSql } from './list-query.ts';
import { caseRead, workflowRolesOf } from './policy.ts';
import { isWorkOf, type WorkPart } from './queue.ts';
import { caseFile } from './tables.ts';

/** The actions of a role's part of "my work" at the caller's level, in the table's order (the shortcuts). */
function queueActions(role: Role, level: ReturnType<typeof levelOf>, part: WorkPart): CaseAction[] {
  const out: CaseAction[] = [];
  for (const rule of TRANSITIONS) {
    if (rule.work.kind === 'none' || rule.work.owner !== role || !isWorkOf(part, rule.work)) continue;
    if (rule.levels && level && !rule.levels.includes(level)) continue;
    if (!out.includes(rule.action)) out.push(rule.action);
  }
  return out;
}

async function countWhere(db: Db, where: SQL | undefined): Promise<number> {
  const [row] = await db.select({ n: count() }).from(caseFile).where(where);
  return Number(row.n);
}

export async function getWorkbench(db: Db, ctx: RequestContext) {
  caseRead.requirePermission(ctx.actor);
  const now = new Date();
  const level = levelOf(ctx.actor);
  const today = chinaDate(now);
  const start = chinaInstant(today);
  const end = new Date(start.getTime() + DAY_MS);
  const scope = caseRead.filter(ctx.actor);
  const onDay = (column: Column) =>
    countWhere(db, and(scope, sql`${column} >= ${start}`, sql`${column} < ${end}`));

  const roles = workflowRolesOf(ctx.actor).filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  /** A list's total, with how many of it are overdue and in warning. */
  const lights = async (where: SQL | undefined) => {
    const [row] = await db
      .select({
        total: count(),
        overdue: sql<number>`count(*) FILTER (WHERE ${lightSql('red', now)})`,
        warning: sql<number>`count(*) FILTER (WHERE ${lightSql('yellow', now)})`,
      })
      .from(caseFile)
      .where(where);
    return { total: Number(row.total), overdue: Number(row.overdue), warning: Number(row.warning) };
  };
  const queues = await Promise.all(
    roles
      .map((role) => ({ role, actions: queueActions(role, level, 'tasks') }))
      .filter((q) => q.actions.length > 0)
      .map(async ({ role, actions }) => ({
        role,
        ...(await lights(caseListWhere(ctx.actor, { view: 'mine', queue: role }, now))),
        actions,
      })),
  );
  // The caller's own reports open to self-disposal: a line of their own, not in any queue's count
  // (the field app shows them apart from its tasks too).
  const ownActions = roles.flatMap((role) => queueActions(role, level, 'own'));
  const own =
    ownActions.length > 0
      ? {
          ...(await lights(caseListWhere(ctx.actor, { view: 'own' }, now))),
          actions: [...new Set(ownActions)],
        }
      : null;

  const [reported, filed, dispatched, closed, overdue] = await Promise.all([
    onDay(caseFile.createdAt),
    onDay(caseFile.filedAt),
    onDay(caseFile.dispatchedAt),
    onDay(caseFile.closedAt),
    // The list's red light: open states lead the scope's state index.
    countWhere(db, and(scope, lightSql('red', now))),
  ]);

  return {
    now: now.toISOString(),
    today: { date: today, reported, filed, dispatched, closed, overdue },
    queues,
    own,
  };
}
