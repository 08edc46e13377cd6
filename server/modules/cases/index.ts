/**
 * Public interface of the cases module: its routes and live stream, the timer loop, the case as
 * the outbox reads it (`caseSummaries`), and what the demo seed needs to write cases as the server
 * does (clock, settings, the pure plan of each transition and its timers, photos, recipients).
 * Its side effects in other modules are their subscribers to its events (common/events.ts).
 */
export { loadClock } from './clock.ts';
export type { CaseSettings } from './config.ts';
export { notificationRows, type RecipientCache, recipientsOf } from './effects.ts';
export { insertCasePhotos, recordPhoto, writePhotoFiles } from './photos.ts';
export {
  dueOf,
  type FilingRecord,
  type FilingStandard,
  filingOutcome,
  type Plan,
  type PlannedLimit,
  planCreation,
  planEffects,
  resumedDue,
  type StageOp,
  type TaskOp,
  timersOf,
} from './plan.ts';
export { type CaseRow, caseIdByCode } from './repository.ts';
export { caseRoutes } from './routes.ts';
export { streamRoutes } from './stream.ts';
export { type CaseSummaries, caseSummaries } from './summary.ts';
export type { Channel } from './tables.ts';
export { startTimerLoop, sweepTimers } from './timers.ts';
