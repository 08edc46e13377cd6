import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { chinaDate, chinaInstant as cn, DAY_MS, formatChina, HOUR_MS } from './china-time.ts';
import { chineseDaysSchedule, seedFromChineseDays } from './chinese-days-seed.ts';
import {
  defaultCalendarData,
  setDateKind,
  TIME_UNITS,
  type TimeUnit,
  WorkCalendar,
  type WorkCalendarData,
} from './work-calendar.ts';

const cal = new WorkCalendar(seedFromChineseDays());
const add = (at: string, amount: number, unit: TimeUnit) => formatChina(cal.addTime(cn(at), amount, unit));

describe('china time helpers', () => {
  it('reads and writes China wall-clock time whatever the process zone', () => {
    expect(cn('2026-01-01 00:00').toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(chinaDate(new Date('2025-12-31T16:00:00Z'))).toBe('2026-01-01');
    expect(chinaDate(new Date('2025-12-31T15:59:59.999Z'))).toBe('2025-12-31');
    expect(formatChina(new Date('2026-05-01T00:30:00Z'))).toBe('2026-05-01 08:30');
    expect(() => cn('2026-02-30 08:00')).toThrow(RangeError);
  });
});

describe('2026 official schedule (chinese-days)', () => {
  it('knows the 2026 holidays and make-up workdays', () => {
    const s = chineseDaysSchedule(2026, 2026);
    expect(s.workdays).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    expect(s.holidays).toContain('2026-02-23');
    expect(s.holidays.length).toBe(33);
    expect(s.names['2026-02-14']).toBe('春节');
    expect(s.firstYear).toBe(2004);
    expect(s.lastYear).toBe(2026);
  });

  it.each([
    ['2026-01-01', 'holiday'],
    ['2026-01-02', 'holiday'],
    ['2026-01-04', 'workday'], // Sunday make-up
    ['2026-02-14', 'workday'], // Saturday make-up before Spring Festival
    ['2026-02-16', 'holiday'],
    ['2026-02-23', 'holiday'], // Monday, last day of Spring Festival
    ['2026-02-24', 'default_working'],
    ['2026-02-28', 'workday'], // Saturday make-up after Spring Festival
    ['2026-04-06', 'holiday'], // Qingming Monday
    ['2026-05-05', 'holiday'], // Labour Day Tuesday
    ['2026-05-09', 'workday'],
    ['2026-06-19', 'holiday'], // Dragon Boat Friday
    ['2026-09-20', 'workday'], // Sunday make-up for National Day
    ['2026-09-25', 'holiday'], // Mid-Autumn Friday
    ['2026-10-07', 'holiday'],
    ['2026-10-10', 'workday'],
    ['2026-03-07', 'default_rest'],
    ['2027-01-01', 'default_working'], // 2027 not published: Mon–Fri fallback
    ['2027-02-06', 'default_rest'],
    ['2027-02-08', 'default_working'],
  ] as const)('%s is %s', (date, kind) => {
    expect(cal.dayKind(date)).toBe(kind);
    expect(cal.isWorkingDate(date)).toBe(kind === 'workday' || kind === 'default_working');
  });

  it('keeps admin entries for years the package does not cover', () => {
    const edited = setDateKind(
      setDateKind(defaultCalendarData(), '2027-02-10', 'holiday'),
      '2027-02-20',
      'workday',
    );
    const data = seedFromChineseDays(edited);
    expect(data.holidays).toContain('2027-02-10');
    expect(data.workdays).toContain('2027-02-20');
    expect(data.workdays).toContain('2026-02-14');
    const c = new WorkCalendar(data);
    expect(c.dayKind('2027-02-10')).toBe('holiday');
    expect(c.dayKind('2027-02-20')).toBe('workday');
    expect(formatChina(c.addTime(cn('2027-02-09 17:00'), 2, 'work_hour'))).toBe('2027-02-11 09:00');
  });

  it('seeds only the requested years', () => {
    const data = seedFromChineseDays(defaultCalendarData(), { fromYear: 2026, toYear: 2030 });
    expect(data.holidays.every((d) => d.startsWith('2026'))).toBe(true);
    expect(data.workdays.length).toBe(6);
  });
});

describe('addTime work_hour across 2026 holidays', () => {
  it.each([
    // New Year: Jan 1–3 off, Sunday Jan 4 works
    ['2025-12-31 17:00', 2, '2026-01-04 09:00'],
    // Spring Festival: Sat Feb 14 works, Feb 15–23 off, Sat Feb 28 works
    ['2026-02-13 17:00', 2, '2026-02-14 09:00'],
    ['2026-02-14 17:00', 2, '2026-02-24 09:00'],
    ['2026-02-15 10:00', 1, '2026-02-24 09:00'],
    ['2026-02-27 16:00', 4, '2026-02-28 10:00'],
    // Qingming: Apr 4–6 off
    ['2026-04-03 17:30', 1, '2026-04-07 08:30'],
    // Labour Day: May 1–5 off, Sat May 9 works
    ['2026-04-30 17:00', 3, '2026-05-06 10:00'],
    ['2026-05-08 18:00', 1, '2026-05-09 09:00'],
    // Dragon Boat: Jun 19–21 off
    ['2026-06-18 17:00', 8, '2026-06-22 17:00'],
    // Mid-Autumn and National Day: Sun Sep 20 works, Sep 25–27 and Oct 1–7 off, Sat Oct 10 works
    ['2026-09-18 18:00', 1, '2026-09-20 09:00'],
    ['2026-09-30 17:00', 2, '2026-10-08 09:00'],
    ['2026-10-09 17:00', 2, '2026-10-10 09:00'],
    // Year boundary: 2027 falls back to Mon–Fri, so Fri 2027-01-01 works
    ['2026-12-31 17:00', 2, '2027-01-01 09:00'],
    ['2027-01-01 17:30', 1, '2027-01-04 08:30'],
  ] as const)('%s + %d work hours = %s', (start, amount, due) => {
    expect(add(start, amount, 'work_hour')).toBe(due);
  });

  it.each([
    ['2026-03-02 10:00', 1.5, '2026-03-02 11:30'], // inside a window
    ['2026-03-02 10:00', 2, '2026-03-02 12:00'], // ends exactly at the window end
    ['2026-03-02 11:00', 2, '2026-03-02 15:00'], // crosses lunch
    ['2026-03-02 12:00', 0.5, '2026-03-02 14:30'], // starts at lunch
    ['2026-03-02 12:30', 1, '2026-03-02 15:00'],
    ['2026-03-02 06:00', 1, '2026-03-02 09:00'], // before the morning window
    ['2026-03-02 18:00', 1, '2026-03-03 09:00'], // at closing time
    ['2026-03-02 23:59', 0.25, '2026-03-03 08:15'],
    ['2026-03-06 17:00', 1, '2026-03-06 18:00'], // Friday, ends at closing
    ['2026-03-06 17:00', 1.5, '2026-03-09 08:30'], // Friday → Monday
    ['2026-03-07 10:00', 1, '2026-03-09 09:00'], // Saturday start
    ['2026-03-02 08:00', 40, '2026-03-06 18:00'], // a full week
    ['2026-03-02 08:00', 40.5, '2026-03-09 08:30'],
  ] as const)('%s + %d work hours = %s', (start, amount, due) => {
    expect(add(start, amount, 'work_hour')).toBe(due);
  });

  it('returns the start unchanged for a zero amount', () => {
    expect(add('2026-03-07 22:00', 0, 'work_hour')).toBe('2026-03-07 22:00');
  });

  it('refuses negative and non-finite amounts', () => {
    expect(() => cal.addTime(cn('2026-03-02 08:00'), -1, 'work_hour')).toThrow(RangeError);
    expect(() => cal.addTime(cn('2026-03-02 08:00'), Number.NaN, 'urgent_hour')).toThrow(RangeError);
    expect(() => cal.addTime(new Date(Number.NaN), 1, 'urgent_hour')).toThrow(RangeError);
  });
});

describe('addTime other units', () => {
  it.each([
    ['2026-03-02 10:00', 1, '2026-03-03 10:00'],
    ['2026-03-02 08:00', 1, '2026-03-02 18:00'],
    ['2026-03-02 20:00', 1, '2026-03-03 18:00'],
    ['2026-02-13 10:00', 1, '2026-02-14 10:00'], // make-up Saturday counts
    ['2026-02-13 10:00', 2, '2026-02-24 10:00'], // Spring Festival skipped
    ['2026-09-24 17:00', 1, '2026-09-28 17:00'], // Mid-Autumn skipped
    ['2026-09-30 10:00', 5, '2026-10-13 10:00'], // National Day skipped, Sat Oct 10 works
    ['2026-03-02 08:00', 0.5, '2026-03-02 12:00'],
    ['2026-12-30 14:00', 3, '2027-01-04 12:00'], // across the year boundary, 2027-01-01 works
  ] as const)('%s + %d work days = %s', (start, amount, due) => {
    expect(add(start, amount, 'work_day')).toBe(due);
  });

  it('counts urgent hours continuously, holidays and nights included', () => {
    expect(add('2026-02-15 23:00', 2, 'urgent_hour')).toBe('2026-02-16 01:00');
    expect(add('2026-12-31 23:30', 0.5, 'urgent_hour')).toBe('2027-01-01 00:00');
    expect(add('2026-10-01 08:00', 0.25, 'urgent_hour')).toBe('2026-10-01 08:15');
  });

  it('counts natural days as 24 h', () => {
    expect(add('2026-09-30 10:00', 3, 'natural_day')).toBe('2026-10-03 10:00');
    expect(add('2026-12-31 10:00', 1.5, 'natural_day')).toBe('2027-01-01 22:00');
  });

  it('uses the configured window length as the work day', () => {
    const c = new WorkCalendar({
      ...defaultCalendarData(),
      windows: [
        { start: '08:30', end: '12:00' },
        { start: '13:30', end: '17:30' },
      ],
    });
    expect(c.workDayMs).toBe(7.5 * HOUR_MS);
    expect(formatChina(c.addTime(cn('2026-03-02 08:30'), 1, 'work_day'))).toBe('2026-03-02 17:30');
    expect(formatChina(c.addTime(cn('2026-03-02 12:00'), 1, 'work_hour'))).toBe('2026-03-02 14:30');
    expect(c.elapsedWorkTime(cn('2026-03-02 00:00'), cn('2026-03-03 00:00'), 'work_hour')).toBe(7.5);
  });
});

describe('elapsedWorkTime', () => {
  it('measures across the Spring Festival', () => {
    const from = cn('2026-02-13 08:00');
    const to = cn('2026-02-24 18:00');
    expect(cal.elapsedWorkTime(from, to, 'work_hour')).toBe(24);
    expect(cal.elapsedWorkTime(from, to, 'work_day')).toBe(3);
    expect(cal.elapsedWorkTime(from, to, 'urgent_hour')).toBe(11 * 24 + 10);
    expect(cal.elapsedWorkTime(from, to, 'natural_day')).toBeCloseTo(11 + 10 / 24, 12);
  });

  it('counts nothing outside windows and is signed', () => {
    expect(cal.elapsedWorkTime(cn('2026-03-02 12:00'), cn('2026-03-02 14:00'), 'work_hour')).toBe(0);
    expect(cal.elapsedWorkTime(cn('2026-03-07 00:00'), cn('2026-03-09 00:00'), 'work_hour')).toBe(0);
    expect(cal.elapsedWorkTime(cn('2026-03-02 11:00'), cn('2026-03-02 15:00'), 'work_hour')).toBe(2);
    expect(cal.elapsedWorkTime(cn('2026-03-02 15:00'), cn('2026-03-02 11:00'), 'work_hour')).toBe(-2);
  });

  it('crosses the year boundary with the 2027 fallback', () => {
    expect(cal.elapsedWorkTime(cn('2026-12-31 08:00'), cn('2027-01-04 18:00'), 'work_day')).toBe(3);
  });

  it('does not count paused intervals, even overlapping ones', () => {
    const pauses = [
      { from: cn('2026-03-02 10:00'), to: cn('2026-03-02 15:00') },
      { from: cn('2026-03-02 14:00'), to: cn('2026-03-02 16:00') },
    ];
    expect(cal.elapsedWorkTime(cn('2026-03-02 08:00'), cn('2026-03-02 18:00'), 'work_hour', pauses)).toBe(4);
    const open = [{ from: cn('2026-03-02 17:00') }];
    expect(cal.elapsedWorkTime(cn('2026-03-02 08:00'), cn('2026-03-03 18:00'), 'work_hour', open)).toBe(7);
  });
});

describe('light', () => {
  const start = cn('2026-03-02 08:00');
  const due = cal.addTime(start, 10, 'work_hour');

  it('turns yellow at 80% of the work time and red after the due time', () => {
    expect(formatChina(due)).toBe('2026-03-03 10:00');
    expect(cal.light(start, due, cn('2026-03-02 15:00'))).toBe('green');
    expect(cal.light(start, due, cn('2026-03-02 17:59'))).toBe('green');
    expect(cal.light(start, due, cn('2026-03-02 23:00'))).toBe('yellow'); // 8 of 10 h used overnight
    expect(cal.light(start, due, cn('2026-03-03 08:30'))).toBe('yellow');
    expect(cal.light(start, due, due)).toBe('yellow');
    expect(cal.light(start, due, cn('2026-03-03 10:01'))).toBe('red');
    expect(cal.light(start, due, cn('2026-03-02 15:00'), 0.5)).toBe('yellow');
    expect(cal.light(start, due, cn('2026-03-01 15:00'))).toBe('green');
  });

  it('measures clock limits in clock time', () => {
    const s = cn('2026-03-07 00:00');
    const d = cal.addTime(s, 24, 'urgent_hour');
    expect(cal.light(s, d, cn('2026-03-07 18:00'), 0.8, { unit: 'urgent_hour' })).toBe('green');
    expect(cal.light(s, d, cn('2026-03-07 20:00'), 0.8, { unit: 'urgent_hour' })).toBe('yellow');
    expect(cal.usedShare(s, d, cn('2026-03-07 12:00'), { unit: 'natural_day' })).toBe(0.5);
  });

  it('treats an empty limit as used up', () => {
    const s = cn('2026-03-02 09:00');
    expect(cal.light(s, s, s)).toBe('yellow');
    expect(cal.light(s, s, cn('2026-03-02 09:01'))).toBe('red');
  });
});

describe('dueAfterPause (parking)', () => {
  it('carries the remaining work time over the pause', () => {
    const start = cn('2026-03-02 08:00');
    const due = cal.addTime(start, 4, 'work_hour'); // 12:00
    const paused = cn('2026-03-02 10:00');
    const resumed = cn('2026-03-04 15:00');
    const newDue = cal.dueAfterPause(due, paused, resumed, 'work_hour');
    expect(formatChina(newDue)).toBe('2026-03-04 17:00');
    expect(cal.elapsedWorkTime(start, newDue, 'work_hour', [{ from: paused, to: resumed }])).toBe(4);
    const pauses = [{ from: paused, to: resumed }];
    expect(cal.light(start, newDue, cn('2026-03-04 16:00'), 0.8, { pauses })).toBe('green'); // 3 of 4 h
    expect(cal.light(start, newDue, cn('2026-03-04 16:30'), 0.8, { pauses })).toBe('yellow');
  });

  it('carries over a pause across the Spring Festival', () => {
    const due = cn('2026-02-14 12:00');
    const newDue = cal.dueAfterPause(due, cn('2026-02-13 17:00'), cn('2026-02-24 16:00'), 'work_day');
    // 1 h left on Friday + 4 h on the make-up Saturday = 5 h remaining → Tue 16:00–18:00, Wed 08:00–11:00
    expect(formatChina(newDue)).toBe('2026-02-25 11:00');
  });

  it('carries clock time for clock units', () => {
    const newDue = cal.dueAfterPause(
      cn('2026-03-02 12:00'),
      cn('2026-03-02 10:00'),
      cn('2026-03-05 00:00'),
      'urgent_hour',
    );
    expect(formatChina(newDue)).toBe('2026-03-05 02:00');
  });

  it('forgives nothing when paused overdue, keeps an untouched due after a non-working pause', () => {
    const due = cn('2026-03-02 12:00');
    expect(cal.dueAfterPause(due, cn('2026-03-02 13:00'), cn('2026-03-05 00:00'), 'work_hour')).toEqual(due);
    const monday = cn('2026-03-09 08:00');
    expect(cal.dueAfterPause(monday, cn('2026-03-07 10:00'), cn('2026-03-08 10:00'), 'work_hour')).toEqual(
      monday,
    );
    expect(cal.dueAfterPause(monday, cn('2026-03-07 10:00'), cn('2026-03-10 10:00'), 'work_hour')).toEqual(
      cn('2026-03-10 10:00'),
    );
    expect(() =>
      cal.dueAfterPause(due, cn('2026-03-02 10:00'), cn('2026-03-02 09:00'), 'work_hour'),
    ).toThrow();
  });
});

describe('calendar data', () => {
  it('round-trips through toData and validates', () => {
    const data = seedFromChineseDays();
    const back = new WorkCalendar(data).toData();
    expect(back.windows).toEqual(defaultCalendarData().windows);
    expect(back.holidays).toEqual([...new Set(data.holidays)].sort());
    expect(back.workingWeekdays).toEqual([1, 2, 3, 4, 5]);
    const bad = (patch: Partial<WorkCalendarData>) => () =>
      new WorkCalendar({ ...defaultCalendarData(), ...patch });
    expect(bad({ windows: [] })).toThrow(RangeError);
    expect(bad({ windows: [{ start: '12:00', end: '08:00' }] })).toThrow(RangeError);
    expect(
      bad({
        windows: [
          { start: '08:00', end: '12:00' },
          { start: '11:00', end: '13:00' },
        ],
      }),
    ).toThrow(RangeError);
    expect(bad({ holidays: ['2026-13-01'] })).toThrow(RangeError);
    expect(bad({ holidays: ['2026-03-02'], workdays: ['2026-03-02'] })).toThrow(RangeError);
    expect(bad({ workingWeekdays: [7] })).toThrow(RangeError);
  });

  it('gives up instead of looping when nothing ever works', () => {
    const c = new WorkCalendar({ ...defaultCalendarData(), workingWeekdays: [] });
    expect(() => c.addTime(cn('2026-03-02 08:00'), 1, 'work_hour')).toThrow(/no working time/);
  });

  it('knows working time and the next opening', () => {
    expect(cal.isWorkingTime(cn('2026-02-14 08:00'))).toBe(true);
    expect(cal.isWorkingTime(cn('2026-02-14 12:00'))).toBe(false);
    expect(cal.isWorkingTime(cn('2026-02-16 10:00'))).toBe(false);
    expect(formatChina(cal.nextWorkingTime(cn('2026-02-14 18:00')))).toBe('2026-02-24 08:00');
    expect(formatChina(cal.nextWorkingTime(cn('2026-03-02 09:15')))).toBe('2026-03-02 09:15');
  });
});

describe('independent of the process time zone', () => {
  const saved = process.env.TZ;
  afterEach(() => {
    process.env.TZ = saved;
  });

  it.each(['UTC', 'America/New_York', 'Asia/Shanghai', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'])(
    'TZ=%s',
    (tz) => {
      process.env.TZ = tz;
      expect(add('2026-02-13 17:00', 2, 'work_hour')).toBe('2026-02-14 09:00');
      expect(add('2026-12-31 17:00', 2, 'work_hour')).toBe('2027-01-01 09:00');
      expect(add('2026-03-08 14:30', 2, 'urgent_hour')).toBe('2026-03-08 16:30'); // spans the US DST switch
      expect(cal.dayKind('2026-02-14')).toBe('workday');
      expect(chineseDaysSchedule(2026, 2026).workdays[0]).toBe('2026-01-04');
    },
  );
});

describe('properties', () => {
  // Instants from mid-2025 to mid-2027 (covers the 2026 schedule and the 2027 fallback).
  const instant = fc
    .integer({ min: Date.UTC(2025, 5, 1), max: Date.UTC(2027, 5, 1) })
    .map((ms) => new Date(ms));
  const unit = fc.constantFrom<TimeUnit>(...TIME_UNITS);
  const amount = fc.double({ min: 0, max: 120, noNaN: true, noDefaultInfinity: true });
  const unitMs: Record<TimeUnit, number> = {
    urgent_hour: HOUR_MS,
    work_hour: HOUR_MS,
    work_day: cal.workDayMs,
    natural_day: DAY_MS,
  };

  it('addTime is monotonic in the start and in the amount', () => {
    fc.assert(
      fc.property(instant, instant, amount, amount, unit, (s1, s2, a1, a2, u) => {
        const [sa, sb] = s1 <= s2 ? [s1, s2] : [s2, s1];
        const [x, y] = a1 <= a2 ? [a1, a2] : [a2, a1];
        expect(cal.addTime(sa, x, u).getTime()).toBeLessThanOrEqual(cal.addTime(sb, x, u).getTime());
        expect(cal.addTime(sa, x, u).getTime()).toBeLessThanOrEqual(cal.addTime(sa, y, u).getTime());
        expect(cal.addTime(sa, x, u).getTime()).toBeGreaterThanOrEqual(sa.getTime());
      }),
    );
  });

  it('elapsed(start, addTime(start, x)) = x', () => {
    fc.assert(
      fc.property(instant, amount, unit, (s, x, u) => {
        const due = cal.addTime(s, x, u);
        expect(cal.elapsedWorkTime(s, due, u)).toBe(Math.round(x * unitMs[u]) / unitMs[u]);
        expect(Math.abs(cal.elapsedWorkTime(s, due, u) - x)).toBeLessThan(1e-6);
      }),
    );
  });

  it('urgent_hour and natural_day are plain millisecond arithmetic', () => {
    fc.assert(
      fc.property(instant, amount, (s, x) => {
        expect(cal.addTime(s, x, 'urgent_hour').getTime()).toBe(s.getTime() + Math.round(x * HOUR_MS));
        expect(cal.addTime(s, x, 'natural_day').getTime()).toBe(s.getTime() + Math.round(x * DAY_MS));
      }),
    );
  });

  it('a positive work amount ends inside working time (or at a window end)', () => {
    fc.assert(
      fc.property(instant, fc.double({ min: 0.001, max: 80, noNaN: true }), (s, x) => {
        const due = cal.addTime(s, x, 'work_hour');
        expect(cal.isWorkingTime(new Date(due.getTime() - 1))).toBe(true);
      }),
    );
  });

  it('work_day is 8 work hours', () => {
    fc.assert(
      fc.property(instant, fc.double({ min: 0, max: 15, noNaN: true }), (s, x) => {
        expect(cal.addTime(s, x, 'work_day').getTime()).toBe(cal.addTime(s, x * 8, 'work_hour').getTime());
      }),
    );
  });

  it('a pause carries the remaining time: the limit measured without the pause is unchanged', () => {
    fc.assert(
      fc.property(
        instant,
        amount,
        fc.double({ min: 0, max: 1, noNaN: true }),
        amount,
        unit,
        (s, x, f, p, u) => {
          fc.pre(x > 0.01);
          const due = cal.addTime(s, x, u);
          const pausedAt = new Date(s.getTime() + Math.floor((due.getTime() - s.getTime()) * f));
          fc.pre(pausedAt < due);
          const resumedAt = new Date(pausedAt.getTime() + Math.round(p * HOUR_MS * 10));
          const newDue = cal.dueAfterPause(due, pausedAt, resumedAt, u);
          expect(newDue.getTime()).toBeGreaterThanOrEqual(due.getTime());
          const used = cal.elapsedWorkTime(s, newDue, u, [{ from: pausedAt, to: resumedAt }]);
          expect(Math.abs(used - x)).toBeLessThan(1e-6);
        },
      ),
    );
  });
});

describe('warnAt (the instant the light turns yellow)', () => {
  it('is where the light changes, for every unit, share and window', () => {
    const units: TimeUnit[] = ['work_hour', 'work_day', 'urgent_hour', 'natural_day'];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 * 24 * 40 }),
        fc.integer({ min: 1, max: 60 * 24 * 10 }),
        fc.constantFrom(...units),
        fc.constantFrom(0.5, 0.8, 0.9, 1),
        (startMin, lenMin, unit, share) => {
          const start = new Date(cn('2026-01-20 00:00').getTime() + startMin * 60_000);
          const due = new Date(start.getTime() + lenMin * 60_000);
          const w = cal.warnAt(start, due, share, unit);
          expect(w).not.toBeNull();
          const at = w!;
          expect(at.getTime()).toBeLessThanOrEqual(due.getTime());
          expect(cal.light(start, due, at, share, { unit })).toBe('yellow');
          if (at.getTime() > start.getTime())
            expect(cal.light(start, due, new Date(at.getTime() - 1), share, { unit })).toBe('green');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('turns yellow at 80% of 10 work hours, overnight', () => {
    const start = cn('2026-03-02 08:00');
    const due = cal.addTime(start, 10, 'work_hour');
    expect(formatChina(cal.warnAt(start, due, 0.8, 'work_hour')!)).toBe('2026-03-02 18:00');
    expect(cal.warnAt(start, due, 1.2, 'work_hour')).toBeNull();
  });
});
