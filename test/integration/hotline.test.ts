/**
 * The hotline (issue 10 item 3): the telephony posts a ringing call with its key, the call pops
 * the console of the operator at its seat (the live stream's `hotline` topic), the operator takes
 * it and sees the caller's earlier calls and reports, answers an enquiry from the knowledge base,
 * makes a report through the common intake (channel hotline, the caller as the reporter, the call
 * on the case's timeline), and the case, once closed, is called back: 不满意 reopens it when the
 * setting is on and not when it is off. Who may do what: the telephony's key reads nothing, a
 * district acceptor and a unit reach no call, the number is masked to all but the operators.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RING_TIMEOUT_MINUTES, sweepRingingCalls } from '../../server/modules/hotline/sweep.ts';
import { hotlineCall, knowledgeEntry } from '../../server/modules/hotline/tables.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn, uploadPhoto } from '../support/cases.ts';

let t: TestApp;
let telephony: string;
let operator: string;
let operator2: string;
let operatorId: string;
let operator2Id: string;
let unitId: string;
let base = '';

const CALLER = '13812345678';

async function must<T = unknown>(
  p: Promise<{ statusCode: number; body: string }>,
  status: number,
  what: string,
) {
  const r = await p;
  if (r.statusCode !== status) throw new Error(`${what}: ${r.statusCode} ${r.body}`);
  return (r.body ? JSON.parse(r.body) : null) as T;
}

async function key(permissions: string[]) {
  const admin = await t.login('admin');
  const city = (await t.as(admin).get('/api/orgs?kind=city_center')).json().items[0].id as string;
  const res = await must<{ secret: string }>(
    t.as(admin).post('/api/api-keys', { name: `hotline-test-${randomUUID()}`, orgId: city, permissions }),
    201,
    'key',
  );
  return res.secret;
}

const ring = (body: Record<string, unknown>) => t.as(telephony).post('/api/hotline/calls', body);
const maxEventId = async () =>
  Number(
    (
      (await t.app.db.execute(sql`SELECT coalesce(max(id), 0)::int AS n FROM event`)) as unknown as {
        rows: { n: number }[];
      }
    ).rows[0].n,
  );

/** The live stream's frames replayed after `since`, read until a frame of `until` arrives (or 10 s). */
async function frames(
  token: string,
  since: number,
  until: (f: { event: string; data: Record<string, unknown> }) => boolean,
) {
  const ac = new AbortController();
  const res = await fetch(`${base}/api/stream`, {
    headers: { authorization: `Bearer ${token}`, 'last-event-id': String(since) },
    signal: ac.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const out: { event: string; data: Record<string, unknown> }[] = [];
  let text = '';
  const deadline = Date.now() + 10_000;
  try {
    while (Date.now() < deadline) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<{ done: true; value: undefined }>((r) =>
          setTimeout(() => r({ done: true, value: undefined }), Math.max(1, deadline - Date.now())),
        ),
      ]);
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
      let i = text.indexOf('\n\n');
      while (i >= 0) {
        const block = text.slice(0, i);
        text = text.slice(i + 2);
        const ev = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (ev && data) out.push({ event: ev, data: JSON.parse(data) });
        i = text.indexOf('\n\n');
      }
      if (out.some(until)) break;
    }
  } finally {
    ac.abort();
  }
  return out;
}

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
  telephony = await key(['hotline:call']);
  operator = await t.login('hotline.operator');
  operator2 = await t.login('hotline.operator2');
  operatorId = (await t.as(operator).get('/api/me')).json().user.id;
  operator2Id = (await t.as(operator2).get('/api/me')).json().user.id;
  const admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    name: string;
  }[];
  unitId = orgs.find((o) => o.name === '海曙区环境卫生管理处')!.id;
});
afterAll(async () => t?.close());

