/**
 * The demo seed's photos and inbox: a share of the demo cases carries real photos stored like
 * uploads (files by content hash under DATA_DIR, thumbnails, photo rows), every step that requires
 * a photo names one, and the still-open cases come with the inbox notifications the live loop
 * would have written — to the same recipients, never to the one who acted. Test apps (0 demo
 * cases) get neither.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DISTRICTS } from '../../common/identity.ts';
import { TERMINAL_STATES } from '../../common/workflow.ts';
import { photoPaths } from '../../server/modules/cases/photos.ts';
import { systemContext } from '../../server/platform/context.ts';
import { type SeedCasesResult, seedCases } from '../../server/seed/demo-cases/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

process.env.DEMO_COMPONENTS ??= '300';

let t: TestApp;

const rows = async <T>(q: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(q)) as unknown as { rows: T[] }).rows;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('demo seed: photos and inbox', () => {
  it('a test app (0 demo cases) has no demo photos and no notifications', async () => {
    const [{ photos, inbox }] = await rows<{ photos: number; inbox: number }>(
      sql`SELECT (SELECT count(*) FROM photo)::int AS photos, (SELECT count(*) FROM notification)::int AS inbox`,
    );
    expect({ photos, inbox }).toEqual({ photos: 0, inbox: 0 });
    expect(fs.existsSync(path.join(t.config.dataDir, 'photos'))).toBe(false);
  });

  let result: SeedCasesResult;
  it('places every story before now at any hour: the night after a weekend once failed the first start', async () => {
    // 00:45 China time on a Monday: a story started earlier could still end after now (its
    // stages' working-time limits grew a weekend), and six small steps back were not enough.
    for (const now of ['2026-12-06T16:45:00Z', '2026-12-06T20:10:00Z', '2026-12-07T03:30:00Z']) {
      const done = await t.database.db
        .transaction(async (tx) => {
          await seedCases(tx, systemContext('seed'), {
            count: 400,
            now: new Date(now),
            dataDir: t.config.dataDir,
          });
          throw new Error('roll back');
        })
        .catch((e: Error) => e.message);
      expect(done, now).toBe('roll back');
    }
  });

  it('seeds cases with real photos stored like uploads', async () => {
    result = await t.database.db.transaction((tx) =>
      seedCases(tx, systemContext('seed'), { count: 240, seed: 4242, dataDir: t.config.dataDir }),
    );
    expect(result.cases).toBe(240);
    expect(result.photos).toBeGreaterThanOrEqual(20);
    const stored = await rows<{ id: string; mime: string; width: number }>(
      sql`SELECT id, mime, width FROM photo`,
    );
    expect(stored).toHaveLength(result.photos);
    for (const p of stored) {
      expect(p).toMatchObject({ mime: 'image/jpeg', width: 640 });
      const files = photoPaths(t.config.dataDir, p.id);
      expect(fs.existsSync(files.original) && fs.existsSync(files.thumb)).toBe(true);
    }
    // Each photo row was written with its event, as an upload is.
    const [{ n }] = await rows<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM event WHERE action = 'photo.upload' AND actor_name = 'seed'`,
    );
    expect(n).toBe(result.photos);

    // Inspectors' reports carry a photo; hotline calls do not.
    const reports = await rows<{ channel: string; photos: string[] }>(
      sql`SELECT channel, photos FROM report`,
    );
    const ids = new Set(stored.map((p) => p.id));
    const inspector = reports.filter((r) => r.channel === 'inspector');
    expect(inspector.length).toBeGreaterThan(0);
    for (const r of inspector) expect(r.photos.length === 1 && ids.has(r.photos[0])).toBe(true);
    for (const r of reports.filter((x) => x.channel === 'hotline')) expect(r.photos).toEqual([]);
    const withPhotos = reports.filter((r) => r.photos.length > 0).length;
    expect(withPhotos / reports.length).toBeGreaterThan(0.3);
    expect(withPhotos).toBeLessThan(reports.length);

    // Every step that requires a photo names a stored one, as the live loop records it.
    const steps = await rows<{ action: string; photos: string[] | null }>(
      sql`SELECT action, after->'input'->'photos' AS photos FROM event
          WHERE action IN ('case.feed_back', 'case.check_pass', 'case.check_fail', 'case.verify_confirm', 'case.self_dispose')`,
    );
    expect(steps.length).toBeGreaterThan(20);
    for (const s of steps) expect(s.photos?.length === 1 && ids.has(s.photos[0]), s.action).toBe(true);

    // A failed check the seed left open waits in 待返工 on the rework stage, never in 待结案; a case
    // waiting to be closed passed its check.
    const checked = await rows<{ state: string; check_result: string | null; current_stage: string | null }>(
      sql`SELECT state, check_result, current_stage FROM case_file WHERE state IN ('check_failed', 'pending_close')`,
    );
    for (const c of checked) {
      if (c.state === 'check_failed')
        expect(c).toMatchObject({ check_result: 'fail', current_stage: 'rework' });
      else expect(c).toMatchObject({ check_result: 'pass', current_stage: 'close' });
    }

    // Readable through the API like any upload.
    const admin = await t.login('admin');
    const thumb = await t.as(admin).get(`/api/photos/${stored[0].id}/thumb`);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
  });

  it('writes the inbox of the still-open cases, as the live loop would have', async () => {
    expect(result.notifications).toBeGreaterThan(0);
    const inbox = await rows<{
      kind: string;
      state: string;
      channel: string;
      created_by: string;
      user_id: string;
      read_at: string | null;
      created_at: string;
      case_created: string;
      params: { code: string; state: string };
      code: string;
    }>(
      sql`SELECT n.kind, c.state, c.channel, c.created_by, n.user_id, n.read_at, n.created_at, n.params,
                 c.created_at AS case_created, c.code
          FROM notification n JOIN case_file c ON c.id = n.case_id`,
    );
    expect(inbox).toHaveLength(result.notifications);
    // Only open cases; messages keyed like the live ones, dated within the case's life.
    for (const n of inbox) {
      expect(TERMINAL_STATES).not.toContain(n.state);
      expect(n.kind).toMatch(/^case\.[a-z_]+$/);
      expect(n.params.code).toBe(n.code);
      expect(new Date(n.created_at).getTime()).toBeGreaterThanOrEqual(new Date(n.case_created).getTime());
      if (n.read_at)
        expect(new Date(n.read_at).getTime()).toBeGreaterThanOrEqual(new Date(n.created_at).getTime());
    }
    const kinds = new Set(inbox.map((n) => n.kind));
    for (const k of ['case.report', 'case.stage_warning', 'case.stage_overdue', 'case.feed_back'])
      expect([...kinds]).toContain(k);
    // The one who took the report is not told about it: no intake notice for a hotline call (the
    // acceptor took it) nor to an inspector about their own report.
    for (const n of inbox.filter((x) => x.kind === 'case.report')) {
      expect(n.channel).not.toBe('hotline');
      expect(n.user_id).not.toBe(n.created_by);
    }
    // Some are read (the case moved on), the newest steps are not.
    expect(inbox.some((n) => n.read_at)).toBe(true);
    expect(inbox.some((n) => !n.read_at)).toBe(true);

    // Through the API: a district's acceptor was told of every open case of their district that
    // someone else reported (an inspector, a sensor; not the calls the acceptor took), and of no
    // other district.
    const terminal = sql.join(
      TERMINAL_STATES.map((st) => sql`${st}`),
      sql`, `,
    );
    let checked = 0;
    for (const d of DEMO_DISTRICTS) {
      const open = await rows<{ id: string }>(
        sql`SELECT c.id FROM case_file c WHERE c.district_code = ${d.code} AND c.state NOT IN (${terminal})
            AND c.created_by IS DISTINCT FROM (SELECT id::text FROM app_user WHERE username = ${`${d.pinyin}.acceptor`})`,
      );
      if (open.length === 0) continue;
      const token = await t.login(`${d.pinyin}.acceptor`);
      const res = await t.as(token).get('/api/notifications?pageSize=200');
      expect(res.statusCode, res.body).toBe(200);
      const items = res.json().items as { caseId: string; kind: string }[];
      expect(res.json().total).toBeLessThanOrEqual(200);
      const told = new Set(items.filter((i) => i.kind === 'case.report').map((i) => i.caseId));
      expect(told).toEqual(new Set(open.map((c) => c.id)));
      const districts = await rows<{ district_code: string }>(
        sql`SELECT DISTINCT c.district_code FROM notification n JOIN case_file c ON c.id = n.case_id
            JOIN app_user u ON u.id = n.user_id WHERE u.username = ${`${d.pinyin}.acceptor`}`,
      );
      expect(districts.map((x) => x.district_code)).toEqual([d.code]);
      checked++;
    }
    expect(checked).toBeGreaterThan(2);
  });
});
