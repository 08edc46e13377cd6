import { createHash } from 'node:crypto';
import { and, count, eq, gte, ne, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { portalReport } from './tables.ts';

/**
 * A phone number's one canonical form, so every spelling of one number counts as that number:
 * digits only, China's country code dropped however written (0086…, +86…, 86… before a national
 * number), and a trunk 0 kept after it (+86 0 135…) dropped from a mobile number. A landline keeps
 * its area code's 0 (0574 …, also when written +86 574 …).
 */
export function phoneDigits(phone: string): string {
  let d = phone.replace(/\D/g, '');
  let national = false;
  if (d.startsWith('0086')) [d, national] = [d.slice(4), true];
  else if (d.startsWith('86') && d.length >= 13) [d, national] = [d.slice(2), true];
  if (d.length === 12 && d.startsWith('01')) d = d.slice(1);
  // After the country code a landline's area code lost its trunk 0 (+86 574 …): give it back.
  if (national && !d.startsWith('1') && !d.startsWith('0')) d = `0${d}`;
  return d;
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

/**
 * Seconds until the oldest of this phone's portal reports in the last `hours` leaves the window
 * (when the phone may report again), other than `exceptReportId`; null when there is none.
 */
export async function phoneWindowEndsIn(
  tx: Db,
  phoneKey: string,
  hours: number,
  exceptReportId: string,
): Promise<number | null> {
  const [{ s }] = await tx
    .select({
      s: sql<
        string | null
      >`extract(epoch from (min(${portalReport.createdAt}) + make_interval(hours => ${hours}::int) - now()))`,
    })
    .from(portalReport)
    .where(
      and(
        eq(portalReport.phoneKey, phoneKey),
        gte(portalReport.createdAt, sql`now() - make_interval(hours => ${hours}::int)`),
        ne(portalReport.reportId, exceptReportId),
      ),
    );
  return s === null ? null : Number(s);
}

export async function recordPortalReport(tx: Db, reportId: string, phoneKey: string | null): Promise<void> {
  await tx.insert(portalReport).values({ reportId, phoneKey }).onConflictDoNothing();
}
