/**
 * Notifications about one's own work only (issue 9 item 4): a stage's warning and overdue reach
 * whoever the case waits on now (and the stage's configured followers: the dispatcher follows the
 * unit's disposal clock), nobody else; repeats of one case count on one unread row; and
 * `GET /api/cases/waiting` counts what waits on the caller exactly as their work queue totals it.
 * New work arriving (a report accepted or verified → the shift leaders, filed → the dispatchers, a
 * verification or check requested → the case's inspector) is told to those it now waits on.
 * Nothing of one district reaches another's users.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepTimers } from '../../server/modules/cases/timers.ts';
import { insertNotifications } from '../../server/modules/notifications/service.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, dispatchCase, pointIn, uploadPhoto } from '../support/cases.ts';

let t: TestApp;
let sanitation: string;

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  sanitation = orgs.find((o) => o.name === '海曙区环境卫生管理处')!.id;
});
afterAll(async () => t?.close());

const HAISHU = [
  'haishu.acceptor',
  'haishu.inspector',
  'haishu.shift_leader',
  'haishu.dispatcher',
  'unit.haishu-sanitation',
];
const ELSEWHERE = ['jiangbei.acceptor', 'jiangbei.shift_leader', 'jiangbei.dispatcher', 'city.dispatcher'];

interface Row {
  id: string;
  caseId: string | null;
  kind: string;
  count: number;
  readAt: string | null;
  createdAt: string;
  lastAt: string;
}

/** The user's stage warnings and overdue marks of the case. */
async function stageNotices(username: string, caseId: string): Promise<Row[]> {
  const res = await t.as(await t.login(username)).get('/api/notifications?pageSize=200');
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as Row[]).filter((n) => n.caseId === caseId && n.kind.startsWith('case.stage_'));
}

/** Who (of these users) has a stage notice of the case. */
async function told(caseId: string, users = [...HAISHU, ...ELSEWHERE]) {
  const out: string[] = [];
  for (const u of users) if ((await stageNotices(u, caseId)).length) out.push(u);
  return out;
}

/** Makes the case's live timers of `stage` (and `kind`) due, and sweeps. */
async function fire(caseId: string, stage: string, kind: 'warning' | 'overdue') {
  await t.database.query(
    sql`UPDATE case_timer SET fire_at = now() - interval '1 second'
        WHERE case_id = ${caseId} AND kind = ${kind} AND fired_at IS NULL AND cancelled_at IS NULL
          AND stage_id IN (SELECT id FROM case_stage WHERE case_id = ${caseId} AND stage = ${stage})`,
  );
  expect(await sweepTimers(t.database)).toBe(1);
}

async function newReport(index: number) {
  const p = await pointIn(t, '330203', 40 + index);
  const r = await t.as(await t.login('haishu.acceptor')).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'hotline',
    description: `路面破损 ${index}`,
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    matterCode: '06002',
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().case.id as string;
}

describe('stage warnings go to whoever the case waits on', () => {
  it("the unit's disposal: the unit and, as configured, its dispatcher; nobody else", async () => {
    const id = await dispatchCase(t, sanitation, 21);
    await fire(id, 'dispose', 'warning');
    expect(await told(id)).toEqual(['haishu.dispatcher', 'unit.haishu-sanitation']);
  });

  it('acceptance and filing: the acceptor, then the shift leader — never the dispatcher', async () => {
    const id = await newReport(1);
    await fire(id, 'accept', 'warning');
    expect(await told(id)).toEqual(['haishu.acceptor']);
    expect((await actOn(t, 'haishu.acceptor', id, 'accept_report', { matterType: '06002' })).statusCode).toBe(
      200,
    );
    await fire(id, 'filing', 'warning');
    expect(await told(id)).toEqual(['haishu.acceptor', 'haishu.shift_leader']);
    expect(await stageNotices('haishu.shift_leader', id)).toHaveLength(1);
    // The acceptor's row is still the acceptance warning alone: the filing one was not theirs.
    expect((await stageNotices('haishu.acceptor', id))[0].count).toBe(1);
  });

  it("the check: the acceptor while it waits to be sent, then the inspector — never the unit's", async () => {
    const id = await dispatchCase(t, sanitation, 22);
    expect((await actOn(t, 'unit.haishu-sanitation', id, 'sign')).statusCode).toBe(200);
    const photo = await uploadPhoto(t, await t.login('unit.haishu-sanitation'));
    const fed = await actOn(t, 'unit.haishu-sanitation', id, 'feed_back', {
      photos: [photo],
      note: '已修复',
    });
    expect(fed.statusCode, fed.body).toBe(200);
    await fire(id, 'check', 'warning');
    expect(await told(id)).toEqual(['haishu.acceptor']);
    expect((await actOn(t, 'haishu.acceptor', id, 'request_check')).statusCode).toBe(200);
    await fire(id, 'check', 'overdue');
    expect(await told(id)).toEqual(['haishu.acceptor', 'haishu.inspector']);
    expect(await stageNotices('unit.haishu-sanitation', id)).toEqual([]);
  });
});

