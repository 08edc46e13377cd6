/**
 * A zip reader that cannot be made to inflate more than it was told: the central directory is
 * read first (names, methods, declared sizes), the caller checks the declared sizes against the
 * import limits, and each entry it then asks for is inflated by zlib with its declared size as
 * the output cap — an entry whose data inflates past its header is corrupt, not a surprise of
 * 400 MiB. CRC-32 and the exact size are checked after inflating.
 *
 * Supports what GIS tools and operating systems write: stored and deflated entries, data
 * descriptors (the central directory has the sizes), Zip64 sizes and offsets, UTF-8 names and
 * GBK names without the UTF-8 flag (Chinese Windows). Refuses encrypted entries and other
 * compression methods with a message saying so.
 */
import zlib from 'node:zlib';
import iconv from 'iconv-lite';

export class ZipError extends Error {}

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
  directory: boolean;
}

/** More entries than any set of Shapefiles needs; the directory alone would take memory. */
export const MAX_ZIP_ENTRIES = 10_000;

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError('a Zip64 size or offset is out of range');
  return Number(v);
}

function need(buf: Buffer, at: number, n: number, what: string) {
  if (at < 0 || at + n > buf.length) throw new ZipError(`${what} runs past the end of the file`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
function decodeName(bytes: Buffer, utf8Flag: boolean): string {
  if (utf8Flag) return bytes.toString('utf8');
  try {
    return utf8.decode(bytes);
  } catch {
    return iconv.decode(bytes, 'gbk');
  }
}

/** The entries of the central directory; throws ZipError when the file is not a readable zip. */
export function readZipDirectory(buf: Buffer): ZipEntry[] {
  // The end-of-central-directory record: 22 bytes plus a comment of up to 65,535.
  let eocd = -1;
  for (let p = buf.length - 22; p >= Math.max(0, buf.length - 22 - 0xffff); p--) {
    if (buf.readUInt32LE(p) === EOCD) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('no end of central directory record (truncated?)');
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || buf.readUInt32LE(loc) !== ZIP64_LOCATOR) throw new ZipError('Zip64 locator missing');
    const z = u64(buf, loc + 8);
    need(buf, z, 56, 'the Zip64 directory record');
    if (buf.readUInt32LE(z) !== ZIP64_EOCD) throw new ZipError('Zip64 directory record missing');
    count = u64(buf, z + 32);
    cdSize = u64(buf, z + 40);
    cdOffset = u64(buf, z + 48);
  }
  if (count > MAX_ZIP_ENTRIES) throw new ZipError(`${count} entries, more than ${MAX_ZIP_ENTRIES}`);
  need(buf, cdOffset, cdSize, 'the central directory');
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    need(buf, p, 46, 'a central directory entry');
    if (buf.readUInt32LE(p) !== CENTRAL) throw new ZipError(`bad central directory entry at byte ${p}`);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc32 = buf.readUInt32LE(p + 16);
    let compressedSize = buf.readUInt32LE(p + 20);
    let uncompressedSize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    let localOffset = buf.readUInt32LE(p + 42);
    need(buf, p + 46, nameLen + extraLen + commentLen, 'a central directory entry');
    const name = decodeName(buf.subarray(p + 46, p + 46 + nameLen), (flags & 0x800) !== 0);
    // Zip64 extended information: the 8-byte values of the fields that hold 0xFFFFFFFF, in order.
    let x = p + 46 + nameLen;
    const extraEnd = x + extraLen;
    while (x + 4 <= extraEnd) {
      const id = buf.readUInt16LE(x);
      const size = buf.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let q = x + 4;
        const take = () => {
          if (q + 8 > x + 4 + size) throw new ZipError(`${name}: Zip64 field too short`);
          const v = u64(buf, q);
          q += 8;
          return v;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localOffset === 0xffffffff) localOffset = take();
      }
      x += 4 + size;
    }
    entries.push({
      name,
      method,
      flags,
      crc32,
      compressedSize,
      uncompressedSize,
      localOffset,
      directory: name.endsWith('/'),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Compression ratio of an entry as declared (stored entries 1; nothing compressed into nothing). */
export function entryRatio(e: ZipEntry): number {
  if (e.uncompressedSize === 0) return 1;
  return e.compressedSize === 0 ? Number.POSITIVE_INFINITY : e.uncompressedSize / e.compressedSize;
}

/** The bytes of one entry, never more than its declared size; throws ZipError otherwise. */
export function extractEntry(buf: Buffer, e: ZipEntry): Buffer {
  if (e.flags & 0x1) throw new ZipError(`${e.name} is encrypted`);
  need(buf, e.localOffset, 30, `the local header of ${e.name}`);
  if (buf.readUInt32LE(e.localOffset) !== LOCAL) throw new ZipError(`${e.name}: bad local header`);
  const start =
    e.localOffset + 30 + buf.readUInt16LE(e.localOffset + 26) + buf.readUInt16LE(e.localOffset + 28);
  need(buf, start, e.compressedSize, `the data of ${e.name}`);
  const raw = buf.subarray(start, start + e.compressedSize);
  let out: Buffer;
  if (e.method === 0) {
    out = raw;
  } else if (e.method === 8) {
    try {
      out =
        e.uncompressedSize === 0
          ? Buffer.alloc(0)
          : zlib.inflateRawSync(raw, { maxOutputLength: e.uncompressedSize });
    } catch (x) {
      if ((x as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ZipError(`${e.name} inflates past its declared size of ${e.uncompressedSize} bytes`);
      }
      throw new ZipError(`${e.name}: ${(x as Error).message}`);
    }
  } else {
    throw new ZipError(
      `${e.name} uses compression method ${e.method}; only stored and deflate are supported`,
    );
  }
  if (out.length !== e.uncompressedSize) {
    throw new ZipError(`${e.name} has ${out.length} bytes, its header says ${e.uncompressedSize}`);
  }
  if (crc32(out) !== e.crc32) throw new ZipError(`${e.name} fails its CRC-32 check`);
  return out;
}

let table: Uint32Array | undefined;
/** CRC-32 (IEEE 802.3), as zip stores it. */
export function crc32(data: Uint8Array, seed = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[i] = c >>> 0;
    }
  }
  let c = (seed ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
