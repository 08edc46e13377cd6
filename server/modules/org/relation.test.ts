import { getTableColumns, getViewSelectedFields } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type OrgRelationRow, orgRelation } from './relation.ts';
import { org } from './tables.ts';

const shape = (columns: Record<string, PgColumn>) =>
  Object.fromEntries(
    Object.entries(columns).map(([key, c]) => [
      key,
      { name: c.name, type: c.getSQLType(), notNull: c.notNull },
    ]),
  );

describe('the read-only org relation', () => {
  it('reads the org table: same name, columns, SQL types and nullability', () => {
    expect(shape(getViewSelectedFields(orgRelation) as Record<string, PgColumn>)).toEqual(
      shape(getTableColumns(org)),
    );
  });

  it('has the table row type', () => {
    expectTypeOf<OrgRelationRow>().toEqualTypeOf<typeof org.$inferSelect>();
  });
});
