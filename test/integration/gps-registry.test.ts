/**
 * The GPS terminal registry's API: registering a JT/T 808 terminal by its phone/ID (11–12 or 20
 * digits, stored in one canonical form), validation errors naming their field, the list with its
 * filters and paging, a change with the version it was read at (409 when stale), DELETE disabling
 * (the row and its history kept), and scope — a district's staff neither read nor change another
 * district's terminals, a unit sees only its own, and the auth code only reaches whom manages it.
 */
import { randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let admin: string;
let hsAdmin: string;
let jbAdmin: string;
let hsUnitAdmin: string;
let hsDispatcher: string;
let jbDispatcher: string;
const org: Record<string, string> = {};

/** A fresh 2013 terminal phone (12 digits) no other test uses. */
const phone = () => `0${String(randomInt(10 ** 9, 10 ** 10))}${randomInt(10)}`;

async function createUser(username: string, orgName: string, roles: string[]) {
  const res = await t.as(admin).post('/api/users', {
    username,
    displayName: username,
    orgId: org[orgName],
    roles,
    password: 'gps-test-2026',
  });
  expect(res.statusCode, res.body).toBe(201);
  return t.login(username, 'gps-test-2026');
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const orgs = (await t.as(admin).get('/api/orgs?pageSize=200')).json().items as {
    id: string;
    name: string;
  }[];
  for (const o of orgs) org[o.name] = o.id;
  hsAdmin = await createUser('gps.hs.admin', '海曙区智慧城管中心', ['admin']);
  jbAdmin = await createUser('gps.jb.admin', '江北区智慧城管中心', ['admin']);
  hsUnitAdmin = await createUser('gps.hs-san.admin', '海曙区环境卫生管理处', ['admin']);
  hsDispatcher = await t.login('haishu.dispatcher');
  jbDispatcher = await t.login('jiangbei.dispatcher');
});
afterAll(async () => t?.close());

const ids = (body: { items: { id: string }[] }) => body.items.map((x) => x.id);

