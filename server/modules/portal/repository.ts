import { createHash } from 'node:crypto';
import { and, count, eq, gte, ne, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { portalReport } from './tables.ts';

/** The digits of a phone number, without China's country code in front of a mobile number. */
export function phoneDigits(phone: string): string {
  const all = phone.replace(/\D/g, '');
  return all.length === 13 && all.startsWith('86') ? all.slice(2) : all;
}

/** What the throttle counts a phone number by (tables.ts says why a hash). */
export const phoneKeyOf = (phone: string) =>
  createHash('sha256')
    .update(`portal-phone:${phoneDigits(phone)}`)
    .digest('hex');

/**
 * Holds this transaction's turn for one phone number: concurrent reports giving the same number
 * count and write one after another, so none slips past the limit between another's count and write.
 */
export async function lockPhone(tx: Db, phoneKey: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`portal-phone:${phoneKey}`}))`);
}

/**
 * Portal reports giving this phone number in the last `hours` (by the database's clock, the one
 * that stamped them), other than `exceptReportId`.
 */
export async function reportsOfPhoneWithin(
  tx: Db,
  phoneKey: string,
  hours: number,
  exceptReportId: string,
): Promise<number> {
  const [{ n }] = await tx
    .select({ n: count() })
    .from(portalReport)
    .where(
      and(
        eq(portalReport.phoneKey, phoneKey),
        gte(portalReport.createdAt, sql`now() - make_interval(hours => ${hours}::int)`),
        ne(portalReport.reportId, exceptReportId),
      ),
    );
  return Number(n);
}

export async function recordPortalReport(tx: Db, reportId: string, phoneKey: string | null): Promise<void> {
  await tx.insert(portalReport).values({ reportId, phoneKey }).onConflictDoNothing();
}
