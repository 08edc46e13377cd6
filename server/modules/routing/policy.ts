/**
 * Who may see and change responsibility rules. The city reads and changes all; a district's
 * staff read their district's rules and its admins change them (anything outside answers 404
 * as if it did not exist); a unit reads the rules that route work to it and changes none.
 */
import { eq, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/context.ts';
import { routeRule } from './tables.ts';

export interface RuleScope {
  districtCode: string;
  unitId: string;
}

export function canReadRule(actor: Actor, r: RuleScope): boolean {
  if (!actor.permissions.includes('routing:read')) return false;
  const s = actor.scope;
  if (s.kind === 'city') return true;
  if (s.kind === 'district') return r.districtCode === s.districtCode;
  return r.unitId === s.orgId;
}

/** The same rule as canReadRule, as a SQL condition for lists (undefined: no restriction). */
export function ruleReadFilter(actor: Actor): SQL | undefined {
  const s = actor.scope;
  if (s.kind === 'city') return undefined;
  if (s.kind === 'district') return eq(routeRule.districtCode, s.districtCode);
  return eq(routeRule.unitId, s.orgId);
}

export function canManageRulesOf(actor: Actor, districtCode: string): boolean {
  if (!actor.permissions.includes('routing:manage')) return false;
  const s = actor.scope;
  return s.kind === 'city' || (s.kind === 'district' && s.districtCode === districtCode);
}

/** Asking "who is responsible here?" and reading a district's history: the city, or the district itself. */
export function canQueryDistrict(actor: Actor, districtCode: string): boolean {
  if (!actor.permissions.includes('routing:read')) return false;
  const s = actor.scope;
  if (s.kind === 'city') return true;
  if (s.kind === 'district') return s.districtCode === districtCode;
  return s.districtCode === null || s.districtCode === districtCode;
}
