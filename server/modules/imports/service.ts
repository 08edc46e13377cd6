/**
 * Imports of divisions, grids, components and places (the gazetteer), all or nothing:
 *   parse the file → choose the CRS → validate every row (nothing written yet) → if any row has
 *   an error, the job fails with its report; otherwise one transaction writes every row and ONE
 *   audit event with the counts (places: the rows are staged first in short batches, the one
 *   transaction commits the job and its event, then the staged rows are applied a batch per
 *   transaction — see the places branch of runImport) (a grid import's event, action `geo.import` on entity type
 *   `grid`, tells the geo service to rebuild its spatial index). A failed job writes no data and
 *   ONE event `import.fail` on entity type `import_job` with its summary and the rules broken.
 * Parsing and validation run in a worker thread (runner.ts, validate.ts) within the limits of the
 * `imports.limits` setting; the main thread answers its store queries and writes.
 * Progress lives in the import_job row (processed/total, updated while validating) and, while
 * the write transaction runs, in memory here (PGlite has one connection, busy with that write).
 * The row also names the process running the job and a lease its heartbeat renews; a job whose
 * process died is failed as interrupted by the next start or sweep (recovery.ts).
 */

import type { AuditAction, AuditEntityType } from '../../../common/audit-vocabulary.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { type BulkComponent, insertComponentsBulk, maxSequences } from '../components/index.ts';
import { applyStagedPlaces, buildComponentId, dropStagedPlaces, stagePlaces } from '../geo/index.ts';
import { getSetting } from '../settings/index.ts';
import { managedExtent } from './extent.ts';
import { countVertices, jsonDeeperThan, tooDeep } from './limits.ts';
import { canImport, canReadJobs, type ImportKind, jobRead } from './policy.ts';
import { INSTANCE_ID, INTERRUPTED, keepLease, leaseFromNow } from './recovery.ts';
import type { ImportMode, ReportRow } from './report.ts';
import * as repo from './repository.ts';
import { breathe, writeBatches } from './repository.ts';
import { ImportStopped, validateInWorker } from './runner.ts';
import { sourceFormatOf } from './source.ts';
import { cityExtent } from './store.ts';
import { fileFinding } from './validate.ts';

export interface ImportInput {
  kind: ImportKind;
  fileName: string;
  data: Buffer;
  /** 'detect' (default) or a CRS name / EPSG code. */
  crs?: string;
  mode?: ImportMode;
}

/** The audit event of a successful import, by kind. */
const IMPORT_EVENT: Record<ImportKind, { action: AuditAction; entityType: AuditEntityType }> = {
  divisions: { action: 'geo.import', entityType: 'division' },
  grids: { action: 'geo.import', entityType: 'grid' },
  components: { action: 'component.import', entityType: 'component' },
  places: { action: 'place.import', entityType: 'place' },
};

const live = new Map<string, { status: repo.ImportJobRow['status']; processed: number; total: number }>();

export function toJobSummary(row: Omit<repo.ImportJobRow, 'report' | 'owner' | 'leaseUntil'>) {
  const l = live.get(row.id);
  return {
    id: row.id,
    kind: row.kind,
    fileName: row.fileName,
    format: row.format,
    crs: row.crs,
    status: l?.status ?? row.status,
    total: l?.total ?? row.total,
    processed: l?.processed ?? row.processed,
    summary: (row.summary ?? null) as Record<string, unknown> | null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt ? row.finishedAt.toISOString() : null,
  };
}

export function toJobDto(row: repo.ImportJobRow) {
  return { ...toJobSummary(row), report: (row.report ?? []) as ReportRow[] };
}
export type ImportJobDto = ReturnType<typeof toJobDto>;

/** Jobs still running, by the signal that stops them (one per app: routes.ts). */
const inFlight = new WeakMap<AbortSignal, Set<Promise<unknown>>>();

/**
 * Waits for every job started with `signal` to be finished. Once the signal is aborted (the app
 * is closing), validations still running end at once and their jobs fail as interrupted; a job
 * already writing completes its transaction.
 */
export async function importsSettled(signal: AbortSignal): Promise<void> {
  await Promise.allSettled([...(inFlight.get(signal) ?? [])]);
}

/**
 * Creates the job row and answers it together with the promise of the finished job. Aborting
 * `signal` stops the job's validation (it fails as interrupted, nothing written).
 */
