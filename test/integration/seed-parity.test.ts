/**
 * The demo seed and the server write the same case history for the same scripted inputs: one case
 * runs through the API (report → accept → file → dispatch → sign → extension applied and approved
 * → parking approved and resumed → feed back → check fails → rework → sign → feed back → check
 * passes → close), then the seed's in-memory simulation replays the same steps at the same
 * moments, and the two are compared: events (before/after), stages (start, due, pause, stop,
 * extension), live timers, field tasks and the case row.
 */
import { randomUUID } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DISTRICTS } from '../../common/identity.ts';
import type { CaseAction, WorkflowInput } from '../../common/workflow.ts';
import { caseFile, caseStage, caseTask, caseTimer } from '../../server/modules/cases/tables.ts';
import { CaseSim, loadWorld } from '../../server/seed/demo-cases/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn, uploadPhoto } from '../support/cases.ts';

let t: TestApp;
let unitId: string;
let here: { lng: number; lat: number; gridId: string };

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  unitId = orgs.find((o) => o.name === '海曙区环境卫生管理处')!.id;
  here = await pointIn(t, '330203', 5);
});
afterAll(async () => t?.close());

interface Step {
  who: string;
  action: CaseAction;
  input?: WorkflowInput;
  reason?: string;
}

const ms = (d: Date | string | null | undefined) => (d ? new Date(d).getTime() : null);