describe('new work arriving is told to whom it now waits on, nobody else', () => {
  const EVERYONE = [...HAISHU, 'haishu.inspector2', 'jiangbei.inspector', 'city.shift_leader', ...ELSEWHERE];

  /** Who (of everyone) has a notice of this case event. */
  async function toldOf(caseId: string, kind: string) {
    const out: string[] = [];
    for (const u of EVERYONE) {
      const res = await t.as(await t.login(u)).get('/api/notifications?pageSize=200');
      expect(res.statusCode, res.body).toBe(200);
      const rows = (res.json().items as Row[]).filter((n) => n.caseId === caseId && n.kind === kind);
      if (rows.length) {
        expect(rows, `${u} ${kind}`).toHaveLength(1);
        out.push(u);
      }
    }
    return out.sort();
  }

  async function reportBy(username: string, index: number, matterCode = '06002') {
    const p = await pointIn(t, '330203', 60 + index);
    const r = await t.as(await t.login(username)).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: username.endsWith('inspector') || username.endsWith('inspector2') ? 'inspector' : 'hotline',
      description: `到达通知 ${index}`,
      location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
      matterCode,
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().case.id as string;
  }

  const ok = async (res: Promise<{ statusCode: number; body: string }>) => {
    const r = await res;
    expect(r.statusCode, r.body).toBe(200);
  };

  beforeAll(async () => {
    // A second inspector of 海曙: an arrival meant for one inspector must not reach the other.
    const admin = await t.login('admin');
    const haishu = (
      await t.database.query<{ org_id: string }>(
        sql`SELECT org_id FROM app_user WHERE username = 'haishu.inspector'`,
      )
    )[0].org_id;
    const created = await t.as(admin).post('/api/users', {
      username: 'haishu.inspector2',
      displayName: '海曙监督员二',
      orgId: haishu,
      roles: ['inspector'],
      password: 'arrival-test-2026',
    });
    expect(created.statusCode, created.body).toBe(201);
    // t.login uses the demo password; this account has its own.
    const login = t.login.bind(t);
    t.login = (u, pw) => login(u, u === 'haishu.inspector2' ? (pw ?? 'arrival-test-2026') : pw);
  });

  it('a report accepted: the shift leaders of its district; filed: its dispatchers', async () => {
    const id = await reportBy('haishu.acceptor', 1);
    await ok(actOn(t, 'haishu.acceptor', id, 'accept_report', { matterType: '06002' }));
    expect(await toldOf(id, 'case.accept_report')).toEqual(['haishu.shift_leader']);
    const std = (await t.as(await t.login('haishu.shift_leader')).get('/api/catalog/standards/06002')).json();
    await ok(
      actOn(t, 'haishu.shift_leader', id, 'file', {
        matterType: '06002',
        filingConditionId: std.filingConditions[0].id,
      }),
    );
    expect(await toldOf(id, 'case.file')).toEqual(['haishu.dispatcher']);
  });

  it("verification of an inspector's report: that inspector alone; verified: the shift leaders", async () => {
    const id = await reportBy('haishu.inspector2', 2);
    await ok(actOn(t, 'haishu.acceptor', id, 'request_verify'));
    expect(await toldOf(id, 'case.request_verify')).toEqual(['haishu.inspector2']);
    const photo = await uploadPhoto(t, await t.login('haishu.inspector2'));
    await ok(actOn(t, 'haishu.inspector2', id, 'verify_confirm', { photos: [photo] }));
    expect(await toldOf(id, 'case.verify_confirm')).toEqual(['haishu.shift_leader']);
  });

  it('a check goes to the inspector who verified the case, not to every inspector', async () => {
    // A citizen's report has no inspector of its own: its verification is the district's to take
    // (both 海曙 inspectors, never 江北's); whoever verified it is asked to check it.
    const id = await reportBy('haishu.acceptor', 3, '06001');
    await ok(actOn(t, 'haishu.acceptor', id, 'request_verify'));
    expect(await toldOf(id, 'case.request_verify')).toEqual(['haishu.inspector', 'haishu.inspector2']);
    const photo = await uploadPhoto(t, await t.login('haishu.inspector'));
    await ok(
      actOn(t, 'haishu.inspector', id, 'verify_deny', { photos: [photo], reason: '现场确有问题但较轻' }),
    );
    expect(await toldOf(id, 'case.verify_deny')).toEqual(['haishu.shift_leader']);
    const std = (await t.as(await t.login('haishu.shift_leader')).get('/api/catalog/standards/06001')).json();
    await ok(
      actOn(t, 'haishu.shift_leader', id, 'file', {
        matterType: '06001',
        filingConditionId: std.filingConditions[0].id,
      }),
    );
    await ok(actOn(t, 'haishu.dispatcher', id, 'dispatch', { unitId: sanitation }));
    await ok(actOn(t, 'unit.haishu-sanitation', id, 'sign'));
    const after = await uploadPhoto(t, await t.login('unit.haishu-sanitation'));
    await ok(actOn(t, 'unit.haishu-sanitation', id, 'feed_back', { photos: [after], note: '已处理' }));
    await ok(actOn(t, 'haishu.acceptor', id, 'request_check'));
    expect(await toldOf(id, 'case.request_check')).toEqual(['haishu.inspector']);
  });
});

