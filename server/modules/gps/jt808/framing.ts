/**
 * JT/T 808 framing (protocols.md §4.2): `0x7E | escaped(header | body | checksum) | 0x7E`.
 *
 * - `FrameSplitter` cuts a TCP byte stream into frames. Every 0x7E is a delimiter and what lies
 *   between two of them is a frame candidate (empty ones, the gap of `7E 7E` between two frames,
 *   are skipped). Treating each flag alike, rather than pairing "start" and "end" flags, means
 *   the splitter resynchronises by itself after noise or a dropped frame: at worst one candidate
 *   is garbage, fails its checksum and is refused on its own.
 * - The buffer per connection is bounded by `MAX_ESCAPED_FRAME`: past it, the candidate is
 *   dropped (its first bytes kept so the header can still be answered) and nothing more is stored
 *   until the next 0x7E.
 * - `unescapeFrame` / `escapeFrame` and `xorChecksum`. Order (spec): send = build, checksum, escape;
 *   receive = unescape, verify checksum, parse.
 */
import type { Decoded } from './reader.ts';

export const FLAG = 0x7e;
const ESC = 0x7d;

/** Largest header (2019 with subpackage fields) + largest body (10 bits of length) + checksum. */
export const MAX_FRAME = 21 + 1023 + 1;
/** Every byte may be escaped into two. */
export const MAX_ESCAPED_FRAME = MAX_FRAME * 2;
/** Bytes of a dropped oversized frame kept for reading its header (21 unescaped at most ×2). */
const HEAD_KEPT = 42;

export type SplitEvent =
  /** The escaped bytes between two flags (flags excluded, never empty). */
  | { kind: 'frame'; content: Uint8Array }
  /** A candidate longer than MAX_ESCAPED_FRAME: dropped; `head` is its first bytes, `length` its size. */
  | { kind: 'oversized'; head: Uint8Array; length: number }
  /** Bytes before the first flag of a connection: nothing to answer. */
  | { kind: 'noise'; length: number };

export class FrameSplitter {
  /** Whether a flag has been seen: bytes before the first one belong to no frame. */
  private synced = false;
  /** Bytes of the current candidate carried across chunks; allocated on first need. */
  private pending: Buffer | null = null;
  private pendingLength = 0;
  /** Size of the current candidate, counting bytes not stored once it overflowed. */
  private candidateLength = 0;

  /** Bytes held for an unfinished frame (at most MAX_ESCAPED_FRAME). */
  get buffered(): number {
    return this.pendingLength;
  }

  /** Feeds one chunk; calls `emit` for each frame, oversized drop or noise it completes. */
  push(chunk: Uint8Array, emit: (event: SplitEvent) => void): void {
    let start = 0;
    while (start < chunk.length) {
      const flag = chunk.indexOf(FLAG, start);
      const end = flag < 0 ? chunk.length : flag;
      if (!this.synced) {
        if (end > start) emit({ kind: 'noise', length: end - start });
        if (flag < 0) return;
        this.synced = true;
        start = flag + 1;
        continue;
      }
      if (flag >= 0 && this.candidateLength === 0 && end > start && end - start <= MAX_ESCAPED_FRAME) {
        // The whole candidate lies in this chunk: hand out a view, no copy. Node never reuses a
        // chunk it has handed to a 'data' listener, so the view stays valid while it is queued.
        emit({ kind: 'frame', content: chunk.subarray(start, end) });
      } else {
        this.append(chunk, start, end);
        if (flag >= 0) this.finish(emit);
      }
      if (flag < 0) return;
      start = flag + 1;
    }
  }

  private append(chunk: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n === 0) return;
    const room = MAX_ESCAPED_FRAME - this.pendingLength;
    const stored = Math.min(n, room);
    if (stored > 0) {
      if (!this.pending) this.pending = Buffer.allocUnsafe(MAX_ESCAPED_FRAME);
      this.pending.set(chunk.subarray(start, start + stored), this.pendingLength);
      this.pendingLength += stored;
    }
    this.candidateLength += n;
  }

  private finish(emit: (event: SplitEvent) => void): void {
    const length = this.candidateLength;
    const stored = this.pendingLength;
    this.candidateLength = 0;
    this.pendingLength = 0;
    if (length === 0 || !this.pending) return;
    if (length > MAX_ESCAPED_FRAME) {
      emit({
        kind: 'oversized',
        head: Buffer.from(this.pending.subarray(0, Math.min(HEAD_KEPT, stored))),
        length,
      });
    } else {
      // A copy: `pending` is reused for the next candidate.
      emit({ kind: 'frame', content: Buffer.from(this.pending.subarray(0, stored)) });
    }
  }
}

/**
 * Undoes the escaping of one frame's content: 7D 01 → 7D, 7D 02 → 7E. Any other byte after 0x7D,
 * or 0x7D last, is `bad_escape`. With `lenient`, a bad escape is kept as it came instead (used
 * only to read a refused frame's header for the answer, never to accept a frame).
 */
export function unescapeFrame(content: Uint8Array, lenient = false): Decoded<Uint8Array> {
  if (content.indexOf(ESC) < 0) return { ok: true, value: content };
  const out = Buffer.allocUnsafe(content.length);
  let n = 0;
  for (let i = 0; i < content.length; i++) {
    const b = content[i];
    if (b !== ESC) {
      out[n++] = b;
      continue;
    }
    const next = content[i + 1];
    if (next === 0x01 || next === 0x02) {
      out[n++] = next === 0x01 ? ESC : FLAG;
      i++;
    } else if (lenient) {
      out[n++] = b;
    } else {
      return {
        ok: false,
        reason: 'bad_escape',
        detail: `0x7D followed by ${next === undefined ? 'the end' : next}`,
      };
    }
  }
  return { ok: true, value: out.subarray(0, n) };
}

/** XOR of bytes [start, end): the checksum of header + body. */
export function xorChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= bytes[i];
  return x;
}

/** Escapes `content` (header + body + checksum) and wraps it in flags: the bytes to send. */
export function escapeFrame(content: Uint8Array): Buffer {
  let extra = 0;
  for (const b of content) if (b === FLAG || b === ESC) extra++;
  const out = Buffer.allocUnsafe(content.length + extra + 2);
  let n = 0;
  out[n++] = FLAG;
  for (const b of content) {
    if (b === FLAG || b === ESC) {
      out[n++] = ESC;
      out[n++] = b === ESC ? 0x01 : 0x02;
    } else {
      out[n++] = b;
    }
  }
  out[n++] = FLAG;
  return out;
}
