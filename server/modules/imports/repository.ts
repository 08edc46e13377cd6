import { and, count, desc, eq, inArray, like, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import {
  deleteGridsOfCommunities,
  GridIndex,
  writeDivisions as writeDivisionRows,
  writeGrids as writeGridRows,
} from '../geo/index.ts';
import type { DivisionPlan } from './divisions.ts';
import type { GridPlan } from './grids.ts';
import { countVertices } from './limits.ts';
import { importJob } from './tables.ts';

export type ImportJobRow = typeof importJob.$inferSelect;

export async function insertJob(
  db: Db,
  values: typeof importJob.$inferInsert,
  leaseUntil: SQL,
): Promise<ImportJobRow> {
  const [row] = await db
    .insert(importJob)
    .values({ ...values, leaseUntil })
    .returning();
  return row;
}

/** States of a job still in progress; `failed` and `succeeded` are final. */
export const RUNNING_STATES = ['validating', 'writing'] as const;
const running = (id: string) => and(eq(importJob.id, id), inArray(importJob.status, [...RUNNING_STATES]));

/**
 * Updates a job that is still running; a finished job (for instance one failed as interrupted
 * after its lease ran out) never changes again. Answers whether the row was updated.
 */
export async function updateJob(
  db: Db,
  id: string,
  patch: Partial<typeof importJob.$inferInsert>,
): Promise<boolean> {
  const rows = await db.update(importJob).set(patch).where(running(id)).returning({ id: importJob.id });
  return rows.length > 0;
}

/** The heartbeat: extends the owner's lease while the job runs. */
export async function renewLease(db: Db, id: string, owner: string, until: SQL) {
  await db
    .update(importJob)
    .set({ leaseUntil: until })
    .where(and(running(id), eq(importJob.owner, owner)));
}

/**
 * First statement of the write transaction: locks the job's row until commit (so recovery's
 * SKIP LOCKED passes it by) and checks that it is still this owner's running job.
 */
export async function claimForWrite(tx: Db, id: string, owner: string, until: SQL): Promise<boolean> {
  const rows = await tx
    .update(importJob)
    .set({ leaseUntil: until })
    .where(and(running(id), eq(importJob.owner, owner)))
    .returning({ id: importJob.id });
  return rows.length > 0;
}

export async function findJob(db: Db, id: string): Promise<ImportJobRow | undefined> {
  const [row] = await db.select().from(importJob).where(eq(importJob.id, id));
  return row;
}

export async function listJobs(db: Db, where: SQL | undefined, page: number, pageSize: number) {
  const cols = {
    id: importJob.id,
    kind: importJob.kind,
    fileName: importJob.fileName,
    format: importJob.format,
    crs: importJob.crs,
    status: importJob.status,
    total: importJob.total,
    processed: importJob.processed,
    summary: importJob.summary,
    createdBy: importJob.createdBy,
    createdAt: importJob.createdAt,
    finishedAt: importJob.finishedAt,
  };
  const [rows, [{ n }]] = await Promise.all([
    db
      .select(cols)
      .from(importJob)
      .where(where)
      .orderBy(desc(importJob.createdAt))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(importJob).where(where),
  ]);
  return { rows, total: Number(n) };
}

const json = (v: unknown) => JSON.stringify(v);

/**
 * Lets the event loop go round between two statements of a long write, waiting requests included.
 * PGlite answers a query through promise callbacks only, so a loop of awaited statements would
 * otherwise hold the main thread until the last one. Two immediates: one scheduled from the I/O
 * phase runs before the loop gets back to I/O, the second after it.
 */
export const breathe = async () => {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setImmediate(resolve));
};

/**
 * Rows in write batches of at most `maxRows` rows and about `maxVertices` coordinates (a larger
 * row goes alone). On PGlite the database runs in the main thread: one statement's size is how
 * long requests wait, so no statement carries more than a few megabytes.
 */
export function writeBatches<T>(
  rows: T[],
  verticesOf: (row: T) => number,
  maxRows = 500,
  maxVertices = 20_000,
): T[][] {
  const out: T[][] = [];
  let batch: T[] = [];
  let vertices = 0;
  for (const r of rows) {
    const v = Math.max(1, verticesOf(r));
    if (batch.length && (batch.length >= maxRows || vertices + v > maxVertices)) {
      out.push(batch);
      batch = [];
      vertices = 0;
    }
    batch.push(r);
    vertices += v;
  }
  if (batch.length) out.push(batch);
  return out;
}

/** Writes divisions (through geo) in batches, letting requests in between; with `upsert`, a stored one of the same code is replaced. */
export async function writeDivisions(tx: Db, plan: DivisionPlan[], upsert: boolean) {
  for (const rows of writeBatches(plan, (p) => countVertices(p.geo.geometry))) {
    await breathe();
    await writeDivisionRows(tx, rows, upsert);
  }
}

/** Writes grids (through geo); in replace mode the stored grids of the covered communities go first. Answers removed IDs. */
export async function writeGrids(tx: Db, plan: GridPlan[], communities: string[], replace: boolean) {
  const removed = replace ? await deleteGridsOfCommunities(tx, communities) : [];
  for (const rows of writeBatches(plan, (p) => countVertices(p.geo.geometry))) {
    await breathe();
    await writeGridRows(tx, rows);
  }
  return removed;
}

/**
 * After grids of some communities were replaced, components that pointed into them are placed
 * again: the new grid containing their point, or none.
 */
export async function reassignComponentGrids(
  tx: Db,
  communities: string[],
  plan: GridPlan[],
): Promise<number> {
  if (!communities.length) return 0;
  const index = GridIndex.build(plan.map((p) => ({ id: p.id, geometry: p.geo.geometry as never })));
  const conds = communities.map((c) => like(sql`grid_id`, `${c}%`));
  const res = (await tx.execute(
    sql`SELECT id, lng, lat, grid_id FROM component WHERE ${or(...conds)}`,
  )) as unknown as { rows: { id: string; lng: number; lat: number; grid_id: string }[] };
  const changes = res.rows
    .map((r) => ({ id: r.id, grid_id: index.lookup(Number(r.lng), Number(r.lat)) }))
    .filter((c, i) => c.grid_id !== res.rows[i].grid_id);
  for (let i = 0; i < changes.length; i += 5000) {
    await breathe();
    await tx.execute(sql`UPDATE component c SET grid_id = x.grid_id, updated_at = now(), version = c.version + 1
      FROM jsonb_to_recordset(${json(changes.slice(i, i + 5000))}::jsonb) AS x(id text, grid_id text)
      WHERE c.id = x.id`);
  }
  return changes.length;
}
