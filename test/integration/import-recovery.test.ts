/**
 * Import jobs left running by a process that died: the next start fails those whose lease ran
 * out, with the reason in the report (zh and en) and one `import.fail` event by the system
 * actor; a job whose lease is fresh (another live process is running it) is left alone, and so
 * is a job whose write transaction holds its row (PostgreSQL: two connections).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { failInterruptedImports, INTERRUPTED } from '../../server/modules/imports/recovery.ts';
import * as repo from '../../server/modules/imports/repository.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { usingPostgres } from '../support/db.ts';

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
});
afterAll(() => t?.close());

interface JobRow {
  id: string;
  status: string;
  finished_at: string | null;
  report: {
    row: number;
    ok: boolean;
    findings: { rule: string; message_zh: string; message_en: string }[];
  }[];
  summary: Record<string, unknown> | null;
}
interface EventRow {
  action: string;
  entity_type: string;
  entity_id: string;
  actor_type: string;
  actor_name: string;
  district_code: string | null;
  reason: string | null;
  after: Record<string, unknown>;
}

const parse = <T>(v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** A job row as a process would have left it: running, owned by `owner`, lease as given. */
async function leftRunning(opts: {
  status?: 'validating' | 'writing';
  owner?: string | null;
  lease: 'expired' | 'fresh' | null;
  createdAgo?: string;
  createdBy?: string | null;
}): Promise<string> {
  const lease =
    opts.lease === 'expired'
      ? sql`now() - interval '1 minute'`
      : opts.lease === 'fresh'
        ? sql`now() + interval '5 minutes'`
        : sql`NULL`;
  const created = opts.createdAgo ? sql`now() - ${sql.raw(`interval '${opts.createdAgo}'`)}` : sql`now()`;
  const [row] = await t.database.query<{ id: string }>(sql`
    INSERT INTO import_job (kind, file_name, format, status, total, processed, created_by, created_at, owner, lease_until)
    VALUES ('grids', 'big.zip', 'shapefile', ${opts.status ?? 'validating'}, 5000, 1200,
      ${opts.createdBy ?? null}, ${created}, ${opts.owner === undefined ? 'dead-host:4242:0badf00d' : opts.owner},
      ${lease})
    RETURNING id`);
  return row.id;
}

async function job(id: string): Promise<JobRow> {
  const [row] = await t.database.query<JobRow>(
    sql`SELECT id, status, finished_at, report, summary FROM import_job WHERE id = ${id}`,
  );
  return { ...row, report: parse(row.report), summary: parse(row.summary) };
}

async function eventsFor(id: string): Promise<EventRow[]> {
  const rows = await t.database.query<EventRow>(sql`
    SELECT action, entity_type, entity_id, actor_type, actor_name, district_code, reason, after
    FROM event WHERE entity_id = ${id} ORDER BY id`);
  return rows.map((r) => ({ ...r, after: parse(r.after) }));
}

/** What a new process does: build the app on the same database and wait until it is ready. */
async function startAnotherProcess() {
  const app = await buildApp({ config: t.config, database: t.database, logger: false, serveWeb: false });
  await app.ready();
  await app.close();
}

