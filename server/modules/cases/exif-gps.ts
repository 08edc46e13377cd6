/**
 * The GPS block of a photo's EXIF, and nothing else of it. Uploaded photos are re-encoded
 * (photos.ts): every other piece of metadata — camera and owner names, serial numbers, thumbnails,
 * maker notes, XMP — is dropped, but where and when a picture of a problem in public space was
 * taken is evidence, so these tags are read here and written into the re-encoded file again
 * (sharp `withExif`, IFD3 = the GPS IFD, values in libvips' string form).
 *
 * A small reader of the TIFF structure that EXIF is (byte order, IFD0, the GPSInfo pointer, the
 * GPS IFD), bounds-checked at every step: a malformed block yields no GPS, never an error — the
 * photo itself is still good.
 */

/** The GPS tags kept: position, altitude, time of the fix, direction of view, datum. */
const KEPT: Record<number, string> = {
  1: 'GPSLatitudeRef',
  2: 'GPSLatitude',
  3: 'GPSLongitudeRef',
  4: 'GPSLongitude',
  5: 'GPSAltitudeRef',
  6: 'GPSAltitude',
  7: 'GPSTimeStamp',
  16: 'GPSImgDirectionRef',
  17: 'GPSImgDirection',
  18: 'GPSMapDatum',
  29: 'GPSDateStamp',
};

const GPS_IFD_POINTER = 0x8825;

// TIFF field types: bytes per value.
const SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8, 13: 4 };

export interface ExifGps {
  /** The kept tags as libvips writes them: ASCII as text, rationals as "n/d n/d …", bytes as numbers. */
  tags: Record<string, string>;
  /** WGS84 decimal degrees when latitude and longitude are both present and valid. */
  lat: number | null;
  lng: number | null;
}

type Value = string | number[] | [number, number][];

function reader(buf: Buffer, base: number, little: boolean) {
  const ok = (off: number, len: number) => off >= 0 && len >= 0 && base + off + len <= buf.length;
  const u16 = (off: number) => (little ? buf.readUInt16LE(base + off) : buf.readUInt16BE(base + off));
  const u32 = (off: number) => (little ? buf.readUInt32LE(base + off) : buf.readUInt32BE(base + off));
  const i32 = (off: number) => (little ? buf.readInt32LE(base + off) : buf.readInt32BE(base + off));

  /** The entries of the IFD at `off` (relative to the TIFF header), as tag → [type, count, value offset]. */
  function ifd(off: number): Map<number, [number, number, number]> | null {
    if (!ok(off, 2)) return null;
    const n = u16(off);
    if (!ok(off + 2, n * 12)) return null;
    const out = new Map<number, [number, number, number]>();
    for (let i = 0; i < n; i++) {
      const e = off + 2 + i * 12;
      const type = u16(e + 2);
      const count = u32(e + 4);
      const size = SIZES[type];
      if (!size || count === 0 || count > 64) continue;
      // Values of four bytes or less sit in the entry itself; longer ones at the offset it holds.
      const at = size * count <= 4 ? e + 8 : u32(e + 8);
      if (!ok(at, size * count)) continue;
      out.set(u16(e), [type, count, at]);
    }
    return out;
  }

  function value([type, count, at]: [number, number, number]): Value | null {
    if (type === 2) {
      const s = buf.subarray(base + at, base + at + count).toString('latin1');
      const text = s.split('\0')[0];
      // Only printable ASCII goes back into the file.
      return /^[\x20-\x7e]*$/.test(text) ? text : null;
    }
    const out: number[] = [];
    const pairs: [number, number][] = [];
    for (let i = 0; i < count; i++) {
      if (type === 1 || type === 7) out.push(buf[base + at + i]);
      else if (type === 3) out.push(u16(at + i * 2));
      else if (type === 4) out.push(u32(at + i * 4));
      else if (type === 9) out.push(i32(at + i * 4));
      else if (type === 5) pairs.push([u32(at + i * 8), u32(at + i * 8 + 4)]);
      else if (type === 10) pairs.push([i32(at + i * 8), i32(at + i * 8 + 4)]);
    }
    return type === 5 || type === 10 ? pairs : out;
  }

  return { ok, u16, u32, ifd, value };
}

const isPairs = (v: Value | undefined): v is [number, number][] => Array.isArray(v) && Array.isArray(v[0]);

/** Degrees, minutes, seconds (rationals) → decimal degrees; null when a denominator is 0. */
function degrees(v: Value | undefined, ref: Value | undefined, neg: string): number | null {
  if (!isPairs(v) || v.length !== 3 || typeof ref !== 'string') return null;
  if (v.some(([, d]) => d === 0)) return null;
  const [d, m, s] = v.map(([n, den]) => n / den);
  const x = d + m / 60 + s / 3600;
  return ref.toUpperCase() === neg ? -x : x;
}

/** Reads the GPS tags of an EXIF block (as sharp's `metadata().exif` gives it); null when there are none. */
export function readExifGps(exif: Buffer | undefined): ExifGps | null {
  if (!exif || exif.length < 8) return null;
  // sharp hands the APP1 payload: "Exif\0\0" then the TIFF header; a bare TIFF header is fine too.
  const base = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0;
  const order = exif.subarray(base, base + 2).toString('latin1');
  if (order !== 'II' && order !== 'MM') return null;
  const r = reader(exif, base, order === 'II');
  if (!r.ok(0, 8) || r.u16(2) !== 42) return null;
  const ifd0 = r.ifd(r.u32(4));
  const pointer = ifd0?.get(GPS_IFD_POINTER);
  if (!pointer) return null;
  const [ptype, , pat] = pointer;
  if (ptype !== 4 && ptype !== 13) return null;
  const gps = r.ifd(r.u32(pat));
  if (!gps) return null;

  const values = new Map<string, Value>();
  for (const [tag, entry] of gps) {
    const name = KEPT[tag];
    if (!name) continue;
    const v = r.value(entry);
    if (v !== null) values.set(name, v);
  }
  if (values.size === 0) return null;

  const tags: Record<string, string> = {};
  for (const [name, v] of values) {
    tags[name] =
      typeof v === 'string' ? v : isPairs(v) ? v.map(([n, d]) => `${n}/${d}`).join(' ') : v.join(' ');
  }
  const lat = degrees(values.get('GPSLatitude'), values.get('GPSLatitudeRef'), 'S');
  const lng = degrees(values.get('GPSLongitude'), values.get('GPSLongitudeRef'), 'W');
  const valid = lat !== null && lng !== null && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;
  return { tags, lat: valid ? lat : null, lng: valid ? lng : null };
}
