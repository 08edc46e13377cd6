/**
 * Issue 9 ("Defects in the loop", items 1–3 and the masking of 12), through the API:
 * - a failed check waits in 待返工 (`check_failed`) with the dispatcher's `rework` stage running,
 *   its timers tell the dispatcher (not the unit), only the dispatcher acts, and the rework form
 *   starts with the inspector's finding;
 * - the unit's feedback needs words (400 in the caller's language, nothing written); acceptance
 *   and dispatch take a comment; the dispatch shows the disposal deadline it will set, and sets
 *   exactly that one; approving an extension shows the amount and reason asked for; a filing
 *   condition that says 立即按紧急案件处理 makes the case urgent, and the timeline names the
 *   condition chosen;
 * - a report shows the account that made it; a citizen's or caller's name and phone are masked
 *   for every role but those that call back (REPORTER_CONTACT_ROLES); districts stay apart.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REPORTER_CONTACT_ROLES } from '../../server/modules/cases/policy.ts';
import { sweepTimers } from '../../server/modules/cases/timers.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn, uploadPhoto } from '../support/cases.ts';

process.env.DEMO_COMPONENTS ??= '300';

let t: TestApp;
let unitId: string;
let grid = 0;

beforeAll(async () => {
  t = await createTestApp();
  const orgs = (await t.as(await t.login('admin')).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  unitId = orgs.find((o) => o.name === '海曙区环境卫生管理处')!.id;
});
afterAll(async () => t?.close());

interface Detail {
  case: {
    id: string;
    code: string;
    state: string;
    version: number;
    urgency: string;
    currentStage: string | null;
    currentDueAt: string | null;
    pending: Record<string, { amount?: number; unit?: string; reason?: string; by?: string } | undefined>;
  };
  reports: {
    account: { kind: string; name: string; login: string | null } | null;
    reporterName: string | null;
    reporterPhone: string | null;
    contactMasked: boolean;
  }[];
  stages: {
    stage: string;
    stoppedAt: string | null;
    dueAt: string;
    limit: { amount: number; unit: string };
  }[];
  timeline: {
    action: string;
    reason: string | null;
    before: Record<string, unknown>;
    after: Record<string, unknown>;
  }[];
  actions: {
    action: string;
    fields: string[];
    optional: string[];
    decides?: string;
    prefill?: { reason?: string; note?: string };
    clocks: { stage: string; kind: string; limit: { amount: number; unit: string }; dueAt: string }[];
  }[];
}

async function detail(username: string, id: string): Promise<Detail> {
  const res = await t.as(await t.login(username)).get(`/api/cases/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const actionOf = (d: Detail, action: string) => d.actions.find((a) => a.action === action);

async function must(username: string, id: string, action: string, fields: Record<string, unknown> = {}) {
  const res = await actOn(t, username, id, action, fields);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  return res.json();
}

/** A report in 海曙 (by the acceptor unless said otherwise), the case id. */
async function report(
  opts: {
    by?: string;
    matterCode?: string;
    reporter?: { name: string; phone: string };
    channel?: string;
  } = {},
) {
  const p = await pointIn(t, '330203', 20 + grid++);
  const r = await t.as(await t.login(opts.by ?? 'haishu.acceptor')).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: opts.channel ?? 'hotline',
    description: `问题描述 ${grid}`,
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    matterCode: opts.matterCode ?? '06002',
    ...(opts.reporter ? { reporter: opts.reporter } : {}),
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().case.id as string;
}

async function conditions(matterCode: string) {
  const std = await t.as(await t.login('haishu.shift_leader')).get(`/api/catalog/standards/${matterCode}`);
  return std.json().filingConditions as { id: string; text: string; urgent?: boolean }[];
}

/** Reported, accepted and filed under `conditionId` (the type's first condition by default). */
async function filed(matterCode = '06002', conditionId?: string) {
  const id = await report({ matterCode });
  await must('haishu.acceptor', id, 'accept_report', { matterType: matterCode });
  await must('haishu.shift_leader', id, 'file', {
    matterType: matterCode,
    filingConditionId: conditionId ?? (await conditions(matterCode))[0].id,
  });
  return id;
}

