import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyJson, nastyString } from '../../../test/support/fuzz.ts';
import { countVertices, jsonDeeperThan, SourceError, VertexBudget } from './limits.ts';
import { readShp, ShapefileError } from './shapefile.ts';
import { parseSource, sourceFormatOf } from './source.ts';

const limits = {
  maxUncompressedBytes: 1 << 20,
  maxCompressionRatio: 100,
  maxVerticesPerFeature: 10,
  maxVerticesPerFile: 25,
};

describe('countVertices', () => {
  it('counts positions by geometry type', () => {
    const ring = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    expect(countVertices({ type: 'Point', coordinates: [1, 2] })).toBe(1);
    expect(countVertices({ type: 'LineString', coordinates: ring })).toBe(4);
    expect(countVertices({ type: 'Polygon', coordinates: [ring, ring] })).toBe(8);
    expect(countVertices({ type: 'MultiPolygon', coordinates: [[ring], [ring, ring]] })).toBe(12);
    expect(countVertices(null)).toBe(0);
    expect(countVertices({ type: 'Polygon', coordinates: 'x' })).toBe(0);
  });

  it('does not walk arbitrary nesting (a hostile file cannot exhaust the stack)', () => {
    let deep: unknown = [0, 0];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(countVertices({ type: 'MultiPolygon', coordinates: deep })).toBe(1);
  });
});

describe('VertexBudget', () => {
  it('answers whether a feature is within its limit and throws past the file limit', () => {
    const b = new VertexBudget(limits);
    expect(b.take(10)).toBe(true);
    expect(b.take(11)).toBe(false);
    expect(b.take(0)).toBe(true); // counts one
    expect(b.total).toBe(22);
    let e: unknown;
    try {
      b.take(4);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(SourceError);
    expect((e as SourceError).rule).toBe('too-many-vertices');
    expect((e as SourceError).en).toContain('at least 26 vertices, more than the limit of 25 per file');
  });
});

describe('readShp with a budget', () => {
  /** A .shp of PolyLine records with the given point counts. */
  function shp(counts: number[]): Buffer {
    const records = counts.map((n, i) => {
      const c = Buffer.alloc(44 + 4 + 16 * n);
      c.writeInt32LE(3, 0);
      c.writeInt32LE(1, 36);
      c.writeInt32LE(n, 40);
      c.writeInt32LE(0, 44);
      for (let k = 0; k < n; k++) {
        c.writeDoubleLE(121 + k * 1e-4, 48 + 16 * k);
        c.writeDoubleLE(29, 56 + 16 * k);
      }
      const h = Buffer.alloc(8);
      h.writeInt32BE(i + 1, 0);
      h.writeInt32BE(c.length / 2, 4);
      return Buffer.concat([h, c]);
    });
    const header = Buffer.alloc(100);
    header.writeInt32BE(9994, 0);
    const body = Buffer.concat(records);
    header.writeInt32BE((100 + body.length) / 2, 24);
    header.writeInt32LE(3, 32);
    return Buffer.concat([header, body]);
  }

  it('leaves out the geometry of a record over the per-feature limit, keeping its count', () => {
    const recs = readShp(shp([3, 12, 2]), new VertexBudget(limits));
    expect(recs.map((r) => r.vertices)).toEqual([3, 12, 2]);
    expect(recs.map((r) => r.geometry?.type ?? null)).toEqual(['LineString', null, 'LineString']);
  });

  it('stops reading once the file is past its limit', () => {
    expect(() => readShp(shp([10, 10, 10]), new VertexBudget(limits))).toThrow(SourceError);
  });

  it('a record claiming more points than it holds is reported as corrupt, not as too many vertices', () => {
    const buf = shp([2]);
    buf.writeInt32LE(1_000_000, 100 + 8 + 40); // numPoints of the only record
    const budget = new VertexBudget(limits);
    expect(() => readShp(buf, budget)).toThrow(ShapefileError);
    expect(() => readShp(buf, new VertexBudget(limits))).toThrow('shorter than its content');
    expect(budget.total).toBeLessThan(10);
  });
});

describe('JSON nesting and CSV numbers (outside input, read before parsing)', () => {
  const depthOf = (v: unknown): number =>
    v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0;

  it('finds nesting past the bound without parsing, skipping brackets inside strings', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(jsonDeeperThan(deep)).toBe(true);
    expect(jsonDeeperThan(Buffer.from(deep))).toBe(true);
    expect(jsonDeeperThan(`[${'"[[[[\\"[[[{{",'.repeat(100)}1]`, 1)).toBe(false);
    expect(jsonDeeperThan('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(jsonDeeperThan('{"a":{"b":[1]}}', 2)).toBe(true);
    expect(jsonDeeperThan(Buffer.from('{"名称":"【[{地"}'), 1)).toBe(false);
  });

  it('agrees with the parsed depth for any JSON (fuzz)', () => {
    fc.assert(
      fc.property(anyJson, fc.integer({ min: 0, max: 6 }), (v, max) => {
        const text = JSON.stringify(v) ?? 'null';
        expect(jsonDeeperThan(text, max)).toBe(depthOf(JSON.parse(text)) > max);
        expect(jsonDeeperThan(Buffer.from(text), max)).toBe(depthOf(JSON.parse(text)) > max);
      }),
    );
  });

  it('refuses a deeply nested GeoJSON as a file (row 0), never with a stack overflow', () => {
    const deep = `{"type":"FeatureCollection","features":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(() => parseSource('deep.geojson', Buffer.from(deep), limits)).toThrow(SourceError);
    expect(() => parseSource('deep.geojson', Buffer.from(deep), limits)).toThrow(/64 levels/);
  });

  it('reads CSV coordinates as decimal numbers only', () => {
    const csv = [
      'name,lng,lat',
      'a,121.55,29.87',
      'b,0x79,29.87',
      'c,121,0b11101',
      'd,Infinity,29',
      'e,1.2155e2,+29.87',
      'f,.5,-0.5',
    ].join('\n');
    const got = parseSource('p.csv', Buffer.from(csv), limits).features.map(
      (f) => (f.geometry as { coordinates: number[] } | null)?.coordinates ?? null,
    );
    expect(got).toEqual([[121.55, 29.87], null, null, null, [121.55, 29.87], [0.5, -0.5]]);
  });

  it('never throws anything but a file refusal for any text as GeoJSON or CSV (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          nastyString,
          anyJson.map((v) => JSON.stringify(v) ?? ''),
        ),
        (text) => {
          for (const name of ['f.geojson', 'f.csv']) {
            try {
              parseSource(name, Buffer.from(text), limits);
            } catch (e) {
              expect(e).toBeInstanceOf(SourceError);
            }
          }
        },
      ),
    );
  });

  it('names the format an upload is read as from its name and first bytes', () => {
    expect(sourceFormatOf('p.csv', Buffer.from('name,lng,lat\n'))).toBe('csv');
    expect(sourceFormatOf('p.TXT', Buffer.from('name,lng,lat\n'))).toBe('csv');
    expect(sourceFormatOf('p.geojson', Buffer.from('{}'))).toBe('geojson');
    expect(sourceFormatOf('p.bin', Buffer.from([0x50, 0x4b, 3, 4]))).toBe('shapefile');
  });
});
