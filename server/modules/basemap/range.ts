/**
 * HTTP byte ranges (RFC 9110 §14) for serving base map archives: the browser's PMTiles reader
 * asks for one range per request (the header and root, a directory, a tile). Exactly one range of
 * the `bytes` unit is served (206); a header with several ranges, or one that is malformed or lies
 * past the end of the file, is refused with 416 rather than answered with the whole archive
 * (which may be gigabytes). A range of another unit is ignored (the whole file, 200), as the RFC
 * asks. The header is read only up to `MAX_RANGE_HEADER` characters.
 */

export const MAX_RANGE_HEADER = 200;

export type RangeAnswer =
  /** No (usable) Range header: the whole file. */
  | { kind: 'full' }
  /** One satisfiable range, inclusive byte positions. */
  | { kind: 'partial'; start: number; end: number }
  /** 416: several ranges, a malformed one, or one past the end. */
  | { kind: 'refused'; reason: 'multiple' | 'malformed' | 'beyond' };

const DIGITS = /^\d{1,15}$/;

/** What to send for `header` on a file of `size` bytes. */
export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: 'full' };
  if (header.length > MAX_RANGE_HEADER) return { kind: 'refused', reason: 'malformed' };
  const h = header.trim();
  const eq = h.indexOf('=');
  if (eq < 0) return { kind: 'refused', reason: 'malformed' };
  // Another unit: the RFC says to ignore the header.
  if (h.slice(0, eq).trim().toLowerCase() !== 'bytes') return { kind: 'full' };
  const spec = h.slice(eq + 1).trim();
  if (spec.includes(',')) return { kind: 'refused', reason: 'multiple' };
  const dash = spec.indexOf('-');
  if (dash < 0) return { kind: 'refused', reason: 'malformed' };
  const first = spec.slice(0, dash).trim();
  const last = spec.slice(dash + 1).trim();
  if (first === '') {
    // A suffix: the last n bytes.
    if (!DIGITS.test(last)) return { kind: 'refused', reason: 'malformed' };
    const n = Number(last);
    if (n === 0 || size === 0) return { kind: 'refused', reason: 'beyond' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  if (!DIGITS.test(first) || (last !== '' && !DIGITS.test(last)))
    return { kind: 'refused', reason: 'malformed' };
  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'refused', reason: 'malformed' };
  if (start >= size) return { kind: 'refused', reason: 'beyond' };
  const end = last === '' ? size - 1 : Number(last);
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}
