/**
 * Organisations as other modules read them: a read-only relation for joins and scope columns —
 * users and API keys with their organisation in one query (the session lookup of every request
 * among them), units with their endpoint, scope filters on an organisation's kind and district.
 *
 * It is a Drizzle view declared over the `org` table itself (`.existing()`: no database object is
 * created, and drizzle-kit never sees it — the schema registry holds the table, not this), so it
 * reads exactly the table's rows and columns. `select`, `from` and joins accept it; `insert`,
 * `update` and `delete` do not compile, and server/boundaries.test.ts fails on any write through
 * it outside this module (a cast would get past the compiler). Organisations are created and
 * changed only through this module's service: scope checks, versions, audit events.
 *
 * In a selection, `getViewSelectedFields(orgRelation)` gives the whole row. The columns are the
 * table's (tables.ts), repeated for the view; relation.test.ts fails when the two drift apart.
 */
import { integer, pgView, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { OrgKind } from '../../../common/identity.ts';

export const orgRelation = pgView('org', {
  id: uuid('id').notNull(),
  kind: text('kind').notNull().$type<OrgKind>(),
  name: text('name').notNull(),
  code: text('code').notNull(),
  parentId: uuid('parent_id'),
  districtCode: text('district_code'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  version: integer('version').notNull(),
}).existing();

/** An organisation row as read through the relation. */
export type OrgRelationRow = typeof orgRelation.$inferSelect;