describe('an incoming call', () => {
  it('is refused unless its line is the hotline’s and its number has digits', async () => {
    const badLine = await ring({ line: '110', callerNumber: CALLER });
    expect(badLine.statusCode).toBe(400);
    expect(badLine.json().error.message).toContain('12345');
    expect((await ring({ line: '12345', callerNumber: 'abc' })).statusCode).toBe(400);
    expect((await ring({ line: '12345', callerNumber: CALLER, extra: 1 })).statusCode).toBe(400);
    expect((await ring({ line: '12345' })).statusCode).toBe(400);
  });

  it('pops the console of the operator at its seat, and only theirs', async () => {
    await must(
      t.as(operator).put('/api/hotline/seat', { seat: '8001', lines: ['12345', '96310'] }),
      200,
      'seat',
    );
    await must(t.as(operator2).put('/api/hotline/seat', { seat: '8002', lines: ['12345'] }), 200, 'seat 2');
    // A seat is one operator's.
    const taken = await t.as(operator2).put('/api/hotline/seat', { seat: '8001', lines: ['12345'] });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.message).toContain('8001');
    const since = await maxEventId();
    const call = await must<{ id: string; routedTo: number; status: string }>(
      ring({ line: '12345', callerNumber: '+86 138 1234 5678', seat: '8001', externalId: 'fs-uuid-0001' }),
      201,
      'ring',
    );
    expect(call).toMatchObject({ routedTo: 1, status: 'ringing', replayed: false });
    // The telephony posting the same call again gets the same call: 200, as every replay answers.
    const again = await must<{ id: string; replayed: boolean }>(
      ring({ line: '12345', callerNumber: CALLER, seat: '8001', externalId: 'fs-uuid-0001' }),
      200,
      'ring again',
    );
    expect(again).toMatchObject({ id: call.id, replayed: true });
    // The same id with another caller or seat is another call: refused, naming what differs.
    const clash = await ring({
      line: '12345',
      callerNumber: '13999999999',
      seat: '8001',
      externalId: 'fs-uuid-0001',
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.details.map((d: { field: string }) => d.field)).toEqual(['body.callerNumber']);
    const [row] = await t.app.db.select().from(hotlineCall).where(eq(hotlineCall.id, call.id));
    expect(row.callerNumber).toBe(CALLER);
    // Operator 2 takes another call meanwhile: a frame both consoles get, after the pop.
    const other = await must<{ id: string }>(
      ring({ line: '12345', callerNumber: '13900000001', seat: '8002' }),
      201,
      'ring 2',
    );
    await must(
      t.as(operator2).post(`/api/hotline/calls/${other.id}/answer`, { version: 1 }),
      200,
      'answer 2',
    );
    const isAnswer = (f: { data: Record<string, unknown> }) =>
      f.data.action === 'hotline.answer' && f.data.callId === other.id;
    const mine = await frames(operator, since, isAnswer);
    const theirs = await frames(operator2, since, isAnswer);
    const pops = (fs: typeof mine) =>
      fs
        .filter((f) => f.event === 'hotline' && f.data.action === 'hotline.incoming')
        .map((f) => f.data.callId);
    expect(pops(mine)).toEqual([call.id]);
    expect(pops(theirs)).toEqual([other.id]);
    expect(mine.find((f) => f.data.callId === call.id)?.data).toMatchObject({
      line: '12345',
      seat: '8001',
      status: 'ringing',
      targets: [operatorId],
    });
    // A call on the line without a seat rings everyone on it.
    const group = await must<{ routedTo: number }>(
      ring({ line: '12345', callerNumber: '13900000002' }),
      201,
      'group',
    );
    expect(group.routedTo).toBe(2);
    const legacy = await must<{ routedTo: number }>(
      ring({ line: '96310', callerNumber: '13900000003' }),
      201,
      'legacy',
    );
    expect(legacy.routedTo).toBe(1);
    expect(operator2Id).not.toBe(operatorId);
  });

  it('opens with the caller’s earlier calls and reports, each with its public status', async () => {
    // An earlier report by the same person on the web form, the phone typed with spaces.
    const acceptor = await t.login('haishu.acceptor');
    const place = (await t.as(acceptor).get(`/api/geo/places?q=${encodeURIComponent('天一广场')}`)).json()
      .items[0];
    const earlier = await must<{ report: { trackingCode: string }; case: { id: string; code: string } }>(
      t.as(acceptor).post('/api/reports', {
        idempotencyKey: randomUUID(),
        channel: 'web',
        description: '天一广场东侧垃圾桶满溢',
        location: { lng: place.point.lng, lat: place.point.lat, crs: 'wgs84' },
        matterCode: '06001',
        reporter: { name: '王先生', phone: '138 1234 5678' },
      }),
      201,
      'earlier report',
    );
    // An earlier call of the number, finished.
    const first = (await t.as(operator).get(`/api/hotline/calls?caller=${CALLER}&pageSize=1`)).json()
      .items[0];
    await must(
      t.as(operator).post(`/api/hotline/calls/${first.id}/answer`, { version: first.version }),
      200,
      'answer',
    );
    const entry = (
      await t.as(operator).get(`/api/hotline/knowledge?q=${encodeURIComponent('热线号码')}`)
    ).json().items[0];
    await must(
      t.as(operator).post(`/api/hotline/calls/${first.id}/finish`, {
        version: first.version + 1,
        kind: 'enquiry',
        knowledgeEntryId: entry.id,
      }),
      200,
      'finish first',
    );
    const now = await must<{ id: string }>(
      ring({ line: '12345', callerNumber: CALLER, seat: '8001' }),
      201,
      'ring',
    );
    const detail = (await t.as(operator).get(`/api/hotline/calls/${now.id}`)).json();
    expect(detail.call).toMatchObject({ callerNumber: CALLER, status: 'ringing', line: '12345' });
    expect(detail.history.calls.map((c: { id: string }) => c.id)).toContain(first.id);
    expect(detail.history.calls.find((c: { id: string }) => c.id === first.id)).toMatchObject({
      kind: 'enquiry',
      knowledgeEntry: { id: entry.id },
    });
    expect(detail.history.reports).toEqual([
      expect.objectContaining({
        trackingCode: earlier.report.trackingCode,
        channel: 'web',
        case: expect.objectContaining({
          code: earlier.case.code,
          state: 'reported',
          publicStatus: 'submitted',
        }),
      }),
    ]);
  });
});

