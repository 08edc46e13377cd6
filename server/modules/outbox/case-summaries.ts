/**
 * What the outbox reads of a case: its code (for delivery listings) and the summary a unit's
 * system receives. The cases module provides it and server/app.ts wires it in when the app is
 * built: the case loop enqueues deliveries through this module's index, so the outbox may not
 * import cases back (the module graph has no cycles; server/boundaries.test.ts).
 */
import type { Db } from '../../platform/db.ts';

export interface CaseSummaries {
  /** The case's code, or undefined when there is no such case. */
  codeOf(db: Db, caseId: string): Promise<string | undefined>;
  /** The case as a unit's system sees it when a delivery is sent, or null when it is gone. */
  summaryOf(db: Db, caseId: string): Promise<Record<string, unknown> | null>;
}

let provided: CaseSummaries | undefined;

export function provideCaseSummaries(summaries: CaseSummaries): void {
  provided = summaries;
}

export function caseSummaries(): CaseSummaries {
  // A programming error (buildApp wires it before any route or worker runs), not a user's.
  if (!provided) throw new Error('outbox: no case summaries provided (server/app.ts wires them in)');
  return provided;
}
