/**
 * The call-back queue's side of the case loop: when a case is closed (`case.close`, in the close's
 * transaction), a call-back is owed to its public reporters — when any report on it came by the
 * hotline or a public channel (common/satisfaction.ts `CALLBACK_CHANNELS`). The case loop knows
 * nothing of this module; it publishes its events and this subscribes
 * (server/platform/subscribers.ts).
 */

import type { Channel } from '../../../common/channels.ts';
import { CALLBACK_CHANNELS } from '../../../common/satisfaction.ts';
import { type Subscriber, subscribe } from '../../platform/subscribers.ts';
import { caseFacts } from '../cases/index.ts';
import { insertCallbacks } from './repository.ts';

const queueCallbacks: Subscriber<'case.close'> = async (tx, events) => {
  const facts = await caseFacts(
    tx,
    events.map((e) => e.subject.caseId),
  );
  const rows = [...facts.values()].flatMap((c) => {
    const channels = [
      ...new Set(c.reports.map((r) => r.channel).filter((ch) => CALLBACK_CHANNELS.includes(ch))),
    ] as Channel[];
    if (channels.length === 0 || !c.closedAt) return [];
    return [
      {
        caseId: c.id,
        caseClosedAt: c.closedAt,
        districtCode: c.districtCode,
        unitId: c.unitId,
        channels,
        createdAt: c.closedAt,
      },
    ];
  });
  await insertCallbacks(tx, rows);
};

/** Subscribes the call-back queue to the closing of cases; called where the app is built (server/app.ts). */
export function registerCallbackSubscribers(): void {
  subscribe('callbacks.queue', ['case.close'], queueCallbacks);
}
