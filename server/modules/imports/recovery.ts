/**
 * Import jobs and crashes. A job runs inside the process that accepted the upload; if that
 * process dies, its row would say "validating" for ever. So every job carries its owner (this
 * process's INSTANCE_ID) and a lease (`lease_until`) that a heartbeat renews every
 * HEARTBEAT_MS while the job runs. Nothing is written before the single write transaction,
 * and that transaction commits the data together with the job's final state — so a job whose
 * lease ran out without a final state wrote nothing, and can be failed with "run it again".
 * (A gazetteer import stages its rows first and applies them after its commit: the staged rows
 * of a failed job are deleted and those of a succeeded one applied by `settleStagedPlaces`.)
 *
 * Who fails it: every process at start (onReady, so `app.ready()` means it is done) and then
 * every RECOVERY_INTERVAL_MS (main.ts), claiming expired rows with FOR UPDATE SKIP LOCKED like
 * the case timers: with several processes on one PostgreSQL each stale job is failed once, and
 * a live job is never touched — its lease is fresh, and while it writes, its write
 * transaction holds the row lock (service.ts claims the row first), which SKIP LOCKED passes by.
 * A process that resumes after its job was failed (a stall longer than the lease) finds the
 * row no longer running and writes nothing.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type SQL, sql } from 'drizzle-orm';
import { type EventInput, recordEvents } from '../../platform/audit.ts';
import { systemContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { everyInterval } from '../../platform/periodic.ts';
import type { App } from '../../platform/types.ts';
import { applyStagedPlaces, dropStagedPlaces, stagedPlaceJobs } from '../geo/index.ts';
import { err, type ReportRow } from './report.ts';
import * as repo from './repository.ts';

/** This process, as recorded in `import_job.owner`: host, pid and a random part (pids repeat). */
export const INSTANCE_ID = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
/** How long a claim lasts without a heartbeat; four missed heartbeats before a job is given up. */
export const LEASE_SECONDS = 60;
export const HEARTBEAT_MS = 15_000;
export const RECOVERY_INTERVAL_MS = 30_000;
/** Jobs from before leases existed (lease_until null) count as expired this long after creation. */
const LEGACY_GRACE = sql.raw(`interval '15 minutes'`);

/** `now() + lease`, on the database clock so that the nodes' clocks do not matter. */
export const leaseFromNow = (): SQL => sql.raw(`now() + interval '${LEASE_SECONDS} seconds'`);

export const INTERRUPTED = {
  rule: 'interrupted',
  zh: '导入因服务重启而中断；未写入任何数据——请重新导入',
  en: 'interrupted by a restart; nothing was written — run the import again',
};

