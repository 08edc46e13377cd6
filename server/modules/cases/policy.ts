/**
 * Who may see a case: the city centre every case; a district centre the cases of its district;
 * a unit the cases dispatched to it now. Outside that, a case does not exist for the caller (404)
 * and never appears in a list. What a caller may DO to a case is the transition table's business
 * (common/workflow.ts), checked after this.
 */
import { sql } from 'drizzle-orm';
import { CHANNELS, type Channel, MACHINE_CHANNELS, reportChannelsOf } from '../../../common/channels.ts';
import { ROLES, type Role } from '../../../common/identity.ts';
import type { WorkflowRole } from '../../../common/workflow.ts';
import { type Actor, isInProcessSystem } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
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

/**
 * The day's counts of the command big screen (指挥大屏): a centre's picture of its area, so the
 * city reads the city and a district its district; a unit, whose work is a handful of cases
 * dispatched to it, has no such screen (403, not an empty one).
 */
export const caseStatsRead = defineScope({
  permission: 'case:read',
  columns: { districtCode: caseFile.districtCode },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
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
 * The channels an actor's report may come on: who sends it decides (common/channels.ts
 * `reportChannelsOf`: a unit `department`, another key `app`, an inspector `inspector`, other staff
 * a citizen's channel). An internal process of this server (the sensors' alarms) reports on any.
 */
export function reportChannelsOfActor(actor: Actor): readonly Channel[] {
  if (isInProcessSystem(actor)) return CHANNELS;
  return reportChannelsOf({
    unit: actor.scope.kind === 'unit',
    apiKey: actor.type === 'api_key',
    roles: actor.type === 'user' ? actor.roles : [],
  });
}

/**
 * Intake's one channel rule: a report on a channel its sender may not use is refused (422), never
 * coerced, so that a unit's or an app's system learns to send the right one. `byModule` is the
 * machine channel a platform module set itself for the person acting through it (the opinion
 * queue's `opinion`); no request body can name it.
 */
export function assertReportChannel(actor: Actor, channel: Channel, byModule?: Channel) {
  if (byModule === channel && MACHINE_CHANNELS.includes(channel)) return;
  const allowed = reportChannelsOfActor(actor);
  if (allowed.includes(channel)) return;
  const list = allowed.join(', ');
  const who =
    actor.scope.kind === 'unit'
      ? {
          zh: '协同单位只能通过部门自查渠道（department）上报',
          en: 'A collaborating unit reports on the channel `department` (its own checks) only',
        }
      : actor.type === 'api_key'
        ? {
            zh: '非协同单位的 API 密钥只能通过渠道 app 上报',
            en: "An API key other than a unit's reports on the channel `app` only",
          }
        : MACHINE_CHANNELS.includes(channel)
          ? {
              zh: `渠道 ${channel} 只由平台自身的模块上报，个人不能使用`,
              en: `The channel \`${channel}\` is the platform's own modules', never a person's`,
            }
          : actor.type === 'user' && actor.roles.includes('inspector')
            ? {
                zh: '监督员只能通过渠道 inspector 上报',
                en: 'An inspector reports on the channel `inspector` only',
              }
            : { zh: `可用的上报渠道为：${list}`, en: `The channels you may report on: ${list}` };
  throw new AppError('UNPROCESSABLE', {
    zh: `${who.zh}，不能使用渠道 ${channel}`,
    en: `${who.en}, not \`${channel}\``,
    details: [{ field: 'body.channel', message: `may report on ${list}, not ${channel}` }],
    detailsZh: [{ field: 'body.channel', message: `只能使用渠道 ${list}，不能使用 ${channel}` }],
  });
}

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
