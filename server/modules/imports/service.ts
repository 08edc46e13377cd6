/**
 * Imports of divisions, grids and components, all or nothing:
 *   parse the file → choose the CRS → validate every row (nothing written yet) → if any row has
 *   an error, the job fails with its report; otherwise one transaction writes every row and ONE
 *   audit event with the counts (a grid import's event, action `geo.import` on entity type
 *   `grid`, tells the geo service to rebuild its spatial index). A failed job writes no data and
 *   ONE event `import.fail` on entity type `import_job` with its summary and the rules broken.
 * Progress lives in the import_job row (processed/total, updated while validating) and, while
 * the write transaction runs, in memory here (PGlite has one connection, busy with that write).
 * The row also names the process running the job and a lease its heartbeat renews; a job whose
 * process died is failed as interrupted by the next start or sweep (recovery.ts).
 */

import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { insertComponentsBulk, maxSequences } from '../components/index.ts';
import { buildComponentId, writeDivisions, writeGrids } from '../geo/index.ts';
import { validateComponents } from './components.ts';
import { CrsError, resolveCrs } from './crs.ts';
import { validateDivisions } from './divisions.ts';
import { managedExtent } from './extent.ts';
import { validateGrids } from './grids.ts';
import { canImport, canReadJobs, type ImportKind, jobRead } from './policy.ts';
import { INSTANCE_ID, keepLease, leaseFromNow } from './recovery.ts';
import { err, type ImportMode, type ReportRow, type RowReport } from './report.ts';
import * as repo from './repository.ts';
import { parseSource, SourceError } from './source.ts';

export interface ImportInput {
  kind: ImportKind;
  fileName: string;
  data: Buffer;
  /** 'detect' (default) or a CRS name / EPSG code. */
  crs?: string;
  mode?: ImportMode;
}

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

function fileFinding(zh: string, en: string, rule: string): ReportRow[] {
  return [{ row: 0, id: null, ok: false, findings: [err(rule, zh, en)] }];
}

