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

  it('refuses tile counts no pyramid holds (2^63, 2^64 − 1) or that its directory contradicts', async () => {
    // Offsets 72, 80, 88: addressed tiles, tile entries, tile contents (unsigned 64-bit).
    for (const at of [72, 80, 88]) {
      for (const n of [2n ** 63n, 2n ** 64n - 1n, 2n ** 53n, 2n ** 32n]) {
        const b = archive();
        b.writeBigUInt64LE(n, at);
        const e = await refusal(b);
        expect(e.zh, `${at}=${n}`).toContain('不合理');
        expect(e.zh, `${at}=${n}`).toContain(n.toString());
        expect(e.en, `${at}=${n}`).toContain('implausible');
      }
    }
    // More entries than addressed tiles, more contents than entries.
    const entries = archive();
    entries.writeBigUInt64LE(13n, 80);
    expect((await refusal(entries)).zh).toContain('目录条目数');
    const contents = archive();
    contents.writeBigUInt64LE(contents.readBigUInt64LE(80) + 1n, 88);
    expect((await refusal(contents)).zh).toContain('瓦片内容数');
    // A leafless archive whose header counts more (or fewer) tiles than its root directory holds.
    const more = archive();
    more.writeBigUInt64LE(13n, 72);
    expect((await refusal(more)).zh).toContain('文件头记录 13 个瓦片，目录中却有 12 个');
    // Fewer addressed tiles than the header's own entries.
    const fewer = archive();
    fewer.writeBigUInt64LE(11n, 72);
    expect((await refusal(fewer)).zh).toContain('目录条目数（12）不合理');
    fewer.writeBigUInt64LE(0n, 80);
    fewer.writeBigUInt64LE(0n, 88);
    expect((await refusal(fewer)).zh).toContain('文件头记录 11 个瓦片，目录中却有 12 个');
    // Unknown entry and content counts (0) are allowed by the spec.
    const unknown = archive();
    unknown.writeBigUInt64LE(0n, 80);
    unknown.writeBigUInt64LE(0n, 88);
    expect((await inspect(unknown)).addressedTiles).toBe(12);
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
        fc.array(
          fc.tuple(
            fc.constantFrom(8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88),
            fc.constantFrom(2n ** 53n, 2n ** 63n, 2n ** 64n - 1n),
          ),
          { maxLength: 2 },
        ),
        fc.option(fc.nat({ max: good.length }), { nil: undefined }),
        async (edits, fields, wide, cut) => {
          const b = Buffer.from(good);
          for (const [at, v] of edits) b[at] = v;
          for (const [at, v] of fields) b.writeUInt32LE(v, at);
          for (const [at, v] of wide) b.writeBigUInt64LE(v, at);
          const bytes = cut === undefined ? b : b.subarray(0, cut);
          try {
            const info = await inspect(bytes);
            expect(info.minZoom).toBeLessThanOrEqual(info.maxZoom);
            expect(info.bounds[0]).toBeLessThan(info.bounds[2]);
            expect(Array.isArray(info.vectorLayers)).toBe(true);
            expect(Number.isSafeInteger(info.addressedTiles)).toBe(true);
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
