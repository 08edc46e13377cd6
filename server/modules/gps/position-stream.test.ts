/**
 * The position stream's decoder is a parser of outside input (whatever is on the NATS subject):
 * it gives back the rows a gateway published, exactly, and for anything else null — never a
 * throw, never more than one message's worth of rows. Fuzzed with a fixed seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNatsConfig } from '../../platform/nats.ts';
import { decodePositions, MAX_ROWS_PER_MESSAGE, positionStreamNames } from './position-stream.ts';

const row = {
  terminalId: '7b0e5c1e-3f7a-4a43-9d53-2f5d1c1f0a11',
  userId: null,
  time: '2026-12-07T01:02:03.000Z',
  receivedAt: '2026-12-07T01:02:05.000Z',
  lat: 29.87,
  lng: 121.55,
  speed: 36.5,
  direction: 90,
  altitude: 12,
  alarm: 0,
  status: 2,
  accuracy: null,
  serial: 7,
  source: 'jt808',
  extras: { mileage: 1.5 },
};
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe('decodePositions', () => {
  it('gives back what a gateway published, instants as Dates', () => {
    const rows = decodePositions(enc({ v: 1, rows: [row] }));
    expect(rows).toEqual([{ ...row, time: new Date(row.time), receivedAt: new Date(row.receivedAt) }]);
  });

  it.each([
    ['another version', { v: 2, rows: [row] }],
    ['no rows', { v: 1 }],
    ['both subjects', { v: 1, rows: [{ ...row, userId: row.terminalId }] }],
    ['no subject', { v: 1, rows: [{ ...row, terminalId: null }] }],
    ['not a uuid', { v: 1, rows: [{ ...row, terminalId: "x'; drop table" }] }],
    ['bad time', { v: 1, rows: [{ ...row, time: 'yesterday' }] }],
    ['lat as text', { v: 1, rows: [{ ...row, lat: '29.8' }] }],
    ['unknown source', { v: 1, rows: [{ ...row, source: 'sms' }] }],
    ['fractional serial', { v: 1, rows: [{ ...row, serial: 1.5 }] }],
    ['extras as array', { v: 1, rows: [{ ...row, extras: [1] }] }],
    ['too many rows', { v: 1, rows: Array.from({ length: MAX_ROWS_PER_MESSAGE + 1 }, () => row) }],
  ])('refuses a message with %s', (_why, body) => {
    expect(decodePositions(enc(body))).toBeNull();
  });

  it('never throws, whatever the bytes (fixed seed)', () => {
    const good = JSON.stringify({ v: 1, rows: [row, row] });
    const mutated = fc.tuple(fc.nat(), fc.string({ maxLength: 8 }), fc.boolean()).map(([at, piece, cut]) => {
      const i = at % good.length;
      return cut ? good.slice(0, i) : good.slice(0, i) + piece + good.slice(i + 1);
    });
    fc.assert(
      fc.property(
        fc.oneof(
          mutated.map((s) => new TextEncoder().encode(s)),
          fc.uint8Array({ maxLength: 2048 }),
          fc.jsonValue().map(enc),
        ),
        (bytes) => {
          const got = decodePositions(bytes);
          expect(got === null || (Array.isArray(got) && got.length <= MAX_ROWS_PER_MESSAGE)).toBe(true);
        },
      ),
      { seed: 808, numRuns: 2000 },
    );
  });
});

describe('NATS configuration', () => {
  it('is off without NATS_URL and names the stream from the prefix', () => {
    expect(parseNatsConfig({}).servers).toBeUndefined();
    expect(positionStreamNames('CITYOPS')).toEqual({
      stream: 'CITYOPS_GPS',
      subject: 'cityops.gps.positions',
      durable: 'gps-writer',
    });
    expect(parseNatsConfig({ NATS_URL: 'nats://a:4222, nats://b:4222' }).servers).toEqual([
      'nats://a:4222',
      'nats://b:4222',
    ]);
  });

  it.each([
    ['http://x:4222', /nats:\/\/ or tls:\/\//],
    ['nats://u:p@x:4222', /credentials/],
    ['not a url', /must be URLs/],
  ])('refuses NATS_URL=%s with a message saying why', (url, why) => {
    expect(() => parseNatsConfig({ NATS_URL: url })).toThrow(why);
  });

  it('refuses a prefix that would make bad stream names', () => {
    expect(() => parseNatsConfig({ NATS_PREFIX: 'a.b' })).toThrow(/NATS_PREFIX/);
  });
});
