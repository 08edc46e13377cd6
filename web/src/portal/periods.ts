/** How the portal names an evaluation period (its `to` is the day it ends before). */
import { dateToDayNumber, dayNumberToDate } from '../../../common/calendar/china-time.ts';

/** A period as people name it: "2026年11月" for a whole month, else its first and last day. */
export function periodLabel(from: string, to: string, locale: string): string {
  const whole = /^\d{4}-\d{2}-01$/;
  const y = Number(from.slice(0, 4));
  const m = Number(from.slice(5, 7));
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  if (whole.test(from) && to === next) {
    return locale === 'en-US'
      ? new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(
          new Date(Date.UTC(y, m - 1, 1)),
        )
      : `${y}年${m}月`;
  }
  // `to` is the day the period ends before: the last day shown is the one before it.
  const last = dayNumberToDate(dateToDayNumber(to) - 1);
  return locale === 'en-US' ? `${from} – ${last}` : `${from} 至 ${last}`;
}
