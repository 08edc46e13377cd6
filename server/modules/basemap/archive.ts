/**
 * Reading a PMTiles archive on the server, to accept or refuse an upload: the header, the root
 * directory, one tile and the JSON metadata, through the `pmtiles` library on a `Source` that
 * reads byte ranges of a file (or of a buffer, in tests). Everything read is bounded: the
 * metadata and directories are decompressed with a ceiling (a gzip bomb stops there), the header
 * is checked field by field before the library walks anything, and the library's directory walk
 * stops at three levels.
 *
 * An archive the platform serves must be what the browser's reader (the same library) can draw:
 * spec version 3, vector tiles (MVT), gzip or no compression (the browser has no Brotli or Zstd
 * for tiles), the root directory inside the first 16 KiB, sensible zooms and bounds. Anything
 * else is refused with a sentence that tells the operator what to do (`ArchiveRefused`).
 */
import fs from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import {
  bytesToHeader,
  Compression,
  type DecompressFunc,
  type Header,
  PMTiles,
  type RangeResponse,
  ResolvedValueCache,
  type Source,
  TileType,
  tileIdToZxy,
} from 'pmtiles';
import { AppError } from '../../platform/errors.ts';

export const HEADER_BYTES = 127;
const ROOT_BYTES = 16_384;
/** Largest metadata section accepted (compressed) and its largest decompressed size. */
export const MAX_METADATA_BYTES = 1_048_576;
const MAX_METADATA_INFLATED = 16 * 1_048_576;
/** Largest decompressed directory (a leaf of go-pmtiles' size is well under 1 MiB). */
const MAX_DIRECTORY_INFLATED = 64 * 1_048_576;
/** Largest decompressed tile read while checking (a vector tile is at most a few MiB). */
const MAX_TILE_INFLATED = 64 * 1_048_576;
const MAX_ZOOM = 26;
const MAX_VECTOR_LAYERS = 1000;

/** The 422 of an archive the platform will not serve; the message says what to do instead. */
export function archiveRefused(zh: string, en: string, field = 'body.archive'): AppError {
  return new AppError('BASEMAP_ARCHIVE_REFUSED', { zh, en, details: [{ field, message: en }] });
}

/** A `Source` over a file: reads the byte ranges the library asks for (short at the end of the file). */
export class FileRangeSource implements Source {
  constructor(
    private readonly handle: fs.FileHandle,
    private readonly key: string,
  ) {}

  getKey(): string {
    return this.key;
  }

  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const buf = Buffer.alloc(Math.max(0, length));
    const { bytesRead } = await this.handle.read(buf, 0, buf.length, offset);
    return { data: buf.buffer.slice(buf.byteOffset, buf.byteOffset + bytesRead) as ArrayBuffer };
  }
}

/** A `Source` over bytes in memory (tests, the generator's own check). */
export class BufferSource implements Source {
  constructor(private readonly bytes: Uint8Array) {}

  getKey(): string {
    return 'buffer';
  }

  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const part = this.bytes.subarray(offset, offset + length);
    return { data: part.buffer.slice(part.byteOffset, part.byteOffset + part.byteLength) as ArrayBuffer };
  }
}

/** gzip or nothing, never more than `max` bytes out. */
export function boundedDecompress(max: number): DecompressFunc {
  return async (buf, compression) => {
    if (compression === Compression.None || compression === Compression.Unknown) return buf;
    if (compression !== Compression.Gzip) throw new Error(`compression ${compression} not supported`);
    const out = gunzipSync(new Uint8Array(buf), { maxOutputLength: max });
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
  };
}

/** A layer of a vector archive as its metadata names it (TileJSON `vector_layers`). */
export interface VectorLayer {
  id: string;
  /** Attribute name → type ("String", "Number", "Boolean" …). */
  fields: Record<string, string>;
  minzoom?: number;
  maxzoom?: number;
}

