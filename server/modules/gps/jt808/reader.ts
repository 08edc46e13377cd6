/**
 * A cursor over bytes a terminal sent, and the one list of reasons a JT/T 808 frame or message is
 * refused. Every field of a body is read through `ByteReader`, which never reads past the end it
 * was given: a short body raises `BodyError` inside a decoder, and each public decoder catches it
 * at its boundary and answers `{ ok: false, reason }`. Nothing outside this folder sees a throw.
 *
 * The alternative, a length check before every field, is what the decoders Traccar's issue
 * #5331 shows crashing forgot once; one bounded cursor cannot forget.
 */

/** Why a frame or a message was refused: logged, counted, and turned into 0x8001 result 2. */
export const JT808_REASONS = [
  /** 0x7D followed by anything but 0x01 or 0x02, or at the end of the frame. */
  'bad_escape',
  /** The XOR of header and body differs from the checksum byte. */
  'bad_checksum',
  /** Fewer bytes than the smallest header plus the checksum. */
  'too_short',
  /** More bytes between two flags than the largest possible frame (framing.ts `MAX_ESCAPED_FRAME`). */
  'oversized',
  /** The header's body length is not the length of the body that came. */
  'length_mismatch',
  /** Encrypted body (RSA, bits 10–12): we hold no key, so we cannot read it. */
  'encrypted',
  /** Subpacket fields out of range (index 0, index past the total, total past the limit, …). */
  'bad_subpacket',
  /** A body shorter than its fixed fields, or with fields that contradict its length. */
  'bad_body',
  /** A BCD time with a nibble above 9, or a date that does not exist (2024-02-30, hour 24). */
  'bad_time',
  /** Latitude above 90° or longitude above 180°. */
  'bad_coordinates',
] as const;

export type Jt808Reason = (typeof JT808_REASONS)[number];

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: Jt808Reason; detail?: string };

/** Raised by ByteReader and decoders; caught by the decoder that exported the call. */
export class BodyError extends Error {
  constructor(
    readonly reason: Jt808Reason,
    detail: string,
  ) {
    super(detail);
  }
}

/** Runs `decode`, turning a BodyError into a refusal. Any other error is a bug and is rethrown. */
export function guard<T>(decode: () => T): Decoded<T> {
  try {
    return { ok: true, value: decode() };
  } catch (e) {
    if (e instanceof BodyError) return { ok: false, reason: e.reason, detail: e.message };
    throw e;
  }
}

export class ByteReader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
    /** The reason a read past the end gives: `bad_body` for bodies, `too_short` for headers. */
    private readonly shortReason: Jt808Reason = 'bad_body',
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private take(n: number): number {
    if (n < 0 || this.pos + n > this.end) {
      throw new BodyError(this.shortReason, `needs ${n} byte(s) at ${this.pos}, ${this.remaining} left`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.buf[this.take(1)];
  }

  u16(): number {
    const at = this.take(2);
    return (this.buf[at] << 8) | this.buf[at + 1];
  }

  i16(): number {
    const v = this.u16();
    return v >= 0x8000 ? v - 0x10000 : v;
  }

  u32(): number {
    const at = this.take(4);
    // Multiplication, not `<< 24`: a shift would make bit 31 negative.
    return this.buf[at] * 0x1000000 + ((this.buf[at + 1] << 16) | (this.buf[at + 2] << 8) | this.buf[at + 3]);
  }

  bytes(n: number): Uint8Array {
    const at = this.take(n);
    return this.buf.subarray(at, at + n);
  }

  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }
}

/** Lower-case hex of some bytes, for raw items and logs. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