async function working(matterCode = '06002') {
  const id = await filed(matterCode);
  await must('haishu.dispatcher', id, 'dispatch', { unitId });
  await must('unit.haishu-sanitation', id, 'sign');
  return id;
}

const unitPhoto = async () => [await uploadPhoto(t, await t.login('unit.haishu-sanitation'))];
const inspectorPhoto = async () => [await uploadPhoto(t, await t.login('haishu.inspector'))];

async function inbox(username: string, caseId: string) {
  const res = await t.as(await t.login(username)).get('/api/notifications?pageSize=200');
  return (res.json().items as { caseId: string | null; kind: string }[])
    .filter((n) => n.caseId === caseId)
    .map((n) => n.kind);
}

async function inMyQueue(username: string, code: string) {
  const q = await t.as(await t.login(username)).get(`/api/cases?view=mine&q=${encodeURIComponent(code)}`);
  return (q.json().items as { code: string }[]).some((i) => i.code === code);
}

describe('item 1: a failed check says what it waits for', () => {
  it('waits in 待返工 on the dispatcher, timed by the rework stage, with the finding prefilled', async () => {
    const id = await working();
    await must('unit.haishu-sanitation', id, 'feed_back', { photos: await unitPhoto(), note: '已清理' });
    await must('haishu.acceptor', id, 'request_check');
    const finding = '井盖仍有响动，未固定到位';
    const failed = await must('haishu.inspector', id, 'check_fail', {
      photos: await inspectorPhoto(),
      reason: finding,
    });
    expect(failed.state).toBe('check_failed');
    expect(failed.currentStage).toBe('rework');

    // The rework stage runs alone, for the limit the city set (default 1 work hour).
    const d = await detail('haishu.dispatcher', id);
    const running = d.stages.filter((s) => !s.stoppedAt);
    expect(running.map((s) => s.stage)).toEqual(['rework']);
    expect(running[0].limit).toEqual({ amount: 1, unit: 'work_hour' });
    expect(d.case.currentDueAt).toBe(running[0].dueAt);
    expect(d.stages.some((s) => s.stage === 'close')).toBe(false);

    // Only the dispatcher acts (besides the side actions): rework, its reason the inspector's finding.
    const rework = actionOf(d, 'rework')!;
    expect(rework.prefill).toEqual({ reason: finding });
    expect(rework.fields).toEqual(['version', 'reason']);
    const leader = await detail('haishu.shift_leader', id);
    expect(actionOf(leader, 'close')).toBeUndefined();
    expect(await inMyQueue('haishu.dispatcher', d.case.code)).toBe(true);
    expect(await inMyQueue('haishu.shift_leader', d.case.code)).toBe(false);
    // The dispatcher was told of the failed check.
    expect(await inbox('haishu.dispatcher', id)).toContain('case.check_fail');

    // The rework stage's timers reach the dispatcher, not the unit.
    await t.database.query(
      sql`UPDATE case_timer SET fire_at = now() - interval '1 second'
          WHERE fired_at IS NULL AND cancelled_at IS NULL
            AND stage_id IN (SELECT id FROM case_stage WHERE case_id = ${id} AND stage = 'rework')`,
    );
    expect(await sweepTimers(t.database)).toBeGreaterThanOrEqual(2);
    const fired = (await detail('haishu.dispatcher', id)).timeline.filter((e) =>
      e.action.startsWith('case.stage_'),
    );
    expect(fired.map((e) => [e.action, e.after.stage]).sort()).toEqual([
      ['case.stage_overdue', 'rework'],
      ['case.stage_warning', 'rework'],
    ]);
    // Both count on one unread row of the dispatcher's (issue 9 item 4: was one row each).
    const res = await t.as(await t.login('haishu.dispatcher')).get('/api/notifications?pageSize=200');
    const stageRows = (res.json().items as { caseId: string | null; kind: string; count: number }[]).filter(
      (n) => n.caseId === id && n.kind.startsWith('case.stage_'),
    );
    expect(stageRows.map((n) => [n.kind, n.count])).toEqual([['case.stage_overdue', 2]]);
    const unitKinds = await inbox('unit.haishu-sanitation', id);
    expect(unitKinds).not.toContain('case.stage_overdue');
    expect(unitKinds).not.toContain('case.stage_warning');

    // The order (with the finding as its reason) sends it back to the unit with a fresh limit.
    const back = await must('haishu.dispatcher', id, 'rework', { reason: finding, note: '请固定井盖后反馈' });
    expect(back).toMatchObject({ state: 'dispatched', currentStage: 'dispose', reworkCount: 1 });
    const after = await detail('haishu.dispatcher', id);
    expect(after.stages.filter((s) => !s.stoppedAt).map((s) => s.stage)).toEqual(['dispose']);
    const order = after.timeline.find((e) => e.action === 'case.rework')!;
    expect(order.reason).toBe(finding);
    expect((order.after.input as { note?: string }).note).toBe('请固定井盖后反馈');
  });
});

