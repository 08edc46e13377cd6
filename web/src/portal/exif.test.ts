import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readPhotoPosition } from './exif';

const buf = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

async function jpeg(gps?: Record<string, string>) {
  return sharp({ create: { width: 16, height: 12, channels: 3, background: '#3366cc' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'Phone', Model: 'X' }, ...(gps ? { IFD3: gps } : {}) })
    .toBuffer();
}

describe('readPhotoPosition', () => {
  it('reads a phone photo’s GPS position (north-east: 天一广场)', async () => {
    const photo = await jpeg({
      GPSLatitudeRef: 'N',
      GPSLatitude: '29/1 52/1 1200/100',
      GPSLongitudeRef: 'E',
      GPSLongitude: '121/1 33/1 360/100',
    });
    const p = readPhotoPosition(buf(photo));
    expect(p?.lat).toBeCloseTo(29 + 52 / 60 + 12 / 3600, 9);
    expect(p?.lng).toBeCloseTo(121 + 33 / 60 + 3.6 / 3600, 9);
  });

  it('south and west are negative', async () => {
    const p = readPhotoPosition(
      buf(
        await jpeg({
          GPSLatitudeRef: 'S',
          GPSLatitude: '33/1 52/1 0/1',
          GPSLongitudeRef: 'W',
          GPSLongitude: '70/1 30/1 0/1',
        }),
      ),
    );
    expect(p?.lat).toBeCloseTo(-(33 + 52 / 60), 9);
    expect(p?.lng).toBeCloseTo(-70.5, 9);
  });

  it('gives null without GPS, for other formats and for a 0,0 fix', async () => {
    expect(readPhotoPosition(buf(await jpeg()))).toBeNull();
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    expect(readPhotoPosition(buf(png))).toBeNull();
    const zero = await jpeg({
      GPSLatitudeRef: 'N',
      GPSLatitude: '0/1 0/1 0/1',
      GPSLongitudeRef: 'E',
      GPSLongitude: '0/1 0/1 0/1',
    });
    expect(readPhotoPosition(buf(zero))).toBeNull();
    expect(readPhotoPosition(new ArrayBuffer(0))).toBeNull();
  });

  it('never throws on damaged or random bytes', async () => {
    const photo = await jpeg({
      GPSLatitudeRef: 'N',
      GPSLatitude: '29/1 52/1 0/1',
      GPSLongitudeRef: 'E',
      GPSLongitude: '121/1 33/1 0/1',
    });
    fc.assert(
      fc.property(
        fc.nat({ max: photo.length }),
        fc.array(fc.tuple(fc.nat({ max: photo.length - 1 }), fc.nat({ max: 255 })), { maxLength: 8 }),
        (cut, flips) => {
          const b = Buffer.from(photo.subarray(0, cut));
          for (const [i, x] of flips) if (i < b.length) b[i] = x;
          const p = readPhotoPosition(buf(b));
          if (p) {
            expect(Math.abs(p.lat)).toBeLessThanOrEqual(90);
            expect(Math.abs(p.lng)).toBeLessThanOrEqual(180);
          }
        },
      ),
      { numRuns: 500, seed: 20_261_010 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const b = Buffer.from(bytes);
        if (b.length >= 2) b.writeUInt16BE(0xffd8, 0);
        readPhotoPosition(buf(b));
      }),
      { numRuns: 500, seed: 20_261_011 },
    );
  });
});
