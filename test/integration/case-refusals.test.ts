/**
 * Through the API: for cases standing in the states of the loop, every (action, role) that the
 * transition table refuses is refused by the server with the table's error code, and changes
 * nothing — the case keeps its state and version and no event is appended. (The table itself is
 * walked exhaustively in common/workflow.test.ts; this proves the server enforces it.)
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_ACTIONS, type CaseState, transition, type WorkflowRole } from '../../common/workflow.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn, uploadPhoto } from '../support/cases.ts';

let t: TestApp;
const ACTORS: { username: string; role: WorkflowRole; level: 'district_center' | 'city_center' | 'unit' }[] =
  [
    { username: 'haishu.inspector', role: 'inspector', level: 'district_center' },
    { username: 'haishu.acceptor', role: 'acceptor', level: 'district_center' },
    { username: 'haishu.shift_leader', role: 'shift_leader', level: 'district_center' },
    { username: 'haishu.dispatcher', role: 'dispatcher', level: 'district_center' },
    { username: 'unit.haishu-sanitation', role: 'unit_handler', level: 'unit' },
    { username: 'city.supervisor', role: 'supervisor', level: 'city_center' },
    { username: 'city.leader', role: 'leader', level: 'city_center' },
  ];
/** A full set of fields, so a refusal is never just a missing field. */
let fullInput: Record<string, unknown>;
const casesByState = new Map<CaseState, string>();

async function newCase(n: number) {
  const p = await pointIn(t, '330203', 20 + n);
  const token = await t.login('haishu.acceptor');
  const r = await t.as(token).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'hotline',
    description: '测试案件',
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    matterCode: '06004',
  });
  return r.json().case.id as string;
}

/** State, version, row image and event count of a case: what a refused action must leave as it was. */
async function snapshot(id: string) {
  const [row] = await t.database.query<Record<string, unknown>>(
    sql`SELECT c.state, c.version, c.updated_at::text AS updated, c.pending::text AS pending, c.unit_id,
               (SELECT count(*)::int FROM event e WHERE e.entity_id = c.id::text) AS events,
               (SELECT count(*)::int FROM case_stage s WHERE s.case_id = c.id) AS stages,
               (SELECT count(*)::int FROM case_task k WHERE k.case_id = c.id) AS tasks
        FROM case_file c WHERE c.id = ${id}`,
  );
  return row;
}

async function drive(id: string, steps: [string, string, Record<string, unknown>?][]) {
  for (const [user, action, fields] of steps) {
    const r = await actOn(t, user, id, action, fields);
    if (r.statusCode !== 200) throw new Error(`${action}: ${r.statusCode} ${r.body}`);
  }
}

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const units = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  const unitId = units.find((u) => u.name === '海曙区环境卫生管理处')!.id;
  const std = (await t.as(admin).get('/api/catalog/standards/06004')).json();
  const photo = await uploadPhoto(t, admin);
  // A step names photos its actor may read: their own uploads.
  const unitPhoto = await uploadPhoto(t, await t.login('unit.haishu-sanitation'));
  const inspectorPhoto = await uploadPhoto(t, await t.login('haishu.inspector'));
  fullInput = {
    reason: '测试原因',
    note: '说明',
    photos: [photo],
    unitId,
    matterType: '06004',
    filingConditionId: std.filingConditions[0].id,
    extension: { amount: 1, unit: 'work_hour' },
    rating: 5,
  };
  const f = { matterType: '06004', filingConditionId: std.filingConditions[0].id };
  const toDispatch: [string, string, Record<string, unknown>?][] = [
    ['haishu.acceptor', 'accept_report', { matterType: '06004' }],
    ['haishu.shift_leader', 'file', f],
  ];
  const plan: [CaseState, [string, string, Record<string, unknown>?][]][] = [
    ['reported', []],
    ['verifying', [['haishu.acceptor', 'request_verify']]],
    ['pending_filing', [toDispatch[0]]],
    ['pending_dispatch', toDispatch],
    ['dispatched', [...toDispatch, ['haishu.dispatcher', 'dispatch', { unitId }]]],
    [
      'in_progress',
      [...toDispatch, ['haishu.dispatcher', 'dispatch', { unitId }], ['unit.haishu-sanitation', 'sign']],
    ],
    [
      'fed_back',
      [
        ...toDispatch,
        ['haishu.dispatcher', 'dispatch', { unitId }],
        ['unit.haishu-sanitation', 'sign'],
        ['unit.haishu-sanitation', 'feed_back', { photos: [unitPhoto], note: '已清理' }],
      ],
    ],
    [
      'closed',
      [
        ...toDispatch,
        ['haishu.dispatcher', 'dispatch', { unitId }],
        ['unit.haishu-sanitation', 'sign'],
        ['unit.haishu-sanitation', 'feed_back', { photos: [unitPhoto], note: '已清理' }],
        ['haishu.acceptor', 'request_check'],
        ['haishu.inspector', 'check_pass', { photos: [inspectorPhoto] }],
        ['haishu.shift_leader', 'close'],
      ],
    ],
  ];
  let n = 0;
  for (const [state, steps] of plan) {
    const id = await newCase(n++);
    await drive(id, steps);
    casesByState.set(state, id);
  }
});
afterAll(async () => t?.close());

describe('the server refuses what the table refuses, and changes nothing', () => {
  it('for every state × action × role', async () => {
    let refused = 0;
    for (const [state, id] of casesByState) {
      const before = (await t.as(await t.login('admin')).get(`/api/cases/${id}`)).json().case;
      expect(before.state).toBe(state);
      const start = await snapshot(id);
      for (const actor of ACTORS) {
        const token = await t.login(actor.username);
        for (const action of CASE_ACTIONS) {
          const expected = transition(state, action, [actor.role], {
            actorLevel: actor.level,
            caseLevel: 'district',
            pending: {},
            flags: {},
            checkResult: null,
            input: { version: before.version, ...fullInput },
          });
          if (expected.ok) continue;
          const res = await t
            .as(token)
            .post(`/api/cases/${id}/actions/${action}`, { version: before.version, ...fullInput });
          // A unit does not see a case that is not dispatched to it: 404 instead of the table's code.
          if (res.statusCode === 404) {
            expect(actor.level).toBe('unit');
          } else {
            expect(res.statusCode, `${state} ${action} ${actor.role}: ${res.body}`).toBeGreaterThanOrEqual(
              400,
            );
            expect(res.json().error.code, `${state} ${action} ${actor.role}`).toBe(expected.code);
          }
          expect(await snapshot(id)).toEqual(start);
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(1000);
  }, 300_000);
});
