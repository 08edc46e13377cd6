/**
 * Call-backs (回访) and satisfaction (issue 10 item 3): a case with public reporters enters the
 * call-back queue when it is closed; a satisfaction from the phone, the portal (tracking code) or
 * an Open311 client completes it; 不满意 reopens the case through the case loop when the setting
 * `callback.reopenOnDissatisfied` is on (back to the dispatcher, on the timeline with the words)
 * and not when it is off; who may rate from which source.
 */

import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Channel, verifiesFirst } from '../../common/channels.ts';
import { recordSatisfaction, satisfactionOf } from '../../server/modules/callbacks/index.ts';
import { callback, satisfaction } from '../../server/modules/callbacks/tables.ts';
import { caseFile, report } from '../../server/modules/cases/tables.ts';
import { authenticate } from '../../server/modules/identity/auth-service.ts';
import type { RequestContext } from '../../server/platform/context.ts';
import { AppError } from '../../server/platform/errors.ts';
import { event } from '../../server/platform/event-table.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn, uploadPhoto } from '../support/cases.ts';

let t: TestApp;
let unitId: string;
let grid = 0;

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  unitId = orgs.find((o) => o.name === '海曙区环境卫生管理处')!.id;
});
afterAll(async () => t?.close());

async function ctxOf(username: string): Promise<RequestContext> {
  const token = await t.login(username);
  return { actor: await authenticate(t.app.db, token), requestId: null, sourceIp: null, lang: 'zh' };
}

const anonymous = (): RequestContext => ({
  actor: {
    type: 'anonymous',
    id: null,
    name: 'anonymous',
    orgId: null,
    roles: [],
    permissions: [],
    scope: { kind: 'unit', orgId: '', districtCode: null },
  },
  requestId: null,
  sourceIp: null,
  lang: 'zh',
});

async function must(res: Promise<{ statusCode: number; body: string }>, what: string) {
  const r = await res;
  if (r.statusCode !== 200 && r.statusCode !== 201) throw new Error(`${what}: ${r.statusCode} ${r.body}`);
  return r;
}

/** A new 海曙 report on `channel` (by the acceptor, with a caller's contact); returns case id and tracking code. */
async function reported(channel: string, reporterPhone = '13912345678') {
  const p = await pointIn(t, '330203', 20 + grid++);
  const acceptor = await t.login('haishu.acceptor');
  const r = await must(
    t.as(acceptor).post('/api/reports', {
      idempotencyKey: randomUUID(),
      channel,
      description: `人行道井盖缺失 ${grid}`,
      location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
      matterCode: '06002',
      reporter: { name: '李女士', phone: reporterPhone },
    }),
    'report',
  );
  const body = JSON.parse(r.body);
  return { id: body.case.id as string, trackingCode: body.report.trackingCode as string };
}

/** Drives a reported case through filing, dispatch, disposal and check to closed. */
async function closeIt(id: string, first = true) {
  const steps: [string, string, Record<string, unknown>][] = [];
  if (first) {
    const leader = await t.login('haishu.shift_leader');
    const std = (await t.as(leader).get('/api/catalog/standards/06002')).json();
    // The public's own reports (web, app, WeChat) are verified on site before filing; others accepted.
    const { channel } = (await caseOf(id)).case as { channel: Channel };
    if (verifiesFirst(channel)) {
      const photo = await uploadPhoto(t, await t.login('haishu.inspector'));
      steps.push(
        ['haishu.acceptor', 'request_verify', {}],
        ['haishu.inspector', 'verify_confirm', { photos: [photo] }],
      );
    } else steps.push(['haishu.acceptor', 'accept_report', { matterType: '06002' }]);
    steps.push([
      'haishu.shift_leader',
      'file',
      { matterType: '06002', filingConditionId: std.filingConditions[0].id },
    ]);
  }
  steps.push(['haishu.dispatcher', 'dispatch', { unitId }], ['unit.haishu-sanitation', 'sign', {}]);
  for (const [who, action, fields] of steps) await must(actOn(t, who, id, action, fields), action);
  const unitPhoto = await uploadPhoto(t, await t.login('unit.haishu-sanitation'));
  await must(
    actOn(t, 'unit.haishu-sanitation', id, 'feed_back', { note: '已更换井盖', photos: [unitPhoto] }),
    'feed_back',
  );
  await must(actOn(t, 'haishu.acceptor', id, 'request_check'), 'request_check');
  const inspectorPhoto = await uploadPhoto(t, await t.login('haishu.inspector'));
  await must(actOn(t, 'haishu.inspector', id, 'check_pass', { photos: [inspectorPhoto] }), 'check_pass');
  await must(actOn(t, 'haishu.shift_leader', id, 'close'), 'close');
}

