/**
 * The day's numbers of the command big screen (指挥大屏): the cases reported today (China day) in
 * the caller's area, grouped by their state now and by the channel they came on, and the open
 * cases overdue and urged now. Two grouped counts on the creation date's index, so the screen's
 * refresh after every live event stays cheap whatever the size of the city.
 */
import { and, count, gt, inArray, type SQL, sql } from 'drizzle-orm';
import { chinaDate, chinaInstant, DAY_MS } from '../../../common/calendar/index.ts';
import { OPEN_STATES } from '../../../common/workflow.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { lightSql } from './list-query.ts';
import { caseStatsRead } from './policy.ts';
import { caseFile } from './tables.ts';

export async function getTodayStats(db: Db, ctx: RequestContext) {
  const actor = ctx.actor;
  caseStatsRead.requirePermission(actor);
  if (!caseStatsRead.reachesAny(actor)) {
    throw new AppError('FORBIDDEN', {
      zh: '当日案件统计由市、区中心查看，单位不能查看',
      en: "The day's case figures are read by the city and district centres, not by units",
    });
  }
  const now = new Date();
  const date = chinaDate(now);
  const start = chinaInstant(date);
  const end = new Date(start.getTime() + DAY_MS);
  const scope = caseStatsRead.filter(actor);
  const today = and(scope, sql`${caseFile.createdAt} >= ${start}`, sql`${caseFile.createdAt} < ${end}`);

  const grouped = <K extends typeof caseFile.state | typeof caseFile.channel>(
    key: K,
    where: SQL | undefined,
  ) => db.select({ key, n: count() }).from(caseFile).where(where).groupBy(key).orderBy(key);
  const [byState, byChannel, [open]] = await Promise.all([
    grouped(caseFile.state, today),
    grouped(caseFile.channel, today),
    db
      .select({
        overdue: sql<number>`count(*) FILTER (WHERE ${lightSql('red', now)})`,
        urged: sql<number>`count(*) FILTER (WHERE ${gt(caseFile.urgeCount, 0)})`,
      })
      .from(caseFile)
      .where(and(scope, inArray(caseFile.state, [...OPEN_STATES]))),
  ]);
  return {
    now: now.toISOString(),
    date,
    reported: byState.reduce((n, r) => n + Number(r.n), 0),
    byState: byState.map((r) => ({ state: r.key, count: Number(r.n) })),
    byChannel: byChannel.map((r) => ({ channel: r.key, count: Number(r.n) })),
    overdue: Number(open.overdue),
    urged: Number(open.urged),
  };
}
