/**
 * The inbox's side of the case loop: every case event's notices are written in the event's
 * transaction (server/platform/subscribers.ts), so a notification exists exactly when its cause
 * committed.
 *
 * Who is told is decided by the case loop and arrives resolved in the event's subject
 * (common/events.ts `CaseEventSubject.notices`); this module writes it as it is. The other way —
 * the inbox working out the recipients from the event — would put case knowledge here: the
 * transition's `notify` effects, the case's unit and centre, which reporters may still open the
 * case (the case policy). That stays with the case loop, whose `recipientsOf` the demo seed also
 * uses to write the same inbox for its simulated history.
 */
import { CASE_EVENT_ACTIONS, type CaseEventAction } from '../../../common/events.ts';
import { type Subscriber, subscribe } from '../../platform/subscribers.ts';
import { insertNotifications } from './service.ts';

const writeNotices: Subscriber<CaseEventAction> = (tx, events) =>
  insertNotifications(
    tx,
    events.flatMap((e) => e.subject.notices),
  );

/** Subscribes the inbox to the case events; called where the app is built (server/app.ts). */
export function registerNotificationSubscribers(): void {
  subscribe('notifications.inbox', CASE_EVENT_ACTIONS, writeNotices);
}