export async function startImport(db: Db, ctx: RequestContext, input: ImportInput, signal?: AbortSignal) {
  if (!canImport(ctx.actor, input.kind)) throw new AppError('FORBIDDEN');
  const format = sourceFormatOf(input.fileName, input.data);
  // A hostile nesting is refused before anything reads it deeply (the worker checks again, for
  // the GeoJSON files inside a zip).
  if (format === 'geojson' && jsonDeeperThan(input.data)) {
    const e = tooDeep();
    throw new AppError('UNPROCESSABLE', { zh: e.zh, en: e.en, details: [{ field: 'file', message: e.en }] });
  }
  const job = await repo.insertJob(
    db,
    {
      kind: input.kind,
      fileName: input.fileName.slice(0, 200),
      format,
      crs: input.crs && input.crs !== 'detect' ? input.crs : null,
      status: 'validating',
      createdBy: ctx.actor.id ?? ctx.actor.name,
      owner: INSTANCE_ID,
    },
    leaseFromNow(),
  );
  const stopLease = keepLease(db, job.id);
  const done = runImport(db, ctx, job, input, signal)
    .catch(async (e) => {
      live.delete(job.id);
      if (e instanceof ImportStopped) {
        const report = fileFinding(INTERRUPTED.zh, INTERRUPTED.en, INTERRUPTED.rule);
        return finishFailed(db, ctx, job.id, input, report, { errors: 1, written: 0, interrupted: true });
      }
      const report = fileFinding(
        '导入时发生内部错误',
        `internal error during import: ${(e as Error).message}`,
        'internal',
      );
      return finishFailed(db, ctx, job.id, input, report, { errors: 1, written: 0, internal: true });
    })
    .finally(stopLease);
  if (signal) {
    const jobs = inFlight.get(signal) ?? new Set();
    inFlight.set(signal, jobs);
    jobs.add(done);
    void done.finally(() => jobs.delete(done)).catch(() => {});
  }
  return { job, done };
}

/**
 * A failed import writes no data, but the call was a write (its job is kept with the report), so
 * it leaves exactly one event saying it failed, in the same transaction as the job's final state.
 * Its entity type is the job, not grids or components, so nothing rebuilds a spatial index.
 */
async function finishFailed(
  db: Db,
  ctx: RequestContext,
  jobId: string,
  input: ImportInput,
  report: ReportRow[],
  summary: Record<string, unknown>,
  crs?: string,
) {
  const scope = ctx.actor.scope;
  await db.transaction(async (tx) => {
    const updated = await repo.updateJob(tx, jobId, {
      status: 'failed',
      report,
      summary,
      crs,
      finishedAt: new Date(),
    });
    // Already failed as interrupted (its lease ran out meanwhile): that event stands alone.
    if (!updated) return;
    await recordEvent(tx, ctx, {
      action: 'import.fail',
      entityType: 'import_job',
      entityId: jobId,
      districtCode: scope.kind === 'district' ? scope.districtCode : null,
      after: {
        kind: input.kind,
        fileName: input.fileName,
        status: 'failed',
        ...summary,
        rules: [
          ...new Set(
            report.flatMap((r) => r.findings.filter((f) => f.severity === 'error').map((f) => f.rule)),
          ),
        ],
      },
    });
  });
  return (await repo.findJob(db, jobId))!;
}