describe('the knowledge base', () => {
  it('finds the answer to a caller’s question in their own words', async () => {
    const ask = async (q: string) =>
      (await t.as(operator).get(`/api/hotline/knowledge?q=${encodeURIComponent(q)}`)).json();
    const cases: [string, string][] = [
      ['请问一下家里的旧沙发要怎么扔', '大件家具、旧沙发怎么扔？'],
      ['马路上井盖不见了', '马路上的井盖坏了、丢了怎么办？'],
      ['共享单车堆在店门口', '共享单车乱停放、堆在门口怎么办？'],
      ['废电池扔哪个桶', '废旧电池、过期药品属于什么垃圾？'],
      ['我反映的事情现在办得怎么样了', '我反映的问题怎么查询办理进度？'],
    ];
    for (const [q, question] of cases) {
      const res = await ask(q);
      expect([q, res.items[0]?.question]).toEqual([q, question]);
      expect(res.items[0].generated).toBe(true);
      // A demo answer says in its own words that it is generated demo data.
      expect(res.items[0].answer).toContain('演示数据：系统生成');
      expect(res.items[0].score).toBeGreaterThan(0);
    }
    const none = await ask('请问你们在吗');
    expect(none.items).toEqual([]);
    const all = (await t.as(operator).get('/api/hotline/knowledge?pageSize=100')).json();
    expect(all.total).toBe(40);
    expect(all.categories.map((c: { category: string }) => c.category)).toContain('垃圾分类');
  });

  it('is edited by its editors: versioned, switched off rather than deleted', async () => {
    const created = await must<{ id: string; version: number }>(
      t.as(operator).post('/api/hotline/knowledge', {
        question: '冬季道路结冰谁来撒盐除冰？',
        answer: '主次干道的除冰由环卫部门负责，背街小巷由属地街道组织。',
        keywords: ['结冰', '除冰', '撒盐'],
        category: '市容环卫',
      }),
      201,
      'create',
    );
    expect(
      (await t.as(operator).get(`/api/hotline/knowledge?q=${encodeURIComponent('路面结冰')}`)).json().items[0]
        .id,
    ).toBe(created.id);
    const body = {
      question: '冬季道路结冰谁来撒盐除冰？',
      answer: '主次干道的除冰由环卫部门负责。',
      keywords: ['结冰'],
      category: '市容环卫',
      enabled: false,
      version: created.version,
    };
    await must(t.as(operator).put(`/api/hotline/knowledge/${created.id}`, body), 200, 'update');
    const stale = await t.as(operator).put(`/api/hotline/knowledge/${created.id}`, body);
    expect(stale.statusCode).toBe(409);
    // Switched off: no longer offered to the operators (other entries about 路面 still are).
    const offered = (
      await t.as(operator).get(`/api/hotline/knowledge?q=${encodeURIComponent('路面结冰')}`)
    ).json().items as { id: string }[];
    expect(offered.map((e) => e.id)).not.toContain(created.id);
    const editors = (
      await t
        .as(operator)
        .get(`/api/hotline/knowledge?includeDisabled=true&q=${encodeURIComponent('路面结冰')}`)
    ).json();
    expect(editors.items[0]).toMatchObject({ id: created.id, enabled: false, version: 2 });
    const blank = await t.as(operator).post('/api/hotline/knowledge', {
      question: '请问你们在吗？',
      answer: 'x',
      keywords: [],
      category: '其他',
    });
    expect(blank.statusCode).toBe(400);
    const acceptor = await t.login('haishu.acceptor');
    expect(
      (await t.as(acceptor).post('/api/hotline/knowledge', { ...body, version: undefined })).statusCode,
    ).toBe(403);
  });
});