describe('jobs interrupted by a restart', () => {
  it('at start, a job whose lease ran out is failed with the reason and one system event; a fresh lease is untouched', async () => {
    const [dispatcher] = await t.database.query<{ id: string }>(
      sql`SELECT id FROM app_user WHERE username = 'haishu.dispatcher'`,
    );
    const expired = await leftRunning({ lease: 'expired', createdBy: dispatcher.id });
    const writing = await leftRunning({ status: 'writing', lease: 'expired' });
    const legacyOld = await leftRunning({ owner: null, lease: null, createdAgo: '1 hour' });
    const fresh = await leftRunning({ owner: 'live-host:77:cafebabe', lease: 'fresh' });
    const legacyNew = await leftRunning({ owner: null, lease: null });

    await startAnotherProcess();

    for (const id of [expired, writing, legacyOld]) {
      const j = await job(id);
      expect(j.status, id).toBe('failed');
      expect(j.finished_at).not.toBeNull();
      expect(j.summary).toMatchObject({
        interrupted: true,
        written: 0,
        rows: 5000,
        processed: 1200,
        reason_zh: INTERRUPTED.zh,
        reason_en: INTERRUPTED.en,
      });
      expect(j.report).toEqual([
        {
          row: 0,
          id: null,
          ok: false,
          findings: [
            {
              rule: 'interrupted',
              severity: 'error',
              message_zh: INTERRUPTED.zh,
              message_en: 'interrupted by a restart; nothing was written — run the import again',
            },
          ],
        },
      ]);
      const events = await eventsFor(id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'import.fail',
        entity_type: 'import_job',
        actor_type: 'system',
        actor_name: 'import-recovery',
        reason: INTERRUPTED.en,
      });
      expect(events[0].after).toMatchObject({
        status: 'failed',
        written: 0,
        interrupted: true,
        rules: ['interrupted'],
      });
    }
    // The district centre's job is readable by its district, like any failure it reports itself.
    expect((await eventsFor(expired))[0].district_code).toBe('330203');
    expect((await eventsFor(expired))[0].after.owner).toBe('dead-host:4242:0badf00d');

    // Another live process's job and a job created moments ago before leases existed: untouched.
    for (const id of [fresh, legacyNew]) {
      const j = await job(id);
      expect(j.status, id).toBe('validating');
      expect(j.finished_at).toBeNull();
      expect(await eventsFor(id)).toEqual([]);
    }

    // A second start finds nothing more to do (each job fails once).
    await startAnotherProcess();
    expect(await eventsFor(expired)).toHaveLength(1);

    // The API (and so the import page) shows the reason in the reader's language.
    const api = (await t.as(admin).get(`/api/imports/${expired}`)).json();
    expect(api.status).toBe('failed');
    expect(api.summary.interrupted).toBe(true);
    expect(api.report[0].findings[0].message_zh).toContain('重新导入');
  });

  it('a process that comes back after its job was given up writes nothing and records nothing more', async () => {
    const id = await leftRunning({ lease: 'expired', owner: 'slow-host:1:00000001' });
    expect(await failInterruptedImports(t.database.db)).toEqual([id]);
    // Its progress update, its write claim and its final state all find the job finished.
    expect(await repo.updateJob(t.database.db, id, { processed: 5000 })).toBe(false);
    const claimed = await t.database.db.transaction((tx) =>
      repo.claimForWrite(tx, id, 'slow-host:1:00000001', sql`now() + interval '1 minute'`),
    );
    expect(claimed).toBe(false);
    const j = await job(id);
    expect([j.status, j.summary?.processed]).toEqual(['failed', 1200]);
    expect(await eventsFor(id)).toHaveLength(1);
  });

  it('a real import runs to the end next to a recovery sweep (its lease is fresh)', async () => {
    const fc = { type: 'FeatureCollection', features: [] };
    const started = await t.as(admin).post('/api/imports/base64?wait=false', {
      kind: 'grids',
      fileName: 'empty.geojson',
      contentBase64: Buffer.from(JSON.stringify(fc)).toString('base64'),
    });
    expect(started.statusCode, started.body).toBe(202);
    const [row] = await t.database.query<{ owner: string; live: boolean }>(
      sql`SELECT owner, lease_until > now() AS live FROM import_job WHERE id = ${started.json().id}`,
    );
    expect(row.owner).toMatch(/:\d+:[0-9a-f]{8}$/);
    expect(row.live).toBe(true);
    await failInterruptedImports(t.database.db);
    let j = started.json();
    // A deadline, not a count of polls: on a loaded machine the import worker takes seconds to start.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !['succeeded', 'failed'].includes(j.status)) {
      await new Promise((r) => setTimeout(r, 50));
      j = (await t.as(admin).get(`/api/imports/${j.id}`)).json();
    }
    // Rejected for its own reason (an empty file), not as interrupted.
    expect(j.status).toBe('failed');
    expect(j.report.flatMap((r: JobRow['report'][number]) => r.findings.map((f) => f.rule))).toEqual([
      'empty',
    ]);
  });

  it.skipIf(!usingPostgres())(
    'PostgreSQL: a job whose write transaction holds its row is skipped even with an expired lease',
    async () => {
      const id = await leftRunning({ lease: 'expired', owner: 'busy-host:2:00000002' });
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => {
        locked = r;
      });
      const writer = t.database.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT id FROM import_job WHERE id = ${id} FOR UPDATE`);
        locked();
        await held;
      });
      await isLocked;
      expect(await failInterruptedImports(t.database.db)).toEqual([]);
      release();
      await writer;
      expect(await failInterruptedImports(t.database.db)).toEqual([id]);
    },
  );
});
