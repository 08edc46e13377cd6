/**
 * Public interface of the cases module: its routes and live stream topic, the timer loop, the case
 * as the outbox reads it (`caseSummaries`), the case as the call-back queue and the hotline read it
 * (`caseFacts`, `reportsByPhone`) and its reopening after a dissatisfied reporter (`reopenCase`),
 * intake for other channels (`createReport`, with its duplicate check), notes on a case's timeline
 * (`addCaseNote`, `caseStandings`), the public view of reports for open interfaces
 * (`publicReports`), what the public portal may show of a report (public-view.ts: its public steps
 * and result photos, recent public cases nearby), and what the demo seed needs to write cases as
 * the server does (clock, settings, the pure plan of each transition and its timers, photos,
 * recipients).
 * Its side effects in other modules are their subscribers to its events (common/events.ts).
 */
import { caseFile, caseStage, report } from './tables.ts';

export { normaliseAddress } from './address.ts';
export { loadClock } from './clock.ts';
export type { CaseSettings } from './config.ts';
export type { CaseSummaryDto } from './dto.ts';
export { type AddressLocation, locateAddress } from './duplicates.ts';
export { notificationRows, type RecipientCache, recipientsOf, stageNoticeGroup } from './effects.ts';
export {
  type CallerReportFacts,
  type CaseFacts,
  type CaseReportFacts,
  caseFacts,
  reportsByPhone,
} from './facts.ts';
export { createReport, type IntakeInput, type Spatial } from './intake-service.ts';
export {
  addCaseNote,
  type CaseNote,
  type CaseStanding,
  caseStandings,
  type SensorCaseNote,
} from './notes.ts';
// Another channel asking which open case a message is about (online opinion): the open cases
// near a point, the one a link may name, and the case a report made for a message is on.
export {
  caseCodeFor,
  caseOfReport,
  type OpenCasesNearQuery,
  openCaseFor,
  openCasesNear,
} from './open-cases.ts';
export {
  insertCasePhotos,
  PHOTO_HEADERS,
  PHOTO_MAX_BYTES,
  type PhotoFile,
  recordPhoto,
  writePhotoFiles,
} from './photos.ts';
export {
  currentWarnAt,
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
export { canSeeCase, REPORTER_CONTACT_ROLES, seesReporterContact } from './policy.ts';
export {
  type PublicReportFilter,
  type PublicReportRecord,
  publicReportIdByTrackingCode,
  publicReports,
} from './public-requests.ts';
export {
  publicStepsOf,
  recentPublicCases,
  reportByTrackingCode,
  resultPhotosOf,
  storedPhoto,
} from './public-view.ts';
export { type ReopenRequest, reopenCase } from './reopen.ts';
export { type CaseRow, caseIdByCode, type ReportRow } from './repository.ts';
export { caseRoutes } from './routes.ts';
export { centreRoutes } from './routes-centre.ts';
export { CaseSummary, CrsT, type ReportCreateT } from './schemas.ts';
export { caseLiveTopic } from './stream.ts';
export { type CaseSummaries, caseSummaries } from './summary.ts';
export type { Channel } from './tables.ts';
/**
 * The case loop's tables the evaluation (综合评价) joins in SQL, READ-ONLY: its indicators count
 * cases, stages and reports of a period in one query each (docs/ARCHITECTURE.md, "Module
 * boundaries"). Nothing outside this module writes them.
 */
export const evaluationReads = { caseFile, caseStage, report } as const;
export { startTimerLoop, sweepTimers } from './timers.ts';
