/**
 * "My work": the cases the caller can act on now, derived from the transition table itself, so a
 * queue never disagrees with the buttons. A rule that needs a pending application (approve an
 * extension, a void…) only counts for cases that carry that application, and one that needs the
 * check's outcome (close after a pass, rework after a fail) only for cases with that outcome;
 * marking and urging, possible on every open case, do not make a case "mine".
 */
import { and, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { OrgKind } from '../../../common/identity.ts';
import { type CaseState, TRANSITIONS, type WorkflowRole } from '../../../common/workflow.ts';
import { caseFile } from './tables.ts';

/**
 * Actions that are possible on many cases but are nobody's pending work: urging and marking, and
 * the corrections a centre may make at any time (asking to void, re-dispatching a case the unit
 * has not signed for). A returned case still counts through refuse_return/escalate.
 */
const NOT_WORK = new Set([
  'urge',
  'mark_important',
  'mark_urgent',
  'rate',
  'record_callback',
  'request_void',
  're_dispatch',
]);
const PENDING_GUARDS: Record<string, 'extension' | 'parking' | 'void'> = {
  hasPendingExtension: 'extension',
  hasPendingParking: 'parking',
  hasPendingVoid: 'void',
};
/** Guards on the check's outcome: closing waits on a pass, ordering rework on a fail. */
const CHECK_GUARDS: Record<string, 'pass' | 'fail'> = { checkPassed: 'pass', checkFailed: 'fail' };

export function myWorkFilter(roles: readonly WorkflowRole[], level: OrgKind | undefined): SQL | undefined {
  const plain = new Set<CaseState>();
  const withPending: { states: CaseState[]; application: 'extension' | 'parking' | 'void' }[] = [];
  const withCheck: { states: CaseState[]; result: 'pass' | 'fail' }[] = [];
  let cityOnly = false;
  for (const rule of TRANSITIONS) {
    if (NOT_WORK.has(rule.action)) continue;
    if (!rule.roles.some((r) => roles.includes(r))) continue;
    if (rule.levels && level && !rule.levels.includes(level)) continue;
    const pendingGuard = rule.guards.find((g) => g in PENDING_GUARDS);
    const checkGuard = rule.guards.find((g) => g in CHECK_GUARDS);
    if (pendingGuard) withPending.push({ states: [...rule.from], application: PENDING_GUARDS[pendingGuard] });
    else if (checkGuard) withCheck.push({ states: [...rule.from], result: CHECK_GUARDS[checkGuard] });
    else for (const s of rule.from) plain.add(s);
    if (rule.action === 'city_dispatch') cityOnly = true;
  }
  const parts: SQL[] = [];
  if (plain.size) parts.push(inArray(caseFile.state, [...plain]));
  for (const p of withPending) {
    parts.push(and(inArray(caseFile.state, p.states), sql`${caseFile.pending} ? ${p.application}`)!);
  }
  for (const c of withCheck) {
    parts.push(and(inArray(caseFile.state, c.states), sql`${caseFile.checkResult} = ${c.result}`)!);
  }
  if (parts.length === 0) return sql`false`;
  // A district centre works on cases it coordinates; the city centre on escalated ones and its own.
  const levelFilter =
    level === 'district_center'
      ? sql`${caseFile.caseLevel} = 'district'`
      : level === 'city_center' && cityOnly
        ? sql`${caseFile.caseLevel} = 'city'`
        : undefined;
  return and(or(...parts), levelFilter);
}
