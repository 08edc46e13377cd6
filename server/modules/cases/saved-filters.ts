/**
 * Saved filters of the case list (保存的筛选): a person names a filter of the list and finds it
 * again. Each belongs to the user who saved it: only they list, read, change or delete it — any
 * other caller gets 404 as if it did not exist. API keys have none (a filter is a person's).
 * Every write appends its audit event in the same transaction.
 */
import { and, asc, count, eq, ne } from 'drizzle-orm';
import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { checkCaseFilter } from './list-query.ts';
import { caseRead } from './policy.ts';
import type { SavedFilterBodyT } from './schemas-centre.ts';
import { savedFilter } from './tables.ts';

type SavedFilterRow = typeof savedFilter.$inferSelect;

/**
 * How many filters one person keeps: enough for any desk, and it bounds the list they read
 * (which has no paging) and the table.
 */
export const SAVED_FILTERS_PER_USER = 100;

/** The owner of the caller's filters: a signed-in person with case:read (403 otherwise). */
function ownerOf(actor: Actor): string {
  caseRead.requirePermission(actor);
  if (actor.type !== 'user' || !actor.id) {
    throw new AppError('FORBIDDEN', {
      zh: '只有登录用户可以保存筛选条件',
      en: 'Only a signed-in person can keep saved filters',
    });
  }
  return actor.id;
}

const toDto = (r: SavedFilterRow) => ({
  id: r.id,
  name: r.name,
  query: r.query,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

const districtOf = (actor: Actor) => (actor.scope.kind === 'city' ? null : actor.scope.districtCode);

async function findOwn(db: Db, owner: string, id: string, forUpdate = false): Promise<SavedFilterRow> {
  const q = db
    .select()
    .from(savedFilter)
    .where(and(eq(savedFilter.id, id), eq(savedFilter.ownerId, owner)));
  const [row] = forUpdate ? await q.for('update') : await q;
  if (!row) throw notFound('savedFilter', id);
  return row;
}

async function assertNameFree(db: Db, owner: string, name: string, except?: string) {
  const [clash] = await db
    .select({ id: savedFilter.id })
    .from(savedFilter)
    .where(
      and(
        eq(savedFilter.ownerId, owner),
        eq(savedFilter.name, name),
        except ? ne(savedFilter.id, except) : undefined,
      ),
    );
  if (clash) {
    throw new AppError('DUPLICATE', {
      zh: `已有同名的筛选条件：${name}`,
      en: `You already have a saved filter named ${name}`,
      details: [{ field: 'body.name', message: name }],
    });
  }
}

export async function listSavedFilters(db: Db, ctx: RequestContext) {
  const owner = ownerOf(ctx.actor);
  const rows = await db
    .select()
    .from(savedFilter)
    .where(eq(savedFilter.ownerId, owner))
    .orderBy(asc(savedFilter.name))
    .limit(SAVED_FILTERS_PER_USER);
  return { items: rows.map(toDto) };
}

export async function createSavedFilter(db: Db, ctx: RequestContext, body: SavedFilterBodyT) {
  const owner = ownerOf(ctx.actor);
  const name = body.name.trim();
  checkCaseFilter(ctx.actor, body.query, 'body.query');
  return db.transaction(async (tx) => {
    await assertNameFree(tx, owner, name);
    const [{ n }] = await tx.select({ n: count() }).from(savedFilter).where(eq(savedFilter.ownerId, owner));
    if (n >= SAVED_FILTERS_PER_USER) {
      throw new AppError('UNPROCESSABLE', {
        zh: `最多保存 ${SAVED_FILTERS_PER_USER} 个筛选条件，请先删除不用的`,
        en: `You can keep at most ${SAVED_FILTERS_PER_USER} saved filters; delete one you no longer use first`,
      });
    }
    const [row] = await tx
      .insert(savedFilter)
      .values({ ownerId: owner, name, query: body.query })
      .returning();
    await recordEvent(tx, ctx, {
      action: 'saved_filter.create',
      entityType: 'saved_filter',
      entityId: row.id,
      districtCode: districtOf(ctx.actor),
      after: { name: row.name, query: row.query },
    });
    return toDto(row);
  });
}

export async function updateSavedFilter(db: Db, ctx: RequestContext, id: string, body: SavedFilterBodyT) {
  const owner = ownerOf(ctx.actor);
  const name = body.name.trim();
  checkCaseFilter(ctx.actor, body.query, 'body.query');
  return db.transaction(async (tx) => {
    const before = await findOwn(tx, owner, id, true);
    await assertNameFree(tx, owner, name, id);
    const [row] = await tx
      .update(savedFilter)
      .set({ name, query: body.query, updatedAt: new Date() })
      .where(eq(savedFilter.id, id))
      .returning();
    await recordEvent(tx, ctx, {
      action: 'saved_filter.update',
      entityType: 'saved_filter',
      entityId: id,
      districtCode: districtOf(ctx.actor),
      before: { name: before.name, query: before.query },
      after: { name: row.name, query: row.query },
    });
    return toDto(row);
  });
}

export async function deleteSavedFilter(db: Db, ctx: RequestContext, id: string) {
  const owner = ownerOf(ctx.actor);
  await db.transaction(async (tx) => {
    const before = await findOwn(tx, owner, id, true);
    await tx.delete(savedFilter).where(eq(savedFilter.id, id));
    await recordEvent(tx, ctx, {
      action: 'saved_filter.delete',
      entityType: 'saved_filter',
      entityId: id,
      districtCode: districtOf(ctx.actor),
      before: { name: before.name, query: before.query },
      after: { deleted: true },
    });
  });
}