/** What the platform keeps of an accepted archive. */
export interface ArchiveInfo {
  tileType: 'mvt';
  tileCompression: 'gzip' | 'none';
  minZoom: number;
  maxZoom: number;
  bounds: [number, number, number, number];
  center: [number, number, number];
  addressedTiles: number;
  name: string | null;
  description: string | null;
  attribution: string | null;
  /** `vector_layers` of the metadata; empty when it names none. */
  vectorLayers: VectorLayer[];
  /** The metadata says the archive was generated (the platform's own base map says so). */
  generated: boolean;
}

const TILE_TYPE_NAMES: Record<number, string> = {
  [TileType.Png]: 'PNG',
  [TileType.Jpeg]: 'JPEG',
  [TileType.Webp]: 'WebP',
  [TileType.Avif]: 'AVIF',
};

const startsWith = (b: Uint8Array, text: string) =>
  b.length >= text.length && [...text].every((c, i) => b[i] === c.charCodeAt(0));

/** Refuses what is not a PMTiles v3 archive, saying what it looks like instead. */
export function checkMagic(first: Uint8Array, size: number): void {
  if (startsWith(first, 'SQLite format 3\u0000')) {
    throw archiveRefused(
      '这是 MBTiles（SQLite）文件，平台不直接读取。请先转换为 PMTiles：pmtiles convert 输入.mbtiles 输出.pmtiles，再上传 .pmtiles 文件。',
      'This is an MBTiles (SQLite) file, which the platform does not read directly. Convert it first: ' +
        'pmtiles convert in.mbtiles out.pmtiles, then upload the .pmtiles file.',
    );
  }
  if (startsWith(first, 'PMTiles')) return;
  if (startsWith(first, 'PM') && first.length >= 3 && first[2] < 3) {
    throw archiveRefused(
      `这是旧版 PMTiles（第 ${first[2]} 版）文件，平台只读取第 3 版。请升级：pmtiles convert 旧.pmtiles 新.pmtiles。`,
      `This is a PMTiles version ${first[2]} archive; the platform reads version 3 only. Upgrade it: ` +
        'pmtiles convert old.pmtiles new.pmtiles.',
    );
  }
  if (size < HEADER_BYTES) {
    throw archiveRefused(
      `文件只有 ${size} 字节，不是 PMTiles 底图文件（文件头就需要 127 字节）。`,
      `The file has only ${size} bytes; it is not a PMTiles archive (the header alone takes 127).`,
    );
  }
  throw archiveRefused(
    '不是 PMTiles 底图文件（文件开头没有 "PMTiles" 标记）。请上传第 3 版 .pmtiles 矢量瓦片文件。',
    'Not a PMTiles archive (the file does not start with "PMTiles"). Upload a version 3 .pmtiles vector tile archive.',
  );
}

