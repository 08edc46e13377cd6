/**
 * Who may see a case: the city centre every case; a district centre the cases of its district;
 * a unit the cases dispatched to it now. Outside that, a case does not exist for the caller (404)
 * and never appears in a list. What a caller may DO to a case is the transition table's business
 * (common/workflow.ts), checked after this.
 */
import { eq, type SQL } from 'drizzle-orm';
import { ROLES } from '../../../common/identity.ts';
import type { WorkflowRole } from '../../../common/workflow.ts';
import { type Actor, isInProcessSystem } from '../../platform/context.ts';
import { caseFile } from './tables.ts';

export interface CaseScopeFields {
  districtCode: string;
  unitId: string | null;
}

export function canSeeCase(actor: Actor, c: CaseScopeFields): boolean {
  if (!actor.permissions.includes('case:read')) return false;
  const s = actor.scope;
  if (s.kind === 'city') return true;
  if (s.kind === 'district') return c.districtCode === s.districtCode;
  return c.unitId === s.orgId;
}

export function caseScopeFilter(actor: Actor): SQL | undefined {
  const s = actor.scope;
  if (s.kind === 'city') return undefined;
  if (s.kind === 'district') return eq(caseFile.districtCode, s.districtCode);
  return eq(caseFile.unitId, s.orgId);
}

/**
 * The roles an actor acts in within the loop. A person acts in their staff roles (never `system`
 * or `citizen`, whatever a stored row says). A machine (API key) acts only as a unit handler, when
 * it holds `case:unit_feedback` and belongs to a unit (a unit's own system, whose calls are signed);
 * reporting (`case:report`) grants reporting and nothing in the loop. `system` is reachable only by
 * an internal process of this server (`systemContext`), never by a key or a session.
 */
export function workflowRolesOf(actor: Actor): WorkflowRole[] {
  if (actor.type === 'user') return actor.roles.filter((r) => ROLES.includes(r));
  if (actor.type === 'api_key') {
    return actor.permissions.includes('case:unit_feedback') && actor.scope.kind === 'unit'
      ? ['unit_handler']
      : [];
  }
  if (isInProcessSystem(actor)) return ['system'];
  return [];
}

export const canReport = (actor: Actor) => actor.permissions.includes('case:report');
