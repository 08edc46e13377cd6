/**
 * One database handle for both drivers: PostgreSQL (DATABASE_URL) in production, PGlite
 * (Postgres compiled to WASM, files under DATA_DIR) when no URL is given. The same Drizzle
 * queries and the same SQL migrations run on both (docs/adr/0001-pglite-and-postgresql.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from '../db-schema.ts';

export type Schema = typeof schema;
/** The Drizzle database or a transaction on it: both drivers share this interface. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type DriverName = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  driver: DriverName;
  /** Runs raw SQL and returns its rows (same shape on both drivers). */
  query<T = Record<string, unknown>>(q: SQL): Promise<T[]>;
  /** Applies pending migrations (idempotent; serialized across nodes on PostgreSQL). */
  migrate(): Promise<void>;
  migrationsApplied(): Promise<boolean>;
  /** Pool figures for /metrics. */
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../db/migrations',
);

function expectedMigrationCount(): number {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8'));
  return journal.entries.length;
}

// An arbitrary constant: the advisory lock that makes concurrent starts migrate one at a time.
const MIGRATION_LOCK_KEY = 4_721_004_471;

export async function openDatabase(opts: {
  databaseUrl?: string;
  dataDir?: string;
  /** PGlite only: keep the database in memory (tests). */
  inMemory?: boolean;
  poolSize?: number;
}): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  return openPglite(opts.inMemory ? undefined : path.join(opts.dataDir ?? './data', 'pglite'));
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  // JIT off: PostgreSQL compiles a query with LLVM once its estimated cost passes jit_above_cost,
  // and for this platform's queries — the loop's short ones and the evaluation's grouped scans of a
  // month — the compilation (tens of milliseconds a query) costs more than it saves: a month's
  // figures of the districts took 3.4 s with it and 1.4 s without (bench/results/evaluation.md).
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: '-c jit=off' });
  // A broken idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const database: Database = {
    db,
    driver: 'postgres',
    async query<T>(q: SQL) {
      const res = await db.execute(q);
      return (res as unknown as { rows: T[] }).rows;
    },
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        await migratePg(drizzlePg(client, { schema }), { migrationsFolder: MIGRATIONS_DIR });
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
        client.release();
      }
    },
    migrationsApplied: () => migrationsApplied(database),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
  return database;
}

async function openPglite(dir: string | undefined): Promise<Database> {
  if (dir) fs.mkdirSync(dir, { recursive: true });
  const client = dir ? await PGlite.create(dir) : await PGlite.create();
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  let closed = false;
  const database: Database = {
    db,
    driver: 'pglite',
    async query<T>(q: SQL) {
      const res = await db.execute(q);
      return (res as unknown as { rows: T[] }).rows;
    },
    async migrate() {
      await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: MIGRATIONS_DIR });
    },
    migrationsApplied: () => migrationsApplied(database),
    // PGlite is one in-process connection: report it as a pool of one.
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    async close() {
      if (closed) return;
      closed = true;
      // PGlite.close() checkpoints and flushes the WAL: skipping it risks a corrupt data dir.
      await client.close();
    },
  };
  return database;
}

async function migrationsApplied(database: Database): Promise<boolean> {
  try {
    const rows = await database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`,
    );
    return (rows[0]?.n ?? 0) >= expectedMigrationCount();
  } catch {
    return false;
  }
}

/**
 * Whether a write failed on a unique index (PostgreSQL 23505), from either driver: node-postgres
 * puts the code on the error, drizzle's PGlite wrapper on its `cause`. The callers turn a race
 * that a unique index settled into a replay or a 409.
 */
export const isUniqueViolation = (err: unknown): boolean =>
  (err as { code?: string }).code === '23505' ||
  (err as { cause?: { code?: string } }).cause?.code === '23505';

/**
 * The SQLSTATE of a database error from either driver (node-postgres puts it on the error,
 * drizzle's PGlite wrapper on its `cause`), or undefined.
 */
export const sqlStateOf = (err: unknown): string | undefined => {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  const code =
    typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  return code && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/** The database's own message of an error from either driver. */
export const dbErrorMessage = (err: unknown) =>
  String((err as { cause?: { message?: string } })?.cause?.message ?? (err as Error)?.message ?? err);
