import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { setting } from './tables.ts';

export type SettingRow = typeof setting.$inferSelect;

export async function findSetting(db: Db, key: string): Promise<SettingRow | undefined> {
  const [row] = await db.select().from(setting).where(eq(setting.key, key));
  return row;
}

export async function findSettingForUpdate(db: Db, key: string): Promise<SettingRow | undefined> {
  const [row] = await db.select().from(setting).where(eq(setting.key, key)).for('update');
  return row;
}

export async function listSettings(db: Db): Promise<SettingRow[]> {
  return db.select().from(setting).orderBy(asc(setting.key));
}

/** Writes version `version + 1` if the row is still at `version` (0: not there yet). */
export async function writeSettingRow(
  db: Db,
  key: string,
  value: unknown,
  version: number,
  updatedBy: string,
): Promise<SettingRow | undefined> {
  const now = new Date();
  if (version === 0) {
    const [row] = await db
      .insert(setting)
      .values({ key, value: value as object, version: 1, updatedBy, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    return row;
  }
  const [row] = await db
    .update(setting)
    .set({ value: value as object, version: version + 1, updatedBy, updatedAt: now })
    .where(and(eq(setting.key, key), eq(setting.version, version)))
    .returning();
  return row;
}

/** Inserts a default unless the key exists; true when it was inserted. */
export async function insertDefault(db: Db, key: string, value: unknown, by: string): Promise<boolean> {
  const rows = await db
    .insert(setting)
    .values({ key, value: value as object, version: 1, updatedBy: by })
    .onConflictDoNothing()
    .returning({ key: setting.key });
  return rows.length > 0;
}
