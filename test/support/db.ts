/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new database
 * created on the PostgreSQL server named by TEST_DATABASE_URL (and dropped afterwards), so test
 * files never share state and need no clean-up between runs.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../../server/platform/db.ts';

export const usingPostgres = () => Boolean(process.env.TEST_DATABASE_URL);

export interface TestDatabase extends Database {
  url?: string;
  dispose(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A new, empty database on the PostgreSQL server named by `adminUrl` (TEST_DATABASE_URL): its
 * connection string, and how to drop it (connections still open are ended).
 */
export async function createPostgresDatabase(
  adminUrl: string,
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: withDatabase(adminUrl, name),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const database = await openDatabase({ inMemory: true });
    await database.migrate();
    return Object.assign(database, { dispose: () => database.close() });
  }
  const created = await createPostgresDatabase(adminUrl, 'cityops_t');
  const database = await openDatabase({ databaseUrl: created.url, poolSize: 5 });
  await database.migrate();
  return Object.assign(database, {
    url: created.url,
    async dispose() {
      await database.close();
      await created.drop();
    },
  });
}
