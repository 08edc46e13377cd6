/**
 * Who finds which case in "my work" (`GET /api/cases?view=mine`): a case waits on exactly the
 * people whose next step it is — by state, by the case's level (district or city coordination),
 * by a pending application and by the check's outcome — and every case in a queue offers its
 * holder a button that moves it. Cases are written straight into the table in each situation.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseAction, CaseState } from '../../common/workflow.ts';
import { NOT_WORK } from '../../server/modules/cases/queue.ts';
import { caseFile } from '../../server/modules/cases/tables.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { pointIn } from '../support/cases.ts';

let t: TestApp;
let sanitation: string;

interface Situation {
  state: CaseState;
  caseLevel?: 'district' | 'city';
  pending?: Record<string, unknown>;
  checkResult?: 'pass' | 'fail';
  unit?: boolean;
  district?: '330203' | '330205';
  /** Reported by this account (an inspector's own report is theirs to fix on the spot). */
  by?: string;
}

/** Each situation by a letter; the expected queues below name the letters. */
const SITUATIONS: Record<string, Situation> = {
  A: { state: 'reported' },
  B: { state: 'verifying' },
  C: { state: 'pending_filing' },
  D: { state: 'pending_dispatch' },
  E: { state: 'escalated', caseLevel: 'city' },
  F: { state: 'dispatched', unit: true },
  G: { state: 'in_progress', unit: true, pending: { extension: { amount: 4, unit: 'work_hour' } } },
  H: { state: 'returned', unit: true },
  I: { state: 'returned', caseLevel: 'city', unit: true },
  J: { state: 'fed_back', caseLevel: 'city', unit: true },
  K: { state: 'checking', unit: true },
  L: { state: 'pending_close', checkResult: 'pass', unit: true },
  // A failed check waits in its own state on the dispatcher's rework order (was pending_close).
  M: { state: 'check_failed', checkResult: 'fail', unit: true },
  N: { state: 'pending_close', caseLevel: 'city', checkResult: 'pass', unit: true },
  O: { state: 'parked', unit: true },
  P: { state: 'self_disposed' },
  Q: { state: 'in_progress', unit: true, pending: { void: { reason: '重复立案' } } },
  R: { state: 'dispatched', caseLevel: 'city', unit: true },
  S: { state: 'closed', unit: true },
  T: { state: 'pending_dispatch', district: '330205' },
  U: { state: 'reported', by: 'haishu.inspector' },
  // The inspector's own report sent back to the field for verification: a task, not "my report".
  V: { state: 'verifying', by: 'haishu.inspector' },
};

const EXPECTED: Record<string, string> = {
  'haishu.acceptor': 'A J U',
  'haishu.inspector': 'B K V',
  'haishu.shift_leader': 'C L P Q',
  'haishu.dispatcher': 'D G H M O',
  'city.dispatcher': 'E I',
  'city.shift_leader': 'N',
  'city.leader': '',
  'city.supervisor': '',
  'unit.haishu-sanitation': 'F G Q R',
  'jiangbei.dispatcher': 'T',
};

const tag = `WQ${Date.now().toString(36)}`;

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  sanitation = orgs.find((o) => o.name === '海曙区环境卫生管理处')!.id;
  const ids = new Map<string, string>();
  for (const s of Object.values(SITUATIONS)) {
    if (s.by && !ids.has(s.by))
      ids.set(s.by, (await t.as(await t.login(s.by)).get('/api/me')).json().user.id);
  }
  const places = { '330203': await pointIn(t, '330203', 7), '330205': await pointIn(t, '330205', 7) };
  for (const [letter, s] of Object.entries(SITUATIONS)) {
    const d = s.district ?? '330203';
    const p = places[d];
    await t.app.db.insert(caseFile).values({
      id: randomUUID(),
      code: `${d}-${tag}-${letter}`,
      state: s.state,
      channel: 'inspector',
      description: `队列测试 ${letter}`,
      lng: p.lng,
      lat: p.lat,
      gridId: p.gridId,
      communityCode: p.gridId.slice(0, 12),
      townshipCode: p.gridId.slice(0, 9),
      districtCode: d,
      areaClass: 'B',
      matterKind: 'matter',
      matterCode: '06001',
      caseLevel: s.caseLevel ?? 'district',
      pending: s.pending ?? {},
      checkResult: s.checkResult ?? null,
      unitId: s.unit ? sanitation : null,
      createdBy: s.by ? ids.get(s.by)! : 'test',
    });
  }
});
afterAll(async () => t?.close());

/** Own reports open to self-disposal (`view=own`): apart from the work given to the caller. */
const OWN_EXPECTED: Record<string, string> = {
  'haishu.inspector': 'U',
  'haishu.acceptor': '',
  'haishu.shift_leader': '',
};