describe('a call answered, a report made, the case closed and called back', () => {
  let callId: string;
  let caseId: string;

  it('an enquiry is answered from the knowledge base and closed on the spot', async () => {
    const call = await must<{ id: string }>(
      ring({ line: '96310', callerNumber: '13900000010', seat: '8001' }),
      201,
      'ring',
    );
    const taken = await must<{ version: number; status: string }>(
      t.as(operator).post(`/api/hotline/calls/${call.id}/answer`, { version: 1 }),
      200,
      'answer',
    );
    expect(taken.status).toBe('answered');
    // The first operator wins; the second is told who took it.
    const late = await t.as(operator2).post(`/api/hotline/calls/${call.id}/answer`, { version: 1 });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toContain('12345热线话务员');
    const entry = (
      await t.as(operator).get(`/api/hotline/knowledge?q=${encodeURIComponent('厨余垃圾几点扔')}`)
    ).json().items[0];
    expect(entry.question).toBe('厨余垃圾几点到几点可以投放？');
    // Finishing needs an answer; a report cannot be claimed without one.
    const empty = await t
      .as(operator)
      .post(`/api/hotline/calls/${call.id}/finish`, { version: 2, kind: 'enquiry' });
    expect(empty.statusCode).toBe(400);
    const noReport = await t
      .as(operator)
      .post(`/api/hotline/calls/${call.id}/finish`, { version: 2, kind: 'report' });
    expect(noReport.statusCode).toBe(400);
    const notMine = await t.as(operator2).post(`/api/hotline/calls/${call.id}/finish`, {
      version: 2,
      kind: 'enquiry',
      knowledgeEntryId: entry.id,
    });
    expect(notMine.statusCode).toBe(403);
    const done = await must<{ status: string; kind: string; knowledgeEntry: { id: string } }>(
      t.as(operator).post(`/api/hotline/calls/${call.id}/finish`, {
        version: 2,
        kind: 'enquiry',
        knowledgeEntryId: entry.id,
        callerName: '陈女士',
      }),
      200,
      'finish',
    );
    expect(done).toMatchObject({ status: 'finished', kind: 'enquiry', knowledgeEntry: { id: entry.id } });
    const [e] = await t.app.db.select().from(knowledgeEntry).where(eq(knowledgeEntry.id, entry.id));
    expect(e.answeredCount).toBe(1);
  });

  it('a report goes through intake on the hotline channel, the caller as reporter, the call on the case', async () => {
    const call = await must<{ id: string }>(
      ring({ line: '12345', callerNumber: '0574-87654321', seat: '8001' }),
      201,
      'ring',
    );
    callId = call.id;
    await must(t.as(operator).post(`/api/hotline/calls/${call.id}/answer`, { version: 1 }), 200, 'answer');
    // The caller names a street: the gazetteer gives its point.
    const place = (await t.as(operator).get(`/api/geo/places?q=${encodeURIComponent('开明街')}`)).json()
      .items[0];
    expect(place.name).toBe('开明街');
    const made = await must<{
      call: { case: { id: string; code: string; publicStatus: string }; reportId: string };
      report: { trackingCode: string; status: string; merged: boolean; caseCode: string | null };
    }>(
      t.as(operator).post(`/api/hotline/calls/${call.id}/report`, {
        version: 2,
        description: '开明街人行道上一个井盖缺失，很危险',
        address: '开明街 88 号门口',
        location: { lng: place.point.lng, lat: place.point.lat, crs: 'wgs84' },
        matterCode: '06002',
        callerName: '赵先生',
      }),
      201,
      'report',
    );
    expect(made.report).toMatchObject({
      status: 'submitted',
      merged: false,
      locatedBy: 'point',
      place: null,
      caseCode: made.call.case.code,
    });
    caseId = made.call.case.id;
    // The console reloaded still shows the code the operator reads out.
    expect((await t.as(operator).get(`/api/hotline/calls/${call.id}`)).json().call.trackingCode).toBe(
      made.report.trackingCode,
    );
    const admin = await t.login('admin');
    const c = (await t.as(admin).get(`/api/cases/${caseId}`)).json();
    expect(c.case).toMatchObject({ channel: 'hotline', state: 'reported', districtCode: '330203' });
    const acceptor = await t.login('haishu.acceptor');
    const seen = (await t.as(acceptor).get(`/api/cases/${caseId}`)).json();
    expect(seen.reports[0]).toMatchObject({ channel: 'hotline' });
    expect(JSON.stringify(seen.reports[0])).toContain('057487654321');
    expect(JSON.stringify(seen.reports[0])).toContain('赵先生');
    expect(
      (seen.timeline as { action: string; after: { origin?: { callId: string; line: string } } }[]).find(
        (e) => e.action === 'case.report',
      )?.after.origin,
    ).toEqual({ callId: call.id, line: '12345' });
    // One report per call; the call is then finished as a report, not anything else.
    const twice = await t.as(operator).post(`/api/hotline/calls/${call.id}/report`, {
      version: 3,
      description: '再报一次',
      location: { lng: place.point.lng, lat: place.point.lat, crs: 'wgs84' },
    });
    expect(twice.statusCode).toBe(409);
    const asEnquiry = await t.as(operator).post(`/api/hotline/calls/${call.id}/finish`, {
      version: 3,
      kind: 'enquiry',
      note: 'x',
    });
    expect(asEnquiry.statusCode).toBe(400);
    const finished = await must<{ status: string; kind: string; case: { code: string } }>(
      t
        .as(operator)
        .post(`/api/hotline/calls/${call.id}/finish`, { version: 3, kind: 'report', note: '已告知查询码' }),
      200,
      'finish',
    );
    expect(finished).toMatchObject({
      status: 'finished',
      kind: 'report',
      case: { code: made.call.case.code },
    });
  });

  async function closeIt(id: string, first: boolean) {
    const steps: [string, string, Record<string, unknown>][] = [];
    if (first) {
      const leader = await t.login('haishu.shift_leader');
      const std = (await t.as(leader).get('/api/catalog/standards/06002')).json();
      steps.push(
        ['haishu.acceptor', 'accept_report', { matterType: '06002' }],
        [
          'haishu.shift_leader',
          'file',
          { matterType: '06002', filingConditionId: std.filingConditions[0].id },
        ],
      );
    }
    steps.push(['haishu.dispatcher', 'dispatch', { unitId }], ['unit.haishu-sanitation', 'sign', {}]);
    for (const [who, action, fields] of steps) await must(actOn(t, who, id, action, fields), 200, action);
    const p1 = await uploadPhoto(t, await t.login('unit.haishu-sanitation'));
    await must(
      actOn(t, 'unit.haishu-sanitation', id, 'feed_back', { note: '已加装井盖', photos: [p1] }),
      200,
      'feed_back',
    );
    await must(actOn(t, 'haishu.acceptor', id, 'request_check'), 200, 'request_check');
    const p2 = await uploadPhoto(t, await t.login('haishu.inspector'));
    await must(actOn(t, 'haishu.inspector', id, 'check_pass', { photos: [p2] }), 200, 'check_pass');
    await must(actOn(t, 'haishu.shift_leader', id, 'close'), 200, 'close');
  }

  it('once closed it is in the call-back queue; 不满意 reopens it (setting on)', async () => {
    await closeIt(caseId, true);
    const queue = (await t.as(operator).get('/api/callbacks')).json();
    const cb = queue.items.find((x: { case: { id: string } }) => x.case.id === caseId);
    expect(cb).toMatchObject({ status: 'pending', channels: ['hotline'] });
    expect(cb.reporters).toEqual([
      expect.objectContaining({ channel: 'hotline', phone: '057487654321', name: '赵先生' }),
    ]);
    // Another district's acceptor does not see it; this district's does.
    const jb = await t.login('jiangbei.acceptor');
    expect(
      (await t.as(jb).get('/api/callbacks')).json().items.map((x: { id: string }) => x.id),
    ).not.toContain(cb.id);
    expect((await t.as(jb).post(`/api/callbacks/${cb.id}/result`, { result: 'satisfied' })).statusCode).toBe(
      404,
    );
    // Not reached first: noted, still pending.
    const attempt = await must<{ attempts: number; status: string }>(
      t.as(operator).post(`/api/callbacks/${cb.id}/attempts`, { note: '无人接听' }),
      200,
      'attempt',
    );
    expect(attempt).toMatchObject({ attempts: 1, status: 'pending' });
    const res = await must<{
      reopened: boolean;
      callback: { status: string; satisfaction: { result: string } };
    }>(
      t.as(operator).post(`/api/callbacks/${cb.id}/result`, {
        result: 'dissatisfied',
        note: '井盖装好了但周围路面还是坏的',
      }),
      200,
      'result',
    );
    expect(res).toMatchObject({
      reopened: true,
      callback: { status: 'done', satisfaction: { result: 'dissatisfied' } },
    });
    const admin = await t.login('admin');
    const c = (await t.as(admin).get(`/api/cases/${caseId}`)).json();
    expect(c.case.state).toBe('pending_dispatch');
    expect(c.timeline.at(-1)).toMatchObject({
      action: 'case.reopen',
      reason: '井盖装好了但周围路面还是坏的',
    });
    expect(
      (await t.as(operator).post(`/api/callbacks/${cb.id}/result`, { result: 'satisfied' })).statusCode,
    ).toBe(409);
    // Redone and closed again: a new call-back, now 满意.
    await closeIt(caseId, false);
    const next = (await t.as(operator).get('/api/callbacks'))
      .json()
      .items.find((x: { case: { id: string } }) => x.case.id === caseId);
    expect(next.id).not.toBe(cb.id);
    const ok = await must<{ reopened: boolean }>(
      t.as(operator).post(`/api/callbacks/${next.id}/result`, { result: 'satisfied' }),
      200,
      'result 2',
    );
    expect(ok.reopened).toBe(false);
    expect((await t.as(admin).get(`/api/cases/${caseId}`)).json().case.state).toBe('closed');
    const done = (await t.as(operator).get('/api/callbacks?status=done'))
      .json()
      .items.filter((x: { case: { id: string } }) => x.case.id === caseId);
    expect(done.map((x: { satisfaction: { result: string } }) => x.satisfaction.result)).toEqual([
      'satisfied',
      'dissatisfied',
    ]);
    expect(callId).toBeTruthy();
  });

  it('不满意 with the setting off keeps the case closed', async () => {
    const admin = await t.login('admin');
    const cur = (await t.as(admin).get('/api/settings/callback.reopenOnDissatisfied')).json();
    await must(
      t.as(admin).put('/api/settings/callback.reopenOnDissatisfied', { value: false, version: cur.version }),
      200,
      'setting',
    );
    try {
      const call = await must<{ id: string }>(
        ring({ line: '12345', callerNumber: '13900000020', seat: '8001' }),
        201,
        'ring',
      );
      await must(t.as(operator).post(`/api/hotline/calls/${call.id}/answer`, { version: 1 }), 200, 'answer');
      const place = (await t.as(operator).get(`/api/geo/places?q=${encodeURIComponent('药行街')}`)).json()
        .items[0];
      const made = await must<{ call: { case: { id: string } } }>(
        t.as(operator).post(`/api/hotline/calls/${call.id}/report`, {
          version: 2,
          description: '药行街井盖破损',
          location: { lng: place.point.lng, lat: place.point.lat, crs: 'wgs84' },
          matterCode: '06002',
        }),
        201,
        'report',
      );
      const id = made.call.case.id;
      await closeIt(id, true);
      const cb = (await t.as(operator).get('/api/callbacks'))
        .json()
        .items.find((x: { case: { id: string } }) => x.case.id === id);
      const res = await must<{ reopened: boolean }>(
        t.as(operator).post(`/api/callbacks/${cb.id}/result`, { result: 'dissatisfied', note: '太慢了' }),
        200,
        'result',
      );
      expect(res.reopened).toBe(false);
      expect((await t.as(admin).get(`/api/cases/${id}`)).json().case.state).toBe('closed');
    } finally {
      const now = (await t.as(admin).get('/api/settings/callback.reopenOnDissatisfied')).json();
      await must(
        t.as(admin).put('/api/settings/callback.reopenOnDissatisfied', { value: true, version: now.version }),
        200,
        'setting back',
      );
    }
  });
});

