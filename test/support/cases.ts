/** Helpers for case-loop tests: points inside a district, a tiny real photo, acting as a user. */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import type { TestApp } from './app.ts';

export async function pointIn(
  t: TestApp,
  districtCode: string,
  index = 0,
): Promise<{ lng: number; lat: number; gridId: string }> {
  const admin = await t.login('admin');
  const res = await t
    .as(admin)
    .get(`/api/geo/grids?districtCode=${districtCode}&page=${index + 1}&pageSize=1`);
  if (res.statusCode !== 200) throw new Error(`grids: ${res.statusCode} ${res.body}`);
  const g = res.json().items[0];
  const detail = (await t.as(admin).get(`/api/geo/grids/${g.id}`)).json();
  const { lng, lat } = detail.centroid as { lng: number; lat: number };
  return { lng, lat, gridId: g.id };
}

let photoSeq = 0;
/** A real PNG (distinct each call), uploaded through the API; returns its id. */
export async function uploadPhoto(t: TestApp, token: string): Promise<string> {
  photoSeq++;
  const png = await sharp({
    create: { width: 32, height: 24, channels: 3, background: { r: (photoSeq * 37) % 255, g: 120, b: 80 } },
  })
    .png()
    .toBuffer();
  const boundary = '----cityops-test';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    png,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/photos',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload: body,
  });
  if (res.statusCode !== 201) throw new Error(`photo upload: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

export async function actOn(
  t: TestApp,
  username: string,
  caseId: string,
  action: string,
  fields: Record<string, unknown> = {},
) {
  const token = await t.login(username);
  const current = await t.as(token).get(`/api/cases/${caseId}`);
  const version = current.statusCode === 200 ? current.json().case.version : 1;
  return t.as(token).post(`/api/cases/${caseId}/actions/${action}`, { version, ...fields });
}

/**
 * A new 海曙 case at the `index`-th grid of the district: reported by the acceptor with the given
 * description, accepted, filed under the matter type's first filing condition and dispatched to
 * `unitId`. Returns its id.
 */
export async function dispatchCase(
  t: TestApp,
  unitId: string,
  index: number,
  opts: { description?: string; matterCode?: string; reporterPhone?: string } = {},
): Promise<string> {
  const matterCode = opts.matterCode ?? '06002';
  const p = await pointIn(t, '330203', index);
  const acceptor = await t.login('haishu.acceptor');
  const r = await t.as(acceptor).post('/api/reports', {
    idempotencyKey: randomUUID(),
    channel: 'hotline',
    description: opts.description ?? `井盖缺失 ${index}`,
    location: { lng: p.lng, lat: p.lat, crs: 'wgs84' },
    matterCode,
    ...(opts.reporterPhone ? { reporter: { phone: opts.reporterPhone } } : {}),
  });
  if (r.statusCode !== 201) throw new Error(`report: ${r.statusCode} ${r.body}`);
  const id = r.json().case.id as string;
  const leader = await t.login('haishu.shift_leader');
  const std = (await t.as(leader).get(`/api/catalog/standards/${matterCode}`)).json();
  for (const [who, action, fields] of [
    ['haishu.acceptor', 'accept_report', { matterType: matterCode }],
    [
      'haishu.shift_leader',
      'file',
      { matterType: matterCode, filingConditionId: std.filingConditions[0].id },
    ],
    ['haishu.dispatcher', 'dispatch', { unitId }],
  ] as const) {
    const res = await actOn(t, who, id, action, fields);
    if (res.statusCode !== 200) throw new Error(`${action}: ${res.statusCode} ${res.body}`);
  }
  return id;
}

/**
 * Drives a case dispatched to `unitUser`'s unit to closed: the unit signs and feeds back with a
 * photo, the district's acceptor asks for a check, its inspector passes it, its shift leader closes
 * (`district`: the demo accounts' pinyin prefix, e.g. `haishu`).
 */
export async function closeDispatched(
  t: TestApp,
  caseId: string,
  district = 'haishu',
  unitUser = 'unit.haishu-sanitation',
): Promise<void> {
  const step = async (who: string, action: string, fields: Record<string, unknown> = {}) => {
    const res = await actOn(t, who, caseId, action, fields);
    if (res.statusCode !== 200) throw new Error(`${action}: ${res.statusCode} ${res.body}`);
  };
  await step(unitUser, 'sign');
  await step(unitUser, 'feed_back', {
    note: '已处置完毕',
    photos: [await uploadPhoto(t, await t.login(unitUser))],
  });
  await step(`${district}.acceptor`, 'request_check');
  await step(`${district}.inspector`, 'check_pass', {
    photos: [await uploadPhoto(t, await t.login(`${district}.inspector`))],
  });
  await step(`${district}.shift_leader`, 'close');
}

/**
 * Moves every time of a case by one interval so that it was reported at `chinaAt` (China wall
 * clock, e.g. `2026-11-02T10:00:00`): its row, stages, tasks, reports, call-backs and
 * satisfactions. Events keep their times (what counts by time reads none of them).
 */
export async function placeCase(t: TestApp, id: string, chinaAt: string): Promise<void> {
  const [c] = await t.database.query<{ created_at: string }>(
    sql`SELECT created_at::text FROM case_file WHERE id = ${id}`,
  );
  const delta = sql`(${new Date(`${chinaAt}+08:00`)}::timestamptz - ${c.created_at}::timestamptz)`;
  await t.database.query(sql`UPDATE case_file SET created_at = created_at + ${delta},
    filed_at = filed_at + ${delta}, dispatched_at = dispatched_at + ${delta}, closed_at = closed_at + ${delta}
    WHERE id = ${id}`);
  await t.database.query(sql`UPDATE case_stage SET started_at = started_at + ${delta}, due_at = due_at + ${delta},
    stopped_at = stopped_at + ${delta}, paused_at = paused_at + ${delta} WHERE case_id = ${id}`);
  await t.database.query(sql`UPDATE case_task SET created_at = created_at + ${delta},
    completed_at = completed_at + ${delta} WHERE case_id = ${id}`);
  await t.database.query(sql`UPDATE report SET created_at = created_at + ${delta} WHERE case_id = ${id}`);
  await t.database.query(
    sql`UPDATE satisfaction SET case_closed_at = case_closed_at + ${delta} WHERE case_id = ${id}`,
  );
  await t.database.query(
    sql`UPDATE callback SET case_closed_at = case_closed_at + ${delta} WHERE case_id = ${id}`,
  );
}
