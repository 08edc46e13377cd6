/**
 * Test doubles for the gateway's tests: `MemoryBackend`, an in-memory `Jt808Backend` (the
 * gateway's unit tests do not need the database; the real backend is tested with the GPS module),
 * and `TestTerminal`, a TCP client speaking as a terminal and reading the platform's answers.
 * Not used by production code.
 */
import { connect, type Socket } from 'node:net';
import { FrameSplitter } from '../../server/modules/gps/jt808/framing.ts';
import { decodeTerminalResponse, MSG } from '../../server/modules/gps/jt808/messages.ts';
import { decodePacket, type Jt808Packet } from '../../server/modules/gps/jt808/packet.ts';
import { type TerminalFrame, terminalFrame } from '../../server/modules/gps/jt808/simulator.ts';
import type {
  Jt808Backend,
  Jt808Position,
  Jt808RegisterAnswer,
  Jt808Registration,
  Jt808Settings,
} from '../../server/modules/gps/jt808/types.ts';

export interface StoredBatch {
  terminalPhone: string;
  items: Jt808Position[];
  meta: { messageId: number; serial: number; blindArea: boolean };
}

export class MemoryBackend implements Jt808Backend {
  readonly terminals = new Map<string, { authCode: string; imei?: string; settings?: Jt808Settings }>();
  readonly registrations: Jt808Registration[] = [];
  readonly stored: StoredBatch[] = [];
  readonly logs: { level: string; msg: string; terminalPhone?: string; remote?: string }[] = [];
  /** The next this-many `positions` calls fail. */
  failPositions = 0;
  /** Delay before `positions` resolves, as a database would take. */
  positionsDelayMs = 0;

  async register(reg: Jt808Registration): Promise<Jt808RegisterAnswer> {
    this.registrations.push(reg);
    const t = this.terminals.get(reg.terminalPhone);
    return t ? { result: 0, authCode: t.authCode } : { result: 4 };
  }

  async authenticate(terminalPhone: string, authCode: string, imei?: string): Promise<boolean> {
    const t = this.terminals.get(terminalPhone);
    return !!t && t.authCode === authCode && (t.imei === undefined || t.imei === imei);
  }

  async settings(terminalPhone: string): Promise<Jt808Settings> {
    return this.terminals.get(terminalPhone)?.settings ?? { utcOffsetMinutes: 480, crs: 'wgs84' };
  }

  async positions(terminalPhone: string, items: Jt808Position[], meta: StoredBatch['meta']): Promise<void> {
    if (this.positionsDelayMs > 0) await new Promise((r) => setTimeout(r, this.positionsDelayMs));
    if (this.failPositions > 0) {
      this.failPositions--;
      throw new Error('database unavailable');
    }
    this.stored.push({ terminalPhone, items, meta });
  }

  log(event: { level: 'info' | 'warn'; msg: string; terminalPhone?: string; remote?: string }): void {
    this.logs.push(event);
  }

  positionsOf(terminalPhone: string): Jt808Position[] {
    return this.stored.filter((s) => s.terminalPhone === terminalPhone).flatMap((s) => s.items);
  }
}

export interface Answer {
  packet: Jt808Packet;
  /** For 0x8001: the decoded body. */
  replySerial?: number;
  replyId?: number;
  result?: number;
}

/** A terminal on a real TCP connection to the gateway. */
export class TestTerminal {
  serial = 0;
  /** Bytes received that did not decode as a valid packet (must stay 0: the gateway sends only valid frames). */
  invalidFrames = 0;
  /** The platform's serial of every packet received, in order. */
  readonly platformSerials: number[] = [];
  private readonly inbox: Answer[] = [];
  private waiters: (() => void)[] = [];
  private ended = false;
  readonly closed: Promise<void>;

  private constructor(
    readonly socket: Socket,
    readonly phone: string,
    readonly v2019: boolean,
  ) {
    const splitter = new FrameSplitter();
    socket.setNoDelay(true);
    socket.on('data', (chunk) =>
      splitter.push(chunk, (e) => {
        if (e.kind !== 'frame') return;
        const r = decodePacket(e.content);
        if (!r.ok) {
          this.invalidFrames++;
          return;
        }
        this.platformSerials.push(r.packet.header.serial);
        const a: Answer = { packet: r.packet };
        if (r.packet.header.messageId === MSG.platformResponse) {
          const b = decodeTerminalResponse(r.packet.body);
          if (b.ok) Object.assign(a, b.value);
        }
        this.inbox.push(a);
        this.wake();
      }),
    );
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.ended = true;
        this.wake();
        resolve();
      }),
    );
  }

  static connect(port: number, phone: string, v2019 = false): Promise<TestTerminal> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () =>
        resolve(new TestTerminal(socket, phone, v2019)),
      );
      socket.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  get isClosed(): boolean {
    return this.ended;
  }

  /** The frame this terminal would send, with its next serial. */
  frame(
    messageId: number,
    body: Uint8Array,
    extra: Partial<TerminalFrame> = {},
  ): { bytes: Buffer; serial: number } {
    const serial = this.serial;
    this.serial = (this.serial + 1) & 0xffff;
    const bytes = terminalFrame({ messageId, phone: this.phone, serial, body, v2019: this.v2019, ...extra });
    return { bytes, serial };
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Sends one message; returns its serial. */
  send(messageId: number, body: Uint8Array, extra: Partial<TerminalFrame> = {}): number {
    const f = this.frame(messageId, body, extra);
    this.write(f.bytes);
    return f.serial;
  }

  /** The next answer matching `match`, removed from the inbox; rejects after `timeoutMs`. */
  async next(match: (a: Answer) => boolean = () => true, timeoutMs = 3000): Promise<Answer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(match);
      if (i >= 0) return this.inbox.splice(i, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0 || this.ended)
        throw new Error(`no matching answer (${this.ended ? 'closed' : 'timeout'})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The 0x8001 answering `serial`. */
  response(serial: number, timeoutMs?: number): Promise<Answer> {
    return this.next(
      (a) => a.packet.header.messageId === MSG.platformResponse && a.replySerial === serial,
      timeoutMs,
    );
  }

  /** Sends and waits for the 0x8001 answering it. */
  async request(messageId: number, body: Uint8Array, extra?: Partial<TerminalFrame>): Promise<Answer> {
    return this.response(this.send(messageId, body, extra));
  }

  /** Answers received and not yet taken. */
  pending(): Answer[] {
    return [...this.inbox];
  }

  close(): void {
    this.socket.destroy();
  }
}
