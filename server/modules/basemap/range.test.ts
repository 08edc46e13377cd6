import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RANGE_HEADER, parseRange } from './range.ts';

describe('HTTP byte ranges', () => {
  const size = 1000;
  it.each([
    [undefined, { kind: 'full' }],
    ['bytes=0-99', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=0-16383', { kind: 'partial', start: 0, end: 999 }],
    ['bytes=990-', { kind: 'partial', start: 990, end: 999 }],
    ['bytes=-10', { kind: 'partial', start: 990, end: 999 }],
    ['bytes=-5000', { kind: 'partial', start: 0, end: 999 }],
    [' Bytes = 5 - 6 ', { kind: 'partial', start: 5, end: 6 }],
    ['bytes=999-999', { kind: 'partial', start: 999, end: 999 }],
    ['bytes=1000-', { kind: 'refused', reason: 'beyond' }],
    ['bytes=1000-2000', { kind: 'refused', reason: 'beyond' }],
    ['bytes=-0', { kind: 'refused', reason: 'beyond' }],
    ['bytes=0-1,5-6', { kind: 'refused', reason: 'multiple' }],
    ['bytes=5-1', { kind: 'refused', reason: 'malformed' }],
    ['bytes=-', { kind: 'refused', reason: 'malformed' }],
    ['bytes=a-b', { kind: 'refused', reason: 'malformed' }],
    ['bytes=1.5-2', { kind: 'refused', reason: 'malformed' }],
    ['bytes=12345678901234567-', { kind: 'refused', reason: 'malformed' }],
    ['bytes', { kind: 'refused', reason: 'malformed' }],
    ['items=0-5', { kind: 'full' }],
  ])('%s', (header, answer) => {
    expect(parseRange(header, size)).toEqual(answer);
  });

  it('an empty file has no satisfiable range', () => {
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'refused', reason: 'beyond' });
    expect(parseRange('bytes=-1', 0)).toEqual({ kind: 'refused', reason: 'beyond' });
  });

  it('fuzz: any header gives a range inside the file, or full, or a refusal — never more', () => {
    const header = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc
        .tuple(
          fc.constantFrom('bytes=', 'BYTES=', 'bytes = ', 'x='),
          fc.oneof(fc.nat(), fc.constant(''), fc.string({ maxLength: 4 })),
          fc.constantFrom('-', '--', ',', ''),
          fc.oneof(fc.nat(), fc.constant(''), fc.string({ maxLength: 4 })),
          fc.oneof(fc.constant(''), fc.constant(',0-1')),
        )
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(header, fc.nat({ max: 1e9 }), (h, n) => {
        const a = parseRange(h, n);
        if (a.kind === 'partial') {
          expect(a.start).toBeGreaterThanOrEqual(0);
          expect(a.end).toBeGreaterThanOrEqual(a.start);
          expect(a.end).toBeLessThan(n);
        }
        if (h.length > MAX_RANGE_HEADER) expect(a).toEqual({ kind: 'refused', reason: 'malformed' });
        if (h.includes(',') && a.kind !== 'full') expect(a.kind).toBe('refused');
      }),
      { numRuns: 3000 },
    );
  });
});