/** Creates the job row and answers it together with the promise of the finished job. */
export async function startImport(db: Db, ctx: RequestContext, input: ImportInput) {
  if (!canImport(ctx.actor, input.kind)) throw new AppError('FORBIDDEN');
  const isZip = input.data[0] === 0x50 && input.data[1] === 0x4b;
  const job = await repo.insertJob(
    db,
    {
      kind: input.kind,
      fileName: input.fileName.slice(0, 200),
      format: isZip || input.fileName.toLowerCase().endsWith('.zip') ? 'shapefile' : 'geojson',
      crs: input.crs && input.crs !== 'detect' ? input.crs : null,
      status: 'validating',
      createdBy: ctx.actor.id ?? ctx.actor.name,
      owner: INSTANCE_ID,
    },
    leaseFromNow(),
  );
  const stopLease = keepLease(db, job.id);
  const done = runImport(db, ctx, job, input)
    .catch(async (e) => {
      live.delete(job.id);
      const report = fileFinding(
        '导入时发生内部错误',
        `internal error during import: ${(e as Error).message}`,
        'internal',
      );
      return finishFailed(db, ctx, job.id, input, report, { errors: 1, written: 0, internal: true });
    })
    .finally(stopLease);
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

async function runImport(db: Db, ctx: RequestContext, job: repo.ImportJobRow, input: ImportInput) {
  const mode = input.mode ?? 'insert';
  const fail = (report: ReportRow[], summary: Record<string, unknown>, crs?: string) =>
    finishFailed(db, ctx, job.id, input, report, summary, crs);
  let source: Awaited<ReturnType<typeof parseSource>>;
  try {
    source = await parseSource(input.fileName, input.data);
  } catch (e) {
    if (!(e instanceof SourceError)) throw e;
    return fail(fileFinding(e.zh, e.en, 'bad-file'), { rows: 0, errors: 1, written: 0 });
  }
  let choice: ReturnType<typeof resolveCrs>;
  try {
    choice = resolveCrs(input.crs, source);
  } catch (e) {
    if (!(e instanceof CrsError)) throw e;
    return fail(fileFinding(e.zh, e.en, 'crs'), { rows: source.features.length, errors: 1, written: 0 });
  }
  const total = source.features.length;
  await repo.updateJob(db, job.id, { total, crs: choice.label, format: source.format });
  let processed = 0;
  let lastWrite = 0;
  const vctx = {
    db,
    actor: ctx.actor,
    mode,
    crs: choice,
    extent: await managedExtent(db),
    progress: async (n: number) => {
      processed = Math.max(processed, n);
      if (processed === total || Date.now() - lastWrite > 200) {
        lastWrite = Date.now();
        await repo.updateJob(db, job.id, { processed });
      }
    },
  };
  const v =
    input.kind === 'divisions'
      ? await validateDivisions(source.features, vctx)
      : input.kind === 'grids'
        ? await validateGrids(source.features, vctx)
        : await validateComponents(source.features, vctx);
  const report: RowReport = v.report;
  if (total === 0) report.rows.push(fileFinding('文件中没有要素', 'the file holds no features', 'empty')[0]);
  const summaryBase = {
    rows: total,
    errors: report.rows.filter((r) => !r.ok).length,
    warnings: report.rows.reduce((s, r) => s + r.findings.filter((f) => f.severity === 'warning').length, 0),
    crs: choice.label,
    crsHow: choice.how,
    mode,
    notes: source.notes,
  };
  if (summaryBase.errors > 0 || total === 0) {
    return fail(report.rows, { ...summaryBase, written: 0 }, choice.label);
  }
  live.set(job.id, { status: 'writing', processed: 0, total });
  const districts = new Set<string>();
  let extra: Record<string, unknown> = {};
  try {
    await db.transaction(async (tx) => {
      // Lock the job's row for the whole write, and make sure it was not given up meanwhile.
      if (!(await repo.claimForWrite(tx, job.id, INSTANCE_ID, leaseFromNow()))) {
        throw new Error('the job was failed as interrupted before it could write (its lease ran out)');
      }
      if (input.kind === 'divisions' && 'plan' in v) {
        const plan = v.plan as Parameters<typeof writeDivisions>[1];
        await writeDivisions(tx, plan, mode === 'replace');
        for (const p of plan) districts.add(p.code.slice(0, 6));
      } else if (input.kind === 'grids') {
        const g = v as Awaited<ReturnType<typeof validateGrids>>;
        const removed = await writeGrids(tx, g.plan, g.communities, mode === 'replace');
        const moved = mode === 'replace' ? await repo.reassignComponentGrids(tx, g.communities, g.plan) : 0;
        extra = { removedGrids: removed.length, componentsRegridded: moved };
        for (const p of g.plan) districts.add(p.communityCode.slice(0, 6));
      } else {
        const c = v as Awaited<ReturnType<typeof validateComponents>>;
        const seq = await maxSequences(tx);
        const rows = c.plan.map((p, k) => {
          let id = p.id;
          if (!id) {
            const prefix = p.district_code + p.type_code;
            const next = (seq.get(prefix) ?? 0) + 1;
            seq.set(prefix, next);
            id = buildComponentId(p.district_code, p.type_code, next);
            report.setId(k, id);
          }
          districts.add(p.district_code);
          return { ...p, id };
        });
        await insertComponentsBulk(tx, rows, {
          upsert: mode === 'replace',
          batchSize: 2000,
          onBatch: (n) => {
            live.set(job.id, { status: 'writing', processed: n, total });
          },
        });
      }
      const ds = [...districts];
      await recordEvent(tx, ctx, {
        action: input.kind === 'components' ? 'component.import' : 'geo.import',
        entityType: input.kind === 'components' ? 'component' : input.kind === 'grids' ? 'grid' : 'division',
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
        report: report.rows,
        summary: { ...summaryBase, written: total, districts: ds, ...extra },
        finishedAt: new Date(),
      });
    });
  } finally {
    live.delete(job.id);
  }
  return (await repo.findJob(db, job.id))!;
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