describe('who reaches the hotline', () => {
  it('the telephony’s key posts calls and reads nothing: no call, no case, no stream', async () => {
    expect((await t.as(telephony).get('/api/hotline/calls')).statusCode).toBe(403);
    expect((await t.as(telephony).get('/api/cases')).statusCode).toBe(403);
    expect((await t.as(telephony).get('/api/callbacks')).statusCode).toBe(403);
    expect((await t.as(telephony).get('/api/hotline/knowledge')).statusCode).toBe(403);
    const stream = await fetch(`${base}/api/stream`, { headers: { authorization: `Bearer ${telephony}` } });
    expect(stream.status).toBe(403);
    await stream.body?.cancel();
    const call = (await t.as(operator).get('/api/hotline/calls?pageSize=1')).json().items[0];
    expect(
      (await t.as(telephony).post(`/api/hotline/calls/${call.id}/answer`, { version: call.version }))
        .statusCode,
    ).toBe(403);
  });

  it('a district acceptor, a unit and a key without hotline:call reach no call', async () => {
    const call = (await t.as(operator).get('/api/hotline/calls?pageSize=1')).json().items[0];
    for (const who of ['haishu.acceptor', 'unit.haishu-sanitation', 'haishu.dispatcher']) {
      const token = await t.login(who);
      expect([who, (await t.as(token).get('/api/hotline/calls')).statusCode]).toEqual([who, 403]);
      expect([who, (await t.as(token).get(`/api/hotline/calls/${call.id}`)).statusCode]).toEqual([who, 403]);
      const posted = await t.as(token).post('/api/hotline/calls', { line: '12345', callerNumber: CALLER });
      expect([who, posted.statusCode]).toEqual([who, 403]);
    }
    const reporter = await key(['case:report']);
    expect(
      (await t.as(reporter).post('/api/hotline/calls', { line: '12345', callerNumber: CALLER })).statusCode,
    ).toBe(403);
  });

  it('the caller’s number is in full to the operators, masked to the city admin', async () => {
    const admin = await t.login('admin');
    const mine = (await t.as(operator).get(`/api/hotline/calls?caller=${CALLER}`)).json().items;
    const theirs = (await t.as(admin).get(`/api/hotline/calls?caller=${CALLER}`)).json().items;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((c: { callerNumber: string }) => c.callerNumber === CALLER)).toBe(true);
    expect(theirs.every((c: { callerNumber: string }) => c.callerNumber === '138****5678')).toBe(true);
    // The audit trail keeps it masked too.
    const events = (await t.as(admin).get('/api/audit?action=hotline.incoming&pageSize=100')).json()
      .items as {
      after: { callerNumber: string };
    }[];
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => !e.after.callerNumber.includes('1234'))).toBe(true);
  });
});

