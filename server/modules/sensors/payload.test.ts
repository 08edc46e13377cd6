import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REJECT_REASONS } from '../../../common/sensors.ts';
import { anyJson, nastyString } from '../../../test/support/fuzz.ts';
import { deviceOfTopic, MAX_AGE_MS, MAX_FIELDS, MAX_PAYLOAD_BYTES, parseTelemetry } from './payload.ts';

const NOW = new Date('2026-05-01T08:00:00Z');
const parse = (v: unknown) => parseTelemetry(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)), NOW);

describe('telemetry payloads', () => {
  it('reads the nested and the flat form, with ts as RFC 3339 or epoch milliseconds', () => {
    expect(parse({ ts: '2026-05-01T07:59:00Z', values: { level: 12.5, battery: 87 } })).toEqual({
      ok: true,
      reading: { at: new Date('2026-05-01T07:59:00Z'), values: { level: 12.5, battery: 87 } },
    });
    expect(parse({ ts: NOW.getTime() - 1000, level: 3, open: true })).toEqual({
      ok: true,
      reading: { at: new Date(NOW.getTime() - 1000), values: { level: 3, open: 1 } },
    });
    expect(parse({ ts: '2026-05-01T15:59:00+08:00', tilt: -0 })).toEqual({
      ok: true,
      reading: { at: new Date('2026-05-01T07:59:00Z'), values: { tilt: 0 } },
    });
    // No ts: the time it was received.
    expect(parse({ tilt: 1 })).toMatchObject({ ok: true, reading: { at: NOW } });
  });

  it('refuses what is not a sane reading, saying why', () => {
    const cases: [unknown, string][] = [
      ['{', 'not_json'],
      ['[1]', 'not_object'],
      ['null', 'not_object'],
      ['"text"', 'not_object'],
      [{ ts: '2026-02-30T00:00:00Z', a: 1 }, 'bad_ts'],
      [{ ts: '2026-05-01', a: 1 }, 'bad_ts'],
      [{ ts: '2026-05-01T07:00:00', a: 1 }, 'bad_ts'],
      [{ ts: 1.5, a: 1 }, 'bad_ts'],
      [{ ts: -1, a: 1 }, 'bad_ts'],
      [{ ts: true, a: 1 }, 'bad_ts'],
      [{ ts: NOW.getTime() + 6 * 60_000, a: 1 }, 'ts_future'],
      [{ ts: NOW.getTime() - MAX_AGE_MS - 1, a: 1 }, 'ts_too_old'],
      [{ ts: NOW.getTime() }, 'no_values'],
      [{ values: {} }, 'no_values'],
      [{ values: [1] }, 'bad_value'],
      [{ a: 'high' }, 'bad_value'],
      [{ a: null }, 'bad_value'],
      [{ a: { b: 1 } }, 'bad_value'],
      [{ a: 2e9 }, 'bad_value'],
      ['{"a": 1e400}', 'bad_value'],
      [{ _a: 1 }, 'bad_field'],
      [{ 'a-b': 1 }, 'bad_field'],
      ['{"__proto__": 1}', 'bad_field'],
      [{ [`a${'b'.repeat(40)}`]: 1 }, 'bad_field'],
      [Object.fromEntries(Array.from({ length: MAX_FIELDS + 1 }, (_, i) => [`f${i}`, i])), 'too_many_fields'],
      [`{"a":"${'x'.repeat(MAX_PAYLOAD_BYTES)}"}`, 'too_large'],
    ];
    for (const [payload, reason] of cases)
      expect({ payload, r: parse(payload) }).toEqual({ payload, r: { ok: false, reason } });
    expect(parseTelemetry(Buffer.from([0xc3, 0x28]), NOW)).toEqual({ ok: false, reason: 'not_json' });
  });

  it('keeps a field named like an Object member as data', () => {
    const r = parse('{"constructor": 1, "toString": 2, "hasOwnProperty": 3}');
    expect(r.ok && r.reading.values).toEqual({ constructor: 1, toString: 2, hasOwnProperty: 3 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never throws and answers a reading or a known reason for any input (fuzz)', () => {
    const bytes = fc.uint8Array({ maxLength: 6000 });
    const json = fc.oneof(
      anyJson.map((v) => JSON.stringify(v) ?? 'null'),
      fc
        .dictionary(fc.oneof(nastyString, fc.string({ maxLength: 10 })), anyJson, { maxKeys: 20 })
        .map((v) => JSON.stringify(v)),
      fc
        .record({
          ts: fc.oneof(
            anyJson,
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          ),
          values: anyJson,
        })
        .map((v) => JSON.stringify(v)),
      nastyString,
    );
    fc.assert(
      fc.property(
        fc.oneof(
          bytes.map((b) => Buffer.from(b)),
          json.map((s) => Buffer.from(s)),
        ),
        (payload) => {
          const r = parseTelemetry(payload, NOW);
          if (r.ok) {
            expect(Number.isFinite(r.reading.at.getTime())).toBe(true);
            const entries = Object.entries(r.reading.values);
            expect(entries.length).toBeGreaterThan(0);
            expect(entries.length).toBeLessThanOrEqual(MAX_FIELDS);
            for (const [k, v] of entries) {
              expect(k).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,31}$/);
              expect(Number.isFinite(v)).toBe(true);
            }
            expect(r.reading.at.getTime()).toBeLessThanOrEqual(NOW.getTime() + 5 * 60_000);
            expect(r.reading.at.getTime()).toBeGreaterThanOrEqual(NOW.getTime() - MAX_AGE_MS);
          } else {
            expect(REJECT_REASONS).toContain(r.reason);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('telemetry topics', () => {
  const prefix = 'cityops/sensors';
  it('names the device of `<prefix>/{deviceId}/telemetry`', () => {
    expect(deviceOfTopic('cityops/sensors/HS-TILT-0001/telemetry', prefix)).toBe('HS-TILT-0001');
    expect(deviceOfTopic('cityops/sensors/a.b_c-1/telemetry', prefix)).toBe('a.b_c-1');
  });
  it('answers null for anything else', () => {
    for (const t of [
      'cityops/sensors/HS-1/status',
      'cityops/sensors/HS-1/telemetry/x',
      'cityops/sensors//telemetry',
      'cityops/sensors/-x/telemetry',
      'cityops/other/HS-1/telemetry',
      `cityops/sensors/${'x'.repeat(65)}/telemetry`,
      'cityops/sensors/a b/telemetry',
      'cityops/sensors/测试/telemetry',
    ]) {
      expect({ t, d: deviceOfTopic(t, prefix) }).toEqual({ t, d: null });
    }
    fc.assert(
      fc.property(nastyString, (s) => {
        const d = deviceOfTopic(`${prefix}/${s}/telemetry`, prefix);
        expect(d === null || /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(d)).toBe(true);
      }),
    );
  });
});
