/**
 * The workbench (工作台): what waits on the caller, queue by queue, with how many of those cases
 * are overdue and how many are in warning; and the day's numbers of the caller's scope (China
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
import { caseFile } from './tables.ts';

/** The actions of a role's queue at the caller's level, in the table's order (the shortcuts). */
function queueActions(role: Role, level: ReturnType<typeof levelOf>): CaseAction[] {
  const out: CaseAction[] = [];
  for (const rule of TRANSITIONS) {
    if (rule.work.kind === 'none' || rule.work.owner !== role) continue;
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
  const queues = await Promise.all(
    roles
      .map((role) => ({ role, actions: queueActions(role, level) }))
      .filter((q) => q.actions.length > 0)
      .map(async ({ role, actions }) => {
        const where = caseListWhere(ctx.actor, { view: 'mine', queue: role }, now);
        const [row] = await db
          .select({
            total: count(),
            overdue: sql<number>`count(*) FILTER (WHERE ${lightSql('red', now)})`,
            warning: sql<number>`count(*) FILTER (WHERE ${lightSql('yellow', now)})`,
          })
          .from(caseFile)
          .where(where);
        return {
          role,
          total: Number(row.total),
          overdue: Number(row.overdue),
          warning: Number(row.warning),
          actions,
        };
      }),
  );

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
  };
}
