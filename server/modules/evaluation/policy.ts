/**
 * Who reads the evaluation (综合评价): holders of `evaluation:read` — the city's leaders and
 * supervisors every subject and case; a district centre's shift leaders and dispatchers their own
 * district: its regions, and units and posts counted over its cases only; a unit nothing. One
 * declaration gives both the SQL filter over the evaluated cases (`c.district_code`) and the check
 * of a subject asked for by name (a region, a unit or a person of another district is not found).
 */
import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { defineScope } from '../../platform/scope.ts';

export const evaluationRead = defineScope({
  permission: 'evaluation:read',
  columns: { districtCode: sql<string>`c.district_code` },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});

export function requireEvaluationRead(actor: Actor) {
  evaluationRead.requirePermission(actor, { zh: '无权查看综合评价', en: 'You may not read the evaluation' });
  if (!evaluationRead.reachesAny(actor)) {
    throw new AppError('FORBIDDEN', {
      zh: '综合评价由市、区中心查看，单位不能查看',
      en: 'The evaluation is read by the city and district centres, not by units',
    });
  }
}

/**
 * Whether a subject of this district (null: a city-level unit or person) is the caller's: the city
 * reaches every one; a district its own, and city-level units (counted over its cases only).
 */
export function subjectInScope(
  actor: Actor,
  districtCode: string | null,
  cityLevelAllowed: boolean,
): boolean {
  if (districtCode === null) return cityLevelAllowed && evaluationRead.reachesAny(actor);
  return evaluationRead.allows(actor, { districtCode });
}
