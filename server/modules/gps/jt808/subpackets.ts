/**
 * Reassembly of subpackaged messages (header bit 13: packet total + 1-based index), one
 * `Reassembler` per connection.
 *
 * A message is identified by its id and the serial of its first packet: the packets of one message
 * carry consecutive serials, so the first one's is `serial − index + 1` (mod 2^16) — the "original
 * serial" 0x8003 asks about. Bounded, because the peer chooses every number here:
 * - `maxPackets` per message (a larger total is refused at its first packet),
 * - `maxMessages` in progress per connection (a new one evicts the oldest: a terminal that gave up
 *   on a message must not block its next ones),
 * - `timeoutMs` since the last new packet: the first time a message runs out, `sweep` asks for the
 *   missing packets (0x8003) and waits once more; the second time it is dropped.
 * So a connection holds at most maxMessages × maxPackets × 1023 body bytes here. A repeated packet
 * (a terminal re-sending after a lost answer) is tolerated: the first copy is kept.
 */
import type { Jt808Address, Jt808Header } from './packet.ts';

export interface ReassemblyLimits {
  maxPackets: number;
  maxMessages: number;
  timeoutMs: number;
}

export const DEFAULT_REASSEMBLY: ReassemblyLimits = { maxPackets: 32, maxMessages: 4, timeoutMs: 30_000 };

export interface PendingMessage {
  messageId: number;
  firstSerial: number;
  total: number;
  address: Jt808Address;
}

export type ReassemblyResult =
  /** Stored; `evicted` is an older unfinished message dropped to make room for this one. */
  | { kind: 'partial'; evicted?: PendingMessage }
  | { kind: 'duplicate' }
  | { kind: 'complete'; firstSerial: number; body: Buffer }
  | { kind: 'refused'; detail: string };

interface Unfinished extends PendingMessage {
  parts: (Buffer | undefined)[];
  received: number;
  deadline: number;
  resendAsked: boolean;
}

export interface SweepResult {
  /** Timed out once: ask the terminal for these packet indexes (0x8003). */
  resend: (PendingMessage & { missing: number[] })[];
  /** Timed out twice: dropped. */
  expired: PendingMessage[];
}

export class Reassembler {
  private readonly messages = new Map<string, Unfinished>();
  /**
   * Messages completed within the last timeout, by key: a packet of one of them arriving again
   * (the terminal missed our answer) is a duplicate, not the start of a new message that would
   * time out and make us ask for the whole message again. At most 2 × maxMessages kept.
   */
  private readonly completed = new Map<string, number>();

  constructor(private readonly limits: ReassemblyLimits = DEFAULT_REASSEMBLY) {}

  /** Messages in progress. */
  get size(): number {
    return this.messages.size;
  }

  /** Adds one packet of a subpackaged message (`header.packet` set, already range-checked). */
  add(header: Jt808Header, body: Uint8Array, now: number): ReassemblyResult {
    const packet = header.packet;
    if (!packet) return { kind: 'refused', detail: 'not a subpacket' };
    const { total, index } = packet;
    if (total > this.limits.maxPackets) {
      return { kind: 'refused', detail: `${total} packets, at most ${this.limits.maxPackets}` };
    }
    const firstSerial = (header.serial - index + 1 + 0x10000) & 0xffff;
    const key = `${header.messageId}:${firstSerial}`;
    const doneUntil = this.completed.get(key);
    if (doneUntil !== undefined && doneUntil > now) return { kind: 'duplicate' };
    let evicted: PendingMessage | undefined;
    let m = this.messages.get(key);
    if (m && m.total !== total) {
      return { kind: 'refused', detail: `packet total ${total}, earlier packets said ${m.total}` };
    }
    if (!m) {
      if (this.messages.size >= this.limits.maxMessages) {
        const [oldestKey, oldest] = this.messages.entries().next().value as [string, Unfinished];
        this.messages.delete(oldestKey);
        evicted = pendingOf(oldest);
      }
      m = {
        messageId: header.messageId,
        firstSerial,
        total,
        address: {
          v2019: header.v2019,
          protocolVersion: header.protocolVersion,
          phoneDigits: header.phoneDigits,
        },
        parts: new Array(total),
        received: 0,
        deadline: 0,
        resendAsked: false,
      };
      this.messages.set(key, m);
    }
    if (m.parts[index - 1]) return { kind: 'duplicate' };
    // A copy: the body is a view of a socket chunk, which would otherwise stay alive with it.
    m.parts[index - 1] = Buffer.from(body);
    m.received++;
    m.deadline = now + this.limits.timeoutMs;
    if (m.received < total) return evicted ? { kind: 'partial', evicted } : { kind: 'partial' };
    this.messages.delete(key);
    this.completed.delete(key);
    this.completed.set(key, now + this.limits.timeoutMs);
    if (this.completed.size > 2 * this.limits.maxMessages) {
      this.completed.delete(this.completed.keys().next().value as string);
    }
    return { kind: 'complete', firstSerial, body: Buffer.concat(m.parts as Buffer[]) };
  }

  /** Messages whose time ran out by `now`: asked for again once, then dropped. */
  sweep(now: number): SweepResult {
    const out: SweepResult = { resend: [], expired: [] };
    for (const [key, until] of this.completed) if (until <= now) this.completed.delete(key);
    for (const [key, m] of this.messages) {
      if (m.deadline > now) continue;
      if (!m.resendAsked) {
        m.resendAsked = true;
        m.deadline = now + this.limits.timeoutMs;
        const missing: number[] = [];
        for (let i = 0; i < m.total; i++) if (!m.parts[i]) missing.push(i + 1);
        out.resend.push({ ...pendingOf(m), missing });
      } else {
        this.messages.delete(key);
        out.expired.push(pendingOf(m));
      }
    }
    return out;
  }
}

function pendingOf(m: Unfinished): PendingMessage {
  return { messageId: m.messageId, firstSerial: m.firstSerial, total: m.total, address: m.address };
}
