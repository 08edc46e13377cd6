/** Helpers for case-loop tests: points inside a district, a tiny real photo, acting as a user. */
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
