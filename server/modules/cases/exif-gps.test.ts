import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readExifGps } from './exif-gps.ts';

/** A minimal big- or little-endian TIFF block: IFD0 with only the GPS pointer, then the GPS IFD. */
function tiff(little: boolean, entries: [tag: number, type: number, values: number[] | string][]): Buffer {
  const parts: Buffer[] = [];
  const u16 = (v: number) => {
    const b = Buffer.alloc(2);
    little ? b.writeUInt16LE(v) : b.writeUInt16BE(v);
    return b;
  };
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    little ? b.writeUInt32LE(v) : b.writeUInt32BE(v);
    return b;
  };
  // Header (8) + IFD0 with one entry (2 + 12 + 4) = 26: the GPS IFD starts there.
  const gpsAt = 26;
  parts.push(Buffer.from(little ? 'II' : 'MM'), u16(42), u32(8));
  parts.push(u16(1), u16(0x8825), u16(4), u32(1), u32(gpsAt), u32(0));
  const dataAt = gpsAt + 2 + entries.length * 12 + 4;
  const data: Buffer[] = [];
  let dataLen = 0;
  const ifd: Buffer[] = [u16(entries.length)];
  for (const [tag, type, values] of entries) {
    let bytes: Buffer;
    let count: number;
    if (typeof values === 'string') {
      bytes = Buffer.from(`${values}\0`, 'latin1');
      count = bytes.length;
    } else if (type === 5) {
      bytes = Buffer.concat(values.map((v) => u32(v)));
      count = values.length / 2;
    } else {
      bytes = Buffer.from(values);
      count = values.length;
    }
    let field: Buffer;
    if (bytes.length <= 4) field = Buffer.concat([bytes, Buffer.alloc(4 - bytes.length)]);
    else {
      field = u32(dataAt + dataLen);
      data.push(bytes);
      dataLen += bytes.length;
    }
    ifd.push(u16(tag), u16(type), u32(count), field);
  }
  ifd.push(u32(0));
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), ...parts, ...ifd, ...data]);
}

describe('readExifGps', () => {
  it('reads position, altitude and time from a big-endian block; south and west are negative', () => {
    const exif = tiff(false, [
      [1, 2, 'S'],
      [2, 5, [33, 1, 52, 1, 3000, 100]],
      [3, 2, 'W'],
      [4, 5, [70, 1, 30, 1, 0, 1]],
      [5, 1, [0]],
      [6, 5, [125, 10]],
      [0x1d, 2, '2026:05:01'],
      // Not kept: GPSSatellites (0x08) and an unknown tag.
      [8, 2, 'GPS-SATS'],
      [0x99, 2, 'x'],
    ]);
    const gps = readExifGps(exif);
    expect(gps?.tags).toEqual({
      GPSLatitudeRef: 'S',
      GPSLatitude: '33/1 52/1 3000/100',
      GPSLongitudeRef: 'W',
      GPSLongitude: '70/1 30/1 0/1',
      GPSAltitudeRef: '0',
      GPSAltitude: '125/10',
      GPSDateStamp: '2026:05:01',
    });
    expect(gps?.lat).toBeCloseTo(-(33 + 52 / 60 + 30 / 3600), 12);
    expect(gps?.lng).toBeCloseTo(-70.5, 12);
  });

  it('keeps the tags but gives no position when a denominator is 0 or the latitude is out of range', () => {
    const zero = readExifGps(
      tiff(true, [
        [1, 2, 'N'],
        [2, 5, [29, 0, 0, 1, 0, 1]],
        [3, 2, 'E'],
        [4, 5, [121, 1, 0, 1, 0, 1]],
      ]),
    );
    expect(zero?.tags.GPSLatitude).toBe('29/0 0/1 0/1');
    expect([zero?.lat, zero?.lng]).toEqual([null, null]);
    const far = readExifGps(
      tiff(true, [
        [1, 2, 'N'],
        [2, 5, [95, 1, 0, 1, 0, 1]],
        [3, 2, 'E'],
        [4, 5, [121, 1, 0, 1, 0, 1]],
      ]),
    );
    expect([far?.lat, far?.lng]).toEqual([null, null]);
  });

  it('drops text that is not printable ASCII', () => {
    const gps = readExifGps(tiff(true, [[0x12, 2, 'WGS\x01<84>']]));
    expect(gps).toBeNull();
  });

  it('answers null, never throws, for no EXIF, no GPS pointer, or any corruption of a good block', () => {
    expect(readExifGps(undefined)).toBeNull();
    expect(readExifGps(Buffer.alloc(0))).toBeNull();
    expect(readExifGps(Buffer.from('Exif\0\0II*\0\x08\0\0\0\0\0', 'latin1'))).toBeNull();
    const good = tiff(true, [
      [1, 2, 'N'],
      [2, 5, [29, 1, 52, 1, 1234, 100]],
      [3, 2, 'E'],
      [4, 5, [121, 1, 33, 1, 5, 1]],
    ]);
    expect(readExifGps(good)?.lat).toBeCloseTo(29.870094, 5);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(good.length),
        (flips, cut) => {
          const bad = Buffer.from(good);
          for (const [at, v] of flips) bad[at] = v;
          const out = readExifGps(bad.subarray(0, cut));
          if (out) for (const v of Object.values(out.tags)) expect(typeof v).toBe('string');
        },
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        readExifGps(Buffer.concat([Buffer.from('Exif\0\0II*\0\x08\0\0\0', 'latin1'), Buffer.from(bytes)]));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads what libvips writes, and libvips writes back what it reads (the upload path)', async () => {
    const tags = {
      GPSLatitudeRef: 'N',
      GPSLatitude: '29/1 52/1 1234/100',
      GPSLongitudeRef: 'E',
      GPSLongitude: '121/1 33/1 5/1',
      GPSAltitudeRef: '0',
      GPSAltitude: '125/10',
      GPSTimeStamp: '3/1 4/1 5/1',
      GPSImgDirectionRef: 'T',
      GPSImgDirection: '2705/10',
      GPSMapDatum: 'WGS-84',
      GPSDateStamp: '2026:05:01',
    };
    const img = sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } });
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const written = await img.clone()[format]().withExif({ IFD3: tags }).toBuffer();
      const read = readExifGps((await sharp(written).metadata()).exif);
      expect(read?.tags, format).toEqual(tags);
      const again = await sharp(written)[format]().withExif({ IFD3: read!.tags }).toBuffer();
      expect(readExifGps((await sharp(again).metadata()).exif), format).toEqual(read);
    }
  });
});
