/**
 * Public interface of the cases module: its routes and live stream, the timer loop, and what the
 * demo seed needs to write cases as the server does (clock, settings, the pure plan of each
 * transition and its timers, photos, recipients).
 */
export { loadClock } from './clock.ts';
export type { CaseSettings } from './config.ts';
export { notificationRows, type RecipientCache, recipientsOf } from './effects.ts';
export { insertCasePhotos, recordPhoto, writePhotoFiles } from './photos.ts';
export {
  currentWarnAt,
  dueOf,
  type Plan,
  type PlannedLimit,
  planCreation,
  planEffects,
  resumedDue,
  type StageOp,
  type TaskOp,
  timersOf,
} from './plan.ts';
export type { CaseRow } from './repository.ts';
export { caseRoutes } from './routes.ts';
export { centreRoutes } from './routes-centre.ts';
export { streamRoutes } from './stream.ts';
export { caseSummaries } from './summary.ts';
export type { Channel } from './tables.ts';
export { startTimerLoop, sweepTimers } from './timers.ts';
