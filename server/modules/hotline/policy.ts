/**
 * Who may do what with the hotline (12345, and the merged 12319 / 96310 lines). The city centre's
 * operators answer the city's queue and may read every district's calls; a district centre's
 * operators (a district's 12345 desk) answer the calls the telephony routes to their district and
 * see only those, and only their district's cases in a caller's history (the cases module's own
 * read rule). A unit reaches nothing here.
 *
 * - `hotline:call`: the telephony system's API key posts ringing calls and hang-ups (city level:
 *   one switch serves every desk, naming the district a call is routed to).
 * - `hotline:answer`: operators take calls, read the calls and their callers' history, sign in at
 *   a seat, search the knowledge base — the city every call, a district its own (`callRead`).
 * - `knowledge:manage`: edit the knowledge base, the city's (one base for every desk).
 * - A caller's number follows the cases' rule for a reporter's phone (`seesReporterContact`): in
 *   full to the roles that call back (the hotline's operators, acceptors, shift leaders), masked
 *   (138****5678) to anyone else who may read a call (an admin, a key).
 */
import type { Actor } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { event } from '../../platform/event-table.ts';
import { defineScope } from '../../platform/scope.ts';
import { seesReporterContact } from '../cases/index.ts';
import { hotlineCall } from './tables.ts';

const cityOnly = { city: true, district: false, unit: false } as const;

/** Posting calls: the telephony's key (city level). */
export const callPost = defineScope({ permission: 'hotline:call', ...cityOnly });
/** Reading and taking calls: the city every call, a district the calls routed to it. */
export const callRead = defineScope({
  permission: 'hotline:answer',
  columns: { districtCode: hotlineCall.districtCode },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});
/** The same rule on the event table: the live stream's frames of calls and their replays. */
export const callEventRead = defineScope({
  permission: 'hotline:answer',
  columns: { districtCode: event.districtCode },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});
/** Editing the knowledge base. */
export const knowledgeManage = defineScope({ permission: 'knowledge:manage', ...cityOnly });

/** Whether the caller's number is shown in full to this actor: the cases' rule for a reporter's phone. */
export const seesCallerNumber = (actor: Actor): boolean => seesReporterContact(actor);

const notHere = () =>
  new AppError('FORBIDDEN', {
    zh: '热线业务由市、区两级中心办理，本账号无权访问',
    en: "The hotline is the city's and the districts' centres'; this account may not use it",
  });

/** 403 unless the actor holds `hotline:answer` at the city's or a district's level. */
export function requireAnswer(actor: Actor) {
  callRead.requirePermission(actor);
  if (!callRead.reachesAny(actor)) throw notHere();
}

/**
 * 403 unless the actor holds the permission at the city's level: a district's holder (a district
 * admin holds every permission of its district) is refused like one without it.
 */
function requireCity(policy: typeof callPost, actor: Actor) {
  policy.requirePermission(actor);
  if (!policy.reachesAny(actor)) {
    throw new AppError('FORBIDDEN', {
      zh: '该热线业务由市级中心办理，区级账号无权访问',
      en: "This part of the hotline is the city centre's; a district's account may not use it",
    });
  }
}

export const requirePost = (actor: Actor) => requireCity(callPost, actor);
export const requireKnowledgeManage = (actor: Actor) => requireCity(knowledgeManage, actor);

/** Reading the knowledge base: the operators who answer from it (city or district), and its editors. */
export function requireKnowledgeRead(actor: Actor) {
  if (actor.permissions.includes('knowledge:manage') && !actor.permissions.includes('hotline:answer')) {
    requireKnowledgeManage(actor);
  } else requireAnswer(actor);
}