/** Header fields the browser's reader depends on, each checked before anything is walked. */
function checkHeader(h: Header, size: number, raw: DataView): void {
  if (TILE_TYPE_NAMES[h.tileType]) {
    const kind = TILE_TYPE_NAMES[h.tileType];
    throw archiveRefused(
      `这是栅格（${kind}）瓦片文件；平台的离线底图需要矢量瓦片（MVT）。请上传矢量 .pmtiles 文件。`,
      `This archive holds raster (${kind}) tiles; the offline base map needs vector tiles (MVT). Upload a vector .pmtiles archive.`,
    );
  }
  if (h.tileType !== TileType.Mvt) {
    throw archiveRefused(
      `瓦片类型（${h.tileType}）不受支持：需要 MVT 矢量瓦片。`,
      `Tile type ${h.tileType} is not supported: MVT vector tiles are needed.`,
    );
  }
  const browserReadable = (c: Compression) => c === Compression.Gzip || c === Compression.None;
  if (!browserReadable(h.tileCompression) || !browserReadable(h.internalCompression)) {
    throw archiveRefused(
      '瓦片或目录使用了浏览器无法解压的压缩方式（Brotli/Zstd 等）。请用 gzip 重新生成：pmtiles convert 时不指定其他压缩。',
      'Tiles or directories use a compression the browser cannot undo (Brotli, Zstd …). Rebuild the archive with gzip.',
    );
  }
  const within = (offset: number, length: number, end: number) =>
    Number.isSafeInteger(offset) &&
    Number.isSafeInteger(length) &&
    offset >= 0 &&
    length >= 0 &&
    offset + length <= end;
  const broken = (what: string, en: string) =>
    archiveRefused(
      `文件已损坏或不完整：${what}超出文件范围。请重新上传完整文件。`,
      `The file is damaged or incomplete: its ${en} lies outside the file. Upload the whole file again.`,
    );
  if (
    h.rootDirectoryLength === 0 ||
    !within(h.rootDirectoryOffset, h.rootDirectoryLength, Math.min(size, ROOT_BYTES))
  ) {
    throw broken('根目录', 'root directory');
  }
  if (h.rootDirectoryOffset < HEADER_BYTES) throw broken('根目录', 'root directory');
  if (!within(h.jsonMetadataOffset, h.jsonMetadataLength, size)) throw broken('元数据', 'metadata');
  if (!within(h.leafDirectoryOffset, h.leafDirectoryLength ?? 0, size))
    throw broken('叶目录', 'leaf directories');
  if (!within(h.tileDataOffset, h.tileDataLength ?? 0, size)) throw broken('瓦片数据', 'tile data');
  if (h.jsonMetadataLength > MAX_METADATA_BYTES) {
    throw archiveRefused(
      `元数据过大（${h.jsonMetadataLength} 字节，上限 ${MAX_METADATA_BYTES}）。`,
      `The metadata is too large (${h.jsonMetadataLength} bytes, at most ${MAX_METADATA_BYTES}).`,
    );
  }
  if (!(h.minZoom <= h.maxZoom && h.maxZoom <= MAX_ZOOM)) {
    throw archiveRefused(
      `缩放级别无效（${h.minZoom}–${h.maxZoom}，最大 ${MAX_ZOOM}）。`,
      `Invalid zoom levels (${h.minZoom}–${h.maxZoom}, at most ${MAX_ZOOM}).`,
    );
  }
  const okLng = (v: number) => Number.isFinite(v) && v >= -180 && v <= 180;
  const okLat = (v: number) => Number.isFinite(v) && v >= -90 && v <= 90;
  if (
    !(okLng(h.minLon) && okLng(h.maxLon) && okLat(h.minLat) && okLat(h.maxLat)) ||
    h.minLon >= h.maxLon ||
    h.minLat >= h.maxLat
  ) {
    throw archiveRefused(
      `文件头的范围无效（${h.minLon},${h.minLat},${h.maxLon},${h.maxLat}）。`,
      `The header's bounds are invalid (${h.minLon},${h.minLat},${h.maxLon},${h.maxLat}).`,
    );
  }
  if (h.numAddressedTiles === 0) {
    throw archiveRefused('文件中没有瓦片。', 'The archive holds no tiles.');
  }
  checkCounts(h, raw);
}

/** Tiles a pyramid from `minZoom` to `maxZoom` can address (at most ~6·10^15 at zoom 26: a safe integer). */
const tilesInZooms = (minZoom: number, maxZoom: number) => {
  let n = 0;
  for (let z = minZoom; z <= maxZoom; z++) n += 4 ** z;
  return n;
};

/**
 * The header's three counts (addressed tiles, tile entries, tile contents; 0 means unknown for
 * the last two) must be numbers a pyramid of its zooms can hold, each no larger than the one
 * before it. A count of 2^63 or 2^64 − 1 is a damaged or hostile header: it is not a JavaScript
 * safe integer, nor would it fit the database's bigint.
 */
