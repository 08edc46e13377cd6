/**
 * The command big screen's numbers of the day (`GET /api/cases/stats/today`): today's cases of the
 * caller's area by state and by channel, and the open cases overdue and urged now. Each count is
 * compared with the case list it summarises; a district sees its district only (海曙 never counts
 * 江北's cases), and a unit has no such screen (403).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../../common/calendar/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { actOn, pointIn } from '../support/cases.ts';

let t: TestApp;
const ids: Record<string, string> = {};

async function report(username: string, district: string, index: number, channel: string) {
  const p = await pointIn(t, district, index);
  const token = await t.login(username);
  const r = await t.as(token).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel,
    description: `大屏统计测试 ${district} ${index}`,
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    matterCode: '06002',
  });
  if (r.statusCode !== 201) throw new Error(`report: ${r.statusCode} ${r.body}`);
  return r.json().case.id as string;
}

async function stats(username: string) {
  const res = await t.as(await t.login(username)).get('/api/cases/stats/today');
  return res;
}

beforeAll(async () => {
  t = await createTestApp();
  ids.hs1 = await report('haishu.acceptor', '330203', 0, 'hotline');
  ids.hs2 = await report('haishu.acceptor', '330203', 1, 'hotline');
  ids.jb1 = await report('jiangbei.acceptor', '330205', 0, 'hotline');
  // One 海曙 case accepted (another state), one past its deadline, one 江北 case urged.
  const accepted = await actOn(t, 'haishu.acceptor', ids.hs2, 'accept_report', { matterType: '06002' });
  expect(accepted.statusCode, accepted.body).toBe(200);
  await t.database.db.execute(
    sql`UPDATE case_file SET current_due_at = now() - interval '1 hour' WHERE id = ${ids.hs1}`,
  );
  await t.database.db.execute(sql`UPDATE case_file SET urge_count = 2 WHERE id = ${ids.jb1}`);
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe('GET /api/cases/stats/today', () => {
  it('counts the city for the city, each district for its own, and agrees with the case list', async () => {
    const city = await stats('city.leader');
    expect(city.statusCode, city.body).toBe(200);
    const hs = (await stats('haishu.dispatcher')).json();
    const jb = (await stats('jiangbei.dispatcher')).json();
    const c = city.json();
    const today = chinaDate(new Date());
    expect(c.date).toBe(today);
    expect([c.reported, hs.reported, jb.reported]).toEqual([3, 2, 1]);
    expect(c.byChannel).toEqual([{ channel: 'hotline', count: 3 }]);
    expect(hs.byChannel).toEqual([{ channel: 'hotline', count: 2 }]);
    // 海曙's overdue case and 江北's urged case are never the other district's.
    expect([c.overdue, hs.overdue, jb.overdue]).toEqual([1, 1, 0]);
    expect([c.urged, hs.urged, jb.urged]).toEqual([1, 0, 1]);
    expect(hs.byState.reduce((n: number, s: { count: number }) => n + s.count, 0)).toBe(2);
    expect(hs.byState.length).toBe(2);

    // Each state's count is the total of the list filtered the same way, for the same caller.
    for (const [username, body] of [
      ['haishu.dispatcher', hs],
      ['jiangbei.dispatcher', jb],
      ['city.leader', c],
    ] as const) {
      const token = await t.login(username);
      for (const { state, count } of body.byState as { state: string; count: number }[]) {
        const list = await t
          .as(token)
          .get(`/api/cases?view=all&state=${state}&dateFrom=${today}&dateTo=${today}&pageSize=1`);
        expect(list.json().total, `${username} ${state}`).toBe(count);
      }
      const red = await t.as(token).get('/api/cases?view=all&light=red&pageSize=1');
      expect(red.json().total, `${username} overdue`).toBe(body.overdue);
    }
  });

  it('is refused to a unit (403) and to the signed-out (401)', async () => {
    const unit = await stats('unit.haishu-sanitation');
    expect(unit.statusCode, unit.body).toBe(403);
    expect(unit.json().error.code).toBe('FORBIDDEN');
    expect((await t.as(null).get('/api/cases/stats/today')).statusCode).toBe(401);
  });
});