describe('registering a terminal', () => {
  it('takes the BCD phone/ID, answers the terminal with its auth code, audits the write', async () => {
    const p = phone();
    const res = await t.as(admin).post('/api/gps/terminals', {
      terminalId: p,
      plate: '浙B8K123',
      plateColour: 1,
      kind: 'enforcement_car',
      orgId: org.海曙区智慧城管中心,
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.terminal).toMatchObject({
      terminalId: p,
      plate: '浙B8K123',
      plateColour: 1,
      kind: 'enforcement_car',
      orgName: '海曙区智慧城管中心',
      districtCode: '330203',
      utcOffsetMinutes: 480,
      crs: 'wgs84',
      enabled: true,
      generated: false,
      lastSeenAt: null,
      version: 1,
    });
    expect(body.authCode).toMatch(/^[A-Za-z0-9]{16}$/);
    const [{ n, leaked }] = await t.database.query<{ n: number; leaked: number }>(
      sql`SELECT count(*)::int AS n, count(*) FILTER (WHERE after::text LIKE ${`%${body.authCode}%`})::int AS leaked
          FROM event WHERE action = 'gps.terminal.create' AND entity_id = ${body.terminal.id}`,
    );
    expect({ n, leaked }).toEqual({ n: 1, leaked: 0 });
  });

  it('stores one canonical phone/ID: an 11-digit SIM number gets its 0, a zero-padded 2019 ID is the 2013 number', async () => {
    const eleven = String(randomInt(10 ** 10, 10 ** 11 - 1));
    const a = await t.as(admin).post('/api/gps/terminals', { terminalId: eleven, kind: 'other' });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json().terminal.terminalId).toBe(`0${eleven}`);
    // The same terminal written as a 2019 ID (20 digits, left-padded with zeros): the same one.
    const again = await t.as(admin).post('/api/gps/terminals', {
      terminalId: `000000000${eleven}`,
      kind: 'other',
    });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'DUPLICATE', details: [{ field: 'body.terminalId' }] });
    // A genuine 20-digit 2019 ID is kept as it is.
    const id2019 = `1${String(randomInt(10 ** 9, 10 ** 10 - 1))}${String(randomInt(10 ** 8, 10 ** 9 - 1))}`;
    expect(id2019).toHaveLength(20);
    const b = await t.as(admin).post('/api/gps/terminals', { terminalId: id2019, kind: 'sprinkler' });
    expect(b.statusCode, b.body).toBe(201);
    expect(b.json().terminal.terminalId).toBe(id2019);
  });

  it('refuses bad input with 400 naming the field, in Chinese and English, writing nothing', async () => {
    const before = (await t.as(admin).get('/api/gps/terminals?pageSize=1')).json().total;
    const cases: [Record<string, unknown>, string][] = [
      [{ terminalId: '12345', kind: 'other' }, 'body.terminalId'],
      [{ terminalId: '0123456789012345', kind: 'other' }, 'body.terminalId'],
      [{ terminalId: '01380013800a', kind: 'other' }, 'body.terminalId'],
      [{ terminalId: phone(), kind: 'tank' }, 'body.kind'],
      [{ terminalId: phone(), kind: 'other', plateColour: 7, plate: '浙B1' }, 'body.plateColour'],
      [{ terminalId: phone(), kind: 'other', plateColour: 2 }, 'body.plate'],
      [{ terminalId: phone(), kind: 'other', utcOffsetMinutes: 481 }, 'body.utcOffsetMinutes'],
      [{ terminalId: phone(), kind: 'other', crs: 'bd09' }, 'body.crs'],
      [{ terminalId: phone(), kind: 'other', imei: '86-1234' }, 'body.imei'],
      [{ terminalId: phone(), kind: 'other', authCode: 'mine' }, 'body.authCode'],
    ];
    for (const [body, field] of cases) {
      for (const lang of ['zh', 'en']) {
        const res = await t.as(admin).post('/api/gps/terminals', body, { 'accept-language': lang });
        expect(res.statusCode, `${JSON.stringify(body)} ${res.body}`).toBe(400);
        const err = res.json().error;
        expect(err.code).toBe('VALIDATION_FAILED');
        expect(err.details.map((d: { field: string }) => d.field)).toContain(field);
        if (lang === 'zh') expect(err.message).toMatch(/[\u4e00-\u9fff]/);
        else expect(err.message).not.toMatch(/[\u4e00-\u9fff]/);
      }
    }
    // An organisation that does not exist: 422 naming it.
    const ghost = await t.as(admin).post('/api/gps/terminals', {
      terminalId: phone(),
      kind: 'other',
      orgId: '00000000-0000-4000-8000-000000000000',
    });
    expect(ghost.statusCode).toBe(422);
    expect(ghost.json().error).toMatchObject({
      code: 'INVALID_REFERENCE',
      details: [{ field: 'body.orgId' }],
    });
    expect((await t.as(admin).get('/api/gps/terminals?pageSize=1')).json().total).toBe(before);
  });
});

