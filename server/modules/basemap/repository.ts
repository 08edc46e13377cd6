/** Queries of the basemap module: archives and the city's one choice row. */
import { and, desc, eq, ne } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { basemapArchive, basemapChoice } from './tables.ts';

export type ArchiveRow = typeof basemapArchive.$inferSelect;
export type ArchiveInsert = typeof basemapArchive.$inferInsert;
export type ChoiceRow = typeof basemapChoice.$inferSelect;
export type ChoiceWrite = Omit<typeof basemapChoice.$inferInsert, 'id' | 'version' | 'updatedAt'>;

export const CHOICE_ID = 'city';

export async function findChoice(db: Db): Promise<ChoiceRow | undefined> {
  const [row] = await db.select().from(basemapChoice).where(eq(basemapChoice.id, CHOICE_ID));
  return row;
}

/** The choice row locked for a write (serialises writers and generators on every node). */
export async function lockChoice(tx: Db): Promise<ChoiceRow | undefined> {
  const [row] = await tx.select().from(basemapChoice).where(eq(basemapChoice.id, CHOICE_ID)).for('update');
  return row;
}

export async function insertChoice(tx: Db, w: ChoiceWrite): Promise<ChoiceRow | undefined> {
  const [row] = await tx
    .insert(basemapChoice)
    .values({ id: CHOICE_ID, ...w })
    .onConflictDoNothing()
    .returning();
  return row;
}

/** Writes the choice if it is still at `version`; undefined when someone changed it meanwhile. */
export async function updateChoice(tx: Db, version: number, w: ChoiceWrite): Promise<ChoiceRow | undefined> {
  const [row] = await tx
    .update(basemapChoice)
    .set({ ...w, version: version + 1, updatedAt: new Date() })
    .where(and(eq(basemapChoice.id, CHOICE_ID), eq(basemapChoice.version, version)))
    .returning();
  return row;
}

export async function findArchive(db: Db, id: string): Promise<ArchiveRow | undefined> {
  const [row] = await db.select().from(basemapArchive).where(eq(basemapArchive.id, id));
  return row;
}

export async function listArchives(db: Db): Promise<ArchiveRow[]> {
  return db.select().from(basemapArchive).orderBy(desc(basemapArchive.createdAt), basemapArchive.id);
}

/** The newest generated archive. */
export async function latestGenerated(db: Db): Promise<ArchiveRow | undefined> {
  const [row] = await db
    .select()
    .from(basemapArchive)
    .where(eq(basemapArchive.origin, 'generated'))
    .orderBy(desc(basemapArchive.createdAt))
    .limit(1);
  return row;
}

export async function insertArchive(tx: Db, a: ArchiveInsert): Promise<ArchiveRow> {
  const [row] = await tx.insert(basemapArchive).values(a).returning();
  return row;
}

export async function deleteArchive(tx: Db, id: string): Promise<ArchiveRow | undefined> {
  const [row] = await tx.delete(basemapArchive).where(eq(basemapArchive.id, id)).returning();
  return row;
}

/** Generated archives other than `keep` (replaced by a newer generation). */
export async function deleteGeneratedExcept(tx: Db, keep: string): Promise<ArchiveRow[]> {
  return tx
    .delete(basemapArchive)
    .where(and(eq(basemapArchive.origin, 'generated'), ne(basemapArchive.id, keep)))
    .returning();
}
