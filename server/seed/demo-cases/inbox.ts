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
  type Row = ReturnType<typeof notificationRows>[number] & {
    createdAt: Date;
    lastAt: Date;
    readAt: Date | null;
    count: number;
    groupKey: string | null;
  };
  const rows: Row[] = [];
  // A group's notices unread together (read at the same moment) count on one row, as live.
  const groups = new Map<string, Row>();
  for (const s of open) {
    for (const n of s.notes) {
      const c = {
        id: s.c.id,
        code: s.c.code,
        state: n.state,
        unitId: n.unitId,
        caseLevel: n.caseLevel,
        checkResult: n.checkResult,
        districtCode: s.c.districtCode,
      } as CaseRow;
      const users = await recipientsOf(tx, c, new Set(n.who), n.actorId, cache);
      // Read by the next person to act once the note exists: a timer's note (a warning fired at
      // its moment) can sit in the sequence before an action that happened earlier than it.
      const readAt =
        s.events.slice(n.next).find((e) => e.actorType === 'user' && e.at.getTime() >= n.at.getTime())?.at ??
        null;
      for (const { group, ...row } of notificationRows(c, users, n.kind, n.group)) {
        const key = group && `${row.userId} ${group} ${readAt?.getTime() ?? 'unread'}`;
        const seen = key ? groups.get(key) : undefined;
        if (seen) {
          Object.assign(seen, { kind: row.kind, params: row.params, lastAt: n.at, count: seen.count + 1 });
          continue;
        }
        const out: Row = { ...row, createdAt: n.at, lastAt: n.at, readAt, count: 1, groupKey: group ?? null };
        rows.push(out);
        if (key) groups.set(key, out);
      }
    }
  }
  return rows;
}