const callbacksOf = (caseId: string) => t.app.db.select().from(callback).where(eq(callback.caseId, caseId));
const caseOf = async (id: string) => (await t.as(await t.login('admin')).get(`/api/cases/${id}`)).json();

async function setReopen(value: boolean) {
  const admin = await t.login('admin');
  const cur = (await t.as(admin).get('/api/settings/callback.reopenOnDissatisfied')).json();
  await must(
    t.as(admin).put('/api/settings/callback.reopenOnDissatisfied', { value, version: cur.version }),
    'setting',
  );
}

/** The error a promise rejects with (an AppError), or a failure when it resolves. */
async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a refusal');
}

describe('the call-back queue', () => {
  it('a closed case with a hotline or public report is owed a call-back; an inspector’s is not', async () => {
    const hotline = await reported('hotline');
    const inspector = await reported('inspector');
    await closeIt(hotline.id);
    await closeIt(inspector.id);
    const [cb] = await callbacksOf(hotline.id);
    expect(cb).toMatchObject({ status: 'pending', districtCode: '330203', unitId, channels: ['hotline'] });
    expect(cb.caseClosedAt.toISOString()).toBe((await caseOf(hotline.id)).case.closedAt);
    expect(await callbacksOf(inspector.id)).toEqual([]);
  });

  it('a public reporter who left no phone is owed no call (nobody could make it); they rate with their code', async () => {
    const p = await pointIn(t, '330203', 60);
    const acceptor = await t.login('haishu.acceptor');
    const made = JSON.parse(
      (
        await must(
          t.as(acceptor).post('/api/reports', {
            idempotencyKey: randomUUID(),
            channel: 'web',
            description: '路灯整晚不亮',
            location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
            matterCode: '06002',
          }),
          'report',
        )
      ).body,
    );
    await closeIt(made.case.id);
    expect(await callbacksOf(made.case.id)).toEqual([]);
    const rated = await recordSatisfaction(t.app.db, anonymous(), {
      caseId: made.case.id,
      result: 'satisfied',
      source: 'portal',
      trackingCode: made.report.trackingCode,
    });
    expect(rated.reopened).toBe(false);
    expect((await satisfactionOf(t.app.db, made.case.id))?.source).toBe('portal');
  });

  it('a case not closed yet is refused, and nothing is written', async () => {
    const open = await reported('web');
    const err = await refusal(
      recordSatisfaction(t.app.db, await ctxOf('haishu.acceptor'), {
        caseId: open.id,
        result: 'satisfied',
        source: 'phone',
      }),
    );
    expect([err.status, err.code]).toEqual([422, 'UNPROCESSABLE']);
    expect(err.zh).toContain('尚未结案');
    expect(await t.app.db.select().from(satisfaction).where(eq(satisfaction.caseId, open.id))).toEqual([]);
  });
});

describe('a call-back per reporter', () => {
  it('each public reporter with a phone of a merged case is owed their own call; a reopening drops the others’ until the next closing', async () => {
    const first = await reported('hotline', '13911110001');
    const [c] = await t.app.db.select().from(caseFile).where(eq(caseFile.id, first.id));
    const acceptor = await t.login('haishu.acceptor');
    const join = async (channel: string, phone?: string) => {
      const r = await must(
        t.as(acceptor).post('/api/reports', {
          idempotencyKey: randomUUID(),
          channel,
          description: '同一处井盖缺失',
          location: { lng: c.lng, lat: c.lat, crs: 'wgs84' },
          matterCode: '06002',
          ...(phone ? { reporter: { name: '王先生', phone } } : {}),
        }),
        'join',
      );
      const body = JSON.parse(r.body);
      expect([body.merged, body.case.id]).toEqual([true, first.id]);
      return body.reportId as string;
    };
    const web = await join('web', '13911110002');
    await join('web'); // no phone: nobody to call (they follow it with their tracking code)
    await join('inspector', '13911110003'); // staff: no call-back
    await closeIt(first.id);
    const rows = await callbacksOf(first.id);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.status === 'pending' && r.channels.sort().join() === 'hotline,web')).toBe(
      true,
    );
    const operator = await t.login('hotline.operator');
    const queue = (
      await t.as(operator).get(`/api/callbacks?caseCode=${(await caseOf(first.id)).case.code}`)
    ).json();
    expect(
      (queue.items as { reporter: { phone: string; merged: boolean } }[])
        .map((i) => [i.reporter.phone, i.reporter.merged])
        .sort(),
    ).toEqual([
      ['13911110001', false],
      ['13911110002', true],
    ]);
    expect(rows.map((r) => r.reportId)).toContain(web);
    // Another district's acceptor does not see them.
    const other = (
      await t
        .as(await t.login('jiangbei.acceptor'))
        .get(`/api/callbacks?caseCode=${(await caseOf(first.id)).case.code}`)
    ).json();
    expect(other.total).toBe(0);
    // The first caller is dissatisfied: the case reopens, the other caller's call waits for the next closing.
    await setReopen(true);
    const mine = (queue.items as { id: string; reporter: { phone: string } }[]).find(
      (i) => i.reporter.phone === '13911110001',
    )!;
    const res = await must(
      t.as(operator).post(`/api/callbacks/${mine.id}/result`, { result: 'dissatisfied', note: '没修好' }),
      'result',
    );
    expect(JSON.parse(res.body).reopened).toBe(true);
    expect((await callbacksOf(first.id)).map((r) => r.status)).toEqual(['done']);
    await closeIt(first.id, false);
    const next = await callbacksOf(first.id);
    expect(next.map((r) => r.status).sort()).toEqual(['done', 'pending', 'pending']);
  });
});

