/**
 * Who may see a case: the city centre every case; a district centre the cases of its district;
 * a unit the cases dispatched to it now. Outside that, a case does not exist for the caller (404)
 * and never appears in a list. What a caller may DO to a case is the transition table's business
 * (common/workflow.ts), checked after this.
 */
import { sql } from 'drizzle-orm';
import { ROLES, type Role } from '../../../common/identity.ts';
import type { WorkflowRole } from '../../../common/workflow.ts';
import { type Actor, isInProcessSystem } from '../../platform/context.ts';
import { event } from '../../platform/event-table.ts';
import { defineScope } from '../../platform/scope.ts';
import { caseFile } from './tables.ts';

/** Every path that shows a case — list, page, photos, duplicates, the live stream — asks this. */
export const caseRead = defineScope({
  permission: 'case:read',
  columns: { districtCode: caseFile.districtCode, unitId: caseFile.unitId },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => ({ unitId: u.orgId }),
});

/** The question intake asks of each case it answers with (a reporter's own, a duplicate candidate). */
export const canSeeCase = caseRead.allows;

/**
 * The same rule over the event table, for the live stream: an event of a case in the caller's
 * district, or (a unit) one that sent the case to the unit or took it away from it.
 */
export const caseEventRead = defineScope({
  permission: 'case:read',
  columns: {
    districtCode: event.districtCode,
    unitBefore: sql<string | null>`(${event.before} ->> 'unitId')`,
    unitAfter: sql<string | null>`(${event.after} ->> 'unitId')`,
  },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => [{ unitAfter: u.orgId }, { unitBefore: u.orgId }],
});

/**
 * Where a caller may report (and look for duplicates): a district centre and a district's unit
 * in their district; the city centre and a city-level unit anywhere in the managed area.
 */
export const reportArea = defineScope({
  columns: { districtCode: caseFile.districtCode },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => (u.districtCode === null ? true : { districtCode: u.districtCode }),
});

export const canReport = (actor: Actor) => actor.permissions.includes('case:report');

/**
 * The roles an actor acts in within the loop. A person acts in their staff roles (never `system`
 * or `citizen`, whatever a stored row says). A machine (API key) acts only as a unit handler, when
 * it holds `case:unit_feedback` and belongs to a unit (a unit's own system, whose calls are signed);
 * reporting (`case:report`) grants reporting and, for a unit, `department`: whoever reports for a
 * unit — a person or its system's key — reports as the department, whose one rule is to report a
 * problem already fixed (部门自查, `department_dispose`, on its own report at intake). `system` is
 * reachable only by an internal process of this server (`systemContext`), never by a key or a
 * session.
 */
export function workflowRolesOf(actor: Actor): WorkflowRole[] {
  const department: WorkflowRole[] =
    actor.scope.kind === 'unit' && canReport(actor) && (actor.type === 'user' || actor.type === 'api_key')
      ? ['department']
      : [];
  if (actor.type === 'user') return [...actor.roles.filter((r) => ROLES.includes(r)), ...department];
  if (actor.type === 'api_key') {
    return [
      ...(actor.permissions.includes('case:unit_feedback') && actor.scope.kind === 'unit'
        ? (['unit_handler'] as const)
        : []),
      ...department,
    ];
  }
  if (isInProcessSystem(actor)) return ['system'];
  return [];
}

/**
 * The roles that need a reporter's real name and phone: the acceptor and the hotline operator, who
 * take the call and call back, and the shift leader, who answers for the decision to the caller. Everyone else who may
 * open the case (dispatchers, inspectors, units, the city's supervisors and leaders) sees them
 * masked (张** / 138****5678).
 */
export const REPORTER_CONTACT_ROLES: readonly Role[] = ['acceptor', 'shift_leader', 'hotline_operator'];

/** Whether the actor sees reporters' contacts unmasked: in one of `REPORTER_CONTACT_ROLES`. */
export const seesReporterContact = (actor: Actor): boolean =>
  workflowRolesOf(actor).some((r) => (REPORTER_CONTACT_ROLES as readonly string[]).includes(r));
