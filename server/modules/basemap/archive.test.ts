/**
 * The archive check (`inspectArchive`) is the parser of an outside file: every archive is
 * accepted with sane values or refused with BASEMAP_ARCHIVE_REFUSED — never another error, a
 * hang, or an unbounded allocation — whatever its bytes say (fuzzed: bytes changed anywhere,
 * header fields set to extremes, the file cut short).
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { TileType } from 'pmtiles';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { BufferSource, inspectArchive } from './archive.ts';
import { writePmtiles } from './pmtiles-writer.ts';

function archive(opts: { tileType?: TileType; metadata?: Record<string, unknown> } = {}): Buffer {
  const tiles = Array.from({ length: 12 }, (_, i) => ({
    z: 8,
    x: 214 + (i % 4),
    y: 105 + Math.floor(i / 4),
    data: Buffer.from(`tile ${i} ${'y'.repeat(i * 3)}`),
  }));
  return writePmtiles(tiles, {
    tileType: opts.tileType ?? TileType.Mvt,
    metadata: opts.metadata ?? { name: 'n', vector_layers: [{ id: 'roads', fields: { name: 'String' } }] },
    bounds: [121, 29, 122, 30.5],
  }).bytes;
}

const inspect = (b: Uint8Array) => inspectArchive(new BufferSource(b), b.length);

async function refusal(b: Uint8Array): Promise<AppError> {
  try {
    await inspect(b);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('BASEMAP_ARCHIVE_REFUSED');
    return e as AppError;
  }
  throw new Error('accepted');
}

describe('inspectArchive', () => {
  it('reads a good archive', async () => {
    const info = await inspect(archive());
    expect(info).toMatchObject({
      tileType: 'mvt',
      tileCompression: 'gzip',
      minZoom: 8,
      maxZoom: 8,
      bounds: [121, 29, 122, 30.5],
      name: 'n',
      vectorLayers: [{ id: 'roads', fields: { name: 'String' } }],
      generated: false,
    });
  });

  it('says what a file is when it is not PMTiles v3', async () => {
    expect((await refusal(Buffer.from('SQLite format 3\u0000........'))).zh).toContain('pmtiles convert');
    expect((await refusal(Buffer.from([0x50, 0x4d, 1, 0, 9, 9]))).zh).toContain('第 1 版');
    expect(
      (await refusal(Buffer.concat([Buffer.from('PMTiles'), Buffer.from([4]), Buffer.alloc(200)]))).zh,
    ).toContain('第 4 版');
    expect((await refusal(Buffer.from('{"type":"FeatureCollection"}'))).zh).toContain('不是 PMTiles');
    expect((await refusal(archive({ tileType: TileType.Webp }))).zh).toContain('栅格（WebP）');
    expect((await refusal(archive({ tileType: TileType.Mlt }))).zh).toContain('MVT');
  });

  it('refuses compression the browser cannot undo, bad zooms and bounds', async () => {
    const brotli = archive();
    brotli[98] = 3;
    expect((await refusal(brotli)).zh).toContain('Brotli');
    const zoom = archive();
    zoom[100] = 9;
    zoom[101] = 8;
    expect((await refusal(zoom)).zh).toContain('缩放级别');
    const bounds = archive();
    bounds.writeInt32LE(1_900_000_000, 110); // max lon 190°
    expect((await refusal(bounds)).zh).toContain('范围无效');
  });

  it('refuses metadata that is not a JSON object, or a vector_layers that is not a list', async () => {
    expect((await refusal(archive({ metadata: { vector_layers: 'roads' } }))).zh).toContain('vector_layers');
    expect((await refusal(archive({ metadata: { vector_layers: [{ fields: {} }] } }))).zh).toContain(
      '没有 id',
    );
    // Metadata that inflates past its ceiling (a gzip bomb) is refused, not inflated.
    const a = archive();
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 32));
    const h = Buffer.from(a.subarray(0, 127));
    h.writeUInt32LE(a.length, 24);
    h.writeUInt32LE(bomb.length, 32);
    expect((await refusal(Buffer.concat([h, a.subarray(127), bomb]))).zh).toContain('元数据无法读取');
  });

  it('fuzz: changed bytes, extreme header fields and cut files are accepted sanely or refused', async () => {
    const good = archive();
    const header = fc.tuple(
      fc.constantFrom(8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88),
      fc.constantFrom(0, 1, 126, 127, 16_383, 16_384, 2 ** 31, 2 ** 32 - 1),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          maxLength: 8,
        }),
        fc.array(header, { maxLength: 3 }),
        fc.option(fc.nat({ max: good.length }), { nil: undefined }),
        async (edits, fields, cut) => {
          const b = Buffer.from(good);
          for (const [at, v] of edits) b[at] = v;
          for (const [at, v] of fields) b.writeUInt32LE(v, at);
          const bytes = cut === undefined ? b : b.subarray(0, cut);
          try {
            const info = await inspect(bytes);
            expect(info.minZoom).toBeLessThanOrEqual(info.maxZoom);
            expect(info.bounds[0]).toBeLessThan(info.bounds[2]);
            expect(Array.isArray(info.vectorLayers)).toBe(true);
          } catch (e) {
            expect(e, String(e)).toBeInstanceOf(AppError);
            expect((e as AppError).code).toBe('BASEMAP_ARCHIVE_REFUSED');
          }
        },
      ),
      { numRuns: 600 },
    );
  }, 60_000);
});