/** Renews the job's lease every HEARTBEAT_MS until the returned stop function is called. */
export function keepLease(db: Db, jobId: string, onError?: (err: unknown) => void): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout;
  const schedule = () => {
    timer = setTimeout(beat, HEARTBEAT_MS);
    timer.unref();
  };
  const beat = async () => {
    try {
      await repo.renewLease(db, jobId, INSTANCE_ID, leaseFromNow());
    } catch (e) {
      // The lease has slack for several missed beats; the next one tries again.
      onError?.(e);
    }
    if (!stopped) schedule();
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

interface Reaped {
  id: string;
  kind: string;
  file_name: string;
  owner: string | null;
  lease_until: string | Date | null;
  total: number;
  processed: number;
  district_code: string | null;
}

/**
 * Fails every job still validating/writing whose lease has run out, with the reason in its
 * report and one `import.fail` event per job by the system actor, in one transaction.
 * Answers the IDs of the jobs it failed.
 */
export async function failInterruptedImports(db: Db, limit = 100): Promise<string[]> {
  const report: ReportRow[] = [
    { row: 0, id: null, ok: false, findings: [err(INTERRUPTED.rule, INTERRUPTED.zh, INTERRUPTED.en)] },
  ];
  return db.transaction(async (tx) => {
    const res = await tx.execute(sql`
      UPDATE import_job j SET status = 'failed', finished_at = now(), report = ${JSON.stringify(report)}::jsonb,
        summary = jsonb_build_object('rows', j.total, 'processed', j.processed, 'errors', 1, 'written', 0,
          'interrupted', true, 'owner', j.owner, 'reason_zh', ${INTERRUPTED.zh}::text,
          'reason_en', ${INTERRUPTED.en}::text)
      WHERE j.id IN (
        SELECT id FROM import_job
        WHERE status IN ('validating', 'writing')
          AND coalesce(lease_until, created_at + ${LEGACY_GRACE}) < now()
        ORDER BY created_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING j.id, j.kind, j.file_name, j.owner, j.lease_until, j.total, j.processed,
        -- Like a failure the job reports itself: the district of a district centre's job.
        (SELECT o.district_code FROM org o
          WHERE o.kind = 'district_center' AND o.id = coalesce(
            (SELECT u.org_id FROM app_user u WHERE u.id::text = j.created_by),
            (SELECT k.org_id FROM api_key k WHERE k.id::text = j.created_by))) AS district_code`);
    const rows = (res as unknown as { rows: Reaped[] }).rows;
    const events: EventInput[] = rows.map((r) => ({
      action: 'import.fail',
      entityType: 'import_job',
      entityId: r.id,
      districtCode: r.district_code,
      reason: INTERRUPTED.en,
      after: {
        kind: r.kind,
        fileName: r.file_name,
        status: 'failed',
        rows: Number(r.total),
        processed: Number(r.processed),
        errors: 1,
        written: 0,
        interrupted: true,
        owner: r.owner,
        leaseUntil: r.lease_until === null ? null : new Date(r.lease_until).toISOString(),
        rules: [INTERRUPTED.rule],
      },
    }));
    await recordEvents(tx, systemContext('import-recovery'), events);
    return rows.map((r) => r.id);
  });
}

/**
 * Staged gazetteer rows (geo's place_stage) left by a job that is no longer running: a succeeded
 * job's (its process stopped while applying them after the commit) are applied, a failed or
 * unknown job's are deleted, each in short batches. A running job's are its own. Answers how
 * many rows were applied and dropped.
 */
export async function settleStagedPlaces(db: Db): Promise<{ applied: number; dropped: number }> {
  let applied = 0;
  let dropped = 0;
  for (const jobId of await stagedPlaceJobs(db)) {
    const job = await repo.findJob(db, jobId);
    if (job && (job.status === 'validating' || job.status === 'writing')) continue;
    const step = job?.status === 'succeeded' ? applyStagedPlaces : dropStagedPlaces;
    for (let n = await step(db, jobId); n > 0; n = await step(db, jobId)) {
      if (step === applyStagedPlaces) applied += n;
      else dropped += n;
      await repo.breathe();
    }
  }
  return { applied, dropped };
}

function settleInBackground(app: App) {
  void settleStagedPlaces(app.db).then(
    (r) => {
      if (r.applied || r.dropped) app.log.warn(r, 'staged gazetteer rows of finished import jobs settled');
    },
    (e) => app.log.error({ err: e }, 'settling staged gazetteer rows failed'),
  );
}

function logFailed(app: App, ids: string[]) {
  if (ids.length) app.log.warn({ jobs: ids }, 'import jobs interrupted by a restart were marked failed');
}

/** At start: fail what a previous process left running (an error is logged, never blocks the start). */
export function installImportRecovery(app: App) {
  app.addHook('onReady', async () => {
    try {
      logFailed(app, await failInterruptedImports(app.db));
    } catch (e) {
      app.log.error({ err: e }, 'failing interrupted import jobs failed');
    }
    // Not awaited: a crash's leftovers may take a while to apply, and never block the start.
    settleInBackground(app);
  });
}

/**
 * Every `intervalMs`: a job whose process died while this one was already running (another
 * node, or a restart quicker than the lease) is failed once its lease runs out. The returned
 * stop function waits for a round in flight.
 */
export function startImportRecoveryLoop(app: App, intervalMs = RECOVERY_INTERVAL_MS): () => Promise<void> {
  return everyInterval(intervalMs, () =>
    failInterruptedImports(app.db)
      .then((ids) => logFailed(app, ids))
      .catch((e) => app.log.error({ err: e }, 'failing interrupted import jobs failed'))
      .then(() => settleStagedPlaces(app.db))
      .then((r) => {
        if (r.applied || r.dropped) app.log.warn(r, 'staged gazetteer rows of finished import jobs settled');
      })
      .catch((e) => app.log.error({ err: e }, 'settling staged gazetteer rows failed')),
  );
}
