/**
 * Notes on a case from another part of the platform (`case.note`): an event on the case's timeline
 * that changes nothing in the loop — no state, clock or queue — and tells nobody (the case page's
 * live stream shows it). Today a sensor's readings write them: readings that clear the alarm its
 * case was raised for, a new breach while that case is still open, the device going offline and
 * coming back. A note carries data, not words: the web client words it in the reader's language.
 *
 * A case merged into another is followed to the one it was merged into: what a sensor says about
 * its problem belongs where the problem is handled now.
 */
import { inArray } from 'drizzle-orm';
import type { SensorNoteEvent } from '../../../common/sensors.ts';
import { OPEN_STATES } from '../../../common/workflow.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { emit } from '../../platform/subscribers.ts';
import { caseFile } from './tables.ts';

/** What a sensor says on a case: which device, which condition, what happened and the reading. */
export interface SensorCaseNote {
  source: 'sensor';
  event: SensorNoteEvent;
  deviceId: string;
  deviceCode: string;
  deviceName: string;
  condition: string;
  /** The reading's field and value (null for offline/online). */
  field: string | null;
  value: number | null;
  unit: string | null;
  /** The rule's threshold and clear level when the note is about a reading. */
  threshold: number | null;
  clearLevel: number | null;
  /** When it happened: the reading's time, or when the sweep found the device silent. */
  at: string;
}

export type CaseNote = SensorCaseNote;

/** Where a case stands now: itself, or the case it was merged into (followed to the end). */
export interface CaseStanding {
  /** The case the note goes on: the given one, or the one it was merged into. */
  id: string;
  code: string;
  state: string;
  districtCode: string;
  /** The unit it is dispatched to now (with the district: who may see it, `canSeeCase`). */
  unitId: string | null;
  open: boolean;
}

const OPEN = new Set<string>(OPEN_STATES);

/**
 * Where each of these cases stands now (merges followed, at most 10 hops): for deciding whether
 * a condition's earlier case is still open. Ids not found are missing from the answer.
 */
export async function caseStandings(db: Db, ids: readonly string[]): Promise<Map<string, CaseStanding>> {
  const out = new Map<string, CaseStanding>();
  if (ids.length === 0) return out;
  const rows = new Map<string, typeof caseFile.$inferSelect>();
  let wanted = [...new Set(ids)];
  for (let hop = 0; hop < 10 && wanted.length > 0; hop++) {
    const found = await db.select().from(caseFile).where(inArray(caseFile.id, wanted));
    for (const r of found) rows.set(r.id, r);
    wanted = found.map((r) => r.mergedInto).filter((m): m is string => !!m && !rows.has(m));
  }
  for (const id of new Set(ids)) {
    let c = rows.get(id);
    for (let hop = 0; c?.mergedInto && rows.has(c.mergedInto) && hop < 10; hop++) c = rows.get(c.mergedInto);
    if (!c) continue;
    out.set(id, {
      id: c.id,
      code: c.code,
      state: c.state,
      districtCode: c.districtCode,
      unitId: c.unitId,
      open: OPEN.has(c.state),
    });
  }
  return out;
}

/**
 * Writes a note on the case (or the case it was merged into), in the caller's transaction, as
 * `ctx`'s actor. Returns where the case stands, or null when there is no such case.
 */
export async function addCaseNote(
  tx: Db,
  ctx: RequestContext,
  caseId: string,
  note: CaseNote,
): Promise<CaseStanding | null> {
  const standing = (await caseStandings(tx, [caseId])).get(caseId);
  if (!standing) return null;
  await emit(
    tx,
    ctx,
    {
      action: 'case.note',
      entityType: 'case',
      entityId: standing.id,
      districtCode: standing.districtCode,
      // `state` unchanged: the live stream's frame and the timeline read the case's state from it.
      after: { state: standing.state, code: standing.code, note },
    },
    { caseId: standing.id, deliverTo: null, notices: [] },
  );
  return standing;
}
