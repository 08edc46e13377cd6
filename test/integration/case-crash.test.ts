/**
 * Must-show 5: SIGKILL the real platform in the middle of a burst of report creation. After a
 * restart on the same data, every report whose creation was acknowledged is there with its case,
 * no half-made case exists, and retrying the unacknowledged requests with their idempotency keys
 * makes no duplicate. On PGlite (the embedded driver, the fragile one) always; on PostgreSQL too
 * when TEST_DATABASE_URL is set (the platform gets DATABASE_URL = a fresh database).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type Running, startPlatform } from '../support/process.ts';

const TOTAL = 240;
const IN_FLIGHT = 8;
const KILL_AFTER_ACKS = 60;
const PASSWORD = 'crash-test-2026';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function json(res: Response) {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text };
  }
}

async function login(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return (await res.json()).token as string;
}

/** Points spread over the district's grids (so reports make new cases, not duplicates). */
async function points(base: string, token: string, n: number) {
  const res = await fetch(`${base}/api/geo/grids?districtCode=330203&page=1&pageSize=${n}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const grids = (await json(res)).items as { id: string }[];
  const out: { lng: number; lat: number }[] = [];
  for (const g of grids) {
    const d = await json(
      await fetch(`${base}/api/geo/grids/${g.id}`, { headers: { authorization: `Bearer ${token}` } }),
    );
    out.push(d.centroid);
  }
  return out;
}

interface Attempt {
  key: string;
  body: Record<string, unknown>;
  acked?: { reportId: string; caseId: string; status: number };
}

function body(key: string, i: number, p: { lng: number; lat: number }) {
  // Alternate types so neighbours in one grid do not merge: each report should be its own case
  // except where the duplicate check legitimately merges two (same type, same grid centroid).
  return {
    idempotencyKey: key,
    channel: 'hotline',
    description: `崩溃测试上报 ${i}：路边暴露垃圾`,
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    matterCode: ['06010', '06012', '06036', '09006', '07001', '06042'][i % 6],
    reporter: { name: '测试市民', phone: '13900000000' },
  };
}

/** Fires the burst with IN_FLIGHT requests in flight; kills the process after KILL_AFTER_ACKS acks. */
async function burst(run: Running, token: string, attempts: Attempt[]) {
  let next = 0;
  let acks = 0;
  let killed = false;
  const worker = async () => {
    while (next < attempts.length && !killed) {
      const a = attempts[next++];
      try {
        const res = await fetch(`${run.url}/api/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(a.body),
        });
        const j = await json(res);
        if ((res.status === 201 || res.status === 200) && j.reportId) {
          a.acked = { reportId: j.reportId, caseId: j.case.id, status: res.status };
          acks++;
        }
      } catch {
        // The connection died with the process: not acknowledged.
      }
      if (acks >= KILL_AFTER_ACKS && !killed) {
        killed = true;
        run.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  if (!killed) run.child.kill('SIGKILL');
  await run.exited;
}

const INVARIANTS = `
  SELECT
    (SELECT count(*) FROM case_file c WHERE NOT EXISTS (SELECT 1 FROM report r WHERE r.case_id = c.id))::int AS no_report,
    (SELECT count(*) FROM case_file c WHERE NOT EXISTS
       (SELECT 1 FROM case_stage s WHERE s.case_id = c.id AND s.stage = 'accept'))::int AS no_accept,
    (SELECT count(*) FROM case_file c WHERE NOT EXISTS
       (SELECT 1 FROM event e WHERE e.entity_type = 'case' AND e.entity_id = c.id::text AND e.action = 'case.report'))::int AS no_event,
    (SELECT count(*) FROM report r WHERE NOT EXISTS (SELECT 1 FROM case_file c WHERE c.id = r.case_id))::int AS orphan_reports,
    (SELECT count(*) FROM event e WHERE e.entity_type = 'case' AND e.entity_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM case_file c WHERE c.id::text = e.entity_id))::int AS orphan_events,
    (SELECT count(*) FROM report WHERE idempotency_key LIKE 'crash-%')::int AS reports,
    (SELECT count(DISTINCT idempotency_key) FROM report WHERE idempotency_key LIKE 'crash-%')::int AS keys,
    (SELECT count(*) FROM case_file)::int AS cases`;

type Inspect = () => Promise<Record<string, number>>;

async function stop(run: Running) {
  run.child.kill('SIGTERM');
  const code = await run.exited;
  expect(code, run.output()).toBe(0);
}

function expectWhole(counts: Record<string, number>) {
  expect(counts).toMatchObject({
    no_report: 0,
    no_accept: 0,
    no_event: 0,
    orphan_reports: 0,
    orphan_events: 0,
  });
  expect(counts.keys).toBe(counts.reports);
}

