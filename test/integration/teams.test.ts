/**
 * Team management (队伍管理) through the API, on the seeded demo city: the seeded inspectors and
 * their generated rosters; a person's posts and grids (an unknown grid and another district's grid
 * refused, 400, bilingual); shifts (bad times 400); a roster cell edited at its version (a stale
 * version 409), overlapping shifts refused with nothing written, a template applied to a week;
 * another district's shift leader can neither read nor change 海曙's people or rosters (404, and
 * nothing changed); clocking in and out from the field app against the shift (late, early leave,
 * no shift) and the responsibility area; a shift's patrol coverage from a hand-built track; the
 * nearest on-duty inspector; the daily report read back with exceljs.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, chinaDay, formatHm, mondayOf } from '../../server/modules/teams/rules.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let admin: string;
let hsLeader: string;
let jbLeader: string;
let hsAcceptor: string;
let jbAcceptor: string;
let hsInspector: string;
let jbInspector: string;
let hsInspectorId: string;
let jbInspectorId: string;
let grids: string[];
const centroid: Record<string, { lng: number; lat: number }> = {};

const MIN = 60_000;
const zhEn = { 'accept-language': 'zh-CN' };
const en = { 'accept-language': 'en' };

interface Cell {
  userId: string;
  day: string;
  shiftId: string | null;
  version: number;
}

async function weekOf(token: string, day: string) {
  const res = await t.as(token).get(`/api/teams/roster?week=${mondayOf(day)}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { cells: Cell[]; people: { userId: string }[] };
}

/** Sets one person's cells at the versions they have now. */
async function setCells(token: string, cells: { userId: string; day: string; shiftId: string | null }[]) {
  const out = [];
  for (const c of cells) {
    const wk = await weekOf(admin, c.day);
    const cur = wk.cells.find((x) => x.userId === c.userId && x.day === c.day);
    out.push({ ...c, ...(cur ? { version: cur.version } : {}) });
  }
  return t.as(token).put('/api/teams/roster', { cells: out });
}

async function shift(token: string, name: string, start: string, end: string) {
  const res = await t.as(token).post('/api/teams/shifts', { name, start, end });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  hsLeader = await t.login('haishu.shift_leader');
  jbLeader = await t.login('jiangbei.shift_leader');
  hsAcceptor = await t.login('haishu.acceptor');
  jbAcceptor = await t.login('jiangbei.acceptor');
  hsInspector = await t.login('haishu.inspector');
  jbInspector = await t.login('jiangbei.inspector');
  hsInspectorId = (await t.as(hsInspector).get('/api/me')).json().user.id;
  jbInspectorId = (await t.as(jbInspector).get('/api/me')).json().user.id;
  const members = (await t.as(hsLeader).get('/api/teams/members')).json().items as {
    userId: string;
    gridIds: string[];
  }[];
  grids = members.find((m) => m.userId === hsInspectorId)!.gridIds;
  for (const g of grids) {
    const res = await t.as(admin).get(`/api/geo/grids/${g}`);
    expect(res.statusCode, res.body).toBe(200);
    const { lng, lat } = res.json().centroid;
    centroid[g] = { lng, lat };
  }
});
afterAll(async () => {
  await t?.close();
});

