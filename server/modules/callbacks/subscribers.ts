/**
 * The call-back queue's side of the case loop: when a case is closed (`case.close`, in the close's
 * transaction), a call-back is owed to each of its public reporters — every report on it (its own
 * and those merged into it) that came by the hotline or a public channel (common/satisfaction.ts
 * `CALLBACK_CHANNELS`) with a phone number. A reporter who left none cannot be called: no entry an
 * operator could only ever mark "not reached" (they still rate on the portal with their tracking
 * code). The case loop knows nothing of this module; it publishes its events and this subscribes
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
    const publicReports = c.reports.filter((r) => CALLBACK_CHANNELS.includes(r.channel));
    if (publicReports.length === 0 || !c.closedAt) return [];
    const channels = [...new Set(publicReports.map((r) => r.channel))] as Channel[];
    const called = publicReports.filter((r) => r.reporterPhone?.trim());
    return called.map((r) => ({
      caseId: c.id,
      caseClosedAt: c.closedAt!,
      reportId: r.id,
      districtCode: c.districtCode,
      unitId: c.unitId,
      channels,
      createdAt: c.closedAt!,
    }));
  });
  await insertCallbacks(tx, rows);
};

/** Subscribes the call-back queue to the closing of cases; called where the app is built (server/app.ts). */
export function registerCallbackSubscribers(): void {
  subscribe('callbacks.queue', ['case.close'], queueCallbacks);
}