async function scenario(env: Record<string, string>, inspect: Inspect) {
  const base = { DEMO_CASES: '0', DEMO_COMPONENTS: '300', DEMO_PASSWORD: PASSWORD, ...env };
  let run = await startPlatform(base);
  const token = await login(run.url, 'haishu.acceptor');
  const spots = await points(run.url, token, 40);
  const attempts: Attempt[] = Array.from({ length: TOTAL }, (_, i) => {
    const key = `crash-${randomUUID()}`;
    return { key, body: body(key, i, spots[i % spots.length]) };
  });
  await burst(run, token, attempts);
  const acked = attempts.filter((a) => a.acked);
  const unacked = attempts.filter((a) => !a.acked);
  expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
  expect(unacked.length).toBeGreaterThan(0);

  // Restart on the same data: every acknowledged report is there with its case (through the API).
  run = await startPlatform(base);
  let committedAtRestart = 0;
  try {
    const admin = await login(run.url, 'admin');
    for (const a of acked) {
      const res = await fetch(`${run.url}/api/cases/${a.acked!.caseId}`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(res.status, `case of acknowledged report ${a.key}`).toBe(200);
      const page = await res.json();
      expect(page.reports.map((r: { id: string }) => r.id)).toContain(a.acked!.reportId);
    }
    committedAtRestart = (
      await json(
        await fetch(`${run.url}/api/cases?pageSize=1`, { headers: { authorization: `Bearer ${admin}` } }),
      )
    ).total;
    expect(committedAtRestart).toBeGreaterThanOrEqual(new Set(acked.map((a) => a.acked!.caseId)).size);

    // Retry every request with its key: acknowledged ones replay (200, same report); the others
    // are created at most once — a second retry replays them as well.
    const token2 = await login(run.url, 'haishu.acceptor');
    const ids = new Set<string>();
    const send = (a: Attempt) =>
      fetch(`${run.url}/api/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token2}` },
        body: JSON.stringify(a.body),
      });
    for (const a of attempts) {
      const r1 = await send(a);
      const j1 = await json(r1);
      expect([200, 201], JSON.stringify(j1)).toContain(r1.status);
      if (a.acked) {
        expect(r1.status).toBe(200);
        expect(j1.reportId).toBe(a.acked.reportId);
      }
      if (!a.acked) {
        const r2 = await send(a);
        expect(r2.status).toBe(200);
        expect((await json(r2)).reportId).toBe(j1.reportId);
      }
      ids.add(j1.reportId);
    }
    expect(ids.size).toBe(TOTAL);
  } finally {
    await stop(run);
  }
  // No half-made case (every case has its report, accept stage and case.report event; a case
  // half-written by the crash would still lack them), no orphan report or event, no key twice.
  const end = await inspect();
  expectWhole(end);
  expect(end.reports).toBe(TOTAL);
  return { acked: acked.length, casesAtRestart: committedAtRestart };
}

describe('SIGKILL during a burst of reports', () => {
  it('PGlite: acknowledged reports survive, no half-made case, retries make no duplicate', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-crash-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    // PGlite is one process per directory: the database is read while the platform is stopped.
    const inspect = async () => {
      const { PGlite } = await import('@electric-sql/pglite');
      const db = await PGlite.create(path.join(dataDir, 'pglite'));
      try {
        return (await db.query<Record<string, number>>(INVARIANTS)).rows[0];
      } finally {
        await db.close();
      }
    };
    const r = await scenario({ DATA_DIR: dataDir }, inspect);
    console.log(
      `PGlite crash: ${r.acked} reports acknowledged before SIGKILL, ${r.casesAtRestart} cases found at restart`,
    );
  }, 300_000);

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'PostgreSQL: acknowledged reports survive, no half-made case, retries make no duplicate',
    async () => {
      const adminUrl = process.env.TEST_DATABASE_URL!;
      const name = `cityops_crash_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const u = new URL(adminUrl);
      u.pathname = `/${name}`;
      const url = u.toString();
      cleanups.push(async () => {
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      });
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-crash-pg-'));
      cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
      const inspect = async () => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          return (await c.query(INVARIANTS)).rows[0] as Record<string, number>;
        } finally {
          await c.end();
        }
      };
      const r = await scenario({ DATABASE_URL: url, DATA_DIR: dataDir }, inspect);
      console.log(
        `PostgreSQL crash: ${r.acked} reports acknowledged before SIGKILL, ${r.casesAtRestart} cases found at restart`,
      );
    },
    300_000,
  );
});