describe('people, posts and grids', () => {
  it('seeds every district’s inspector with four grids of their district and a generated roster', async () => {
    expect(grids).toHaveLength(4);
    for (const g of grids) expect(g.startsWith('330203')).toBe(true);
    const wk = await weekOf(hsLeader, chinaDay(new Date()));
    expect(wk.people.map((p) => p.userId)).toEqual([hsInspectorId]);
    expect(wk.cells.filter((c) => c.userId === hsInspectorId)).toHaveLength(7);
    const all = (await t.as(admin).get('/api/teams/members')).json().items;
    expect(all.length).toBe(6);
    expect(all.every((m: { generated: boolean }) => m.generated)).toBe(true);
  });

  it('refuses an unknown grid and another district’s grid in Chinese and English, changing nothing', async () => {
    const before = (await t.as(hsLeader).get('/api/teams/members')).json().items[0];
    const bad = await t
      .as(hsLeader)
      .put(
        `/api/teams/members/${hsInspectorId}`,
        { posts: ['inspector'], gridIds: ['330203999999999'], version: before.version },
        zhEn,
      );
    expect(bad.statusCode, bad.body).toBe(422);
    expect(bad.json().error.message).toContain('网格不存在');
    const badEn = await t
      .as(hsLeader)
      .put(
        `/api/teams/members/${hsInspectorId}`,
        { posts: ['inspector'], gridIds: ['330203999999999'], version: before.version },
        en,
      );
    expect(badEn.json().error.message).toContain('Unknown grid');
    const jbGrid = (await t.as(admin).get('/api/teams/members'))
      .json()
      .items.find((m: { userId: string }) => m.userId === jbInspectorId).gridIds[0];
    const foreign = await t
      .as(hsLeader)
      .put(
        `/api/teams/members/${hsInspectorId}`,
        { posts: ['inspector'], gridIds: [jbGrid], version: before.version },
        en,
      );
    expect(foreign.statusCode, foreign.body).toBe(422);
    expect(foreign.json().error.message).toContain("not in the person's district");
    const after = (await t.as(hsLeader).get('/api/teams/members')).json().items[0];
    expect(after).toEqual(before);
  });

  it('changes posts at the version read, 409 on a stale one', async () => {
    const before = (await t.as(hsLeader).get('/api/teams/members')).json().items[0];
    const ok = await t.as(hsLeader).put(`/api/teams/members/${hsInspectorId}`, {
      posts: ['inspector', 'officer'],
      gridIds: grids,
      version: before.version,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().posts).toEqual(['inspector', 'officer']);
    const stale = await t.as(hsLeader).put(`/api/teams/members/${hsInspectorId}`, {
      posts: ['inspector'],
      gridIds: grids,
      version: before.version,
    });
    expect(stale.statusCode).toBe(409);
  });

  it('offers a manager the people of their district only', async () => {
    const res = await t.as(hsLeader).get('/api/teams/candidates');
    expect(res.statusCode, res.body).toBe(200);
    const ids = res.json().items.map((c: { userId: string }) => c.userId);
    expect(ids).toContain(hsInspectorId);
    expect(ids).not.toContain(jbInspectorId);
  });
});

describe('another district', () => {
  it('cannot read or change 海曙’s people and rosters (404), and changes nothing', async () => {
    const day = chinaDay(new Date());
    expect(
      (await t.as(jbLeader).get('/api/teams/roster?week=' + mondayOf(day) + '&district=330203')).statusCode,
    ).toBe(404);
    const own = await weekOf(jbLeader, day);
    expect(own.people.map((p) => p.userId)).toEqual([jbInspectorId]);
    expect(own.cells.some((c) => c.userId === hsInspectorId)).toBe(false);
    const before = (await weekOf(admin, day)).cells.filter((c) => c.userId === hsInspectorId);
    const cell = before[0];
    const write = await t.as(jbLeader).put('/api/teams/roster', {
      cells: [{ userId: hsInspectorId, day: cell.day, shiftId: null, version: cell.version }],
    });
    expect(write.statusCode, write.body).toBe(404);
    const member = await t
      .as(jbLeader)
      .put(`/api/teams/members/${hsInspectorId}`, { posts: [], gridIds: [] });
    expect(member.statusCode).toBe(404);
    expect(
      (await t.as(jbLeader).get('/api/teams/attendance?date=' + day + '&district=330203')).statusCode,
    ).toBe(404);
    expect(
      (await t.as(jbLeader).get('/api/teams/reports/daily.xlsx?date=' + day + '&district=330203')).statusCode,
    ).toBe(404);
    expect((await weekOf(admin, day)).cells.filter((c) => c.userId === hsInspectorId)).toEqual(before);
  });

  it('an inspector without teams:read reads no roster (403)', async () => {
    expect((await t.as(hsInspector).get('/api/teams/members')).statusCode).toBe(403);
  });
});

describe('shifts and rosters', () => {
  it('refuses bad times in Chinese and English', async () => {
    const res = await t
      .as(hsLeader)
      .post('/api/teams/shifts', { name: 'x', start: '25:00', end: '08:00' }, zhEn);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('开始时间');
    const same = await t
      .as(hsLeader)
      .post('/api/teams/shifts', { name: 'x', start: '08:00', end: '08:00' }, en);
    expect(same.statusCode).toBe(400);
    expect(same.json().error.message).toContain('cannot equal');
  });

  it('refuses overlapping shifts of a person (a night into a dawn shift), writing nothing', async () => {
    const night = await shift(hsLeader, '夜班', '22:00', '06:00');
    const dawn = await shift(hsLeader, '早早班', '05:00', '13:00');
    const day = addDays(mondayOf(chinaDay(new Date())), 21);
    const res = await t.as(hsLeader).put(
      '/api/teams/roster',
      {
        cells: [
          { userId: hsInspectorId, day, shiftId: night },
          { userId: hsInspectorId, day: addDays(day, 1), shiftId: dawn },
        ],
      },
      zhEn,
    );
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.message).toContain('班次重叠');
    expect((await weekOf(admin, day)).cells.filter((c) => c.userId === hsInspectorId)).toEqual([]);
    // One at a time: the second still overlaps the first, now stored.
    expect((await setCells(hsLeader, [{ userId: hsInspectorId, day, shiftId: night }])).statusCode).toBe(200);
    const second = await setCells(hsLeader, [{ userId: hsInspectorId, day: addDays(day, 1), shiftId: dawn }]);
    expect(second.statusCode).toBe(400);
    const jbShift = await shift(jbLeader, '江北班', '09:00', '17:00');
    const foreignShift = await setCells(hsLeader, [
      { userId: hsInspectorId, day: addDays(day, 3), shiftId: jbShift },
    ]);
    expect(foreignShift.statusCode).toBe(422);
    expect(foreignShift.json().error.code).toBe('INVALID_REFERENCE');
    // A template whose own days overlap (Monday's night into Tuesday's dawn; Sunday's night into
    // the next Monday's dawn) could never be applied: refused when saved, naming the later day.
    const tues = await t
      .as(hsLeader)
      .post(
        '/api/teams/templates',
        { name: '重叠模板', days: [night, dawn, null, null, null, null, null] },
        zhEn,
      );
    expect(tues.statusCode, tues.body).toBe(400);
    expect(tues.json().error.message).toContain('周一的班次与周二的班次时间交叉');
    const wrap = await t
      .as(hsLeader)
      .post('/api/teams/templates', { name: '跨周重叠', days: [dawn, null, null, null, null, null, night] });
    expect(wrap.statusCode, wrap.body).toBe(400);
    expect(JSON.stringify(wrap.json())).toContain('days/0');
  });

  it('edits a cell at its version (409 when stale) and applies a template to a week', async () => {
    const day = addDays(mondayOf(chinaDay(new Date())), 28);
    const early = await shift(hsLeader, '白班', '08:30', '17:30');
    const created = await t
      .as(hsLeader)
      .put('/api/teams/roster', { cells: [{ userId: hsInspectorId, day, shiftId: early }] });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json().cells[0].version).toBe(1);
    const again = await t
      .as(hsLeader)
      .put('/api/teams/roster', { cells: [{ userId: hsInspectorId, day, shiftId: null }] });
    expect(again.statusCode).toBe(409);
    const rest = await t
      .as(hsLeader)
      .put('/api/teams/roster', { cells: [{ userId: hsInspectorId, day, shiftId: null, version: 1 }] });
    expect(rest.statusCode, rest.body).toBe(200);
    expect(rest.json().cells[0]).toMatchObject({ shiftId: null, version: 2 });
    const tpl = await t.as(hsLeader).post('/api/teams/templates', {
      name: '五天白班',
      days: [early, early, early, early, early, null, null],
    });
    expect(tpl.statusCode, tpl.body).toBe(201);
    expect(tpl.json().districtCode).toBe('330203');
    const applied = await t.as(hsLeader).post('/api/teams/roster/apply-template', {
      templateId: tpl.json().id,
      week: day,
      userIds: [hsInspectorId],
    });
    expect(applied.statusCode, applied.body).toBe(200);
    const wk = (await weekOf(hsLeader, day)).cells.filter((c) => c.userId === hsInspectorId);
    expect(wk.map((c) => c.shiftId)).toEqual([early, early, early, early, early, null, null]);
    expect(wk[0].version).toBe(3);
    const notMonday = await t.as(hsLeader).post('/api/teams/roster/apply-template', {
      templateId: tpl.json().id,
      week: addDays(day, 1),
      userIds: [hsInspectorId],
    });
    expect(notMonday.statusCode).toBe(400);
    // 江北 cannot use 海曙's template on its own people either.
    const jbApply = await t.as(jbLeader).post('/api/teams/roster/apply-template', {
      templateId: tpl.json().id,
      week: day,
      userIds: [jbInspectorId],
    });
    expect(jbApply.statusCode).toBe(404);
  });
});

