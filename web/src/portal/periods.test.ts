import { describe, expect, it } from 'vitest';
import { periodLabel } from './periods';

describe('periodLabel', () => {
  it('names a whole month as a month, in either language', () => {
    expect(periodLabel('2026-11-01', '2026-12-01', 'zh-CN')).toBe('2026年11月');
    expect(periodLabel('2026-12-01', '2027-01-01', 'zh-CN')).toBe('2026年12月');
    expect(periodLabel('2026-11-01', '2026-12-01', 'en-US')).toBe('November 2026');
  });
  it('names any other period by its first and last day (the day before `to`)', () => {
    expect(periodLabel('2026-11-01', '2026-11-16', 'zh-CN')).toBe('2026-11-01 至 2026-11-15');
    expect(periodLabel('2026-10-01', '2027-01-01', 'en-US')).toBe('2026-10-01 – 2026-12-31');
    expect(periodLabel('2026-11-05', '2026-12-05', 'zh-CN')).toBe('2026-11-05 至 2026-12-04');
    expect(periodLabel('2028-02-01', '2028-03-01', 'zh-CN')).toBe('2028年2月');
    expect(periodLabel('2028-02-10', '2028-03-01', 'en-US')).toBe('2028-02-10 – 2028-02-29');
  });
});