async function queueOf(username: string, view: 'mine' | 'own' = 'mine') {
  const token = await t.login(username);
  const res = await t.as(token).get(`/api/cases?view=${view}&q=${tag}&pageSize=100`);
  expect(res.statusCode, res.body).toBe(200);
  return { token, items: res.json().items as { id: string; code: string }[] };
}

describe('my work', () => {
  it.each(Object.entries(EXPECTED))('%s waits on exactly: %s', async (username, expected) => {
    const { items } = await queueOf(username);
    const letters = items.map((i) => i.code.split('-').at(-1)).sort();
    expect(letters.join(' ')).toBe(expected);
  });

  it.each(Object.entries(OWN_EXPECTED))(
    "%s's own reports open to self-disposal: %s",
    async (username, expected) => {
      const { items } = await queueOf(username, 'own');
      expect(
        items
          .map((i) => i.code.split('-').at(-1))
          .sort()
          .join(' '),
      ).toBe(expected);
    },
  );

  it("an inspector's workbench, 待办 badge and field app count the same work; own reports apart", async () => {
    const token = await t.login('haishu.inspector');
    const get = async (url: string) => {
      const res = await t.as(token).get(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      return res.json();
    };
    const wb = await get('/api/workbench');
    const waiting = await get('/api/cases/waiting');
    // What the field app's task list fetches (web/src/mobile/pages/TasksPage.tsx), both parts.
    const fieldTasks = await get('/api/cases?view=mine&pageSize=100');
    const fieldOwn = await get('/api/cases?view=own&pageSize=100');
    const queue = (wb.queues as { role: string; total: number; actions: string[] }[]).find(
      (q) => q.role === 'inspector',
    )!;
    // The inspector has both kinds here: the tasks B K V and the own report U (and V is theirs too).
    expect(fieldTasks.total).toBeGreaterThanOrEqual(3);
    expect(fieldOwn.total).toBeGreaterThanOrEqual(1);
    expect(queue.total).toBe(fieldTasks.total);
    expect(waiting.total).toBe(fieldTasks.total);
    expect(waiting.queues).toEqual([{ role: 'inspector', total: fieldTasks.total }]);
    // Own reports: one number, the same on every screen, in no queue's count.
    expect(wb.own.total).toBe(fieldOwn.total);
    expect(waiting.own).toBe(fieldOwn.total);
    const taskIds = new Set((fieldTasks.items as { id: string }[]).map((i) => i.id));
    for (const i of fieldOwn.items as { id: string }[]) expect(taskIds.has(i.id)).toBe(false);
    // Self-disposal is the own line's action, not a shortcut of the queue.
    expect(queue.actions).not.toContain('self_dispose');
    expect(wb.own.actions).toEqual(['self_dispose']);
    // A role without own-report work has no such line.
    const acceptor = await t.login('haishu.acceptor');
    expect((await t.as(acceptor).get('/api/workbench')).json().own).toBeNull();
    expect((await t.as(acceptor).get('/api/cases/waiting')).json().own).toBe(0);
  });

  it('every case in a queue offers its holder an action that moves it', async () => {
    for (const username of Object.keys(EXPECTED)) {
      const { token, items } = await queueOf(username);
      for (const item of items) {
        const detail = (await t.as(token).get(`/api/cases/${item.id}`)).json();
        const work = (detail.actions as { action: CaseAction }[])
          .map((a) => a.action)
          .filter((a) => !NOT_WORK.has(a));
        expect(work.length, `${username} ${item.code}: ${JSON.stringify(detail.actions)}`).toBeGreaterThan(0);
      }
    }
  });

  it("the city centre cannot file, close or void a district's case, nor a district a city-level one", async () => {
    const codes = Object.fromEntries(
      (
        await t.database.query<{ id: string; code: string }>(
          sql`SELECT id, code FROM case_file WHERE code LIKE ${`%${tag}%`}`,
        )
      ).map((r) => [r.code.split('-').at(-1), r.id]),
    );
    const act = async (user: string, id: string, action: string, body: Record<string, unknown> = {}) => {
      const token = await t.login(user);
      const version = (await t.as(token).get(`/api/cases/${id}`)).json().case.version;
      return t.as(token).post(`/api/cases/${id}/actions/${action}`, { version, ...body });
    };
    const refusedCity = await act('city.shift_leader', codes.L, 'close');
    expect(refusedCity.statusCode, refusedCity.body).toBe(422);
    expect(refusedCity.json().error).toMatchObject({
      code: 'WORKFLOW_GUARD_FAILED',
      message: '案件由另一级中心办理',
    });
    const refusedDistrict = await act('haishu.shift_leader', codes.N, 'close');
    expect(refusedDistrict.json().error.code).toBe('WORKFLOW_GUARD_FAILED');
    expect((await act('city.shift_leader', codes.C, 'file', { matterType: '06001' })).statusCode).toBe(422);
    expect((await act('city.shift_leader', codes.N, 'close')).statusCode).toBe(200);
    expect((await act('haishu.shift_leader', codes.L, 'close')).statusCode).toBe(200);
  });
});
