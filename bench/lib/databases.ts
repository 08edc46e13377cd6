/**
 * A fresh, migrated database for one benchmark run, removed afterwards:
 * - PGlite in a temporary data directory on disk (as in production, not in memory);
 * - PostgreSQL: a new database created through the admin URL (BENCH_DATABASE_URL, default
 *   postgres://postgres@127.0.0.1:5432/test), dropped after the run.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Database, type DriverName, openDatabase } from '../../server/platform/db.ts';

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  database: Database;
  /** Where it lives, for the log (never a password). */
  where: string;
  dispose(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

export async function openBenchDatabase(driver: DriverName): Promise<BenchDatabase> {
  return driver === 'pglite' ? openPglite() : openPostgres();
}

async function openPglite(): Promise<BenchDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-bench-'));
  try {
    const database = await openDatabase({ dataDir });
    await database.migrate();
    return {
      database,
      where: `PGlite at ${dataDir}`,
      async dispose() {
        try {
          await database.close();
        } finally {
          fs.rmSync(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

async function openPostgres(): Promise<BenchDatabase> {
  const adminUrl = process.env.BENCH_DATABASE_URL || DEFAULT_ADMIN_URL;
  const name = `cityops_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  try {
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  } catch (err) {
    throw new Error(
      `cannot create a PostgreSQL database through ${redact(adminUrl)} (set BENCH_DATABASE_URL, or use --db pglite): ${
        err instanceof Error ? err.message : String(err)
      }`,
    );
  }
  // BENCH_KEEP_DB=1 keeps the database after the run, to study its queries (its name is logged).
  const drop = () =>
    process.env.BENCH_KEEP_DB
      ? Promise.resolve()
      : adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  try {
    // The production pool size (openDatabase's default), so the figures match a real deployment.
    const database = await openDatabase({ databaseUrl: withDatabase(adminUrl, name) });
    await database.migrate();
    return {
      database,
      where: `PostgreSQL database ${name} on ${new URL(adminUrl).host}`,
      async dispose() {
        try {
          await database.close();
        } finally {
          await drop();
        }
      },
    };
  } catch (err) {
    await drop().catch(() => {});
    throw err;
  }
}
