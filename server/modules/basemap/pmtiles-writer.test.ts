/**
 * The writer's output read back by the `pmtiles` library (the same reader the browser uses):
 * every tile identical, missing tiles missing, the header and metadata as written — with a root
 * directory only, and with leaf directories once the root would pass 16 KiB.
 */
import { Compression, PMTiles, TileType, tileIdToZxy, zxyToTileId } from 'pmtiles';
import { describe, expect, it } from 'vitest';
import { BufferSource, inspectArchive } from './archive.ts';
import {
  HEADER_BYTES,
  ROOT_BYTES,
  serializeDirectory,
  type WriterTile,
  writePmtiles,
} from './pmtiles-writer.ts';

/** Deterministic pseudo-random bytes. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bytes(r: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
}

const read = (bytes: Uint8Array) => new PMTiles(new BufferSource(bytes));

async function expectSameTiles(archive: Uint8Array, tiles: WriterTile[]) {
  const p = read(archive);
  for (const t of tiles) {
    const got = await p.getZxy(t.z, t.x, t.y);
    expect(got, `${t.z}/${t.x}/${t.y}`).toBeDefined();
    expect(Buffer.from(got!.data).equals(Buffer.from(t.data)), `${t.z}/${t.x}/${t.y}`).toBe(true);
  }
}

describe('PMTiles v3 writer', () => {
  it('writes a small archive the library reads back tile for tile, with its header and metadata', async () => {
    const r = rng(1);
    const tiles: WriterTile[] = [];
    for (let z = 0; z <= 6; z++) {
      const n = 2 ** z;
      for (let i = 0; i < Math.min(n * n, 40); i++) {
        const x = Math.floor(r() * n);
        const y = Math.floor(r() * n);
        if (tiles.some((t) => t.z === z && t.x === x && t.y === y)) continue;
        tiles.push({ z, x, y, data: bytes(r, 1 + Math.floor(r() * 300)) });
      }
    }
    const metadata = {
      name: 'test',
      vector_layers: [{ id: 'a', fields: { name: 'String' } }],
      'cityops:generated': true,
    };
    const out = writePmtiles(tiles, {
      tileType: TileType.Mvt,
      metadata,
      bounds: [121, 29.5, 122, 30.2],
      center: [121.55, 29.87, 10],
    });
    expect(out.leafDirectories).toBe(0);
    expect(out.addressedTiles).toBe(tiles.length);
    const p = read(out.bytes);
    const h = await p.getHeader();
    expect(h).toMatchObject({
      specVersion: 3,
      rootDirectoryOffset: HEADER_BYTES,
      clustered: true,
      internalCompression: Compression.Gzip,
      tileCompression: Compression.Gzip,
      tileType: TileType.Mvt,
      minZoom: 0,
      maxZoom: 6,
      minLon: 121,
      minLat: 29.5,
      maxLon: 122,
      maxLat: 30.2,
      centerZoom: 10,
      centerLon: 121.55,
      centerLat: 29.87,
      numAddressedTiles: tiles.length,
    });
    expect(h.rootDirectoryOffset + h.rootDirectoryLength).toBeLessThanOrEqual(ROOT_BYTES);
    expect(h.tileDataOffset + (h.tileDataLength ?? 0)).toBe(out.bytes.length);
    expect(await p.getMetadata()).toEqual(metadata);
    await expectSameTiles(out.bytes, tiles);
    // Tiles not written are not there.
    for (let x = 0; x < 16; x++) {
      for (let y = 0; y < 16; y++) {
        const written = tiles.some((t) => t.z === 4 && t.x === x && t.y === y);
        expect((await p.getZxy(4, x, y)) !== undefined, `4/${x}/${y}`).toBe(written);
      }
    }
    expect(await p.getZxy(7, 0, 0)).toBeUndefined();
    // And the platform's own check accepts it.
    const info = await inspectArchive(new BufferSource(out.bytes), out.bytes.length);
    expect(info).toMatchObject({
      minZoom: 0,
      maxZoom: 6,
      generated: true,
      vectorLayers: metadata.vector_layers,
    });
  });

  it('stores identical contents once and runs of them as one entry', async () => {
    const same = Uint8Array.from([1, 2, 3, 4]);
    const tiles: WriterTile[] = [];
    // Zoom 3 in Hilbert order: consecutive ids with the same content form one run.
    for (let id = zxyToTileId(3, 0, 0); id < zxyToTileId(3, 0, 0) + 20; id++) {
      const t = tileIdToZxy(id);
      tiles.push({ z: t[0], x: t[1], y: t[2], data: id % 7 === 0 ? Uint8Array.from([9]) : same });
    }
    const out = writePmtiles(tiles, { tileType: TileType.Mvt, metadata: {} });
    expect(out.tileContents).toBe(2);
    expect(out.tileEntries).toBeLessThan(tiles.length);
    await expectSameTiles(out.bytes, tiles);
  });

  it('writes leaf directories when the root would pass 16 KiB, and the library finds every tile', async () => {
    const r = rng(7);
    const tiles: WriterTile[] = [];
    // 30,000 distinct tiles at zooms 8–9 (a directory of ~30,000 entries compresses far past 16 KiB).
    for (let z = 8; z <= 9 && tiles.length < 30_000; z++) {
      const n = 2 ** z;
      for (let x = 0; x < n && tiles.length < 30_000; x++) {
        for (let y = 0; y < n && tiles.length < 30_000; y += 1 + Math.floor(r() * 3)) {
          tiles.push({ z, x, y, data: bytes(r, 2 + Math.floor(r() * 40)) });
        }
      }
    }
    const out = writePmtiles(tiles, { tileType: TileType.Mvt, metadata: { name: 'big' }, leafSize: 2000 });
    expect(out.leafDirectories).toBeGreaterThan(1);
    const p = read(out.bytes);
    const h = await p.getHeader();
    expect(h.leafDirectoryLength).toBeGreaterThan(0);
    expect(h.rootDirectoryOffset + h.rootDirectoryLength).toBeLessThanOrEqual(ROOT_BYTES);
    // Many z/x/y across the whole range, and every 97th tile.
    const sample = tiles.filter((_, i) => i % 97 === 0 || i < 50 || i > tiles.length - 50);
    await expectSameTiles(out.bytes, sample);
    expect(await p.getZxy(9, 511, 511).then((t) => (t ? 'found' : 'none'))).toBe(
      tiles.some((t) => t.z === 9 && t.x === 511 && t.y === 511) ? 'found' : 'none',
    );
    await inspectArchive(new BufferSource(out.bytes), out.bytes.length);
  }, 60_000);

  it('is deterministic and can store tiles uncompressed', () => {
    const tiles: WriterTile[] = [{ z: 0, x: 0, y: 0, data: Uint8Array.from([5, 6, 7]) }];
    const a = writePmtiles(tiles, { tileType: TileType.Mvt, metadata: { a: 1 } });
    const b = writePmtiles(tiles, { tileType: TileType.Mvt, metadata: { a: 1 } });
    expect(a.bytes.equals(b.bytes)).toBe(true);
    const raw = writePmtiles(tiles, {
      tileType: TileType.Png,
      metadata: {},
      tileCompression: Compression.None,
    });
    expect(raw.bytes.subarray(raw.bytes.length - 3)).toEqual(Buffer.from([5, 6, 7]));
  });

  it('serialises a directory as the spec says (varints, deltas, offset 0 for contiguous entries)', () => {
    const dir = serializeDirectory([
      { tileId: 5, offset: 0, length: 10, runLength: 1 },
      { tileId: 300, offset: 10, length: 200, runLength: 2 },
      { tileId: 301, offset: 0, length: 10, runLength: 1 },
    ]);
    expect([...dir]).toEqual([3, 5, 0xa7, 0x02, 1, 1, 2, 1, 10, 0xc8, 0x01, 10, 1, 0, 1]);
  });

  it('refuses no tiles and a tile given twice', () => {
    expect(() => writePmtiles([], { tileType: TileType.Mvt, metadata: {} })).toThrow(/at least one/);
    const t = { z: 1, x: 1, y: 0, data: new Uint8Array(1) };
    expect(() => writePmtiles([t, { ...t }], { tileType: TileType.Mvt, metadata: {} })).toThrow(/twice/);
  });
});
