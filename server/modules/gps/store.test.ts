/**
 * The pure parts of the positions' path that read outside input: a terminal's phone/ID (from
 * every frame and from people), a terminal's extras (additional items, vendor bytes), the division
 * a registration announces, and whether a fix may be stored. Fuzzed (fixed seed, bounded): none
 * throws, and what comes out is of the shape the API's schemas type.
 */
import fc from 'fast-check';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { canonicalTerminalPhone } from '../../../common/gps.ts';
import { anyJson, nastyString } from '../../../test/support/fuzz.ts';
import { announcedDistrict } from './gateway-backend.ts';
import { Extras } from './schemas.ts';
import { boundedExtras, MAX_EXTRAS_BYTES, MAX_FUTURE_MS, refusalOf } from './store.ts';

const RUNS = { numRuns: 400, seed: 808 };

describe('a terminal’s phone/ID', () => {
  it('is kept in one form: 12 digits for a 2013 number however written, 20 for a real 2019 ID', () => {
    expect(canonicalTerminalPhone('13800138000')).toBe('013800138000');
    expect(canonicalTerminalPhone('013800138000')).toBe('013800138000');
    expect(canonicalTerminalPhone('00000000013800138000')).toBe('013800138000');
    expect(canonicalTerminalPhone('12345678901234567890')).toBe('12345678901234567890');
    for (const bad of [
      '',
      '1380013800',
      '0138001380001',
      '0123456789012345678',
      '１３８００１３８０００',
      '01380013800a',
      ' 013800138000',
    ]) {
      expect(canonicalTerminalPhone(bad), bad).toBeNull();
    }
  });

  it('never throws; its answer is null or canonical (and stays so)', () => {
    fc.assert(
      fc.property(fc.oneof(nastyString, fc.stringMatching(/^\d{0,24}$/)), (raw) => {
        const p = canonicalTerminalPhone(raw);
        if (p === null) return;
        expect(p).toMatch(/^(\d{12}|\d{20})$/);
        expect(canonicalTerminalPhone(p)).toBe(p);
        expect(p.length === 20 && p.startsWith('00000000')).toBe(false);
      }),
      RUNS,
    );
  });
});

describe('a position’s extras', () => {
  it('keeps scalars, lists and one level of named scalars; bytes as hex; deeper values as JSON text', () => {
    expect(
      boundedExtras({
        mileageKm: 12.5,
        acc: true,
        none: null,
        skipped: undefined,
        list: [1, 'a', { x: 1 }],
        alarm0x12: { type: 1, areaId: 7, deep: { a: [1] } },
        raw: new Uint8Array([0, 15, 255]),
        big: 2n ** 40n,
        nan: Number.NaN,
      }),
    ).toEqual({
      mileageKm: 12.5,
      acc: true,
      none: null,
      list: [1, 'a', '{"x":1}'],
      alarm0x12: { type: 1, areaId: 7, deep: '{"a":[1]}' },
      raw: '000fff',
      big: 2 ** 40,
      nan: null,
    });
    expect(boundedExtras({ blob: 'x'.repeat(MAX_EXTRAS_BYTES) })).toEqual({ extrasDropped: 'too_large' });
    const proto = JSON.parse('{"__proto__": {"polluted": 1}, "ok": 1}');
    const out = boundedExtras(proto);
    expect(out).toEqual({ ok: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never throws, and always fits the API’s schema and the size bound', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.oneof(nastyString, fc.stringMatching(/^[a-z0-9_]{1,10}$/)), anyJson, {
          maxKeys: 80,
        }),
        (extras) => {
          const out = boundedExtras(extras as Record<string, unknown>);
          expect(Value.Check(Extras, out)).toBe(true);
          expect(Buffer.byteLength(JSON.stringify(out))).toBeLessThanOrEqual(MAX_EXTRAS_BYTES);
        },
      ),
      RUNS,
    );
    for (const odd of [null, undefined, [], 'x', 3] as unknown[]) {
      expect(boundedExtras(odd as Record<string, unknown>)).toEqual({});
    }
  });
});

describe('what may be stored', () => {
  const now = new Date('2026-12-07T04:00:00Z');
  it('a fix within the retention and at most 10 minutes ahead, on the globe', () => {
    const at = (ms: number, lat = 29.87, lng = 121.55) =>
      refusalOf({ time: new Date(ms), lat, lng }, now, 30);
    expect(at(now.getTime())).toBeNull();
    expect(at(now.getTime() + MAX_FUTURE_MS)).toBeNull();
    expect(at(now.getTime() + MAX_FUTURE_MS + 1)).toBe('future');
    expect(at(now.getTime() - 30 * 86_400_000)).toBeNull();
    expect(at(now.getTime() - 30 * 86_400_000 - 1)).toBe('too_old');
    expect(at(Number.NaN)).toBe('bad_value');
    expect(at(now.getTime(), 90.5)).toBe('bad_value');
    expect(at(now.getTime(), 29, Number.POSITIVE_INFINITY)).toBe('bad_value');
  });

  it('the division a registration announces: GB/T 2260 province + city/county', () => {
    expect(announcedDistrict(33, 203)).toBe('330203');
    expect(announcedDistrict(33, 1)).toBe('330001');
    expect(announcedDistrict(0, 0)).toBeNull();
    expect(announcedDistrict(33, 0)).toBeNull();
    expect(announcedDistrict(99, 203)).toBeNull();
    expect(announcedDistrict(33, 10000)).toBeNull();
    fc.assert(
      fc.property(
        fc.integer({ min: -70000, max: 70000 }),
        fc.integer({ min: -70000, max: 70000 }),
        (p, c) => {
          const d = announcedDistrict(p, c);
          expect(d === null || /^\d{6}$/.test(d)).toBe(true);
        },
      ),
      RUNS,
    );
  });
});
