/**
 * The classifier's side of the case loop: every filing (`case.file`) teaches it the case's words
 * with the type they were filed under, in the filing's transaction (platform/subscribers.ts). The
 * case loop publishes what was filed in the event's subject (common/events.ts `FilingSubject`)
 * and knows nothing of the classifier.
 */
import { type Subscriber, subscribe } from '../../platform/subscribers.ts';
import { learnFromFiling } from './service.ts';

const learn: Subscriber<'case.file'> = async (tx, events, ctx) => {
  for (const e of events) {
    await learnFromFiling(tx, ctx, { caseId: e.subject.caseId, ...e.subject.filed });
  }
};

/** Subscribes the classifier to filings; called where the app is built (server/app.ts). */
export function registerClassifierSubscribers(): void {
  subscribe('classifier.learn', ['case.file'], learn);
}
