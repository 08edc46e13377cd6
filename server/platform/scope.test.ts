/**
 * The scope helper's promise: the predicate and the SQL filter come from one declaration and
 * agree on every row. Checked by running both over the same rows in a real (in-memory PGlite)
 * database, for every construct of the rule language and every kind of caller, including
 * nulls, lists holding null, negations, nested alternatives and an SQL expression (a JSON field).
 */
import { PGlite } from '@electric-sql/pglite';
import { asc, sql } from 'drizzle-orm';
import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Permission, Scope } from '../../common/identity.ts';
import { AppError } from './errors.ts';
import { compile, defineScope, evaluate, type ScopeActor } from './scope.ts';

const thing = pgTable('thing', {
  id: text('id').primaryKey(),
  districtCode: text('district_code').notNull(),
  unitId: text('unit_id'),
  kind: text('kind', { enum: ['city_center', 'district_center', 'unit'] }).notNull(),
  owner: text('owner'),
  data: jsonb('data'),
});
type Row = typeof thing.$inferSelect;

const columns = {
  id: thing.id,
  districtCode: thing.districtCode,
  unitId: thing.unitId,
  kind: thing.kind,
  owner: thing.owner,
  dataUnit: sql<string | null>`(${thing.data} ->> 'unitId')`,
};

// Every combination of the fields' values, nulls included: 3 × 4 × 3 × 3 × 4 = 432 rows.
const ROWS: Row[] = [];
for (const districtCode of ['330203', '330205', '330211'])
  for (const unitId of [null, 'u1', 'u2', 'u3'])
    for (const kind of ['city_center', 'district_center', 'unit'] as const)
      for (const owner of [null, 'alice', 'bob'])
        for (const data of [null, {}, { unitId: 'u1' }, { unitId: 'u2' }]) {
          ROWS.push({ id: `r${ROWS.length}`, districtCode, unitId, kind, owner, data });
        }
const fieldsOf = (r: Row) => ({
  ...r,
  dataUnit:
    r.data && typeof (r.data as { unitId?: unknown }).unitId === 'string'
      ? (r.data as { unitId: string }).unitId
      : null,
});

const ALL: Permission[] = ['routing:read', 'case:read'];
const ACTORS: ScopeActor[] = [
  { scope: { kind: 'city' }, permissions: ALL, type: 'user', id: 'alice' },
  { scope: { kind: 'district', districtCode: '330203' }, permissions: ALL, type: 'user', id: 'bob' },
  { scope: { kind: 'district', districtCode: '330205' }, permissions: ALL, type: 'api_key', id: 'key1' },
  {
    scope: { kind: 'unit', orgId: 'u1', districtCode: '330203' },
    permissions: ALL,
    type: 'user',
    id: 'carol',
  },
  { scope: { kind: 'unit', orgId: 'u2', districtCode: null }, permissions: ALL, type: 'user', id: 'dave' },
  { scope: { kind: 'unit', orgId: 'u9', districtCode: '330211' }, permissions: ALL },
];

/** Declarations exercising each construct; the names say which. */
const POLICIES = {
  byDistrictOrUnit: defineScope({
    permission: 'routing:read',
    columns,
    city: true,
    district: (d) => ({ districtCode: d.districtCode }),
    unit: (u) => ({ unitId: u.orgId }),
  }),
  nullAndLists: defineScope({
    columns,
    city: { unitId: null },
    district: (d) => ({ districtCode: [d.districtCode, '330211'], unitId: [null, 'u2'] }),
    unit: (u) => ({ unitId: [null, u.orgId], districtCode: [] }),
  }),
  negation: defineScope({
    columns,
    city: { unitId: { not: null } },
    district: (d) => ({ districtCode: { not: d.districtCode }, kind: { not: 'unit' } }),
    unit: (u) => [
      { id: 'r7' },
      { kind: { not: 'unit' }, districtCode: [null, u.districtCode] },
      { unitId: { not: 'u1' } },
    ],
  }),
  nested: defineScope({
    columns,
    city: [[{ kind: 'unit' }, [{ owner: 'alice' }, { owner: null, unitId: 'u3' }]], false],
    district: (d) => [{}, { districtCode: d.districtCode }],
    unit: [],
  }),
  actorFields: defineScope({
    columns,
    city: (_s, a) => ({ owner: a.id ?? null }),
    district: (_s, a) => (a.type === 'user' ? { owner: a.id ?? null } : false),
    unit: (u, a) => (u.districtCode === null ? true : { owner: [a.id ?? null, null] }),
  }),
  jsonField: defineScope({
    permission: 'case:read',
    columns,
    city: true,
    district: (d) => ({ districtCode: d.districtCode }),
    unit: (u) => [{ dataUnit: u.orgId }, { unitId: u.orgId }],
  }),
  emptyObject: defineScope({ columns, city: {}, district: false, unit: [{}] }),
};

let client: PGlite;
let db: ReturnType<typeof drizzle>;

beforeAll(async () => {
  client = await PGlite.create();
  db = drizzle(client);
  await db.execute(
    sql`CREATE TABLE thing (id text PRIMARY KEY, district_code text NOT NULL, unit_id text, kind text NOT NULL, owner text, data jsonb)`,
  );
  for (let i = 0; i < ROWS.length; i += 200) await db.insert(thing).values(ROWS.slice(i, i + 200));
  // Starting a PGlite takes seconds when the machine is busy.
}, 120_000);
afterAll(async () => {
  await client.close();
});

async function idsByFilter(
  where: ReturnType<(typeof POLICIES)['byDistrictOrUnit']['filter']>,
): Promise<string[]> {
  const rows = await db.select({ id: thing.id }).from(thing).where(where).orderBy(asc(thing.id));
  return rows.map((r) => r.id).sort();
}