describe('attendance, nearest and coverage', () => {
  it('clocks in late inside the area, refuses a second clock-in, clocks out early', async () => {
    const now = new Date();
    // A shift that started an hour ago and ends in two: on the day it started.
    const nowMin = Math.floor((now.getTime() + 8 * 3_600_000) / MIN) % 1440;
    const start = (nowMin - 60 + 1440) % 1440;
    const end = (nowMin + 120) % 1440;
    const running = await shift(hsLeader, '当前班', formatHm(start), formatHm(end));
    const day = chinaDay(new Date(now.getTime() - 60 * MIN));
    // Clear the days around it (the seeded shifts could overlap), then roster it.
    const clear = await setCells(hsLeader, [
      { userId: hsInspectorId, day: addDays(day, -1), shiftId: null },
      { userId: hsInspectorId, day: addDays(day, 1), shiftId: null },
    ]);
    expect(clear.statusCode, clear.body).toBe(200);
    const set = await setCells(hsLeader, [{ userId: hsInspectorId, day, shiftId: running }]);
    expect(set.statusCode, set.body).toBe(200);

    const at = centroid[grids[0]];
    const clockIn = await t.as(hsInspector).post('/api/teams/me/clock', { kind: 'in', ...at });
    expect(clockIn.statusCode, clockIn.body).toBe(200);
    expect(clockIn.json()).toMatchObject({
      day,
      shiftId: running,
      late: true,
      clockInInside: true,
      clockInGridId: grids[0],
      status: 'on_duty',
    });
    const twice = await t.as(hsInspector).post('/api/teams/me/clock', { kind: 'in', ...at }, zhEn);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toContain('已打过上班卡');

    // On duty with a fresh position: the nearest inspector for 海曙's acceptor, unseen by 江北's.
    const pos = await t.as(hsInspector).post('/api/gps/me/positions', {
      positions: [{ time: new Date(Math.floor(Date.now() / 1000) * 1000 - MIN).toISOString(), ...at }],
    });
    expect(pos.statusCode, pos.body).toBe(200);
    const near = await t.as(hsAcceptor).get(`/api/teams/nearest?lat=${at.lat + 0.001}&lng=${at.lng}`);
    expect(near.statusCode, near.body).toBe(200);
    expect(near.json().items[0]).toMatchObject({
      userId: hsInspectorId,
      onDutyBy: 'clock_in',
      shiftName: '当前班',
    });
    expect(near.json().items[0].distanceM).toBeGreaterThan(90);
    expect(near.json().items[0].distanceM).toBeLessThan(130);
    const jbNear = await t.as(jbAcceptor).get(`/api/teams/nearest?lat=${at.lat}&lng=${at.lng}`);
    expect(jbNear.json().items.some((i: { userId: string }) => i.userId === hsInspectorId)).toBe(false);

    const out = await t
      .as(hsInspector)
      .post('/api/teams/me/clock', { kind: 'out', lat: at.lat + 0.05, lng: at.lng });
    expect(out.statusCode, out.body).toBe(200);
    expect(out.json()).toMatchObject({ earlyLeave: true, clockOutInside: false, status: 'late_early' });
    const outAgain = await t.as(hsInspector).post('/api/teams/me/clock', { kind: 'out', ...at }, en);
    expect(outAgain.statusCode).toBe(409);
    expect(outAgain.json().error.message).toContain('Already clocked out');
    // Clocked out: no longer on duty.
    const after = await t.as(hsAcceptor).get(`/api/teams/nearest?lat=${at.lat}&lng=${at.lng}`);
    expect(after.json().items.some((i: { userId: string }) => i.userId === hsInspectorId)).toBe(false);

    const list = await t.as(hsLeader).get(`/api/teams/attendance?date=${day}`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items.find((i: { userId: string }) => i.userId === hsInspectorId).status).toBe(
      'late_early',
    );
  });

  it('refuses a clock-in after the day’s shift has ended: the day stays absent', async () => {
    const now = new Date();
    const nowMin = Math.floor((now.getTime() + 8 * 3_600_000) / MIN) % 1440;
    // A shift of today that ended an hour ago (it needs two hours of today behind it: in the first
    // two hours of a China day the shift would belong to yesterday, and this case is another).
    if (nowMin < 130) return;
    const ended = await shift(jbLeader, '已结束班', formatHm(nowMin - 120), formatHm(nowMin - 60));
    const today = chinaDay(now);
    const set = await setCells(jbLeader, [
      { userId: jbInspectorId, day: addDays(today, -1), shiftId: null },
      { userId: jbInspectorId, day: today, shiftId: ended },
    ]);
    expect(set.statusCode, set.body).toBe(200);
    const late = await t
      .as(jbInspector)
      .post('/api/teams/me/clock', { kind: 'in', lat: 29.0, lng: 120.0 }, zhEn);
    expect(late.statusCode, late.body).toBe(409);
    expect(late.json().error.message).toContain('已结束');
    expect(JSON.stringify(late.json())).toContain('has ended');
    const list = await t.as(jbLeader).get(`/api/teams/attendance?date=${today}`);
    expect(list.json().items.find((i: { userId: string }) => i.userId === jbInspectorId).status).toBe(
      'absent',
    );
    // Leave the day without a shift for the next test.
    const reset = await setCells(jbLeader, [{ userId: jbInspectorId, day: today, shiftId: null }]);
    expect(reset.statusCode, reset.body).toBe(200);
  });

  it('records a clock-in without a shift as such, outside the area', async () => {
    const now = new Date();
    const today = chinaDay(now);
    const res = await setCells(jbLeader, [
      { userId: jbInspectorId, day: addDays(today, -1), shiftId: null },
      { userId: jbInspectorId, day: today, shiftId: null },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const clockIn = await t
      .as(jbInspector)
      .post('/api/teams/me/clock', { kind: 'in', lat: 29.0, lng: 120.0 });
    expect(clockIn.statusCode, clockIn.body).toBe(200);
    expect(clockIn.json()).toMatchObject({
      noShift: true,
      clockInInside: false,
      status: 'no_shift',
      shiftId: null,
    });
    const notMember = await t
      .as(hsAcceptor)
      .post('/api/teams/me/clock', { kind: 'in', lat: 29.0, lng: 120.0 });
    expect(notMember.statusCode).toBe(403);
  });

  it('computes a shift’s patrol coverage from a hand-built track through two of four grids', async () => {
    const yesterday = addDays(chinaDay(new Date()), -2);
    const morning = await shift(hsLeader, '巡查班', '08:00', '12:00');
    const set = await setCells(hsLeader, [{ userId: hsInspectorId, day: yesterday, shiftId: morning }]);
    expect(set.statusCode, set.body).toBe(200);
    const at = (hh: number, mm: number) =>
      new Date(
        `${yesterday}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00+08:00`,
      ).toISOString();
    const positions = [
      { time: at(7, 30), ...centroid[grids[2]] }, // before the shift: not counted
      { time: at(8, 30), ...centroid[grids[0]] },
      { time: at(9, 30), ...centroid[grids[1]] }, // an hour later: not joined to the first
      { time: at(12, 30), ...centroid[grids[3]] }, // after the shift
    ];
    const res = await t.as(hsInspector).post('/api/gps/me/positions', { positions });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().stored).toBe(4);
    const cov = await t.as(hsLeader).get(`/api/teams/coverage?date=${yesterday}`);
    expect(cov.statusCode, cov.body).toBe(200);
    const row = cov.json().items.find((i: { userId: string }) => i.userId === hsInspectorId);
    expect(row).toMatchObject({ grids: 4, covered: [grids[0], grids[1]].sort(), ratio: 0.5, positions: 2 });

    // The daily report: both sheets, read back.
    const xlsx = await t.as(hsLeader).get(`/api/teams/reports/daily.xlsx?date=${yesterday}`);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const att = wb.getWorksheet('考勤 Attendance')!;
    expect(String(att.getRow(2).getCell(1).value)).toContain('姓名');
    const names: string[] = [];
    att.eachRow((r, i) => {
      if (i > 2) names.push(String(r.getCell(1).value));
    });
    expect(names).toContain('海曙区监督员');
    const attRow = att.getRow(2 + names.indexOf('海曙区监督员') + 1);
    expect(String(attRow.getCell(2).value)).toBe('巡查班');
    expect(String(attRow.getCell(9).value)).toContain('absent');
    const covSheet = wb.getWorksheet('覆盖 Coverage')!;
    const covRow = covSheet.getRow(3);
    expect(covRow.getCell(1).value).toBe('海曙区监督员');
    expect(covRow.getCell(3).value).toBe(4);
    expect(covRow.getCell(4).value).toBe(2);
    expect(covRow.getCell(5).value).toBe(0.5);
    expect(names.every((n) => n.startsWith('海曙'))).toBe(true);
  });
});
