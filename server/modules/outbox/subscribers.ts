/**
 * The outbox's side of the case loop: a case event that sends the case to a unit (a dispatch, a
 * re-dispatch, a rework… — the actions with a `deliverToUnit` rule in the transition table) queues
 * a delivery to the unit's own system in the event's transaction (server/platform/subscribers.ts),
 * when the unit has an enabled endpoint. The worker (worker.ts) sends it after the commit.
 */
import type { CaseEventAction } from '../../../common/events.ts';
import { deliversToUnit, TRANSITIONS } from '../../../common/workflow.ts';
import { type Subscriber, subscribe } from '../../platform/subscribers.ts';
import { enqueueDelivery } from './enqueue.ts';

/** The case events that may send a case to a unit. */
export const DELIVERING_ACTIONS: readonly CaseEventAction[] = [
  ...new Set(TRANSITIONS.filter(deliversToUnit).map((r) => `case.${r.action}` as const)),
];

const queueDeliveries: Subscriber<CaseEventAction> = async (tx, events) => {
  for (const e of events) {
    if (e.subject.deliverTo) await enqueueDelivery(tx, e.eventId, e.subject.deliverTo, e.subject.caseId);
  }
};

/** Subscribes the outbox to the case events that deliver; called where the app is built (server/app.ts). */
export function registerOutboxSubscribers(): void {
  subscribe('outbox.delivery', DELIVERING_ACTIONS, queueDeliveries);
}
