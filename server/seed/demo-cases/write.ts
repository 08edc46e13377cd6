/**
 * Writing a run's simulated cases: every row in bulk (bulk-insert.ts), never through the HTTP
 * API, in an order the foreign keys and the ids accept, so the case page, timelines and work
 * queues read them like any other case.
 */
import { sql } from 'drizzle-orm';
import { caseFile, caseStage, caseTask, caseTimer, event, notification, report } from '../../db-schema.ts';
import { insertCasePhotos } from '../../modules/cases/index.ts';
import type { Db } from '../../platform/db.ts';
import { insertJson } from './bulk-insert.ts';
import type { CaseSim } from './case-sim.ts';
import { demoInbox } from './inbox.ts';
import { TERMINAL } from './mix.ts';
import { stepPhotoLinks } from './photo-links.ts';

/** Writes the cases with their reports, stages, tasks, timers, events, photo links and inbox. */
export async function writeCases(tx: Db, sims: readonly CaseSim[]) {
  const timers = sims.flatMap((s) => s.timers);
  const events = sims.flatMap((s) => s.events).sort((a, b) => a.at.getTime() - b.at.getTime());

  const caseRows = sims.map((s) => ({
    important: false,
    actFirst: false,
    caseLevel: 'district',
    reworkCount: 0,
    urgeCount: 0,
    urgency: 'normal',
    ...s.c,
  }));
  await insertJson(tx, caseFile, caseRows);
  await insertJson(
    tx,
    report,
    sims.flatMap((s) => s.reports),
  );
  await insertJson(
    tx,
    caseStage,
    sims.flatMap((s) => s.stages),
  );
  await insertJson(
    tx,
    caseTask,
    sims.flatMap((s) => s.tasks),
  );
  // Timer ids are identities: take a block of them first, so the fired events can name their timer.
  const ids = (
    (await tx.execute(
      sql`SELECT nextval(pg_get_serial_sequence('case_timer', 'id'))::bigint AS id FROM generate_series(1, ${timers.length})`,
    )) as unknown as { rows: { id: string }[] }
  ).rows.map((r) => Number(r.id));
  timers.forEach((x, k) => {
    x.id = ids[k];
    if (x.event) x.event.after.timerId = ids[k];
  });
  await insertJson(tx, caseTimer, timers, 'OVERRIDING SYSTEM VALUE');
  // In time order, so event ids (the timeline's order) follow the story.
  await insertJson(
    tx,
    event,
    events.map((e, ord) => ({ ...e, ord })),
    '',
    'ord',
  );
  // The photos the steps name, attached to their case as act() does (the reports' photos were
  // attached by the trigger on report, on the case each report belongs to in the end).
  await insertCasePhotos(tx, stepPhotoLinks(events));
  const inbox = await demoInbox(
    tx,
    sims.filter((s) => !TERMINAL.has(s.c.state)),
  );
  await insertJson(tx, notification, inbox);
  return { events: events.length, timers: timers.length, notifications: inbox.length };
}