describe('defineScope: predicate and SQL filter from one declaration', () => {
  for (const [name, policy] of Object.entries(POLICIES)) {
    it(`${name}: allows() and filter() select the same rows for every caller`, async () => {
      for (const actor of ACTORS) {
        const byPredicate = ROWS.filter((r) => policy.allows(actor, fieldsOf(r)))
          .map((r) => r.id)
          .sort();
        const bySql = await idsByFilter(policy.filter(actor));
        expect(bySql, `${name} as ${JSON.stringify(actor.scope)}`).toEqual(byPredicate);
      }
    });
  }

  it('the rules select what they say (not merely the same wrong rows twice)', async () => {
    const p = POLICIES.byDistrictOrUnit;
    const count = (a: ScopeActor) => ROWS.filter((r) => p.allows(a, fieldsOf(r))).length;
    expect(count(ACTORS[0])).toBe(ROWS.length);
    expect(count(ACTORS[1])).toBe(ROWS.length / 3);
    expect(count(ACTORS[3])).toBe(ROWS.length / 4);
    expect(p.filter(ACTORS[0])).toBeUndefined();
    // A unit id that matches no row: nothing.
    expect(await idsByFilter(p.filter(ACTORS[5]))).toEqual([]);
    // Null is a value like any other: "unitId: null" is the rows without a unit, in both forms.
    const nulls = POLICIES.nullAndLists;
    expect(ROWS.filter((r) => nulls.allows(ACTORS[0], fieldsOf(r))).every((r) => r.unitId === null)).toBe(
      true,
    );
    expect((await idsByFilter(nulls.filter(ACTORS[0]))).length).toBe(ROWS.length / 4);
    // `not` keeps the rows where the field is null (SQL IS DISTINCT FROM, not <>).
    const neg = POLICIES.negation;
    const notU1 = ROWS.filter((r) => r.unitId !== 'u1');
    expect(notU1.every((r) => neg.allows(ACTORS[3], fieldsOf(r)))).toBe(true);
    expect(notU1.some((r) => r.unitId === null)).toBe(true);
  });

  it('without the declared permission a caller reaches nothing and is refused with 403', async () => {
    const p = POLICIES.byDistrictOrUnit;
    const city: ScopeActor = { scope: { kind: 'city' }, permissions: ['case:read'] };
    expect(ROWS.some((r) => p.allows(city, fieldsOf(r)))).toBe(false);
    expect(await idsByFilter(p.filter(city))).toEqual([]);
    expect(p.permitted(city)).toBe(false);
    expect(p.reachesAny(city)).toBe(false);
    expect(() => p.requirePermission(city)).toThrow(AppError);
    try {
      p.requirePermission(city, { zh: '不行', en: 'No' });
    } catch (e) {
      expect((e as AppError).status).toBe(403);
      expect((e as AppError).code).toBe('FORBIDDEN');
      expect((e as AppError).en).toBe('No');
    }
    // A bare { scope } (no permissions at all) holds none either.
    expect(p.permitted({ scope: { kind: 'city' } })).toBe(false);
    // inScope answers the scope question alone.
    expect(p.inScope(city, fieldsOf(ROWS[0]))).toBe(true);
    const d: ScopeActor = { scope: { kind: 'district', districtCode: '330205' } };
    expect(p.inScope(d, fieldsOf(ROWS[0]))).toBe(false);
    // A policy without a permission is open to everyone, to the extent of its scope.
    expect(POLICIES.nullAndLists.permitted({ scope: { kind: 'city' } })).toBe(true);
    expect(() => POLICIES.nullAndLists.requirePermission({ scope: { kind: 'city' } })).not.toThrow();
  });

  it('reachesAny: a level declared false reaches nothing (403), any other rule reaches something', () => {
    const p = POLICIES.emptyObject;
    const at = (scope: Scope): ScopeActor => ({ scope });
    expect(p.reachesAny(at({ kind: 'city' }))).toBe(true);
    expect(p.reachesAny(at({ kind: 'district', districtCode: '330203' }))).toBe(false);
    expect(p.reachesAny(at({ kind: 'unit', orgId: 'u1', districtCode: null }))).toBe(true);
    expect(p.where(at({ kind: 'district', districtCode: '330203' }))).toBe(false);
  });

  it('a level-only policy (no columns) answers allows(actor, {}) and filters by level', async () => {
    const cityOnly = defineScope({ permission: 'case:read', city: true, district: false, unit: false });
    expect(cityOnly.allows(ACTORS[0], {})).toBe(true);
    expect(cityOnly.allows(ACTORS[1], {})).toBe(false);
    expect(cityOnly.filter(ACTORS[0])).toBeUndefined();
    expect(await idsByFilter(cityOnly.filter(ACTORS[1]))).toEqual([]);
  });

  it('a rule naming a field without a column is a programming error, not an open filter', () => {
    expect(() => compile({ nowhere: 'x' }, {})).toThrow(/nowhere/);
    expect(evaluate({ districtCode: '330203' }, { districtCode: '330203' })).toBe(true);
  });

  it('the declaration is typed by its columns', () => {
    defineScope({
      columns,
      city: true,
      // @ts-expect-error: no such field
      district: { distrctCode: '330203' },
      unit: false,
    });
    defineScope({
      columns,
      city: true,
      // @ts-expect-error: not a value of the enum column
      district: { kind: 'centre' },
      unit: false,
    });
    const p = defineScope({
      columns: { districtCode: thing.districtCode },
      city: true,
      district: true,
      unit: true,
    });
    // @ts-expect-error: the row must carry the declared fields
    expect(p.allows(ACTORS[0], {})).toBe(true);
  });
});