describe('the seed and the server', () => {
  it('write the same events, stages, timers and tasks for one scripted case', async () => {
    const db = t.database.db;
    const matter = '06001';
    const std = (await t.as(await t.login('admin')).get(`/api/catalog/standards/${matter}`)).json();
    const filingConditionId = std.filingConditions[0].id as string;
    const unitToken = await t.login('unit.haishu-sanitation');
    const inspectorToken = await t.login('haishu.inspector');
    const photo = async (token: string) => [await uploadPhoto(t, token)];
    const steps: Step[] = [
      { who: 'haishu.acceptor', action: 'accept_report', input: { matterType: matter } },
      { who: 'haishu.shift_leader', action: 'file', input: { matterType: matter, filingConditionId } },
      { who: 'haishu.dispatcher', action: 'dispatch', input: { unitId } },
      { who: 'unit.haishu-sanitation', action: 'sign' },
      {
        who: 'unit.haishu-sanitation',
        action: 'apply_extension',
        input: { extension: { amount: 2, unit: 'work_hour' } },
        reason: '需要协调物业',
      },
      { who: 'haishu.dispatcher', action: 'approve_extension' },
      { who: 'unit.haishu-sanitation', action: 'apply_parking', reason: '等待管线改造' },
      { who: 'haishu.dispatcher', action: 'approve_parking' },
      { who: 'haishu.dispatcher', action: 'unpark' },
      {
        who: 'unit.haishu-sanitation',
        action: 'feed_back',
        input: { photos: await photo(unitToken), note: '已清理' },
      },
      { who: 'haishu.acceptor', action: 'request_check' },
      {
        who: 'haishu.inspector',
        action: 'check_fail',
        input: { photos: await photo(inspectorToken) },
        reason: '仍有垃圾',
      },
      { who: 'haishu.dispatcher', action: 'rework', reason: '重新清理' },
      { who: 'unit.haishu-sanitation', action: 'sign' },
      {
        who: 'unit.haishu-sanitation',
        action: 'feed_back',
        input: { photos: await photo(unitToken), note: '已清理' },
      },
      { who: 'haishu.acceptor', action: 'request_check' },
      { who: 'haishu.inspector', action: 'check_pass', input: { photos: await photo(inspectorToken) } },
      { who: 'haishu.shift_leader', action: 'close' },
    ];

    // 1. The server, through the API; each step's moment is the case row's updatedAt after it.
    const r = await t.as(await t.login('haishu.acceptor')).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel: 'hotline',
      description: '路边暴露垃圾',
      location: { lng: here.lng, lat: here.lat, crs: 'wgs84' },
      matterCode: matter,
    });
    expect(r.statusCode, r.body).toBe(201);
    const caseId = r.json().case.id as string;
    const row = async () => (await db.select().from(caseFile).where(eq(caseFile.id, caseId)))[0];
    const created = await row();
    // 2. The seed's simulation of the same case, step by step at the server's moments; after each
    //    step the live timers of both are compared (a withdrawn timer never fires; the seed does
    //    not write it), as the stage they belong to, their kind and their time.
    // Any random source will do (it only names the simulated rows), as long as ids differ.
    let n = 1;
    const rng = () => {
      n = (n * 48_271) % 2_147_483_647;
      return n / 2_147_483_647;
    };
    const world = await db.transaction((tx) => loadWorld(tx, rng, new Date()));
    const sim = new CaseSim(
      world,
      rng,
      { ...created, id: caseId },
      world.standards.get(matter)!,
      DEMO_DISTRICTS.find((d) => d.code === created.districtCode)!,
    );
    sim.t = created.createdAt.getTime();
    sim.create(created.createdAt);
    const liveTimers = async () => {
      const stages = new Map(
        (await db.select().from(caseStage).where(eq(caseStage.caseId, caseId))).map((x) => [x.id, x]),
      );
      return (await db.select().from(caseTimer).where(eq(caseTimer.caseId, caseId)))
        .filter((x) => !x.cancelledAt)
        .map(
          (x) =>
            `${stages.get(x.stageId)!.stage}@${ms(stages.get(x.stageId)!.startedAt)} ${x.kind} ${x.fireAt.toISOString()}`,
        )
        .sort();
    };
    const simTimers = () =>
      sim.timers
        .map((x) => {
          const st = sim.stages.find((y) => y.id === x.stageId)!;
          return `${st.stage}@${ms(st.startedAt)} ${x.kind} ${x.fireAt.toISOString()}`;
        })
        .sort();
    expect(simTimers()).toEqual(await liveTimers());
    let timersSeen = 0;
    for (const s of steps) {
      const res = await actOn(t, s.who, caseId, s.action, { ...s.input, reason: s.reason });
      expect(res.statusCode, `${s.action}: ${res.body}`).toBe(200);
      sim.t = (await row()).updatedAt.getTime();
      sim.must(s.action, world.users.get(s.who)!, s.input, s.reason);
      // A failed check lands both in 待返工, timed by the dispatcher's rework stage.
      if (s.action === 'check_fail') {
        expect((await row()).state).toBe('check_failed');
        expect(sim.c.state).toBe('check_failed');
        expect(sim.current()?.stage).toBe('rework');
      }
      const live = await liveTimers();
      expect(simTimers(), `timers after ${s.action}`).toEqual(live);
      timersSeen += live.length;
    }
    expect(timersSeen).toBeGreaterThan(steps.length);
    const serverCase = await row();
    sim.finish();

    // 3. Compare.
    const serverEvents = (
      (await db.execute(
        sql`SELECT action, before, after FROM event WHERE entity_type = 'case' AND entity_id = ${caseId}
            AND action NOT IN ('case.report') ORDER BY id`,
      )) as unknown as { rows: { action: string; before: unknown; after: { input?: unknown } }[] }
    ).rows;
    const strip = (e: { action: string; before?: unknown; after?: unknown }) => {
      const { input: _input, ...after } = (e.after ?? {}) as Record<string, unknown>;
      return { action: e.action, before: e.before ?? null, after };
    };
    expect(sim.events.map(strip)).toEqual(serverEvents.map(strip));

    const serverStages = await db
      .select()
      .from(caseStage)
      .where(eq(caseStage.caseId, caseId))
      .orderBy(asc(caseStage.startedAt), asc(caseStage.stage));
    const stageView = (s: {
      stage: string;
      startedAt: Date;
      dueAt: Date;
      limitAmount: number;
      limitUnit: string;
      pausedAt?: Date | null;
      stoppedAt?: Date | null;
      extended?: boolean | null;
    }) => ({
      stage: s.stage,
      startedAt: ms(s.startedAt),
      dueAt: ms(s.dueAt),
      limit: `${s.limitAmount} ${s.limitUnit}`,
      pausedAt: ms(s.pausedAt),
      stoppedAt: ms(s.stoppedAt),
      extended: !!s.extended,
    });
    const simStages = [...sim.stages].sort(
      (a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.stage.localeCompare(b.stage),
    );
    expect(simStages.map(stageView)).toEqual(serverStages.map(stageView));
    // The case went through an extension, a pause and a rework: the comparison covers them.
    expect(serverStages.some((s) => s.extended)).toBe(true);
    expect(serverStages.filter((s) => s.stage === 'dispose')).toHaveLength(2);

    const serverTasks = await db
      .select()
      .from(caseTask)
      .where(eq(caseTask.caseId, caseId))
      .orderBy(asc(caseTask.createdAt));
    const taskView = (x: {
      kind: string;
      status?: string | null;
      result?: string | null;
      assigneeId?: string | null;
    }) => ({
      kind: x.kind,
      status: x.status,
      result: x.result,
      assigneeId: x.assigneeId,
    });
    expect(sim.tasks.map(taskView)).toEqual(serverTasks.map(taskView));

    const caseView = (c: Record<string, unknown>) => ({
      state: c.state,
      version: c.version,
      unitId: c.unitId,
      pending: c.pending,
      standardId: c.standardId,
      filingConditionId: c.filingConditionId,
      reworkCount: c.reworkCount,
      checkResult: c.checkResult,
      filedAt: ms(c.filedAt as Date),
      dispatchedAt: ms(c.dispatchedAt as Date),
      closedAt: ms(c.closedAt as Date),
      currentStage: c.currentStage ?? null,
    });
    expect(caseView(sim.c)).toEqual(caseView(serverCase));
    expect(serverCase.state).toBe('closed');
  });
});