describe('item 2: the steps take their words', () => {
  it('feedback without what was done: 400 in the caller’s language, nothing written', async () => {
    const id = await working();
    const before = await detail('unit.haishu-sanitation', id);
    const photos = await unitPhoto();
    const token = await t.login('unit.haishu-sanitation');
    const url = `/api/cases/${id}/actions/feed_back`;
    for (const note of [undefined, '', '   ']) {
      const body = { version: before.case.version, photos, ...(note === undefined ? {} : { note }) };
      const zh = await t.as(token).post(url, body);
      expect(zh.statusCode, zh.body).toBe(400);
      expect(zh.json().error).toMatchObject({
        code: 'WORKFLOW_FIELD_REQUIRED',
        message: '缺少必填项：说明',
        details: [{ field: 'body.note' }],
      });
      const en = await t.as(token).post(url, body, { 'accept-language': 'en-US,en;q=0.9' });
      expect(en.statusCode).toBe(400);
      expect(en.json().error.message).toBe('missing required field: note');
    }
    const after = await detail('unit.haishu-sanitation', id);
    expect(after.case).toEqual(before.case);
    expect(after.timeline.map((e) => e.action)).toEqual(before.timeline.map((e) => e.action));
    const [{ n }] = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM case_photo WHERE case_id = ${id} AND photo_id = ${photos[0]}`,
    );
    expect(n).toBe(0);
    // The form asks for it: the action requires the note and the photos.
    expect(actionOf(before, 'feed_back')!.fields).toEqual(['version', 'note', 'photos']);
    // With words it goes through, and the timeline keeps them.
    await must('unit.haishu-sanitation', id, 'feed_back', { photos, note: '已更换井盖并固定' });
    const done = await detail('haishu.acceptor', id);
    const fed = done.timeline.find((e) => e.action === 'case.feed_back')!;
    expect((fed.after.input as { note?: string }).note).toBe('已更换井盖并固定');
  });

  it('acceptance takes a comment; the dispatch shows its deadline, sets exactly it, and takes instructions', async () => {
    const matterCode = '06002';
    const id = await report({ matterCode });
    const accepting = await detail('haishu.acceptor', id);
    expect(actionOf(accepting, 'accept_report')).toMatchObject({
      fields: ['version', 'matterType'],
      optional: ['note'],
    });
    await must('haishu.acceptor', id, 'accept_report', {
      matterType: matterCode,
      note: '来电人反映已持续两天',
    });
    const accepted = (await detail('haishu.acceptor', id)).timeline.find(
      (e) => e.action === 'case.accept_report',
    )!;
    expect((accepted.after.input as { note?: string }).note).toBe('来电人反映已持续两天');
    await must('haishu.shift_leader', id, 'file', {
      matterType: matterCode,
      filingConditionId: (await conditions(matterCode))[0].id,
    });

    // The clock is frozen between the preview and the dispatch, so "if dispatched now" is now.
    const token = await t.login('haishu.dispatcher');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      const d: Detail = (await t.as(token).get(`/api/cases/${id}`)).json();
      const dispatch = actionOf(d, 'dispatch')!;
      expect(dispatch.optional).toEqual(['note']);
      expect(dispatch.clocks).toHaveLength(1);
      const preview = dispatch.clocks[0];
      expect(preview).toMatchObject({ stage: 'dispose', kind: 'start' });
      // The limit is the standard's, for the case's area class and urgency.
      const std = (await t.as(token).get(`/api/catalog/standards/${matterCode}`)).json();
      const areaClass = (await t.as(token).get(`/api/cases/${id}`)).json().case.areaClass;
      const limit = std.timeLimits.find(
        (l: { areaClass: string; urgency: string }) => l.areaClass === areaClass && l.urgency === 'normal',
      );
      expect(preview.limit).toEqual({ amount: limit.amount, unit: limit.unit });
      const res = await t.as(token).post(`/api/cases/${id}/actions/dispatch`, {
        version: d.case.version,
        unitId,
        note: '请今日下班前清理并拍照反馈',
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().currentDueAt).toBe(preview.dueAt);
      const after = await detail('haishu.dispatcher', id);
      const dispose = after.stages.find((s) => s.stage === 'dispose' && !s.stoppedAt)!;
      expect(dispose.dueAt).toBe(preview.dueAt);
      const sent = after.timeline.find((e) => e.action === 'case.dispatch')!;
      expect((sent.after.input as { note?: string }).note).toBe('请今日下班前清理并拍照反馈');
    } finally {
      vi.useRealTimers();
    }
    // The unit reads the instructions on its case page.
    const forUnit = await detail('unit.haishu-sanitation', id);
    const sent = forUnit.timeline.find((e) => e.action === 'case.dispatch')!;
    expect((sent.after.input as { note?: string }).note).toBe('请今日下班前清理并拍照反馈');
  });

  it('approving an extension shows the amount and reason asked for, and the due time it gives', async () => {
    const id = await working();
    await must('unit.haishu-sanitation', id, 'apply_extension', {
      reason: '需要协调物业断水施工',
      extension: { amount: 2, unit: 'work_hour' },
    });
    const d = await detail('haishu.dispatcher', id);
    const approve = actionOf(d, 'approve_extension')!;
    expect(approve.decides).toBe('extension');
    expect(actionOf(d, 'refuse_extension')!.decides).toBe('extension');
    expect(d.case.pending.extension).toMatchObject({
      amount: 2,
      unit: 'work_hour',
      reason: '需要协调物业断水施工',
      by: 'unit.haishu-sanitation',
    });
    expect(approve.clocks).toEqual([
      {
        stage: 'dispose',
        kind: 'extend',
        limit: { amount: 2, unit: 'work_hour' },
        dueAt: expect.any(String),
      },
    ]);
    const approved = await must('haishu.dispatcher', id, 'approve_extension');
    expect(approved.currentDueAt).toBe(approve.clocks[0].dueAt);
    // The history keeps what was approved.
    const e = (await detail('haishu.dispatcher', id)).timeline.find(
      (x) => x.action === 'case.approve_extension',
    )!;
    expect((e.before.pending as Detail['case']['pending']).extension).toMatchObject({
      amount: 2,
      reason: '需要协调物业断水施工',
    });
  });

  it('a filing condition saying 立即按紧急案件处理 makes the case urgent; the timeline names the condition', async () => {
    // The default standard of a manhole-cover type marks its urgent condition.
    const cover = await conditions('01001');
    const urgentCondition = cover.find((c) => c.urgent)!;
    expect(urgentCondition.text).toContain('立即按紧急案件处理');
    const normalCondition = cover.find((c) => !c.urgent)!;

    const urgentCase = await filed('01001', urgentCondition.id);
    const u = await detail('haishu.dispatcher', urgentCase);
    expect(u.case.urgency).toBe('urgent');
    const filing = u.timeline.find((e) => e.action === 'case.file')!;
    expect(filing.after.filing).toMatchObject({
      conditionId: urgentCondition.id,
      text: urgentCondition.text,
      urgent: true,
    });
    // Its disposal deadline is the urgent one, in urgent hours.
    expect(actionOf(u, 'dispatch')!.clocks[0].limit.unit).toBe('urgent_hour');

    const normalCase = await filed('01001', normalCondition.id);
    const n = await detail('haishu.dispatcher', normalCase);
    expect(n.case.urgency).toBe('normal');
    expect(n.timeline.find((e) => e.action === 'case.file')!.after.filing).toMatchObject({
      conditionId: normalCondition.id,
      text: normalCondition.text,
      urgent: false,
    });

    // A city's own standard marks its urgent condition in the editor; filing under it is urgent too.
    const admin = await t.login('admin');
    const v1 = (await t.as(admin).get('/api/catalog/standards/06003')).json();
    const edit = await t.as(admin).put('/api/catalog/standards/06003', {
      version: v1.version,
      reason: '增加紧急立案条件',
      filingConditions: [{ text: '一般情况' }, { text: '堵塞主干道的，立即按紧急案件处理', urgent: true }],
      timeLimits: v1.timeLimits,
      closingConditions: v1.closingConditions.map((c: { text: string }) => ({ text: c.text })),
      defaultUnitType: v1.defaultUnitType,
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(edit.json().filingConditions).toEqual([
      { id: 'f1', text: '一般情况' },
      { id: 'f2', text: '堵塞主干道的，立即按紧急案件处理', urgent: true },
    ]);
    const own = await filed('06003', 'f2');
    expect((await detail('haishu.dispatcher', own)).case.urgency).toBe('urgent');
  });
});

describe('item 3: who reported, and whose contact is shown to whom', () => {
  it("an inspector's report shows the inspector's account, not 匿名", async () => {
    const id = await report({ by: 'haishu.inspector', channel: 'inspector' });
    const me = (await t.as(await t.login('haishu.inspector')).get('/api/me')).json().user;
    for (const who of ['haishu.dispatcher', 'haishu.acceptor', 'city.supervisor']) {
      const [r] = (await detail(who, id)).reports;
      expect(r.account, who).toEqual({ kind: 'user', name: me.displayName, login: 'haishu.inspector' });
      expect(r.reporterName).toBeNull();
      expect(r.reporterPhone).toBeNull();
    }
  });

  it("a caller's name and phone: unmasked for the acceptor, shift leader and hotline operator, masked for everyone else", async () => {
    expect([...REPORTER_CONTACT_ROLES].sort()).toEqual(['acceptor', 'hotline_operator', 'shift_leader']);
    const id = await report({ reporter: { name: '张先生', phone: '13812345678' } });
    await must('haishu.acceptor', id, 'accept_report', { matterType: '06002' });
    await must('haishu.shift_leader', id, 'file', {
      matterType: '06002',
      filingConditionId: (await conditions('06002'))[0].id,
    });
    await must('haishu.dispatcher', id, 'dispatch', { unitId });
    const acceptorAccount = (await t.as(await t.login('haishu.acceptor')).get('/api/me')).json().user;
    for (const who of ['haishu.acceptor', 'haishu.shift_leader', 'haishu.hotline_operator']) {
      const [r] = (await detail(who, id)).reports;
      expect(r, who).toMatchObject({
        reporterName: '张先生',
        reporterPhone: '13812345678',
        contactMasked: false,
        // The acceptor who took the call is the account behind the report.
        account: { kind: 'user', name: acceptorAccount.displayName, login: 'haishu.acceptor' },
      });
    }
    for (const who of [
      'haishu.dispatcher',
      'haishu.inspector',
      'unit.haishu-sanitation',
      'city.supervisor',
      'city.leader',
    ]) {
      const res = await t.as(await t.login(who)).get(`/api/cases/${id}`);
      expect(res.statusCode, who).toBe(200);
      const [r] = res.json().reports;
      expect(r, who).toMatchObject({
        reporterName: '张**',
        reporterPhone: '138****5678',
        contactMasked: true,
      });
      expect(res.body, who).not.toContain('13812345678');
      expect(res.body, who).not.toContain('张先生');
    }
  });

  it('district isolation is unaffected: another district sees neither the case nor its reporter', async () => {
    const id = await report({ reporter: { name: '李女士', phone: '13900001111' } });
    for (const who of ['jiangbei.acceptor', 'jiangbei.shift_leader', 'jiangbei.dispatcher']) {
      const token = await t.login(who);
      const res = await t.as(token).get(`/api/cases/${id}`);
      expect(res.statusCode, who).toBe(404);
      expect(res.body).not.toContain('13900001111');
      const list = await t.as(token).get('/api/cases?view=all&pageSize=200');
      expect(
        list.json().items.some((c: { id: string }) => c.id === id),
        who,
      ).toBe(false);
    }
    const unit = await t.as(await t.login('unit.jiangbei-sanitation')).get(`/api/cases/${id}`);
    expect(unit.statusCode).toBe(404);
  });
});
