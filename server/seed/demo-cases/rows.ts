/**
 * The rows one simulated case collects in memory, shaped like the Drizzle inserts they become
 * (write.ts), with the few extra fields the simulation needs while it runs.
 */
import type { CaseState, Notify } from '../../../common/workflow.ts';
import type { caseStage, event } from '../../db-schema.ts';

/** A stage with its clock filled in (the table leaves some of these to defaults). */
export type StageSim = typeof caseStage.$inferInsert & {
  id: string;
  startedAt: Date;
  dueAt: Date;
  limitAmount: number;
  limitUnit: string;
};

/** A timer; `id` is given at write time (an identity), `event` is the fired event's body that names it. */
export interface TimerSim {
  id?: number;
  caseId: string;
  stageId: string;
  kind: 'warning' | 'overdue';
  fireAt: Date;
  firedAt: Date | null;
  event?: { after: Record<string, unknown> };
}

/** An event with its time set (the seed writes the past; the table's default is now()). */
export type EventRow = typeof event.$inferInsert & { at: Date };

/** A notification the live loop would have written: its cause, the case as it was, and who acted. */
export interface NoteSim {
  at: Date;
  kind: string;
  who: Notify[];
  state: CaseState;
  unitId: string | null;
  caseLevel: 'district' | 'city';
  actorId: string | null;
  /** Index of the first event after the cause (the next user event there "reads" it). */
  next: number;
}
