/** Subpacket reassembly: order, duplicates, missing packets (re-send request, then timeout), bounds. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePacket, type Jt808Packet } from './packet.ts';
import { terminalFrame } from './simulator.ts';
import { Reassembler, type ReassemblyLimits } from './subpackets.ts';

const LIMITS: ReassemblyLimits = { maxPackets: 8, maxMessages: 2, timeoutMs: 1000 };

/** A message body of `n` bytes cut into `size`-byte packets starting at `serial`. */
function packets(body: Buffer, size: number, serial = 100, messageId = 0x0704, v2019 = false): Jt808Packet[] {
  const total = Math.ceil(body.length / size);
  return Array.from({ length: total }, (_, i) => {
    const r = decodePacket(
      terminalFrame({
        messageId,
        phone: '13800000000',
        serial: (serial + i) & 0xffff,
        v2019,
        body: body.subarray(i * size, (i + 1) * size),
        packet: { total, index: i + 1 },
      }).subarray(1, -1),
    );
    if (!r.ok) throw new Error(r.reason);
    return r.packet;
  });
}

const body = Buffer.from(Array.from({ length: 50 }, (_, i) => i));

describe('Reassembler', () => {
  it('joins packets in order, out of order and with duplicates, identifying the message by its first serial', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 5, maxLength: 5 }),
        fc.array(fc.nat(4), { maxLength: 4 }),
        fc.integer({ min: 0, max: 0xffff }),
        (order, dups, serial) => {
          const r = new Reassembler(LIMITS);
          const ps = packets(body, 10, serial);
          const sequence = [...order];
          for (const d of dups) sequence.splice(sequence.indexOf(d) + 1, 0, d);
          const results = sequence.map((i) => r.add(ps[i].header, ps[i].body, 0));
          const complete = results.filter((x) => x.kind === 'complete');
          expect(complete).toEqual([{ kind: 'complete', firstSerial: serial, body }]);
          // A repeat of the completing packet (its answer was lost) is a duplicate, not a new message.
          expect(results.filter((x) => x.kind === 'duplicate').length).toBe(dups.length);
          expect(r.size).toBe(0);
        },
      ),
      { seed: 808, numRuns: 200 },
    );
  });

  it('keeps two messages with different first serials apart, across the serial wrap', () => {
    const r = new Reassembler(LIMITS);
    const a = packets(body, 25, 0xffff);
    const b = packets(Buffer.from('second message'), 5, 5);
    expect(r.add(a[0].header, a[0].body, 0).kind).toBe('partial');
    expect(r.add(b[0].header, b[0].body, 0).kind).toBe('partial');
    expect(r.add(b[1].header, b[1].body, 0).kind).toBe('partial');
    expect(r.add(a[1].header, a[1].body, 0)).toEqual({ kind: 'complete', firstSerial: 0xffff, body });
    expect(r.add(b[2].header, b[2].body, 0)).toEqual({
      kind: 'complete',
      firstSerial: 5,
      body: Buffer.from('second message'),
    });
  });

  it('asks for the missing packets once the time runs out, then drops the message', () => {
    const r = new Reassembler(LIMITS);
    const ps = packets(body, 10, 40);
    r.add(ps[0].header, ps[0].body, 0);
    r.add(ps[3].header, ps[3].body, 500);
    expect(r.sweep(1499)).toEqual({ resend: [], expired: [] });
    const first = r.sweep(1500);
    expect(first.expired).toEqual([]);
    expect(first.resend).toEqual([
      {
        messageId: 0x0704,
        firstSerial: 40,
        total: 5,
        missing: [2, 3, 5],
        address: { v2019: false, protocolVersion: null, phoneDigits: '013800000000' },
      },
    ]);
    expect(r.sweep(2499)).toEqual({ resend: [], expired: [] });
    expect(r.sweep(2500).expired).toMatchObject([{ messageId: 0x0704, firstSerial: 40 }]);
    expect(r.size).toBe(0);
  });

  it('a re-sent packet after the request completes the message', () => {
    const r = new Reassembler(LIMITS);
    const ps = packets(body, 25, 7);
    r.add(ps[0].header, ps[0].body, 0);
    expect(r.sweep(1000).resend).toHaveLength(1);
    expect(r.add(ps[1].header, ps[1].body, 1200)).toMatchObject({ kind: 'complete', firstSerial: 7 });
  });

  it('is bounded: packets per message, messages per connection, consistent totals', () => {
    const r = new Reassembler(LIMITS);
    const tooMany = packets(Buffer.alloc(9), 1);
    expect(r.add(tooMany[0].header, tooMany[0].body, 0)).toMatchObject({ kind: 'refused' });
    expect(r.size).toBe(0);

    const m1 = packets(body, 10, 100);
    const m2 = packets(body, 10, 200);
    const m3 = packets(body, 10, 300);
    r.add(m1[0].header, m1[0].body, 0);
    r.add(m2[0].header, m2[0].body, 0);
    expect(r.add(m3[0].header, m3[0].body, 0)).toMatchObject({
      kind: 'partial',
      evicted: { firstSerial: 100 },
    });
    expect(r.size).toBe(2);

    // Same message id and first serial, another total: refused, the stored message untouched.
    const other = packets(body, 25, 200);
    expect(r.add(other[0].header, other[0].body, 0)).toMatchObject({ kind: 'refused' });
    expect(r.add(other[1].header, other[1].body, 0)).toMatchObject({ kind: 'refused' });
    expect(r.size).toBe(2);
  });
});