describe('recording satisfaction', () => {
  it('满意 on the phone completes the call-back, once; the same reporter does not rate again on the portal', async () => {
    const c = await reported('hotline');
    await closeIt(c.id);
    const acceptor = await ctxOf('haishu.acceptor');
    const r = await recordSatisfaction(t.app.db, acceptor, {
      caseId: c.id,
      result: 'satisfied',
      note: '  已修好，很满意  ',
      source: 'phone',
    });
    expect(r.reopened).toBe(false);
    const [cb] = await callbacksOf(c.id);
    expect(cb).toMatchObject({ status: 'done', satisfactionId: r.id });
    expect(await satisfactionOf(t.app.db, c.id)).toMatchObject({
      result: 'satisfied',
      note: '已修好，很满意',
      source: 'phone',
    });
    const again = await refusal(
      recordSatisfaction(t.app.db, acceptor, { caseId: c.id, result: 'dissatisfied', source: 'phone' }),
    );
    expect([again.status, again.code]).toEqual([409, 'DUPLICATE']);
    // The same reporter, heard on the phone, does not rate this closing again with their code on
    // the portal: one person's two answers would both count (a tester found 满意 and 不满意 side by side).
    const portal = await refusal(
      recordSatisfaction(t.app.db, anonymous(), {
        caseId: c.id,
        result: 'dissatisfied',
        source: 'portal',
        trackingCode: c.trackingCode.toLowerCase(),
      }),
    );
    expect([portal.status, portal.code]).toEqual([409, 'DUPLICATE']);
    // The answer names where the first rating came from: here the phone.
    expect(portal.details).toEqual([{ field: 'source', message: 'phone' }]);
    expect((await satisfactionOf(t.app.db, c.id))?.result).toBe('satisfied');
    // On the case's timeline, once, with who recorded it.
    const timeline = (await caseOf(c.id)).timeline as { action: string; reason: string | null }[];
    expect(timeline.filter((e) => e.action === 'satisfaction.record').map((e) => e.reason)).toEqual([
      '已修好，很满意',
    ]);
    expect((await caseOf(c.id)).case.state).toBe('closed');
  });

  it('不满意 reopens the case when the setting is on: back to the dispatcher, the words on the timeline', async () => {
    await setReopen(true);
    const c = await reported('hotline');
    await closeIt(c.id);
    const r = await recordSatisfaction(t.app.db, await ctxOf('haishu.acceptor'), {
      caseId: c.id,
      result: 'dissatisfied',
      note: '井盖还是松动，踩上去会响',
      source: 'phone',
    });
    expect(r.reopened).toBe(true);
    const after = await caseOf(c.id);
    expect(after.case.state).toBe('pending_dispatch');
    expect(after.case.closedAt).toBeNull();
    expect(after.case.currentStage).toBe('dispatch');
    const timeline = after.timeline as { action: string; reason: string | null; actorType: string }[];
    const tail = timeline.slice(-2);
    expect(tail.map((e) => [e.action, e.reason])).toEqual([
      ['satisfaction.record', '井盖还是松动，踩上去会响'],
      ['case.reopen', '井盖还是松动，踩上去会响'],
    ]);
    expect(tail[1].actorType).toBe('system');
    const [row] = await t.app.db.select().from(satisfaction).where(eq(satisfaction.id, r.id));
    expect(row).toMatchObject({ reopened: true, result: 'dissatisfied', source: 'phone', unitId });
    // The dispatchers hear of it.
    const dispatcher = await t.login('haishu.dispatcher');
    const inbox = (await t.as(dispatcher).get('/api/notifications?pageSize=50')).json().items as {
      kind: string;
      caseId: string | null;
    }[];
    expect(inbox.some((n) => n.kind === 'case.reopen' && n.caseId === c.id)).toBe(true);
    // Until it is closed again it cannot be rated, and shows no satisfaction.
    expect(await satisfactionOf(t.app.db, c.id)).toBeNull();
    const early = await refusal(
      recordSatisfaction(t.app.db, anonymous(), {
        caseId: c.id,
        result: 'satisfied',
        source: 'portal',
        trackingCode: c.trackingCode,
      }),
    );
    expect(early.status).toBe(422);
    // Redone and closed again (after a new check): a new call-back for the new closing.
    await closeIt(c.id, false);
    const rounds = await callbacksOf(c.id);
    expect(rounds.map((x) => x.status).sort()).toEqual(['done', 'pending']);
    const again = await recordSatisfaction(t.app.db, await ctxOf('haishu.acceptor'), {
      caseId: c.id,
      result: 'satisfied',
      source: 'phone',
    });
    expect(again.reopened).toBe(false);
    expect((await satisfactionOf(t.app.db, c.id))?.result).toBe('satisfied');
    expect((await callbacksOf(c.id)).every((x) => x.status === 'done')).toBe(true);
  });

  it('不满意 with the setting off is recorded and the case stays closed', async () => {
    await setReopen(false);
    try {
      const c = await reported('wechat');
      await closeIt(c.id);
      const r = await recordSatisfaction(t.app.db, await ctxOf('haishu.acceptor'), {
        caseId: c.id,
        result: 'dissatisfied',
        note: '处理太慢',
        source: 'phone',
      });
      expect(r.reopened).toBe(false);
      expect(r.keptClosed).toBe('setting_off');
      expect((await caseOf(c.id)).case.state).toBe('closed');
      expect(await satisfactionOf(t.app.db, c.id)).toMatchObject({
        result: 'dissatisfied',
        note: '处理太慢',
      });
      const reopenEvents = await t.app.db
        .select()
        .from(event)
        .where(and(eq(event.entityId, c.id), eq(event.action, 'case.reopen')));
      expect(reopenEvents).toEqual([]);
    } finally {
      await setReopen(true);
    }
  });

  it('a case closed after a fix on the spot (never filed) is not reopened', async () => {
    const c = await reported('hotline');
    const photo = await uploadPhoto(t, await t.login('haishu.inspector'));
    await must(actOn(t, 'haishu.inspector', c.id, 'self_dispose', { photos: [photo] }), 'self_dispose');
    await must(actOn(t, 'haishu.shift_leader', c.id, 'close'), 'close');
    const r = await recordSatisfaction(t.app.db, await ctxOf('haishu.acceptor'), {
      caseId: c.id,
      result: 'dissatisfied',
      source: 'phone',
    });
    expect(r.reopened).toBe(false);
    // …and the one who recorded it is told why (the screen says so, not just "recorded").
    expect(r.keptClosed).toBe('never_filed');
    expect((await caseOf(c.id)).case.state).toBe('closed');
  });
});

