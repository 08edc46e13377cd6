/**
 * "My work": the cases the caller can act on now AND that are waiting on them, derived from the
 * transition table itself, so a queue never disagrees with the buttons. Per rule of the table:
 * - a rule that needs a pending application (approve an extension, a void…) counts only for cases
 *   that carry that application; one that needs the check's outcome (close after a pass in
 *   `pending_close`, rework after a fail in `check_failed`) only for cases with that outcome;
 * - a rule guarded by the case's level (`actorAtCaseLevel`, `caseAtDistrict`, or open to the city
 *   centre only) counts only for cases at that level: a district centre works on the cases it
 *   coordinates, the city centre on escalated ones — field work (check requests and checks) has
 *   no such guard and stays with the district whatever the level;
 * - a rule is the work of the owner it declares (`work`), even when several roles share it (a
 *   shift leader may reject a report the acceptor has not accepted yet, but that report waits on
 *   the acceptor; a leader may order a returned case at once, but it waits on the dispatcher);
 * - possible-at-any-time actions (urging, marking, merging, asking to void, …) are nobody's
 *   pending work (`work: none`); self-disposal is work only on the caller's own reports
 *   (`work: own_report`).
 *
 * "My work" comes in two parts (`WorkPart`): `tasks`, the work given to the caller (`work: queue`:
 * what their 待办 counts — the workbench's queues, GET /api/cases/waiting, the field app's task
 * list and the list's `view=mine`), and `own`, their own reports still open to self-disposal
 * (`work: own_report`: the list's `view=own`, the workbench's and the field app's separate line).
 * One function draws both, so every screen counts the same set.
 */
import { and, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { OrgKind } from '../../../common/identity.ts';
import {
  type Application,
  type CaseAction,
  type CaseState,
  NOT_WORK_ACTIONS,
  PENDING_GUARD_OF,
  TRANSITIONS,
  type Work,
  type WorkflowRole,
} from '../../../common/workflow.ts';
import { caseFile } from './tables.ts';

/** Actions that are nobody's pending work, as the table declares them (`work: none`). */
export const NOT_WORK: ReadonlySet<CaseAction> = NOT_WORK_ACTIONS;
const PENDING_GUARDS: Record<string, Application> = Object.fromEntries(
  Object.entries(PENDING_GUARD_OF).map(([application, guard]) => [guard, application as Application]),
);
/** Guards on the check's outcome: closing waits on a pass, ordering rework on a fail. */
const CHECK_GUARDS: Record<string, 'pass' | 'fail'> = { checkPassed: 'pass', checkFailed: 'fail' };

/** The case level a rule's work is at for an actor of `level`, or undefined when any. */
function caseLevelOf(
  rule: (typeof TRANSITIONS)[number],
  level: OrgKind | undefined,
): 'city' | 'district' | undefined {
  if (rule.guards.includes('caseAtDistrict')) return 'district';
  if (rule.guards.includes('actorAtCaseLevel')) {
    if (level === 'city_center') return 'city';
    if (level === 'district_center') return 'district';
  }
  if (rule.levels?.length === 1 && rule.levels[0] === 'city_center') return 'city';
  return undefined;
}

/** The two parts of "my work": work given to me (`tasks`), my own reports open to self-disposal (`own`). */
export type WorkPart = 'tasks' | 'own';

/** Whether a rule's work belongs to this part of "my work". */
export const isWorkOf = (part: WorkPart, work: Work): boolean =>
  part === 'own' ? work.kind === 'own_report' : work.kind === 'queue';

export function myWorkFilter(
  roles: readonly WorkflowRole[],
  level: OrgKind | undefined,
  actorId: string | null | undefined,
  part: WorkPart,
): SQL | undefined {
  // Rules with the same extra conditions share one `state IN (…)`, so the SQL stays small.
  const groups = new Map<string, { states: Set<CaseState>; extra: SQL[] }>();
  for (const rule of TRANSITIONS) {
    if (rule.work.kind === 'none' || !isWorkOf(part, rule.work)) continue;
    // The rule's work belongs to the owner the table declares.
    if (!roles.includes(rule.work.owner)) continue;
    if (rule.levels && level && !rule.levels.includes(level)) continue;
    const own = rule.work.kind === 'own_report';
    if (own && !actorId) continue;
    const pending = rule.guards.map((g) => PENDING_GUARDS[g]).find(Boolean);
    const check = rule.guards.map((g) => CHECK_GUARDS[g]).find(Boolean);
    const caseLevel = caseLevelOf(rule, level);
    const key = `${pending ?? ''}|${check ?? ''}|${caseLevel ?? ''}|${own ? 'own' : ''}`;
    let group = groups.get(key);
    if (!group) {
      const extra: SQL[] = [];
      if (pending) extra.push(sql`${caseFile.pending} ? ${pending}`);
      if (check) extra.push(sql`${caseFile.checkResult} = ${check}`);
      if (caseLevel) extra.push(sql`${caseFile.caseLevel} = ${caseLevel}`);
      if (own) extra.push(sql`${caseFile.createdBy} = ${actorId}`);
      group = { states: new Set(), extra };
      groups.set(key, group);
    }
    for (const st of rule.from) group.states.add(st);
  }
  if (groups.size === 0) return sql`false`;
  return or(...[...groups.values()].map((g) => and(inArray(caseFile.state, [...g.states]), ...g.extra)!));
}
