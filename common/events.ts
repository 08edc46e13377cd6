/**
 * The events other modules subscribe to (server/platform/subscribers.ts) and what each one tells
 * its subscribers: its subject. An action declared here is one a subscriber may listen to and the
 * writer must publish with its subject; the compiler refuses any other action or subject shape.
 * Pure data, shared by server and web.
 *
 * Today these are the case loop's events: one per transition (`case.<action>`, the actions of
 * workflow-vocabulary.ts, labelled `case.action.<action>` in the locales) and the four the loop
 * writes outside a transition — a report, a report merged into an open case, a stage's warning and
 * its overdue mark (labelled `case.event.<name>`). Every other audit action (`user.create`,
 * `auth.login` …) is written with `recordEvent` and has no subscriber.
 */
import type { PublicStatus } from './public-report.ts';
import { CASE_ACTIONS, type CaseAction } from './workflow-vocabulary.ts';

/** Case events that are not a transition of the table. */
export const CASE_LOOP_EVENTS = ['report', 'report_merged', 'stage_warning', 'stage_overdue'] as const;
export type CaseLoopEvent = (typeof CASE_LOOP_EVENTS)[number];

/** The action of a case event, as the event row stores it. */
export type CaseEventAction = `case.${CaseAction}` | `case.${CaseLoopEvent}`;

export const CASE_EVENT_ACTIONS: readonly CaseEventAction[] = [
  ...CASE_ACTIONS.map((a) => `case.${a}` as const),
  ...CASE_LOOP_EVENTS.map((e) => `case.${e}` as const),
];

/** What an inbox notice names: a case (code, state) or, for a reporter outside the case, their report. */
export interface NoticeParams {
  code?: string;
  state?: string;
  reportId?: string;
  trackingCode?: string;
  status?: PublicStatus;
}

/** One in-app notice to one user. `kind` is the event's action, or `report.status` for a reporter's own report. */
export interface Notice {
  userId: string;
  caseId: string | null;
  kind: string;
  params: NoticeParams;
}

/** What a case event tells its subscribers. */
export interface CaseEventSubject {
  caseId: string;
  /**
   * The unit whose own system receives the case with this event — a transition that sends the
   * case to a unit (`deliverToUnit`) — or null. The outbox delivers when the unit has an endpoint.
   */
  deliverTo: string | null;
  /**
   * Who is told, one notice per user: resolved by the case loop from the rule's `notify` effects
   * (the case's unit, centre roles, reporters as far as each may see the case). The inbox writes
   * them as they are.
   */
  notices: readonly Notice[];
}

/** Every subscribable event, by action, with its subject. A new one is declared here first. */
export type EventSubjects = { [A in CaseEventAction]: CaseEventSubject };
export type SubscribableAction = keyof EventSubjects;

/** The same actions at run time (subscribing to anything else is refused). */
export const SUBSCRIBABLE_ACTIONS: readonly SubscribableAction[] = CASE_EVENT_ACTIONS;
