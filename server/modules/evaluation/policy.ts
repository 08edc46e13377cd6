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

/**
 * Templates and rankings are the city's: its supervision edits templates and computes drafts
 * (`evaluation:manage`), its leaders publish (`evaluation:publish`). A ranking covers every
 * district, so a district centre may read a published one (its own subjects' lines) but neither
 * computes nor publishes one.
 */
export const evaluationManage = defineScope({
  permission: 'evaluation:manage',
  columns: {},
  city: true,
  district: false,
  unit: false,
});
export const evaluationPublish = defineScope({
  permission: 'evaluation:publish',
  columns: {},
  city: true,
  district: false,
  unit: false,
});

export function requireEvaluationManage(actor: Actor) {
  evaluationManage.requirePermission(actor, {
    zh: '无权维护考核模板或计算排名',
    en: 'You may not edit templates or compute rankings',
  });
  if (!evaluationManage.reachesAny(actor)) {
    throw new AppError('FORBIDDEN', {
      zh: '考核模板和排名由市中心维护',
      en: 'Templates and rankings are kept by the city centre',
    });
  }
}

export function requireEvaluationPublish(actor: Actor) {
  evaluationPublish.requirePermission(actor, {
    zh: '审定发布排名需要“发布排名”权限（市领导）',
    en: 'Approving and publishing a ranking needs the publish permission (the city’s leaders)',
  });
  if (!evaluationPublish.reachesAny(actor)) {
    throw new AppError('FORBIDDEN', {
      zh: '排名由市中心审定发布',
      en: 'Rankings are approved and published by the city centre',
    });
  }
}

/**
 * Whether a ranking's line is the reader's: the city every line, a district its own district's
 * subjects — not a city-level unit's or person's (a ranking is the city's: that line counts their
 * cases in every district, which a district does not read).
 */
export const lineInScope = (actor: Actor, line: { districtCode: string | null }) =>
  subjectInScope(actor, line.districtCode, actor.scope.kind === 'city');
