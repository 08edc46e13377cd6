import zlib from 'node:zlib';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { crc32, entryRatio, extractEntry, readZipDirectory, ZipError } from './zip.ts';

/** One-entry zip written by hand, for headers a library would not write. */
function handZip(opts: {
  name: Buffer;
  data: Buffer;
  method?: number;
  flags?: number;
  declared?: number;
  crc?: number;
  zip64?: boolean;
}): Buffer {
  const method = opts.method ?? 8;
  const body = method === 8 ? zlib.deflateRawSync(opts.data) : opts.data;
  const crc = opts.crc ?? crc32(opts.data);
  const size = opts.declared ?? opts.data.length;
  const extra = opts.zip64 ? Buffer.alloc(4 + 24) : Buffer.alloc(0);
  if (opts.zip64) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(size), 4);
    extra.writeBigUInt64LE(BigInt(body.length), 12);
    extra.writeBigUInt64LE(0n, 20);
  }
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(opts.flags ?? 0, 6);
  local.writeUInt16LE(method, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(opts.name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(opts.flags ?? 0, 8);
  central.writeUInt16LE(method, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(opts.zip64 ? 0xffffffff : body.length, 20);
  central.writeUInt32LE(opts.zip64 ? 0xffffffff : size, 24);
  central.writeUInt16LE(opts.name.length, 28);
  central.writeUInt16LE(extra.length, 30);
  central.writeUInt32LE(opts.zip64 ? 0xffffffff : 0, 42);
  const cd = Buffer.concat([central, opts.name, extra]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(30 + opts.name.length + body.length, 16);
  return Buffer.concat([local, opts.name, body, cd, end]);
}

const text = Buffer.from('{"type":"FeatureCollection","features":[]}');

describe('readZipDirectory and extractEntry', () => {
  it('reads what JSZip writes: deflated and stored entries, UTF-8 names, folders', async () => {
    const zip = new JSZip();
    zip.file('网格/网格.geojson', text, { compression: 'DEFLATE' });
    zip.file('readme.txt', 'hello', { compression: 'STORE' });
    const buf = await zip.generateAsync({ type: 'nodebuffer' });
    const entries = readZipDirectory(buf);
    const files = entries.filter((e) => !e.directory);
    expect(files.map((e) => e.name).sort()).toEqual(['readme.txt', '网格/网格.geojson']);
    for (const e of files) {
      expect(extractEntry(buf, e).toString()).toBe(e.name === 'readme.txt' ? 'hello' : text.toString());
    }
  });

  it('decodes GBK names written without the UTF-8 flag (Chinese Windows)', () => {
    const buf = handZip({ name: iconv.encode('宁波网格.geojson', 'gbk'), data: text });
    expect(readZipDirectory(buf)[0].name).toBe('宁波网格.geojson');
  });

  it('takes sizes from Zip64 extra fields', () => {
    const buf = handZip({ name: Buffer.from('a.json'), data: text, zip64: true });
    const [e] = readZipDirectory(buf);
    expect([e.uncompressedSize, e.localOffset]).toEqual([text.length, 0]);
    expect(extractEntry(buf, e)).toEqual(text);
  });

  it('declared ratio: stored 1, deflated zeros about a thousand', () => {
    const zeros = handZip({ name: Buffer.from('z.dbf'), data: Buffer.alloc(1 << 20) });
    expect(entryRatio(readZipDirectory(zeros)[0])).toBeGreaterThan(900);
    const stored = handZip({ name: Buffer.from('s.txt'), data: text, method: 0 });
    expect(entryRatio(readZipDirectory(stored)[0])).toBe(1);
  });

  it('never inflates past the declared size, and checks size and CRC', () => {
    const lying = handZip({ name: Buffer.from('big.shp'), data: Buffer.alloc(1 << 20), declared: 1000 });
    expect(() => extractEntry(lying, readZipDirectory(lying)[0])).toThrow(
      'big.shp inflates past its declared size of 1000 bytes',
    );
    const short = handZip({ name: Buffer.from('s.shp'), data: Buffer.alloc(100), declared: 200 });
    expect(() => extractEntry(short, readZipDirectory(short)[0])).toThrow(
      's.shp has 100 bytes, its header says 200',
    );
    const bad = handZip({ name: Buffer.from('c.shp'), data: text, crc: 1234 });
    expect(() => extractEntry(bad, readZipDirectory(bad)[0])).toThrow('c.shp fails its CRC-32 check');
  });

  it('refuses encryption, other methods, and what is not a zip', () => {
    const enc = handZip({ name: Buffer.from('e.shp'), data: text, flags: 1 });
    expect(() => extractEntry(enc, readZipDirectory(enc)[0])).toThrow('e.shp is encrypted');
    const bz = handZip({ name: Buffer.from('b.shp'), data: text, method: 12 });
    expect(() => extractEntry(bz, readZipDirectory(bz)[0])).toThrow('compression method 12');
    expect(() => readZipDirectory(Buffer.from('not a zip at all, just text'))).toThrow(ZipError);
    const whole = handZip({ name: Buffer.from('a.json'), data: text });
    expect(() => readZipDirectory(whole.subarray(0, whole.length - 30))).toThrow(/end of central directory/);
  });

  it('crc32 is the IEEE one zip uses', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('6789'), crc32(Buffer.from('12345')))).toBe(0xcbf43926);
  });
});
