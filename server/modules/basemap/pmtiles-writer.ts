/**
 * A small PMTiles v3 writer (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md), for
 * the base map the platform generates from the city's own layers. The `pmtiles` package only
 * reads; this is the other half, kept to what the spec requires:
 *
 * - a 127-byte header, then the root directory, the JSON metadata, the leaf directories and the
 *   tile data, in that order (the root must lie within the first 16 KiB, which a reader fetches
 *   in one request);
 * - tiles addressed by their Hilbert tile id (`zxyToTileId`), written in id order (`clustered`);
 *   identical tile contents are stored once, and a run of consecutive ids with the same content
 *   is one entry with a run length;
 * - directories as varints: the count, the id deltas, the run lengths, the lengths, and the
 *   offsets (0 = "right after the previous entry", otherwise offset + 1), gzip-compressed;
 * - when the compressed root would not fit, leaf directories of `leafSize` entries each, the root
 *   then holding one entry per leaf (run length 0, offset within the leaf section); the leaf size
 *   grows until the root fits, as the reference implementation (go-pmtiles) does;
 * - gzip for the metadata and, unless told otherwise, for the tiles.
 *
 * Everything is built in memory: the generated base map is a few megabytes. Deterministic: the
 * same tiles and metadata give the same bytes (Node's gzip writes no timestamp).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Compression, type TileType, zxyToTileId } from 'pmtiles';

export const HEADER_BYTES = 127;
/** A reader's first request: the header and the root directory must fit in it. */
export const ROOT_BYTES = 16_384;

export interface WriterTile {
  z: number;
  x: number;
  y: number;
  /** The tile as it should come out of the archive (uncompressed MVT, PNG …). */
  data: Uint8Array;
}

export interface WriterOptions {
  tileType: TileType;
  /** How tiles are stored: gzip (the default, for MVT) or none (images are compressed already). */
  tileCompression?: Compression.Gzip | Compression.None;
  /** The archive's JSON metadata (TileJSON-like: name, vector_layers, attribution …). */
  metadata: Record<string, unknown>;
  /** [west, south, east, north] in WGS84 degrees; defaults to the whole world. */
  bounds?: [number, number, number, number];
  /** [lng, lat, zoom]; defaults to the middle of the bounds at the lowest zoom. */
  center?: [number, number, number];
  /** Directory entries per leaf to start from (tests make it small to get several leaves). */
  leafSize?: number;
}

export interface Entry {
  tileId: number;
  offset: number;
  length: number;
  runLength: number;
}

/** Unsigned LEB128, for integers up to 2^53 (JavaScript numbers). */
function pushVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** A directory as the spec serialises it (before compression). */
export function serializeDirectory(entries: readonly Entry[]): Uint8Array {
  const out: number[] = [];
  pushVarint(out, entries.length);
  let last = 0;
  for (const e of entries) {
    pushVarint(out, e.tileId - last);
    last = e.tileId;
  }
  for (const e of entries) pushVarint(out, e.runLength);
  for (const e of entries) pushVarint(out, e.length);
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    if (i > 0 && e.offset === prev.offset + prev.length) pushVarint(out, 0);
    else pushVarint(out, e.offset + 1);
  });
  return Uint8Array.from(out);
}

const gzip = (b: Uint8Array) => new Uint8Array(gzipSync(b, { level: 9 }));

/** The root and the concatenated leaves for these entries, the root fitting beside the header. */
function buildDirectories(
  entries: readonly Entry[],
  firstLeafSize: number,
): { root: Uint8Array; leaves: Uint8Array; leafCount: number } {
  const single = gzip(serializeDirectory(entries));
  if (single.length <= ROOT_BYTES - HEADER_BYTES)
    return { root: single, leaves: new Uint8Array(0), leafCount: 0 };
  let leafSize = Math.max(1, firstLeafSize);
  for (;;) {
    const rootEntries: Entry[] = [];
    const leafParts: Uint8Array[] = [];
    let offset = 0;
    for (let i = 0; i < entries.length; i += leafSize) {
      const leaf = gzip(serializeDirectory(entries.slice(i, i + leafSize)));
      rootEntries.push({ tileId: entries[i].tileId, offset, length: leaf.length, runLength: 0 });
      leafParts.push(leaf);
      offset += leaf.length;
    }
    const root = gzip(serializeDirectory(rootEntries));
    if (root.length <= ROOT_BYTES - HEADER_BYTES) {
      return { root, leaves: Buffer.concat(leafParts), leafCount: leafParts.length };
    }
    leafSize = Math.ceil(leafSize * 1.2);
  }
}