describe('who may rate from which source', () => {
  let c: { id: string; trackingCode: string };
  beforeAll(async () => {
    c = await reported('app');
    await closeIt(c.id);
  });

  it('phone: the scope of callback:record — another district does not see the case, a unit may not', async () => {
    const other = await refusal(
      recordSatisfaction(t.app.db, await ctxOf('jiangbei.acceptor'), {
        caseId: c.id,
        result: 'satisfied',
        source: 'phone',
      }),
    );
    expect([other.status, other.code]).toEqual([404, 'NOT_FOUND']);
    for (const who of ['unit.haishu-sanitation', 'haishu.dispatcher']) {
      const e = await refusal(
        recordSatisfaction(t.app.db, await ctxOf(who), {
          caseId: c.id,
          result: 'satisfied',
          source: 'phone',
        }),
      );
      expect([who, e.status]).toEqual([who, 403]);
    }
  });

  it('anonymous: only the portal, only with a tracking code of a report on that case', async () => {
    for (const source of ['phone', 'open311'] as const) {
      const e = await refusal(
        recordSatisfaction(t.app.db, anonymous(), {
          caseId: c.id,
          result: 'satisfied',
          source,
          trackingCode: c.trackingCode,
        }),
      );
      expect([source, e.status]).toEqual([source, 403]);
    }
    const none = await refusal(
      recordSatisfaction(t.app.db, anonymous(), { caseId: c.id, result: 'satisfied', source: 'portal' }),
    );
    expect(none.status).toBe(403);
    const elsewhere = await reported('web');
    const wrong = await refusal(
      recordSatisfaction(t.app.db, anonymous(), {
        caseId: c.id,
        result: 'satisfied',
        source: 'portal',
        trackingCode: elsewhere.trackingCode,
      }),
    );
    expect(wrong.status).toBe(404);
    expect(await t.app.db.select().from(satisfaction).where(eq(satisfaction.caseId, c.id))).toEqual([]);
  });

  it('open311: only the API key that submitted a report on the case', async () => {
    const admin = await t.login('admin');
    const orgs = (await t.as(admin).get('/api/orgs?kind=city_center')).json().items as { id: string }[];
    const key = async (name: string) => {
      const res = await must(
        t.as(admin).post('/api/api-keys', { name, orgId: orgs[0].id, permissions: ['case:report'] }),
        'key',
      );
      return JSON.parse(res.body).secret as string;
    };
    const mine = await key(`open311-client-${randomUUID()}`);
    const other = await key(`open311-other-${randomUUID()}`);
    const p = await pointIn(t, '330203', 60);
    const rep = await must(
      t.as(mine).post('/api/reports', {
        idempotencyKey: randomUUID(),
        channel: 'app',
        description: '路灯不亮',
        location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
        matterCode: '06002',
      }),
      'key report',
    );
    const reportId = JSON.parse(rep.body).reportId as string;
    // The key may not read cases: the case behind its report, from the table.
    const [{ caseId }] = await t.app.db
      .select({ caseId: report.caseId })
      .from(report)
      .where(eq(report.id, reportId));
    await closeIt(caseId);
    const ctxKey = async (secret: string): Promise<RequestContext> => ({
      actor: await authenticate(t.app.db, secret),
      requestId: null,
      sourceIp: null,
      lang: 'zh',
    });
    const refusedOther = await refusal(
      recordSatisfaction(t.app.db, await ctxKey(other), { caseId, result: 'satisfied', source: 'open311' }),
    );
    expect(refusedOther.status).toBe(404);
    const refusedUser = await refusal(
      recordSatisfaction(t.app.db, await ctxOf('haishu.acceptor'), {
        caseId,
        result: 'satisfied',
        source: 'open311',
      }),
    );
    expect(refusedUser.status).toBe(403);
    const ok = await recordSatisfaction(t.app.db, await ctxKey(mine), {
      caseId,
      result: 'basically_satisfied',
      source: 'open311',
    });
    expect(ok.reopened).toBe(false);
    expect((await satisfactionOf(t.app.db, caseId))?.source).toBe('open311');
  });

  it('bad input is refused before anything is read', async () => {
    const acceptor = await ctxOf('haishu.acceptor');
    const bad = await refusal(
      recordSatisfaction(t.app.db, acceptor, {
        caseId: c.id,
        result: 'great' as 'satisfied',
        source: 'phone',
      }),
    );
    expect([bad.status, bad.details[0].field]).toEqual([400, 'result']);
    const long = await refusal(
      recordSatisfaction(t.app.db, acceptor, {
        caseId: c.id,
        result: 'satisfied',
        source: 'phone',
        note: '很'.repeat(501),
      }),
    );
    expect([long.status, long.details[0].field]).toEqual([400, 'note']);
  });

  it('two ratings from one source at once: one is recorded, the other refused', async () => {
    const d = await reported('hotline');
    await closeIt(d.id);
    const acceptor = await ctxOf('haishu.acceptor');
    // Neither reopens the case (a 不满意 that won would leave the other a case no longer closed: 422).
    const results = await Promise.allSettled(
      ['satisfied', 'basically_satisfied'].map((result) =>
        recordSatisfaction(t.app.db, acceptor, {
          caseId: d.id,
          result: result as 'satisfied',
          source: 'phone',
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as AppError).code).toBe('DUPLICATE');
    expect(await t.app.db.select().from(satisfaction).where(eq(satisfaction.caseId, d.id))).toHaveLength(1);
  });
});
