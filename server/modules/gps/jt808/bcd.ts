/**
 * BCD (8421) fields of JT/T 808: the terminal phone/ID in the header and the `YYMMDDhhmmss` time
 * of a location.
 *
 * The time is kept as the fields the device sent (`BcdTime`) and turned into an instant only with
 * the terminal's UTC offset (`bcdTimeToDate`): the spec says GMT+8, but devices abroad or
 * misconfigured send UTC or another zone, so the offset is a per-terminal setting (issue 12).
 */
import { BodyError, toHex } from './reader.ts';

export interface BcdTime {
  /** Four digits: the spec's two-digit year is 20YY. */
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** China's offset, the spec's default for every device time. */
export const DEFAULT_UTC_OFFSET_MINUTES = 480;

/**
 * The header's phone/ID as the hex digits of its bytes. A valid BCD gives decimal digits; a nibble
 * A–F (some vendors pad with F) is kept rather than refusing the frame, so such a terminal is
 * simply unknown to the registry instead of unanswerable.
 */
export function phoneDigits(bytes: Uint8Array): string {
  return toHex(bytes).toUpperCase();
}

/**
 * The terminal's identity handed to the backend: the digits without leading zeros, so a 2013
 * header's `013912344329` and a 2019 header's `00000000013912344329` (the same SIM) are one
 * terminal, `13912344329` — what an operator types into the registry. All zeros stays `0`.
 */
export function terminalPhoneOf(digits: string): string {
  const stripped = digits.replace(/^0+/, '');
  return stripped === '' ? '0' : stripped;
}

/** The `width` bytes of a phone/ID given as digits (left-padded with zeros, longer ones refused). */
export function encodePhone(digits: string, width: 6 | 10): Buffer {
  if (!/^[0-9A-Fa-f]*$/.test(digits) || digits.length > width * 2) {
    throw new RangeError(`terminal phone ${JSON.stringify(digits)} does not fit BCD[${width}]`);
  }
  return Buffer.from(digits.padStart(width * 2, '0'), 'hex');
}

/** One BCD byte as 0–99; a nibble above 9 is `bad_time`. */
function bcdByte(b: number): number {
  const hi = b >> 4;
  const lo = b & 0x0f;
  if (hi > 9 || lo > 9) throw new BodyError('bad_time', `BCD byte 0x${b.toString(16)} is not decimal`);
  return hi * 10 + lo;
}

/** Reads six BCD bytes `YYMMDDhhmmss`; a nibble above 9 or a date that does not exist is `bad_time`. */
export function readBcdTime(bytes: Uint8Array): BcdTime {
  if (bytes.length !== 6) throw new BodyError('bad_time', `BCD time needs 6 bytes, got ${bytes.length}`);
  const [yy, month, day, hour, minute, second] = Array.from(bytes, bcdByte);
  const t: BcdTime = { year: 2000 + yy, month, day, hour, minute, second };
  // Date.UTC rolls 02-30 over to March: only a date that reads back the same exists.
  const d = new Date(Date.UTC(t.year, month - 1, day, hour, minute, second));
  if (
    month < 1 ||
    d.getUTCMonth() !== month - 1 ||
    d.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new BodyError(
      'bad_time',
      `no such time 20${pad(yy)}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}:${pad(second)}`,
    );
  }
  return t;
}

/** The UTC instant of a device time read in a zone `utcOffsetMinutes` east of UTC (+480 = GMT+8). */
export function bcdTimeToDate(t: BcdTime, utcOffsetMinutes = DEFAULT_UTC_OFFSET_MINUTES): Date {
  const local = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return new Date(local - utcOffsetMinutes * 60_000);
}

/** `YYMMDDhhmmss` of a device time: kept with a position as the device's own key for it. */
export function bcdTimeText(t: BcdTime): string {
  return [t.year % 100, t.month, t.day, t.hour, t.minute, t.second].map(pad).join('');
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