function writeHeader(
  v: DataView,
  h: {
    rootOffset: number;
    rootLength: number;
    metadataOffset: number;
    metadataLength: number;
    leafOffset: number;
    leafLength: number;
    dataOffset: number;
    dataLength: number;
    addressed: number;
    entries: number;
    contents: number;
    internal: Compression;
    tileCompression: Compression;
    tileType: TileType;
    minZoom: number;
    maxZoom: number;
    bounds: [number, number, number, number];
    center: [number, number, number];
  },
): void {
  const u64 = (at: number, n: number) => {
    v.setUint32(at, n % 2 ** 32, true);
    v.setUint32(at + 4, Math.floor(n / 2 ** 32), true);
  };
  const e7 = (at: number, deg: number) => v.setInt32(at, Math.round(deg * 1e7), true);
  new TextEncoder().encodeInto('PMTiles', new Uint8Array(v.buffer, v.byteOffset, 7));
  v.setUint8(7, 3);
  u64(8, h.rootOffset);
  u64(16, h.rootLength);
  u64(24, h.metadataOffset);
  u64(32, h.metadataLength);
  u64(40, h.leafOffset);
  u64(48, h.leafLength);
  u64(56, h.dataOffset);
  u64(64, h.dataLength);
  u64(72, h.addressed);
  u64(80, h.entries);
  u64(88, h.contents);
  v.setUint8(96, 1); // clustered: tile data in tile id order
  v.setUint8(97, h.internal);
  v.setUint8(98, h.tileCompression);
  v.setUint8(99, h.tileType);
  v.setUint8(100, h.minZoom);
  v.setUint8(101, h.maxZoom);
  e7(102, h.bounds[0]);
  e7(106, h.bounds[1]);
  e7(110, h.bounds[2]);
  e7(114, h.bounds[3]);
  v.setUint8(118, h.center[2]);
  e7(119, h.center[0]);
  e7(123, h.center[1]);
}

export interface WrittenArchive {
  bytes: Buffer;
  addressedTiles: number;
  tileEntries: number;
  tileContents: number;
  leafDirectories: number;
  minZoom: number;
  maxZoom: number;
}

/** A whole PMTiles v3 archive holding these tiles (at least one; each z/x/y at most once). */
export function writePmtiles(tiles: readonly WriterTile[], opts: WriterOptions): WrittenArchive {
  if (tiles.length === 0) throw new Error('a PMTiles archive needs at least one tile');
  const tileCompression = opts.tileCompression ?? Compression.Gzip;
  const ided = tiles.map((t) => ({ id: zxyToTileId(t.z, t.x, t.y), t }));
  ided.sort((a, b) => a.id - b.id);
  for (let i = 1; i < ided.length; i++) {
    if (ided[i].id === ided[i - 1].id) {
      const { z, x, y } = ided[i].t;
      throw new Error(`tile ${z}/${x}/${y} given twice`);
    }
  }

  // Tile data: each distinct content once (keyed by its hash), in the order first met.
  const contentAt = new Map<string, { offset: number; length: number }>();
  const parts: Uint8Array[] = [];
  let dataLength = 0;
  const entries: Entry[] = [];
  let minZoom = 255;
  let maxZoom = 0;
  for (const { id, t } of ided) {
    minZoom = Math.min(minZoom, t.z);
    maxZoom = Math.max(maxZoom, t.z);
    const key = createHash('sha256').update(t.data).digest('base64');
    let at = contentAt.get(key);
    if (!at) {
      const stored = tileCompression === Compression.Gzip ? gzip(t.data) : t.data;
      at = { offset: dataLength, length: stored.length };
      contentAt.set(key, at);
      parts.push(stored);
      dataLength += stored.length;
    }
    const last = entries[entries.length - 1];
    if (last && last.offset === at.offset && last.tileId + last.runLength === id) last.runLength++;
    else entries.push({ tileId: id, offset: at.offset, length: at.length, runLength: 1 });
  }

  const { root, leaves, leafCount } = buildDirectories(entries, opts.leafSize ?? 4096);
  const metadata = gzip(new TextEncoder().encode(JSON.stringify(opts.metadata)));
  const bounds = opts.bounds ?? [-180, -85.0511287, 180, 85.0511287];
  const center = opts.center ?? [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, minZoom];

  const rootOffset = HEADER_BYTES;
  const metadataOffset = rootOffset + root.length;
  const leafOffset = metadataOffset + metadata.length;
  const dataOffset = leafOffset + leaves.length;
  const header = new Uint8Array(HEADER_BYTES);
  writeHeader(new DataView(header.buffer), {
    rootOffset,
    rootLength: root.length,
    metadataOffset,
    metadataLength: metadata.length,
    leafOffset,
    leafLength: leaves.length,
    dataOffset,
    dataLength,
    addressed: ided.length,
    entries: entries.length,
    contents: contentAt.size,
    internal: Compression.Gzip,
    tileCompression,
    tileType: opts.tileType,
    minZoom,
    maxZoom,
    bounds,
    center,
  });
  return {
    bytes: Buffer.concat([header, root, metadata, leaves, ...parts]),
    addressedTiles: ided.length,
    tileEntries: entries.length,
    tileContents: contentAt.size,
    leafDirectories: leafCount,
    minZoom,
    maxZoom,
  };
}