function checkCounts(h: Header, raw: DataView): void {
  const counts = [
    { value: h.numAddressedTiles, at: 72, zh: '瓦片数', en: 'addressed tiles' },
    { value: h.numTileEntries, at: 80, zh: '目录条目数', en: 'tile entries' },
    { value: h.numTileContents, at: 88, zh: '瓦片内容数', en: 'tile contents' },
  ];
  const most = tilesInZooms(h.minZoom, h.maxZoom);
  let above = Number.POSITIVE_INFINITY;
  for (const c of counts) {
    const plausible = Number.isSafeInteger(c.value) && c.value <= most && c.value <= above;
    if (!plausible) {
      const written = raw.getBigUint64(c.at, true).toString();
      throw archiveRefused(
        `文件已损坏：文件头记录的${c.zh}（${written}）不合理（缩放级别 ${h.minZoom}–${h.maxZoom} 最多 ${most} 个瓦片）。请重新生成或重新上传。`,
        `The archive is damaged: its header's count of ${c.en} (${written}) is implausible (zooms ${h.minZoom}–${h.maxZoom} hold at most ${most} tiles). Rebuild or upload it again.`,
      );
    }
    if (c.value > 0) above = c.value;
  }
}

/**
 * Without leaf directories the root directory is every entry: the header's counts must be what
 * it holds (entries, and addressed tiles as the sum of the run lengths).
 */
function checkCountsAgainstRoot(h: Header, root: readonly { runLength: number }[]): void {
  if (h.leafDirectoryLength !== 0) return;
  const addressed = root.reduce((n, e) => n + e.runLength, 0);
  const entriesOk = h.numTileEntries === 0 || h.numTileEntries === root.length;
  if (addressed !== h.numAddressedTiles || !entriesOk) {
    throw archiveRefused(
      `文件已损坏：文件头记录 ${h.numAddressedTiles} 个瓦片，目录中却有 ${addressed} 个（${root.length} 个条目）。请重新生成或重新上传。`,
      `The archive is damaged: its header counts ${h.numAddressedTiles} tiles but its directory holds ${addressed} (${root.length} entries). Rebuild or upload it again.`,
    );
  }
}

const str = (v: unknown, max = 2000): string | null =>
  typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : null;

/** `vector_layers` of the metadata, or a refusal naming what is wrong with it. */
function vectorLayersOf(meta: Record<string, unknown>): VectorLayer[] {
  let raw = meta.vector_layers;
  // Some writers (tippecanoe into MBTiles, then converted) keep it inside a `json` string.
  if (raw === undefined && typeof meta.json === 'string') {
    try {
      raw = (JSON.parse(meta.json) as { vector_layers?: unknown }).vector_layers;
    } catch {
      raw = undefined;
    }
  }
  if (raw === undefined) return [];
  const bad = (why: string, en: string) =>
    archiveRefused(`元数据的 vector_layers 无效：${why}`, `The metadata's vector_layers is invalid: ${en}`);
  if (!Array.isArray(raw)) throw bad('应为数组', 'it must be an array');
  if (raw.length > MAX_VECTOR_LAYERS)
    throw bad(`图层过多（${raw.length}）`, `too many layers (${raw.length})`);
  const seen = new Set<string>();
  return raw.map((l, i) => {
    const id = l && typeof l === 'object' ? (l as { id?: unknown }).id : undefined;
    if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
      throw bad(`第 ${i + 1} 个图层没有 id`, `layer ${i + 1} has no id`);
    }
    if (seen.has(id)) throw bad(`图层 ${id} 重复`, `layer ${id} is listed twice`);
    seen.add(id);
    const o = l as { fields?: unknown; minzoom?: unknown; maxzoom?: unknown };
    const fields: Record<string, string> = {};
    if (o.fields && typeof o.fields === 'object' && !Array.isArray(o.fields)) {
      for (const [k, v] of Object.entries(o.fields as Record<string, unknown>).slice(0, 500)) {
        fields[k.slice(0, 200)] = typeof v === 'string' ? v.slice(0, 200) : 'String';
      }
    }
    const zoom = (v: unknown) =>
      typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_ZOOM ? v : undefined;
    const layer: VectorLayer = { id, fields };
    const minzoom = zoom(o.minzoom);
    const maxzoom = zoom(o.maxzoom);
    if (minzoom !== undefined) layer.minzoom = minzoom;
    if (maxzoom !== undefined) layer.maxzoom = maxzoom;
    return layer;
  });
}

/**
 * Reads and checks an archive from `source` (`size` bytes long): header, root directory, one
 * tile, metadata. Returns what the platform keeps, or throws `BASEMAP_ARCHIVE_REFUSED`.
 */
