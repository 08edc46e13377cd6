/**
 * The inbox of the demo: for the cases still open, the notifications the live loop would have
 * written on the way (intake → acceptors, each transition's `notify`, each fired warning/overdue
 * timer), to the same recipients (cases `recipientsOf`) at the time of their cause. One the case
 * has since moved past (someone acted on it afterwards) is read at that moment; the rest are
 * unread.
 */
import {
  type CaseRow,
  notificationRows,
  type RecipientCache,
  recipientsOf,
} from '../../modules/cases/index.ts';
import type { Db } from '../../platform/db.ts';
import type { CaseSim } from './case-sim.ts';

/**
 * The inbox rows of the open cases' notes, to the recipients the live loop picks (recipientsOf,
 * memoized for the whole seed: a few queries), each read when the case next moved on.
 */
export async function demoInbox(tx: Db, open: readonly CaseSim[]) {
  const cache: RecipientCache = new Map();
  const rows: (ReturnType<typeof notificationRows>[number] & { createdAt: Date; readAt: Date | null })[] = [];
  for (const s of open) {
    for (const n of s.notes) {
      const c = {
        id: s.c.id,
        code: s.c.code,
        state: n.state,
        unitId: n.unitId,
        caseLevel: n.caseLevel,
        districtCode: s.c.districtCode,
      } as CaseRow;
      const users = await recipientsOf(tx, c, new Set(n.who), n.actorId, cache);
      const readAt = s.events.slice(n.next).find((e) => e.actorType === 'user')?.at ?? null;
      for (const row of notificationRows(c, users, n.kind)) rows.push({ ...row, createdAt: n.at, readAt });
    }
  }
  return rows;
}
