/**
 * Who reads decision support (决策辅助): holders of `evaluation:read` — the city's leaders and
 * supervisors every case; a district centre's shift leaders and dispatchers their own district's
 * cases; a unit nothing (403). One declaration gives the SQL filter over the cases read (alias `c`)
 * and the check of a district asked for by code (another district's answers 404, as if it did not
 * exist).
 */
import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { defineScope } from '../../platform/scope.ts';

export const decisionRead = defineScope({
  permission: 'evaluation:read',
  columns: { districtCode: sql<string>`c.district_code` },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});

export function requireDecisionRead(actor: Actor) {
  decisionRead.requirePermission(actor, { zh: '无权查看决策辅助', en: 'You may not read decision support' });
  if (!decisionRead.reachesAny(actor)) {
    throw new AppError('FORBIDDEN', {
      zh: '决策辅助由市、区中心查看，单位不能查看',
      en: 'Decision support is read by the city and district centres, not by units',
    });
  }
}

/** A district named in a query must be the caller's to read (404 otherwise). */
export function requireDistrictInScope(actor: Actor, districtCode: string) {
  if (!decisionRead.allows(actor, { districtCode })) {
    throw notFound({ zh: '区', en: 'district' }, districtCode);
  }
}
