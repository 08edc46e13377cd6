/**
 * The events other modules subscribe to (server/platform/subscribers.ts) and what each one tells
 * its subscribers: its subject. An action declared here is one a subscriber may listen to and the
 * writer must publish with its subject; the compiler refuses any other action or subject shape.
 * Pure data, shared by server and web.
 *
 * Today these are the case loop's events: one per transition (`case.<action>`, the actions of
 * workflow-vocabulary.ts, labelled `case.action.<action>` in the locales) and the five the loop
 * writes outside a transition — a report, a report merged into an open case, a stage's warning,
 * its overdue mark and a note from another part of the platform on the case's timeline (a
 * sensor's readings clearing its alarm; labelled `case.event.<name>`). Every other audit action (`user.create`,
 * `auth.login` …) is written with `recordEvent` and has no subscriber.
 */
import type { PublicStatus } from './public-report.ts';
import { CASE_ACTIONS, type CaseAction } from './workflow-vocabulary.ts';

/** Case events that are not a transition of the table. */
export const CASE_LOOP_EVENTS = [
  'report',
  'report_merged',
  'stage_warning',
  'stage_overdue',
  'note',
] as const;
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
  /** An early warning (`warning.raised`): the warning and its explanation in both languages. */
  warningId?: string;
  text?: { zh: string; en: string };
}

/** One in-app notice to one user. `kind` is the event's action, or `report.status` for a reporter's own report. */
export interface Notice {
  userId: string;
  caseId: string | null;
  kind: string;
  params: NoticeParams;
  /**
   * Repeated notices of one thing to one user share a group (a case's stage warnings and overdue
   * marks: `stage:<caseId>`): while the user's row of the group is unread, a new one counts on it
   * (and takes its kind, words and time) instead of adding a row.
   */
  group?: string;
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

/**
 * What filing (立案) adds to its event's subject: the words the case came with and the type it was
 * filed under — what a learner of types (the classifier) needs, without reading the case.
 */
export interface FilingSubject {
  /** The case's description: the words of its first report. */
  description: string;
  /** The matter type the case is filed under now. */
  matterCode: string;
  /** The matter type the case carried before filing (given at intake), or null. */
  previousMatterCode: string | null;
  /** The case's district. */
  districtCode: string;
}

/** The subject of `case.file`: a case event's, and what was filed. */
export interface CaseFileSubject extends CaseEventSubject {
  filed: FilingSubject;
}

/** Every subscribable event, by action, with its subject. A new one is declared here first. */
export type EventSubjects = {
  [A in CaseEventAction]: A extends 'case.file' ? CaseFileSubject : CaseEventSubject;
};
export type SubscribableAction = keyof EventSubjects;

/** The same actions at run time (subscribing to anything else is refused). */
export const SUBSCRIBABLE_ACTIONS: readonly SubscribableAction[] = CASE_EVENT_ACTIONS;
