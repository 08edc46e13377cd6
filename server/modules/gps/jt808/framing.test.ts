/** Framing: the spec's escaping example, escaping properties, and the bounded stream splitter. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeFrame,
  FLAG,
  FrameSplitter,
  MAX_ESCAPED_FRAME,
  type SplitEvent,
  unescapeFrame,
  xorChecksum,
} from './framing.ts';
import { decodePacket } from './packet.ts';
import { terminalFrame } from './simulator.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function split(chunks: Uint8Array[]): SplitEvent[] {
  const s = new FrameSplitter();
  const out: SplitEvent[] = [];
  for (const c of chunks) {
    s.push(c, (e) => out.push(e.kind === 'frame' ? { kind: 'frame', content: Buffer.from(e.content) } : e));
    expect(s.buffered).toBeLessThanOrEqual(MAX_ESCAPED_FRAME);
  }
  return out;
}

/** Cuts `bytes` at the given (sorted, deduplicated) offsets. */
function cut(bytes: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((a) => a % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

describe('escaping', () => {
  it('follows the spec example: 30 7E 08 7D 55 is sent as 7E 30 7D 02 08 7D 01 55 7E', () => {
    const sent = escapeFrame(hex('30 7E 08 7D 55'));
    expect(sent).toEqual(hex('7E 30 7D 02 08 7D 01 55 7E'));
    expect(unescapeFrame(sent.subarray(1, -1))).toEqual({ ok: true, value: hex('30 7E 08 7D 55') });
  });

  it('round-trips any bytes, and an escaped frame has 0x7E only at its two ends (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const sent = escapeFrame(bytes);
        expect(sent[0]).toBe(FLAG);
        expect(sent.at(-1)).toBe(FLAG);
        const inner = sent.subarray(1, -1);
        expect(inner.includes(FLAG)).toBe(false);
        expect(inner.length).toBeLessThanOrEqual(bytes.length * 2);
        const back = unescapeFrame(inner);
        expect(back.ok && Buffer.from(back.value).equals(Buffer.from(bytes))).toBe(true);
      }),
      { seed: 808, numRuns: 500 },
    );
  });

  it('refuses an invalid escape for that frame only', () => {
    expect(unescapeFrame(hex('01 7D 03 02'))).toMatchObject({ ok: false, reason: 'bad_escape' });
    expect(unescapeFrame(hex('01 02 7D'))).toMatchObject({ ok: false, reason: 'bad_escape' });
    expect(unescapeFrame(hex('01 7D 03'), true)).toEqual({ ok: true, value: hex('01 7D 03') });
    const events = split([
      hex('7E 01 7D 03 7E'),
      terminalFrame({ messageId: 2, phone: '1', serial: 1, body: Buffer.alloc(0) }),
    ]);
    expect(events.map((e) => e.kind === 'frame' && decodePacket(e.content).ok)).toEqual([false, true]);
  });

  it('checks the XOR of header and body', () => {
    expect(xorChecksum(hex('01 02 04'))).toBe(7);
    expect(xorChecksum(hex('FF FF 13'), 0, 2)).toBe(0);
  });
});

describe('FrameSplitter', () => {
  const frames = [0, 1, 2].map((i) =>
    terminalFrame({ messageId: 0x0002, phone: '13800000000', serial: 0x7e7d + i, body: hex('7E 7D 00') }),
  );
  const stream = Buffer.concat(frames);
  const contents = frames.map((f) => f.subarray(1, -1));

  it('gives the same frames however the stream is cut (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (at) => {
        const events = split(cut(stream, at));
        expect(events).toEqual(contents.map((c) => ({ kind: 'frame', content: c })));
      }),
      { seed: 808, numRuns: 300 },
    );
  });

  it('skips noise before the first flag and the empty gap between frames; shares a flag between frames', () => {
    const shared = Buffer.concat([frames[0].subarray(0, -1), frames[1]]);
    const events = split([hex('00 11 22'), shared]);
    expect(events).toEqual([
      { kind: 'noise', length: 3 },
      { kind: 'frame', content: contents[0] },
      { kind: 'frame', content: contents[1] },
    ]);
  });

  it('drops a frame longer than the largest possible one, keeps its head, and resyncs on the next flag', () => {
    const head = frames[0].subarray(0, 20);
    const huge = Buffer.concat([head, Buffer.alloc(MAX_ESCAPED_FRAME, 0x41), Buffer.from([FLAG])]);
    for (const chunking of [1, 7, 4096]) {
      const chunks = cut(
        Buffer.concat([huge, frames[2]]),
        Array.from(
          { length: Math.ceil((huge.length + frames[2].length) / chunking) },
          (_, i) => i * chunking,
        ),
      );
      const events = split(chunks);
      // The oversized frame's closing flag is followed by the next frame's opening flag: an empty gap.
      expect(events).toEqual([
        {
          kind: 'oversized',
          head: Buffer.concat([head.subarray(1), Buffer.alloc(42 - 19, 0x41)]),
          length: 19 + MAX_ESCAPED_FRAME,
        },
        { kind: 'frame', content: contents[2] },
      ]);
    }
  });

  it('accepts a frame of exactly the largest size', () => {
    const body = Buffer.alloc(MAX_ESCAPED_FRAME, 0x41);
    const events = split([
      Buffer.from([FLAG]),
      body.subarray(0, 1000),
      body.subarray(1000),
      Buffer.from([FLAG]),
    ]);
    expect(events).toEqual([{ kind: 'frame', content: body }]);
  });

  it('never holds more than one frame, whatever the stream (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.uint8Array({ maxLength: 3000 }), fc.constant(Uint8Array.of(FLAG))), {
          maxLength: 20,
        }),
        (chunks) => {
          for (const e of split(chunks)) {
            if (e.kind === 'frame') expect(e.content.length).toBeLessThanOrEqual(MAX_ESCAPED_FRAME);
            if (e.kind === 'oversized') expect(e.head.length).toBeLessThanOrEqual(42);
          }
        },
      ),
      { seed: 808, numRuns: 200 },
    );
  });
});
