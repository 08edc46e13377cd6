/**
 * Where a camera photo was taken, read in the browser from the JPEG's EXIF GPS tags before the
 * photo is sent, so the report form can offer that place. The server drops the tags from the
 * stored photo (modules/portal): the citizen chooses whether the photo's position is the report's.
 *
 * A small reader of the TIFF structure inside the JPEG's APP1 "Exif" segment — byte order, IFD0,
 * the GPSInfo pointer (0x8825), GPSLatitudeRef/GPSLatitude/GPSLongitudeRef/GPSLongitude — bounded
 * at every step: anything malformed, missing or out of range gives null, never an exception.
 * Positions are WGS84 (what GPS receivers record).
 */

export interface PhotoPosition {
  lng: number;
  lat: number;
}

const GPS_POINTER = 0x8825;
const MAX_SEGMENTS = 64;

export function readPhotoPosition(buffer: ArrayBuffer): PhotoPosition | null {
  try {
    return read(new DataView(buffer));
  } catch {
    return null;
  }
}

function read(v: DataView): PhotoPosition | null {
  if (v.byteLength < 4 || v.getUint16(0) !== 0xffd8) return null;
  let off = 2;
  for (let n = 0; n < MAX_SEGMENTS && off + 4 <= v.byteLength; n++) {
    if (v.getUint8(off) !== 0xff) return null;
    const marker = v.getUint8(off + 1);
    // Start of scan or end of image: the metadata segments are behind us.
    if (marker === 0xda || marker === 0xd9) return null;
    const len = v.getUint16(off + 2);
    if (len < 2 || off + 2 + len > v.byteLength) return null;
    if (marker === 0xe1 && len >= 8 && ascii(v, off + 4, 6) === 'Exif\0\0') {
      return tiff(v, off + 10, len - 8);
    }
    off += 2 + len;
  }
  return null;
}

function ascii(v: DataView, off: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(v.getUint8(off + i));
  return s;
}

/** The TIFF block at `base` of `size` bytes. */
function tiff(v: DataView, base: number, size: number): PhotoPosition | null {
  if (size < 8) return null;
  const order = ascii(v, base, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const little = order === 'II';
  const ok = (off: number, len: number) => off >= 0 && len >= 0 && off + len <= size;
  const u16 = (off: number) => v.getUint16(base + off, little);
  const u32 = (off: number) => v.getUint32(base + off, little);
  if (u16(2) !== 42) return null;

  /** The entries of the IFD at `off`: tag → [type, count, offset of the value or of its field]. */
  const ifd = (off: number) => {
    if (!ok(off, 2)) return null;
    const count = u16(off);
    if (!ok(off + 2, count * 12)) return null;
    const entries = new Map<number, [number, number, number]>();
    for (let i = 0; i < count; i++) {
      const e = off + 2 + i * 12;
      const type = u16(e + 2);
      const n = u32(e + 4);
      const bytes = n * ({ 1: 1, 2: 1, 3: 2, 4: 4, 5: 8 } as Record<number, number>)[type];
      if (!Number.isFinite(bytes)) continue;
      entries.set(u16(e), [type, n, bytes <= 4 ? e + 8 : u32(e + 8)]);
    }
    return entries;
  };

  const ifd0 = ifd(u32(4));
  const pointer = ifd0?.get(GPS_POINTER);
  if (!pointer || (pointer[0] !== 4 && pointer[0] !== 13)) return null;
  const gps = ifd(u32(pointer[2]));
  if (!gps) return null;

  const ref = (tag: number): string | null => {
    const e = gps.get(tag);
    if (e?.[0] !== 2 || e[1] < 1 || !ok(e[2], 1)) return null;
    return String.fromCharCode(v.getUint8(base + e[2]));
  };
  const degrees = (tag: number): number | null => {
    const e = gps.get(tag);
    if (e?.[0] !== 5 || e[1] !== 3 || !ok(e[2], 24)) return null;
    let total = 0;
    for (let i = 0; i < 3; i++) {
      const num = u32(e[2] + i * 8);
      const den = u32(e[2] + i * 8 + 4);
      if (den === 0) return null;
      total += num / den / 60 ** i;
    }
    return total;
  };

  const latRef = ref(1);
  const lngRef = ref(3);
  const lat = degrees(2);
  const lng = degrees(4);
  if (lat === null || lng === null || !latRef || !lngRef) return null;
  if (!'NS'.includes(latRef) || !'EW'.includes(lngRef)) return null;
  const out = { lat: latRef === 'S' ? -lat : lat, lng: lngRef === 'W' ? -lng : lng };
  if (Math.abs(out.lat) > 90 || Math.abs(out.lng) > 180) return null;
  // 0,0 is what some cameras write when they had no fix.
  if (out.lat === 0 && out.lng === 0) return null;
  return out;
}