describe('the list, a change, disabling', () => {
  it('filters by kind, organisation, district and text, pages, and never shows an auth code', async () => {
    const p = phone();
    const created = (
      await t.as(admin).post('/api/gps/terminals', {
        terminalId: p,
        plate: '浙B9Z777',
        plateColour: 2,
        kind: 'muck_truck',
        orgId: org.江北区环境卫生管理处,
      })
    ).json().terminal;
    const get = async (q: string) => {
      const res = await t.as(admin).get(`/api/gps/terminals?pageSize=200&${q}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    expect(ids(await get(`q=${encodeURIComponent('9Z77')}`))).toEqual([created.id]);
    expect(ids(await get(`q=${p.slice(3, 10)}`))).toEqual([created.id]);
    const kinds = await get('kind=muck_truck');
    expect(kinds.items.every((x: { kind: string }) => x.kind === 'muck_truck')).toBe(true);
    expect(ids(kinds)).toContain(created.id);
    const byOrg = await get(`orgId=${org.江北区环境卫生管理处}`);
    expect(byOrg.items.every((x: { orgId: string }) => x.orgId === org.江北区环境卫生管理处)).toBe(true);
    expect(ids(byOrg)).toContain(created.id);
    const jb = await get('districtCode=330205');
    expect(jb.items.every((x: { districtCode: string }) => x.districtCode === '330205')).toBe(true);
    for (const item of jb.items) expect(item).not.toHaveProperty('authCode');
    // Paging: pages of one, in phone order, adding up to the total.
    const first = (await t.as(admin).get('/api/gps/terminals?pageSize=1&page=1')).json();
    const second = (await t.as(admin).get('/api/gps/terminals?pageSize=1&page=2')).json();
    expect(first).toMatchObject({ page: 1, pageSize: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.items[0].terminalId < second.items[0].terminalId).toBe(true);
    expect(first.total).toBeGreaterThanOrEqual(2);
  });

  it('changes a terminal at the version it was read; a stale version is 409 and changes nothing', async () => {
    const created = (
      await t.as(hsAdmin).post('/api/gps/terminals', { terminalId: phone(), kind: 'other' })
    ).json().terminal;
    expect(created.orgName).toBe('海曙区智慧城管中心');
    const ok = await t.as(hsAdmin).patch(`/api/gps/terminals/${created.id}`, {
      version: 1,
      kind: 'sanitation_truck',
      plate: '浙B55555',
      plateColour: 2,
      orgId: org.海曙区环境卫生管理处,
      utcOffsetMinutes: 0,
      crs: 'gcj02',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      kind: 'sanitation_truck',
      orgName: '海曙区环境卫生管理处',
      utcOffsetMinutes: 0,
      crs: 'gcj02',
      version: 2,
    });
    const stale = await t
      .as(hsAdmin)
      .patch(`/api/gps/terminals/${created.id}`, { version: 1, plate: '浙B00000' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'CONFLICT', details: [{ field: 'body.version' }] });
    expect((await t.as(admin).get(`/api/gps/terminals/${created.id}`)).json().terminal).toMatchObject({
      plate: '浙B55555',
      version: 2,
    });
    const events = await t.database.query<{ action: string }>(
      sql`SELECT action FROM event WHERE entity_id = ${created.id} ORDER BY id`,
    );
    expect(events.map((e) => e.action)).toEqual(['gps.terminal.create', 'gps.terminal.update']);
  });

  it('DELETE disables the terminal and keeps it (a stale version is 409)', async () => {
    const created = (
      await t.as(admin).post('/api/gps/terminals', { terminalId: phone(), kind: 'patrol_bike' })
    ).json().terminal;
    const stale = await t.as(admin).delete(`/api/gps/terminals/${created.id}?version=9`);
    expect(stale.statusCode).toBe(409);
    const res = await t.as(admin).delete(`/api/gps/terminals/${created.id}?version=1`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ enabled: false, version: 2 });
    const page = await t.as(admin).get(`/api/gps/terminals/${created.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.json().terminal.enabled).toBe(false);
    expect(ids((await t.as(admin).get('/api/gps/terminals?enabled=false&pageSize=200')).json())).toContain(
      created.id,
    );
    // Again: nothing more to do, no second event.
    expect((await t.as(admin).delete(`/api/gps/terminals/${created.id}`)).statusCode).toBe(200);
    const [{ n }] = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM event WHERE action = 'gps.terminal.disable' AND entity_id = ${created.id}`,
    );
    expect(n).toBe(1);
  });
});

describe('scope', () => {
  let hsTerminal: string;
  let jbTerminal: string;
  let unitTerminal: string;

  beforeAll(async () => {
    const mk = async (token: string, body: Record<string, unknown>) => {
      const res = await t
        .as(token)
        .post('/api/gps/terminals', { terminalId: phone(), kind: 'other', ...body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().terminal.id as string;
    };
    hsTerminal = await mk(hsAdmin, {});
    jbTerminal = await mk(jbAdmin, {});
    unitTerminal = await mk(hsUnitAdmin, {});
  });

  it('a district’s staff list and read only their district’s terminals', async () => {
    const hs = (await t.as(hsDispatcher).get('/api/gps/terminals?pageSize=200')).json();
    expect(hs.items.every((x: { districtCode: string }) => x.districtCode === '330203')).toBe(true);
    expect(ids(hs)).toEqual(expect.arrayContaining([hsTerminal, unitTerminal]));
    expect(ids(hs)).not.toContain(jbTerminal);
    // Asking for the other district by filter or text finds nothing.
    expect((await t.as(hsDispatcher).get('/api/gps/terminals?districtCode=330205')).json().total).toBe(0);
    expect((await t.as(hsDispatcher).get(`/api/gps/terminals/${jbTerminal}`)).statusCode).toBe(404);
    expect((await t.as(jbDispatcher).get(`/api/gps/terminals/${hsTerminal}`)).statusCode).toBe(404);
    expect((await t.as(jbDispatcher).get(`/api/gps/terminals/${jbTerminal}`)).statusCode).toBe(200);
    // Readers see no auth code; whom manages it does.
    expect((await t.as(hsDispatcher).get(`/api/gps/terminals/${hsTerminal}`)).json().authCode).toBeNull();
    expect((await t.as(hsAdmin).get(`/api/gps/terminals/${hsTerminal}`)).json().authCode).toMatch(/^\w{16}$/);
  });

  it('a district admin cannot change, disable or register into another district', async () => {
    expect(
      (await t.as(hsAdmin).patch(`/api/gps/terminals/${jbTerminal}`, { version: 1, plate: '浙B1' }))
        .statusCode,
    ).toBe(404);
    expect((await t.as(hsAdmin).delete(`/api/gps/terminals/${jbTerminal}`)).statusCode).toBe(404);
    const into = await t.as(hsAdmin).post('/api/gps/terminals', {
      terminalId: phone(),
      kind: 'other',
      orgId: org.江北区智慧城管中心,
    });
    expect(into.statusCode).toBe(422);
    // Moving its own terminal to another district's organisation: refused too.
    const move = await t.as(hsAdmin).patch(`/api/gps/terminals/${hsTerminal}`, {
      version: 1,
      orgId: org.江北区环境卫生管理处,
    });
    expect([404, 422]).toContain(move.statusCode);
    const jb = (await t.as(admin).get(`/api/gps/terminals/${jbTerminal}`)).json().terminal;
    expect(jb).toMatchObject({ enabled: true, version: 1, districtCode: '330205' });
    expect((await t.as(admin).get(`/api/gps/terminals/${hsTerminal}`)).json().terminal.version).toBe(1);
  });

  it('a unit sees and manages only its own terminals; staff without gps:read get 403', async () => {
    const mine = (await t.as(hsUnitAdmin).get('/api/gps/terminals?pageSize=200')).json();
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((x: { orgId: string }) => x.orgId === org.海曙区环境卫生管理处)).toBe(true);
    expect(ids(mine)).toContain(unitTerminal);
    expect((await t.as(hsUnitAdmin).get(`/api/gps/terminals/${hsTerminal}`)).statusCode).toBe(404);
    expect(
      (await t.as(hsUnitAdmin).patch(`/api/gps/terminals/${hsTerminal}`, { version: 1, note: 'x' }))
        .statusCode,
    ).toBe(404);
    const own = await t
      .as(hsUnitAdmin)
      .patch(`/api/gps/terminals/${unitTerminal}`, { version: 1, note: '二号车' });
    expect(own.statusCode, own.body).toBe(200);
    for (const who of ['haishu.inspector', 'unit.haishu-sanitation']) {
      const tk = await t.login(who);
      expect((await t.as(tk).get('/api/gps/terminals')).statusCode, who).toBe(403);
      expect(
        (await t.as(tk).post('/api/gps/terminals', { terminalId: phone(), kind: 'other' })).statusCode,
      ).toBe(403);
    }
    // A reader is not a manager.
    expect(
      (await t.as(hsDispatcher).post('/api/gps/terminals', { terminalId: phone(), kind: 'other' }))
        .statusCode,
    ).toBe(403);
  });

  it('the demo’s generated terminals are there, each in its district', async () => {
    const all = (await t.as(admin).get('/api/gps/terminals?pageSize=200&q=01333')).json();
    const generated = all.items.filter((x: { generated: boolean }) => x.generated);
    expect(generated.map((x: { districtCode: string }) => x.districtCode).sort()).toEqual([
      '330203',
      '330203',
      '330203',
      '330205',
      '330205',
      '330212',
      '330212',
    ]);
  });
});
