/**
 * The audit page's filters as staff use them: a case's events by its code (not its UUID), an
 * actor by part of their name, actions by code; a district's auditor finds nothing of another
 * district's case even by its code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { dispatchCase } from '../support/cases.ts';

let t: TestApp;
let admin: string;
let caseId: string;
let caseCode: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const units = (await t.as(admin).get('/api/orgs?kind=unit&pageSize=100')).json().items as {
    id: string;
    code: string;
    districtCode: string | null;
  }[];
  const unit = units.find((u) => u.districtCode === '330203') ?? units[0];
  caseId = await dispatchCase(t, unit.id, 0, { description: '审计筛选 井盖缺失' });
  caseCode = (await t.as(admin).get(`/api/cases/${caseId}`)).json().case.code;
});
afterAll(async () => t?.close());

type Row = { action: string; entityType: string; entityId: string | null; actorName: string | null };
const page = async (token: string, query: string) => {
  const res = await t.as(token).get(`/api/audit?pageSize=100&${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: Row[]; total: number };
};

describe('audit filters', () => {
  it("a case code finds exactly that case's events, in the loop's order", async () => {
    const { items } = await page(admin, `caseCode=${encodeURIComponent(caseCode)}`);
    expect(items.length).toBeGreaterThanOrEqual(4);
    expect(items.every((e) => e.entityType === 'case' && e.entityId === caseId)).toBe(true);
    expect(items.map((e) => e.action).reverse()).toEqual(
      expect.arrayContaining(['case.report', 'case.accept_report', 'case.file', 'case.dispatch']),
    );
  });

  it('an unknown case code is an empty page, not an error', async () => {
    const { items, total } = await page(admin, 'caseCode=NO-SUCH-CASE');
    expect({ items, total }).toEqual({ items: [], total: 0 });
  });

  it("part of an actor's name finds their events; LIKE wildcards are taken literally", async () => {
    const { items } = await page(admin, `caseCode=${encodeURIComponent(caseCode)}&actorName=dispatch`);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((e) => (e.actorName ?? '').includes('dispatch'))).toBe(true);
    expect((await page(admin, 'actorName=%25')).total).toBe(0);
  });

  it('combines the case code with an action', async () => {
    const { items } = await page(admin, `caseCode=${encodeURIComponent(caseCode)}&action=case.dispatch`);
    expect(items.map((e) => e.action)).toEqual(['case.dispatch']);
  });

  it("a district admin finds nothing of another district's case by its code", async () => {
    // No demo account audits a district: the city admin makes a district admin at 江北's centre.
    const orgs = (await t.as(admin).get('/api/orgs?pageSize=100')).json().items as {
      id: string;
      kind: string;
      districtCode: string | null;
    }[];
    const centre = orgs.find((o) => o.kind === 'district_center' && o.districtCode === '330205');
    expect(centre).toBeDefined();
    const username = `audit.jb${Date.now().toString(36)}`;
    const password = 'Jiangbei-audit-2026';
    const created = await t.as(admin).post('/api/users', {
      username,
      displayName: '江北管理员',
      orgId: centre?.id,
      roles: ['admin'],
      password,
    });
    expect(created.statusCode, created.body).toBe(201);
    const other = await t.login(username, password);
    expect((await page(other, 'page=1')).total).toBeGreaterThan(0); // reads its own district
    expect((await page(other, `caseCode=${encodeURIComponent(caseCode)}`)).items).toEqual([]);
    // The city's supervisor, for contrast, does see them.
    const city = await t.login('city.supervisor');
    expect((await page(city, `caseCode=${encodeURIComponent(caseCode)}`)).items.length).toBeGreaterThan(0);
  });

  it('refuses an oversized case code with a bilingual 400', async () => {
    const res = await t.as(admin).get(`/api/audit?caseCode=${'X'.repeat(41)}`);
    expect(res.statusCode).toBe(400);
  });
});
