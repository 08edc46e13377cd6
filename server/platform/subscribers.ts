/**
 * Event subscribers: what other modules do when an event is written — the inbox writes the
 * event's notices, the outbox queues a delivery to a unit's own system — run INSIDE the
 * transaction that writes the event, as outline's processors react to its events but without a
 * queue in between. The writer does not know who listens: the case loop publishes `case.dispatch`
 * with its subject and imports neither notifications nor the outbox; each of them subscribes from
 * its index.ts (`register…Subscribers()`), called where the app is built (server/app.ts).
 *
 * - Typed by common/events.ts: a subscriber names declared actions and receives their subjects;
 *   publishing an undeclared action, or a subject of the wrong shape, does not compile (and an
 *   undeclared action is refused at run time too).
 * - Order: subscriptions run one after another in the order they were made, each once per
 *   publication with the events of its actions in the order written.
 * - All or nothing: a subscriber that throws fails the write — the event, its subscribers' rows
 *   and the change that caused it roll back together, and the caller answers with the error.
 * - Fail closed: publishing an action nobody subscribes to is a wiring error (the app was not
 *   built, so its side effects would be lost), not a silent no-op.
 *
 * Observers (audit.ts `observeEvents`) are another thing: synchronous, never failing, for
 * in-process caches; subscribers write rows and may fail the write.
 */
import { type EventSubjects, SUBSCRIBABLE_ACTIONS, type SubscribableAction } from '../../common/events.ts';
import { type EventInput, recordEvent, recordEvents } from './audit.ts';
import type { RequestContext } from './context.ts';
import type { Db } from './db.ts';

export type { SubscribableAction };

/** An event as a subscriber receives it: written in the transaction (its id), not yet committed. */
export type Published<A extends SubscribableAction = SubscribableAction> = A extends SubscribableAction
  ? { readonly eventId: number; readonly action: A; readonly subject: EventSubjects[A] }
  : never;

/**
 * An event to write and publish: its audit row, with a declared action, and that action's subject
 * (for a union of actions, a subject of one of them — as `emit` checks it).
 */
export interface Emission<A extends SubscribableAction = SubscribableAction> {
  readonly event: EventInput & { readonly action: A };
  readonly subject: EventSubjects[A];
}

/** A side effect of events: called with the events of its actions, in the writer's transaction. */
export type Subscriber<A extends SubscribableAction> = (
  tx: Db,
  events: readonly Published<A>[],
  ctx: RequestContext,
) => Promise<void>;

type AnySubscriber = (tx: Db, events: readonly Published[], ctx: RequestContext) => Promise<void>;

interface Subscription {
  name: string;
  actions: ReadonlySet<string>;
  handler: AnySubscriber;
}

const DECLARED: ReadonlySet<string> = new Set(SUBSCRIBABLE_ACTIONS);

export class SubscriberRegistry {
  readonly #subscriptions: Subscription[] = [];

  /**
   * Subscribes `handler`, named for errors and listings, to `actions`; returns how to
   * unsubscribe. Subscribing again under the same name with the same handler and actions changes
   * nothing (every app built in one process registers its modules' subscribers); under the same
   * name with anything else is an error.
   */
  subscribe<A extends SubscribableAction>(
    name: string,
    actions: readonly A[],
    handler: Subscriber<A>,
  ): () => void {
    const undeclared = actions.filter((a) => !DECLARED.has(a));
    if (actions.length === 0 || undeclared.length > 0) {
      throw new Error(
        `subscribers: ${name} subscribes to ${undeclared.length ? `undeclared actions ${undeclared.join(', ')} (common/events.ts)` : 'no action'}`,
      );
    }
    const wanted = new Set<string>(actions);
    const existing = this.#subscriptions.find((s) => s.name === name);
    if (existing) {
      const same =
        existing.handler === (handler as unknown as AnySubscriber) &&
        existing.actions.size === wanted.size &&
        [...wanted].every((a) => existing.actions.has(a));
      if (!same)
        throw new Error(`subscribers: ${name} is already subscribed with another handler or actions`);
      return () => this.#remove(existing);
    }
    const subscription: Subscription = {
      name,
      actions: wanted,
      handler: handler as unknown as AnySubscriber,
    };
    this.#subscriptions.push(subscription);
    return () => this.#remove(subscription);
  }

  #remove(subscription: Subscription): void {
    const i = this.#subscriptions.indexOf(subscription);
    if (i >= 0) this.#subscriptions.splice(i, 1);
  }

  /** The names of the subscriptions to `action`, in the order they run. */
  subscribersOf(action: SubscribableAction): string[] {
    return this.#subscriptions.filter((s) => s.actions.has(action)).map((s) => s.name);
  }

  /** Hands written events to their subscribers, in the caller's transaction. */
  async publish(tx: Db, ctx: RequestContext, events: readonly Published[]): Promise<void> {
    for (const e of events) {
      if (!this.#subscriptions.some((s) => s.actions.has(e.action))) {
        throw new Error(
          `subscribers: nobody subscribes to ${e.action} — the modules register theirs where the app is built (server/app.ts)`,
        );
      }
    }
    // A copy: a subscriber that unsubscribes (a test's) does not shift the ones after it.
    for (const s of [...this.#subscriptions]) {
      const mine = events.filter((e) => s.actions.has(e.action));
      if (mine.length > 0) await s.handler(tx, mine, ctx);
    }
  }
}

/** The process's registry: the modules subscribe where the app is built (server/app.ts). */
export const subscribers = new SubscriberRegistry();

export function subscribe<A extends SubscribableAction>(
  name: string,
  actions: readonly A[],
  handler: Subscriber<A>,
): () => void {
  return subscribers.subscribe(name, actions, handler);
}

/** Writes one event (audit.ts `recordEvent`) and runs its subscribers, in `tx`; returns its id. */
export async function emit<A extends SubscribableAction>(
  tx: Db,
  ctx: RequestContext,
  event: EventInput & { readonly action: A },
  subject: EventSubjects[A],
): Promise<number> {
  const eventId = await recordEvent(tx, ctx, event);
  await subscribers.publish(tx, ctx, [{ eventId, action: event.action, subject } as Published]);
  return eventId;
}

/**
 * Writes several events of one actor in one statement (the timer sweeper's batch) and runs their
 * subscribers once for the batch, in `tx`; returns their ids in order.
 */
export async function emitAll<A extends SubscribableAction>(
  tx: Db,
  ctx: RequestContext,
  emissions: readonly Emission<A>[],
): Promise<number[]> {
  const ids = await recordEvents(
    tx,
    ctx,
    emissions.map((e) => e.event),
  );
  await subscribers.publish(
    tx,
    ctx,
    emissions.map((e, i) => ({ eventId: ids[i], action: e.event.action, subject: e.subject }) as Published),
  );
  return ids;
}
