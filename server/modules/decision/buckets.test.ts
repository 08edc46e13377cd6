import { describe, expect, it } from 'vitest';
import { bucketsOf } from './service.ts';

describe('bucketsOf', () => {
  it('months across the new year, each beside the same month a year earlier', () => {
    expect(bucketsOf('2026-11-15', '2027-02-01', 'month')).toEqual({
      buckets: ['2026-11-01', '2026-12-01', '2027-01-01'],
      lastYear: ['2025-11-01', '2025-12-01', '2026-01-01'],
    });
  });

  it('weeks from the Monday on or before the first day, beside the week 52 weeks earlier', () => {
    // 2026-12-31 is a Thursday; its week starts on Monday 28 December.
    expect(bucketsOf('2026-12-31', '2027-01-12', 'week')).toEqual({
      buckets: ['2026-12-28', '2027-01-04', '2027-01-11'],
      lastYear: ['2025-12-29', '2026-01-05', '2026-01-12'],
    });
  });

  it('a period ending on a bucket’s first day does not open that bucket', () => {
    expect(bucketsOf('2026-11-01', '2026-12-01', 'month').buckets).toEqual(['2026-11-01']);
    expect(bucketsOf('2026-11-02', '2026-11-09', 'week').buckets).toEqual(['2026-11-02']);
  });
});