async function runImport(
  db: Db,
  ctx: RequestContext,
  job: repo.ImportJobRow,
  input: ImportInput,
  signal?: AbortSignal,
) {
  const mode = input.mode ?? 'insert';
  let total = 0;
  let processed = 0;
  let lastWrite = 0;
  const city = await cityExtent(db);
  const v = await validateInWorker(
    db,
    {
      kind: input.kind,
      fileName: input.fileName,
      data: input.data,
      crs: input.crs,
      mode,
      actor: ctx.actor,
      extent: managedExtent(city),
      cityExtent: city,
      limits: await getSetting(db, 'imports.limits'),
    },
    {
      parsed: async (info) => {
        total = info.total;
        await repo.updateJob(db, job.id, { total: info.total, crs: info.crs, format: info.format });
      },
      progress: async (n) => {
        processed = Math.max(processed, n);
        if (processed === total || Date.now() - lastWrite > 200) {
          lastWrite = Date.now();
          await repo.updateJob(db, job.id, { processed });
        }
      },
    },
    signal,
  );
  if (!v.ok || !v.plan) return finishFailed(db, ctx, job.id, input, v.report, v.summary, v.crs);
  total = v.total;
  const report = v.report;
  const summaryBase = v.summary;
  const plan = v.plan;
  live.set(job.id, { status: 'writing', processed: 0, total });
  const districts = new Set<string>();
  let extra: Record<string, unknown> = {};
  // A gazetteer of a city's size (300,000 places, millions of grams) is staged in short batches
  // and applied after the commit, a batch per transaction: one long write transaction would hold
  // PGlite's only connection — every other request — for minutes.
  let staged = false;
  try {
    if (plan.kind === 'places') {
      try {
        let done = 0;
        for (const rows of writeBatches(plan.rows, () => 1, STAGE_BATCH)) {
          await breathe();
          await stagePlaces(db, job.id, rows);
          done += rows.length;
          live.set(job.id, { status: 'writing', processed: Math.floor(done / 2), total });
        }
      } catch (e) {
        await dropStaged(db, job.id);
        throw e;
      }
      staged = true;
      for (const p of plan.rows) districts.add(p.districtCode);
    }
    await db.transaction(async (tx) => {
      // Lock the job's row for the whole write, and make sure it was not given up meanwhile.
      if (!(await repo.claimForWrite(tx, job.id, INSTANCE_ID, leaseFromNow()))) {
        throw new Error('the job was failed as interrupted before it could write (its lease ran out)');
      }
      if (plan.kind === 'divisions') {
        await repo.writeDivisions(tx, plan.rows, mode === 'replace');
        for (const p of plan.rows) districts.add(p.code.slice(0, 6));
      } else if (plan.kind === 'grids') {
        const removed = await repo.writeGrids(tx, plan.rows, plan.communities, mode === 'replace');
        const moved =
          mode === 'replace' ? await repo.reassignComponentGrids(tx, plan.communities, plan.rows) : 0;
        extra = { removedGrids: removed.length, componentsRegridded: moved };
        for (const p of plan.rows) districts.add(p.communityCode.slice(0, 6));
      } else if (plan.kind === 'places') {
        // Staged above; applied below, after this transaction commits the job.
      } else {
        const seq = await maxSequences(tx);
        // Report rows by row number: a long report lists only rows with findings (validate.ts).
        const reportRow = new Map(report.map((r) => [r.row, r]));
        const rows: BulkComponent[] = [];
        for (const [k, p] of plan.rows.entries()) {
          let id = p.id;
          if (!id) {
            const prefix = p.district_code + p.type_code;
            const next = (seq.get(prefix) ?? 0) + 1;
            seq.set(prefix, next);
            id = buildComponentId(p.district_code, p.type_code, next);
            // No row has an error here, so every row has its plan entry: row k + 1 is plan k.
            const r = reportRow.get(k + 1);
            if (r) r.id = id;
          }
          districts.add(p.district_code);
          rows.push({ ...p, id });
          if (k % 20_000 === 19_999) await breathe();
        }
        let written = 0;
        for (const batch of writeBatches(rows, (r) => countVertices(r.geometry), 500)) {
          await breathe();
          await insertComponentsBulk(tx, batch, { upsert: mode === 'replace', batchSize: batch.length });
          written += batch.length;
          live.set(job.id, { status: 'writing', processed: written, total });
        }
      }
      await breathe();
      const ds = [...districts];
      await recordEvent(tx, ctx, {
        // A gazetteer import is not geometry: `place.import` leaves the spatial index alone.
        action: IMPORT_EVENT[input.kind].action,
        entityType: IMPORT_EVENT[input.kind].entityType,
        entityId: job.id,
        districtCode: ds.length === 1 ? ds[0] : null,
        after: {
          kind: input.kind,
          fileName: input.fileName,
          ...summaryBase,
          written: total,
          districts: ds,
          ...extra,
        },
      });
      await repo.updateJob(tx, job.id, {
        status: 'succeeded',
        processed: total,
        report,
        summary: { ...summaryBase, written: total, districts: ds, ...extra },
        finishedAt: new Date(),
      });
    });
    if (staged) {
      // Committed: from here the rows are applied whatever happens — by this loop, or after a
      // crash by the recovery sweep (recovery.ts settleStagedPlaces). Each batch replaces its
      // places and their grams in one short transaction.
      let applied = 0;
      for (let n = await applyStagedPlaces(db, job.id, APPLY_BATCH); n > 0; ) {
        applied += n;
        live.set(job.id, { status: 'writing', processed: Math.floor(total / 2 + applied / 2), total });
        await breathe();
        n = await applyStagedPlaces(db, job.id, APPLY_BATCH);
      }
    }
  } catch (e) {
    // Not committed (the claim or the event failed): the staged rows go, nothing was applied.
    if (staged && (await repo.findJob(db, job.id))?.status !== 'succeeded') await dropStaged(db, job.id);
    throw e;
  } finally {
    live.delete(job.id);
  }
  return (await repo.findJob(db, job.id))!;
}

/** Places staged per statement, and applied per transaction (with their grams: ~10 each). */
const STAGE_BATCH = 2000;
const APPLY_BATCH = 500;

async function dropStaged(db: Db, jobId: string) {
  while ((await dropStagedPlaces(db, jobId)) > 0) await breathe();
}

export async function importAndWait(db: Db, ctx: RequestContext, input: ImportInput) {
  const { done } = await startImport(db, ctx, input);
  return toJobDto(await done);
}

export async function getJob(db: Db, ctx: RequestContext, id: string) {
  if (!canReadJobs(ctx.actor)) throw new AppError('FORBIDDEN');
  const row = await repo.findJob(db, id);
  if (!row || !jobRead.allows(ctx.actor, row)) {
    throw notFound('importJob', id);
  }
  return toJobDto(row);
}

export async function listJobs(db: Db, ctx: RequestContext, q: { page?: number; pageSize?: number }) {
  const actor: Actor = ctx.actor;
  if (!canReadJobs(actor)) throw new AppError('FORBIDDEN');
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const where = jobRead.filter(actor);
  const { rows, total } = await repo.listJobs(db, where, page, pageSize);
  return {
    items: rows.map(toJobSummary),
    total,
    page,
    pageSize,
  };
}