describe('repeats of one case count on one unread row', () => {
  it('a warning then the overdue of one case: one row per user, count 2, the latest kind and time', async () => {
    const id = await dispatchCase(t, sanitation, 23);
    await fire(id, 'dispose', 'warning');
    const [first] = await stageNotices('haishu.dispatcher', id);
    await fire(id, 'dispose', 'overdue');
    for (const u of ['haishu.dispatcher', 'unit.haishu-sanitation']) {
      const rows = await stageNotices(u, id);
      expect(rows, u).toHaveLength(1);
      expect(rows[0]).toMatchObject({ count: 2, kind: 'case.stage_overdue', readAt: null });
      expect(new Date(rows[0].lastAt).getTime()).toBeGreaterThanOrEqual(new Date(first.lastAt).getTime());
    }
    expect((await stageNotices('haishu.dispatcher', id))[0].id).toBe(first.id);
  });

  it('racing writers end with one row counting both; once read, the next starts a new row', async () => {
    const id = await dispatchCase(t, sanitation, 24);
    const unitUser = (
      await t.database.query<{ id: string }>(
        sql`SELECT id FROM app_user WHERE username = 'unit.haishu-sanitation'`,
      )
    )[0].id;
    const notice = (kind: string) => ({
      userId: unitUser,
      caseId: id,
      kind,
      params: { code: 'X' },
      group: `stage:${id}`,
    });
    await Promise.all(
      ['case.stage_warning', 'case.stage_overdue'].map((k) =>
        t.database.db.transaction((tx) => insertNotifications(tx, [notice(k)])),
      ),
    );
    let rows = await stageNotices('unit.haishu-sanitation', id);
    expect(rows).toHaveLength(1);
    expect(rows[0].count).toBe(2);
    const unit = await t.login('unit.haishu-sanitation');
    expect((await t.as(unit).post(`/api/notifications/${rows[0].id}/read`)).statusCode).toBe(204);
    // One batch naming the group twice counts twice on one new row.
    await t.database.db.transaction((tx) =>
      insertNotifications(tx, [notice('case.stage_warning'), notice('case.stage_overdue')]),
    );
    rows = await stageNotices('unit.haishu-sanitation', id);
    expect(rows.map((r) => [r.count, r.readAt === null])).toEqual([
      [2, true],
      [2, false],
    ]);
  });
});

describe('GET /api/cases/waiting', () => {
  async function waiting(username: string) {
    const res = await t.as(await t.login(username)).get('/api/cases/waiting');
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { total: number; queues: { role: string; total: number }[] };
  }
  async function queueTotal(username: string) {
    const res = await t.as(await t.login(username)).get('/api/cases?view=mine&pageSize=1');
    expect(res.statusCode, res.body).toBe(200);
    return res.json().total as number;
  }

  it("the shift leader's count of cases waiting to be filed equals their work queue's total", async () => {
    const before = await waiting('haishu.shift_leader');
    const id = await newReport(2);
    expect((await actOn(t, 'haishu.acceptor', id, 'accept_report', { matterType: '06002' })).statusCode).toBe(
      200,
    );
    const after = await waiting('haishu.shift_leader');
    expect(after.total).toBe(before.total + 1);
    expect(after.total).toBe(await queueTotal('haishu.shift_leader'));
    expect(after.queues).toEqual([{ role: 'shift_leader', total: after.total }]);
    for (const u of [...HAISHU, ...ELSEWHERE, 'city.leader']) {
      const w = await waiting(u);
      expect(w.total, u).toBe(await queueTotal(u));
      expect(
        w.queues.reduce((s, q) => s + q.total, 0),
        u,
      ).toBe(w.total);
    }
    // A leader has no work queue: no queues, nothing waiting.
    expect(await waiting('city.leader')).toEqual({ total: 0, own: 0, queues: [] });
  });

  it("another district's users count nothing of 海曙 and are told nothing of it", async () => {
    const jb = await waiting('jiangbei.shift_leader');
    const id = await newReport(3);
    expect((await actOn(t, 'haishu.acceptor', id, 'accept_report', { matterType: '06002' })).statusCode).toBe(
      200,
    );
    await fire(id, 'filing', 'warning');
    expect(await waiting('jiangbei.shift_leader')).toEqual(jb);
    expect(await told(id, ELSEWHERE)).toEqual([]);
    for (const u of ELSEWHERE) {
      const res = await t.as(await t.login(u)).get('/api/notifications?pageSize=200');
      const codes = (res.json().items as { params: { code?: string } }[]).map((n) => n.params.code ?? '');
      expect(
        codes.every((c) => !c.startsWith('330203')),
        u,
      ).toBe(true);
    }
  });
});
