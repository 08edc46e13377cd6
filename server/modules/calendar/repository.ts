import { and, asc, eq, gte, lte } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { calendarDay } from './tables.ts';

export type CalendarDayRow = typeof calendarDay.$inferSelect;

export async function allDays(db: Db): Promise<Pick<CalendarDayRow, 'day' | 'kind'>[]> {
  return db.select({ day: calendarDay.day, kind: calendarDay.kind }).from(calendarDay);
}

export async function daysOfYear(db: Db, year: number): Promise<CalendarDayRow[]> {
  const y = String(year).padStart(4, '0');
  return db
    .select()
    .from(calendarDay)
    .where(and(gte(calendarDay.day, `${y}-01-01`), lte(calendarDay.day, `${y}-12-31`)))
    .orderBy(asc(calendarDay.day));
}

export async function findDayForUpdate(db: Db, day: string): Promise<CalendarDayRow | undefined> {
  const [row] = await db.select().from(calendarDay).where(eq(calendarDay.day, day)).for('update');
  return row;
}

export async function upsertDay(db: Db, values: typeof calendarDay.$inferInsert): Promise<CalendarDayRow> {
  const [row] = await db
    .insert(calendarDay)
    .values(values)
    .onConflictDoUpdate({
      target: calendarDay.day,
      set: {
        kind: values.kind,
        name: values.name ?? null,
        source: values.source,
        updatedBy: values.updatedBy ?? null,
        updatedAt: values.updatedAt ?? new Date(),
      },
    })
    .returning();
  return row;
}

export async function deleteDay(db: Db, day: string): Promise<void> {
  await db.delete(calendarDay).where(eq(calendarDay.day, day));
}

/** Inserts days that are not there yet (seed); returns how many were inserted. */
export async function insertDaysIfMissing(
  db: Db,
  rows: (typeof calendarDay.$inferInsert)[],
): Promise<number> {
  let n = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const done = await db
      .insert(calendarDay)
      .values(rows.slice(i, i + 500))
      .onConflictDoNothing()
      .returning({ day: calendarDay.day });
    n += done.length;
  }
  return n;
}
