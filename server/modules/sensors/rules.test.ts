import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ConditionState, evaluate, NORMAL, type Reading } from './rules.ts';

const rule = { field: 'level', comparison: 'gt' as const, threshold: 20, clearLevel: 10, durationS: 120 };
const T0 = Date.parse('2026-05-01T08:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const series = (xs: [number, number][]): Reading[] =>
  xs.map(([s, level]) => ({ at: at(s), values: { level } }));

describe('the rule engine', () => {
  it('raises once a breach has lasted the duration, judged on the readings’ own times', () => {
    const ev = evaluate(
      rule,
      NORMAL,
      null,
      series([
        [0, 5],
        [60, 25],
        [120, 30],
        [180, 28],
        [190, 40],
      ]),
    );
    expect(ev.transitions).toEqual([{ kind: 'raise', startedAt: at(60), at: at(180), value: 28 }]);
    expect(ev.next).toEqual({ state: 'active', since: at(180) });
    expect(ev.openPeak).toBe(40);
    expect(ev.changed).toBe(true);
  });

  it('raises nothing for a spike shorter than the duration, nor for breaches split by a normal reading', () => {
    const ev = evaluate(
      rule,
      NORMAL,
      null,
      series([
        [0, 50],
        [60, 50],
        [100, 5],
        [110, 30],
        [200, 30],
        [220, 19],
      ]),
    );
    expect(ev.transitions).toEqual([]);
    expect(ev.next).toEqual({ state: 'normal', since: null });
  });

  it('keeps a pending breach across batches', () => {
    const first = evaluate(rule, NORMAL, null, series([[0, 25]]));
    expect(first.next).toEqual({ state: 'pending', since: at(0) });
    const second = evaluate(rule, first.next, at(0), series([[119, 25]]));
    expect(second.transitions).toEqual([]);
    const third = evaluate(rule, second.next, at(119), series([[120, 25]]));
    expect(third.transitions).toEqual([{ kind: 'raise', startedAt: at(0), at: at(120), value: 25 }]);
  });

  it('clears only beyond the clear level (hysteresis): a value wavering around the threshold is one alarm', () => {
    const active: ConditionState = { state: 'active', since: at(0) };
    const ev = evaluate(
      rule,
      active,
      at(0),
      series([
        [10, 19],
        [20, 21],
        [30, 15],
        [40, 22],
        [50, 11],
        [60, 10],
      ]),
    );
    expect(ev.transitions).toEqual([{ kind: 'clear', at: at(60), value: 10, peak: 22 }]);
    expect(ev.next).toEqual({ state: 'normal', since: null });
  });

  it('raises at once when the duration is 0, and works for lower-is-worse rules', () => {
    const low = { field: 'battery', comparison: 'lt' as const, threshold: 15, clearLevel: 25, durationS: 0 };
    const ev = evaluate(low, NORMAL, null, [
      { at: at(0), values: { battery: 40 } },
      { at: at(10), values: { battery: 12 } },
      { at: at(20), values: { battery: 8 } },
      { at: at(30), values: { battery: 20 } },
      { at: at(40), values: { battery: 26 } },
    ]);
    expect(ev.transitions).toEqual([
      { kind: 'raise', startedAt: at(10), at: at(10), value: 12 },
      { kind: 'clear', at: at(40), value: 26, peak: 8 },
    ]);
  });

  it('skips readings no newer than the newest judged, and readings without the field', () => {
    const ev = evaluate(rule, NORMAL, at(100), [
      { at: at(50), values: { level: 90 } },
      { at: at(100), values: { level: 90 } },
      { at: at(150), values: { battery: 3 } },
    ]);
    expect(ev.transitions).toEqual([]);
    expect(ev.changed).toBe(false);
  });

  it('never raises unless some run of breaching readings spans the duration (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 90 }), fc.integer({ min: 0, max: 40 })), {
          maxLength: 40,
        }),
        (steps) => {
          let s = 0;
          const readings = steps.map(([dt, v]) => {
            s += dt;
            return { at: at(s), values: { level: v } };
          });
          const ev = evaluate(rule, NORMAL, null, readings);
          // The longest span of consecutive breaching readings.
          let longest = 0;
          let start: number | null = null;
          for (const r of readings) {
            if (r.values.level > 20) {
              start ??= r.at.getTime();
              longest = Math.max(longest, r.at.getTime() - start);
            } else start = null;
          }
          const raised = ev.transitions.some((t) => t.kind === 'raise');
          expect(raised).toBe(longest >= rule.durationS * 1000);
        },
      ),
    );
  });
});