export async function inspectArchive(source: Source, size: number): Promise<ArchiveInfo> {
  const first = new Uint8Array((await source.getBytes(0, Math.min(size, HEADER_BYTES))).data);
  checkMagic(first, size);
  if (first.length < HEADER_BYTES) {
    throw archiveRefused(
      `文件只有 ${size} 字节，不完整（文件头就需要 127 字节）。`,
      `The file has only ${size} bytes and is incomplete (the header alone takes 127).`,
    );
  }
  if (first[7] !== 3) {
    throw archiveRefused(
      `PMTiles 第 ${first[7]} 版不受支持，平台只读取第 3 版。`,
      `PMTiles spec version ${first[7]} is not supported; the platform reads version 3.`,
    );
  }
  const header = bytesToHeader(
    first.buffer.slice(first.byteOffset, first.byteOffset + HEADER_BYTES) as ArrayBuffer,
  );
  checkHeader(header, size, new DataView(first.buffer, first.byteOffset, HEADER_BYTES));

  const reader = (max: number) =>
    new PMTiles(source, new ResolvedValueCache(20, false, boundedDecompress(max)), boundedDecompress(max));
  const broken = (e: unknown) =>
    archiveRefused(
      '文件已损坏：目录或瓦片无法读取。请重新生成或重新上传。',
      `The archive is damaged: a directory or tile cannot be read (${e instanceof Error ? e.message.slice(0, 200) : 'unknown'}). Rebuild or upload it again.`,
    );
  // The root directory (read with the header, as the browser does) and the first tile it leads to.
  try {
    const dirs = reader(MAX_DIRECTORY_INFLATED);
    await dirs.getHeader();
    const root = await dirs.cache.getDirectory(
      source,
      header.rootDirectoryOffset,
      header.rootDirectoryLength,
      header,
    );
    if (root.length === 0) throw new Error('empty root directory');
    checkCountsAgainstRoot(header, root);
    const [z, x, y] = tileIdToZxy(root[0].tileId);
    const tiles = new PMTiles(
      source,
      new ResolvedValueCache(20, false, boundedDecompress(MAX_DIRECTORY_INFLATED)),
      boundedDecompress(MAX_TILE_INFLATED),
    );
    if (z >= header.minZoom && z <= header.maxZoom) {
      const tile = await tiles.getZxy(z, x, y);
      if (!tile) throw new Error(`the first entry's tile ${z}/${x}/${y} is missing`);
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw broken(e);
  }

  let meta: unknown;
  try {
    meta = header.jsonMetadataLength === 0 ? {} : await reader(MAX_METADATA_INFLATED).getMetadata();
  } catch (e) {
    throw archiveRefused(
      '元数据无法读取（不是压缩的 JSON，或超过 16 MiB）。',
      `The metadata cannot be read (not compressed JSON, or larger than 16 MiB): ${e instanceof Error ? e.message.slice(0, 200) : 'unknown'}`,
    );
  }
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) {
    throw archiveRefused('元数据应为 JSON 对象。', 'The metadata must be a JSON object.');
  }
  const m = meta as Record<string, unknown>;
  return {
    tileType: 'mvt',
    tileCompression: header.tileCompression === Compression.Gzip ? 'gzip' : 'none',
    minZoom: header.minZoom,
    maxZoom: header.maxZoom,
    bounds: [header.minLon, header.minLat, header.maxLon, header.maxLat],
    center: [header.centerLon, header.centerLat, header.centerZoom],
    addressedTiles: header.numAddressedTiles,
    name: str(m.name, 200),
    description: str(m.description),
    attribution: str(m.attribution),
    vectorLayers: vectorLayersOf(m),
    generated: m['cityops:generated'] === true,
  };
}

/** `inspectArchive` on a file. */
export async function inspectArchiveFile(file: string): Promise<ArchiveInfo> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    return await inspectArchive(new FileRangeSource(handle, file), size);
  } finally {
    await handle.close();
  }
}
