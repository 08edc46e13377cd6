/**
 * Seeds the working calendar and the city settings. Idempotent, so it runs on every start and
 * writes only what is missing:
 * - the official holidays and make-up workdays (调休) of the years chinese-days covers
 *   (source 'chinese-days'), once: only while `calendar.windows` has never been written, so an
 *   administrator's later edits (including removing an exception) are never undone;
 * - every setting of the registry that has no row, at its default (see settings/registry.ts for
 *   each key's meaning): calendar.windows 08:00–12:00 + 14:00–18:00, case.warnShare 0.8,
 *   case.stageLimits (verify 24 urgent_hour, check 2 work_hour, accept/filing/dispatch/rework/
 *   close 1 work_hour, coordinate 1 work_day), case.duplicate {radiusM 50, windowHours 24},
 *   hotline.numbers {city 12345, legacy 96310 and 12319}, outbound.allowHttp false (https only),
 *   imports.limits (200 MiB unzipped, 200:1 per zip entry, 30,000 vertices a feature, 2,000,000 a file).
 * Audited as one `calendar.seed` and one `settings.seed` event with counts.
 */
import { chineseDaysSchedule } from '../../common/calendar/index.ts';
import { insertDaysIfMissing } from '../modules/calendar/index.ts';
import { findSetting, insertMissingDefaults } from '../modules/settings/index.ts';
import { recordEvent } from '../platform/audit.ts';
import type { RequestContext } from '../platform/context.ts';
import type { Db } from '../platform/db.ts';

export async function seedCalendar(
  db: Db,
  ctx: RequestContext,
): Promise<{ days: number; settings: string[] }> {
  if (await findSetting(db, 'calendar.windows')) {
    // Calendar seeded before: only settings added since (new keys) get their defaults.
    const settings = await db.transaction(async (tx) => {
      const written = await insertMissingDefaults(tx, ctx.actor.name);
      if (written.length) await auditSettings(tx, ctx, written);
      return written;
    });
    return { days: 0, settings };
  }
  return db.transaction(async (tx) => {
    const s = chineseDaysSchedule();
    const rows = [
      ...s.holidays.map((day) => ({ day, kind: 'holiday' as const })),
      ...s.workdays.map((day) => ({ day, kind: 'workday' as const })),
    ].map((r) => ({
      ...r,
      name: s.names[r.day] ?? null,
      source: 'chinese-days' as const,
      updatedBy: ctx.actor.name,
    }));
    const days = await insertDaysIfMissing(tx, rows);
    const settings = await insertMissingDefaults(tx, ctx.actor.name);
    await recordEvent(tx, ctx, {
      action: 'calendar.seed',
      entityType: 'calendar',
      entityId: null,
      districtCode: null,
      after: {
        source: 'chinese-days',
        years: [s.firstYear, s.lastYear],
        holidays: s.holidays.length,
        workdays: s.workdays.length,
        inserted: days,
      },
    });
    if (settings.length) await auditSettings(tx, ctx, settings);
    return { days, settings };
  });
}

async function auditSettings(tx: Db, ctx: RequestContext, keys: string[]) {
  await recordEvent(tx, ctx, {
    action: 'settings.seed',
    entityType: 'setting',
    entityId: null,
    districtCode: null,
    after: { defaults: keys },
  });
}