describe("a district's desk", () => {
  // One person who reported in 海曙 and in 江北 and now calls each desk and the city's.
  const PERSON = '13955550123';
  const calls = { hs: '', jb: '', city: '' };
  let hsOp: string;
  let jbOp: string;
  let hsReport: { trackingCode: string };
  let jbReport: { trackingCode: string };

  beforeAll(async () => {
    hsOp = await t.login('haishu.hotline_operator');
    jbOp = await t.login('jiangbei.hotline_operator');
    for (const [who, district, text] of [
      ['haishu.acceptor', '330203', '海曙：路灯不亮'],
      ['jiangbei.acceptor', '330205', '江北：垃圾桶破损'],
    ] as const) {
      const at = await pointIn(t, district);
      const made = await must<{ report: { trackingCode: string } }>(
        t.as(await t.login(who)).post('/api/reports', {
          idempotencyKey: randomUUID(),
          channel: 'web',
          description: text,
          location: { lng: at.lng, lat: at.lat, crs: 'wgs84' },
          matterCode: '06001',
          reporter: { name: '李女士', phone: PERSON },
        }),
        201,
        `report in ${district}`,
      );
      if (district === '330203') hsReport = made.report;
      else jbReport = made.report;
    }
    await must(t.as(hsOp).put('/api/hotline/seat', { seat: 'hs-01', lines: ['12345'] }), 200, 'hs seat');
    await must(t.as(jbOp).put('/api/hotline/seat', { seat: 'jb-01', lines: ['12345'] }), 200, 'jb seat');
  });

  it('a call names a district that has a desk, or none (the city’s queue)', async () => {
    const res = await ring({ line: '12345', callerNumber: PERSON, districtCode: '330299' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'INVALID_REFERENCE' });
    expect(res.json().error.message).toContain('330299');
    const bad = await ring({ line: '12345', callerNumber: PERSON, districtCode: '海曙' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('body.districtCode');
    expect(await t.app.db.select().from(hotlineCall).where(eq(hotlineCall.callerNumber, PERSON))).toEqual([]);
  });

  it('pops only the consoles that may see it, and streams nothing of another district', async () => {
    const since = await maxEventId();
    for (const [k, districtCode] of [
      ['city', undefined],
      ['jb', '330205'],
      ['hs', '330203'],
    ] as const) {
      const posted = await must<{ id: string; routedTo: number }>(
        ring({ line: '12345', callerNumber: PERSON, ...(districtCode ? { districtCode } : {}) }),
        201,
        `ring ${k}`,
      );
      calls[k] = posted.id;
      const [row] = await t.app.db.select().from(hotlineCall).where(eq(hotlineCall.id, posted.id));
      expect(row.districtCode).toBe(districtCode ?? null);
    }
    // 江北's operator takes 江北's call, then 海曙's operator 海曙's.
    await must(t.as(jbOp).post(`/api/hotline/calls/${calls.jb}/answer`, { version: 1 }), 200, 'jb answer');
    await must(t.as(hsOp).post(`/api/hotline/calls/${calls.hs}/answer`, { version: 1 }), 200, 'hs answer');
    const seen = await frames(
      hsOp,
      since,
      (f) => f.data.action === 'hotline.answer' && f.data.callId === calls.hs,
    );
    const ids = new Set(seen.filter((f) => f.event === 'hotline').map((f) => f.data.callId));
    expect(ids.has(calls.hs)).toBe(true);
    expect(ids.has(calls.jb)).toBe(false);
    expect(ids.has(calls.city)).toBe(false);
    // The pop of 海曙's call named its operator (and the city's seated ones), never 江北's.
    const hsPop = seen.find((f) => f.data.action === 'hotline.incoming' && f.data.callId === calls.hs);
    const jbId = (await t.as(jbOp).get('/api/me')).json().user.id;
    const hsId = (await t.as(hsOp).get('/api/me')).json().user.id;
    expect(hsPop?.data.targets).toContain(hsId);
    expect(hsPop?.data.targets).not.toContain(jbId);
  });

  it('lists, opens and takes only its district’s calls; another’s is a 404', async () => {
    const listed = (await t.as(hsOp).get(`/api/hotline/calls?caller=${PERSON}`)).json().items as {
      id: string;
      districtCode: string | null;
    }[];
    expect(listed.map((c) => c.id)).toEqual([calls.hs]);
    const all = (await t.as(hsOp).get('/api/hotline/calls?pageSize=100')).json().items as {
      districtCode: string | null;
    }[];
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((c) => c.districtCode === '330203')).toBe(true);
    for (const id of [calls.jb, calls.city]) {
      expect((await t.as(hsOp).get(`/api/hotline/calls/${id}`)).statusCode).toBe(404);
      const taken = await t.as(hsOp).post(`/api/hotline/calls/${id}/answer`, { version: 1 });
      expect(taken.statusCode).toBe(404);
      expect(taken.json().error.code).toBe('NOT_FOUND');
    }
    const finished = await t.as(hsOp).post(`/api/hotline/calls/${calls.jb}/finish`, {
      version: 2,
      kind: 'suggestion',
      note: '越权办结',
    });
    expect(finished.statusCode).toBe(404);
    const [jbRow] = await t.app.db.select().from(hotlineCall).where(eq(hotlineCall.id, calls.jb));
    expect(jbRow).toMatchObject({ status: 'answered', kind: null, version: 2 });
    expect((await t.as(jbOp).get(`/api/hotline/calls/${calls.hs}`)).statusCode).toBe(404);
    // The city's operators see every desk's calls.
    const city = (await t.as(operator).get(`/api/hotline/calls?caller=${PERSON}`)).json().items as {
      id: string;
    }[];
    expect(city.map((c) => c.id).sort()).toEqual([calls.city, calls.hs, calls.jb].sort());
  });

  it('shows the caller’s history of its district only; the city’s operator sees all of it', async () => {
    const hs = (await t.as(hsOp).get(`/api/hotline/calls/${calls.hs}`)).json();
    expect(hs.call.callerNumber).toBe(PERSON);
    expect(hs.history.calls).toEqual([]);
    expect(hs.history.reports.map((r: { trackingCode: string }) => r.trackingCode)).toEqual([
      hsReport.trackingCode,
    ]);
    const jb = (await t.as(jbOp).get(`/api/hotline/calls/${calls.jb}`)).json();
    expect(jb.history.reports.map((r: { trackingCode: string }) => r.trackingCode)).toEqual([
      jbReport.trackingCode,
    ]);
    const city = (await t.as(operator).get(`/api/hotline/calls/${calls.city}`)).json();
    expect(city.history.calls.map((c: { id: string }) => c.id).sort()).toEqual([calls.hs, calls.jb].sort());
    expect(city.history.reports.map((r: { trackingCode: string }) => r.trackingCode).sort()).toEqual(
      [hsReport.trackingCode, jbReport.trackingCode].sort(),
    );
  });

  it('a key that reads calls sees the number masked, as a case shows a reporter’s phone', async () => {
    const reader = await key(['hotline:answer']);
    const got = (await t.as(reader).get(`/api/hotline/calls/${calls.hs}`)).json();
    expect(got.call.callerNumber).toBe('139****0123');
    expect((await t.as(hsOp).get(`/api/hotline/calls/${calls.hs}`)).json().call.callerNumber).toBe(PERSON);
  });

  it('searches the knowledge base from the console; editing it is the city’s', async () => {
    const found = (await t.as(hsOp).get(`/api/hotline/knowledge?q=${encodeURIComponent('井盖丢了')}`)).json();
    expect(found.items.length).toBeGreaterThan(0);
    const refused = await t.as(hsOp).post('/api/hotline/knowledge', {
      question: '区里能改知识库吗？',
      answer: '不能',
      keywords: [],
      category: '测试',
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('FORBIDDEN');
    expect(refused.json().error.message).toContain('市级中心');
    // The menu offers the console and the call-backs, not the knowledge base's editor.
    const menu = (await t.as(hsOp).get('/api/me')).json().menu as string[];
    expect(menu).toEqual(expect.arrayContaining(['hotline', 'callbacks']));
    expect(menu).not.toContain('knowledge');
    expect((await t.as(operator).get('/api/me')).json().menu).toContain('knowledge');
  });

  it('its operator records the call and reports in its district', async () => {
    const at = await pointIn(t, '330203', 1);
    const made = await must<{ call: { version: number; case: { id: string } } }>(
      t.as(hsOp).post(`/api/hotline/calls/${calls.hs}/report`, {
        version: 2,
        description: '来电反映：海曙路灯仍不亮',
        location: { lng: at.lng, lat: at.lat, crs: 'wgs84' },
        matterCode: '06001',
      }),
      201,
      'hs report',
    );
    const c = (await t.as(await t.login('haishu.acceptor')).get(`/api/cases/${made.call.case.id}`)).json();
    expect(c.case.districtCode).toBe('330203');
    await must(
      t
        .as(hsOp)
        .post(`/api/hotline/calls/${calls.hs}/finish`, { version: made.call.version, kind: 'report' }),
      200,
      'hs finish',
    );
  });
});

describe('what the telephony posts is bounded', () => {
  it('random bodies get 201 or a 400 that names the problem, never a 5xx', async () => {
    const body = fc.record(
      {
        line: fc.oneof(fc.constantFrom('12345', '96310', '12319'), fc.string({ maxLength: 30 })),
        callerNumber: fc.oneof(
          fc.stringMatching(/^\+?[0-9][0-9 -]{2,23}$/),
          fc.string({ maxLength: 40 }),
          fc.constant('0'.repeat(24)),
        ),
        seat: fc.oneof(fc.stringMatching(/^[0-9A-Za-z_-]{1,20}$/), fc.string({ maxLength: 30 })),
        externalId: fc.string({ maxLength: 120 }),
        extra: fc.anything(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await ring(b);
        expect([201, 400, 409]).toContain(res.statusCode);
        // 409: an externalId the run already used, with other data.
        if (res.statusCode === 409) expect(res.json().error.message).toContain('externalId');
        if (res.statusCode === 400) {
          const err = res.json().error;
          expect(err.code).toBe('VALIDATION_FAILED');
          expect(err.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150, seed: 20_260_310 },
    );
  });
});

// Last in the file: it disables and re-enables an operator, which ends their sessions.
describe('a seat and the call at it (a tester’s findings)', () => {
  it('a call put through to a colleague’s seat is theirs; hanging up mid-record loses nothing; a seat left signed in is freed', async () => {
    await must(t.as(operator).put('/api/hotline/seat', { seat: '8001', lines: ['12345'] }), 200, 'seat 1');
    await must(t.as(operator2).put('/api/hotline/seat', { seat: '8002', lines: ['12345'] }), 200, 'seat 2');
    const call = await must<{ id: string }>(
      ring({ line: '12345', callerNumber: '13600000020', seat: '8001' }),
      201,
      'ring',
    );
    // The phone rings at 8001: the operator at 8002 cannot take it from the screen.
    const stolen = await t.as(operator2).post(`/api/hotline/calls/${call.id}/answer`, { version: 1 });
    expect(stolen.statusCode).toBe(409);
    expect(stolen.json().error.message).toContain('8001');
    const taken = await must<{ version: number }>(
      t.as(operator).post(`/api/hotline/calls/${call.id}/answer`, { version: 1 }),
      200,
      'answer',
    );
    // The caller hangs up while the operator is still typing; the telephony names JSON and sends no
    // body (as `curl -X POST -H 'content-type: application/json'` does).
    const hangup = await t
      .as(telephony)
      .post(`/api/hotline/calls/${call.id}/hangup`, undefined, { 'content-type': 'application/json' });
    expect(hangup.statusCode, hangup.body).toBe(204);
    const after = (await t.as(operator).get(`/api/hotline/calls/${call.id}`)).json().call;
    expect(after).toMatchObject({ status: 'answered', version: taken.version });
    expect(after.hungUpAt).not.toBeNull();
    // Invisible characters are no words: a complaint needs a note, a report a description.
    const blankNote = await t.as(operator).post(`/api/hotline/calls/${call.id}/finish`, {
      version: taken.version,
      kind: 'complaint',
      note: '\u200b \u2060',
    });
    expect(blankNote.statusCode).toBe(400);
    expect(blankNote.json().error.details[0].field).toBe('body.note');
    const place = (await t.as(operator).get(`/api/geo/places?q=${encodeURIComponent('开明街')}`)).json()
      .items[0];
    const blankReport = await t.as(operator).post(`/api/hotline/calls/${call.id}/report`, {
      version: taken.version,
      description: '  \u200b ',
      location: { lng: place.point.lng, lat: place.point.lat, crs: 'wgs84' },
    });
    expect(blankReport.statusCode).toBe(400);
    expect(blankReport.json().error.details[0].field).toBe('body.description');
    await must(
      t.as(operator).post(`/api/hotline/calls/${call.id}/finish`, {
        version: taken.version,
        kind: 'complaint',
        note: '来电人投诉夜间施工噪音，已记录',
      }),
      200,
      'finish after the hang-up',
    );

    // A call whose hang-up never came stops ringing after the timeout: missed, no longer taken.
    const lost = await must<{ id: string }>(
      ring({ line: '12345', callerNumber: '13600000022' }),
      201,
      'ring lost',
    );
    await t.database.query(
      sql`UPDATE hotline_call SET started_at = now() - make_interval(mins => ${RING_TIMEOUT_MINUTES + 1}) WHERE id = ${lost.id}`,
    );
    expect(await sweepRingingCalls(t.app.db)).toBe(1);
    expect(await sweepRingingCalls(t.app.db)).toBe(0);
    expect((await t.as(operator).get(`/api/hotline/calls/${lost.id}`)).json().call).toMatchObject({
      status: 'missed',
    });
    expect(
      (await t.as(operator).post(`/api/hotline/calls/${lost.id}/answer`, { version: 2 })).statusCode,
    ).toBe(409);

    // Operator 2 is disabled without signing out of the seat: 8002 pops nobody and is free to take.
    const admin = await t.login('admin');
    const user = (await t.as(admin).get(`/api/users/${operator2Id}`)).json();
    await must(
      t.as(admin).patch(`/api/users/${operator2Id}`, { version: user.version, disabled: true }),
      200,
      'disable',
    );
    const toLeftSeat = await must<{ routedTo: number }>(
      ring({ line: '12345', callerNumber: '13600000021', seat: '8002' }),
      201,
      'ring the left seat',
    );
    // Put through to every operator still on the line instead: the one at 8001.
    expect(toLeftSeat.routedTo).toBe(1);
    await must(t.as(operator).put('/api/hotline/seat', { seat: '8002', lines: ['12345'] }), 200, 'take over');
    expect((await t.as(operator).get('/api/hotline/seat')).json().seat).toMatchObject({ seat: '8002' });
    const again = (await t.as(admin).get(`/api/users/${operator2Id}`)).json();
    await must(
      t.as(admin).patch(`/api/users/${operator2Id}`, { version: again.version, disabled: false }),
      200,
      're-enable',
    );
  });
});
