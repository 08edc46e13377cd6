/**
 * One terminal's TCP connection: bytes in → frames → packets → the session (session.ts), answers
 * out, in the order the frames came. Everything a peer controls is bounded here:
 * - the splitter holds at most one frame (framing.ts `MAX_ESCAPED_FRAME`);
 * - frames wait in a queue while the backend stores earlier ones (positions stay in order); at
 *   `maxQueuedFrames` the socket is paused, so TCP pushes back on the terminal instead of memory
 *   growing; frames beyond `hardQueueLimit` (one huge chunk of tiny frames) are dropped;
 * - answers the peer does not read pause reading too, past `maxPendingOutputBytes`;
 * - log lines are rate-limited per connection, so a peer sending garbage cannot flood the log.
 * Every handler catches: nothing a peer sends throws out of here or touches another connection.
 */
import type { Socket } from 'node:net';
import { FrameSplitter, type SplitEvent } from './framing.ts';
import type { Gcj02ToWgs84 } from './location.ts';
import { decodePacket, encodePacket, type Jt808Address, readableHeader } from './packet.ts';
import { Jt808Session, type SessionCounters } from './session.ts';
import { Reassembler, type ReassemblyLimits } from './subpackets.ts';
import type { Jt808Backend } from './types.ts';

export interface Jt808Counters extends SessionCounters {
  /** Connections open now. */
  connections: number;
  connectionsTotal: number;
  /** Refused at the connection cap. */
  connectionsRejected: number;
  /** Closed for silence past the idle limit. */
  idleClosed: number;
  /** Frame candidates received (between two 0x7E). */
  framesIn: number;
  /** Frames sent (answers, registration responses, re-send requests). */
  answersOut: number;
  /** Bytes before a connection's first 0x7E, belonging to no frame. */
  noiseBytes: number;
  /** Errors caught in the gateway's own code (a bug, never the peer's doing): should stay 0. */
  internalErrors: number;
}

export interface ConnectionLimits {
  idleTimeoutMs: number;
  maxQueuedFrames: number;
  hardQueueLimit: number;
  maxPendingOutputBytes: number;
  maxAuthFailures: number;
  backendTimeoutMs: number;
  logsPerMinute: number;
  reassembly: ReassemblyLimits;
  /** The geo module's GCJ-02 → WGS84 conversion (gateway.ts). */
  gcj02ToWgs84: Gcj02ToWgs84;
}

export class Jt808Connection {
  readonly remote: string;
  private readonly splitter = new FrameSplitter();
  private readonly session: Jt808Session;
  private readonly queue: SplitEvent[] = [];
  private running: Promise<void> | null = null;
  private serial = 0;
  private closed = false;
  private logWindow = { start: 0, count: 0 };

  constructor(
    private readonly socket: Socket,
    private readonly backend: Jt808Backend,
    private readonly counters: Jt808Counters,
    private readonly limits: ConnectionLimits,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.session = new Jt808Session(
      backend,
      {
        send: (to, id, body) => this.send(to, id, body),
        log: (level, msg, terminalPhone) => this.log(level, msg, terminalPhone),
        end: () => this.socket.end(),
        remote: this.remote,
      },
      new Reassembler(limits.reassembly),
      counters,
      {
        maxAuthFailures: limits.maxAuthFailures,
        backendTimeoutMs: limits.backendTimeoutMs,
        now: Date.now,
        gcj02ToWgs84: limits.gcj02ToWgs84,
      },
    );
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutMs, () => {
      this.counters.idleClosed++;
      this.log('info', `idle for ${limits.idleTimeoutMs} ms: closed`);
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.flow());
    // Without an 'error' listener a reset from the peer would be thrown by the socket.
    socket.on('error', (e: NodeJS.ErrnoException) => this.log('info', `socket error ${e.code ?? e.message}`));
    socket.on('close', () => {
      this.closed = true;
      this.queue.length = 0;
    });
  }

  /** Resolves when the frames already queued have been handled (or dropped on close). */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  destroy(): void {
    this.closed = true;
    this.queue.length = 0;
    this.socket.destroy();
  }

  /** Periodic: unfinished subpackaged messages past their time. */
  sweep(now: number): void {
    if (this.closed) return;
    try {
      this.session.sweep(now);
    } catch (e) {
      this.internalError(e);
    }
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    try {
      this.splitter.push(chunk, (event) => {
        if (this.queue.length >= this.limits.hardQueueLimit) {
          if (event.kind === 'noise') return;
          this.counters.dropped++;
          this.log('warn', `more than ${this.limits.hardQueueLimit} frames waiting: frame dropped`);
          return;
        }
        this.queue.push(event);
      });
      this.flow();
      this.running ??= this.pump()
        .catch((e) => this.internalError(e))
        .finally(() => {
          this.running = null;
        });
    } catch (e) {
      this.internalError(e);
    }
  }

  /** Pauses reading while frames or unread answers pile up; resumes when both are low again. */
  private flow(): void {
    if (this.closed) return;
    const full =
      this.queue.length >= this.limits.maxQueuedFrames ||
      this.socket.writableLength > this.limits.maxPendingOutputBytes;
    if (full && !this.socket.isPaused()) this.socket.pause();
    else if (!full && this.socket.isPaused()) this.socket.resume();
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      const event = this.queue.shift() as SplitEvent;
      try {
        await this.handle(event);
      } catch (e) {
        this.internalError(e);
      }
      this.flow();
    }
  }

  private async handle(event: SplitEvent): Promise<void> {
    if (event.kind === 'noise') {
      this.counters.noiseBytes += event.length;
      return;
    }
    this.counters.framesIn++;
    if (event.kind === 'oversized') {
      const header = readableHeader(event.head);
      if (header) return this.session.refuse(header, 'oversized', `${event.length} escaped bytes`);
      this.counters.dropped++;
      this.log('warn', `dropped an oversized frame of ${event.length} bytes, header unreadable`);
      return;
    }
    const result = decodePacket(event.content);
    if (!result.ok) {
      if (result.header) return this.session.refuse(result.header, result.reason, result.detail);
      this.counters.dropped++;
      this.log('warn', `dropped a frame of ${event.content.length} bytes: ${result.reason}`);
      return;
    }
    await this.session.handle(result.packet.header, result.packet.body);
  }

  private send(to: Jt808Address, messageId: number, body: Uint8Array): void {
    if (this.closed || this.socket.destroyed || !this.socket.writable) return;
    const frame = encodePacket(to, messageId, this.serial, body);
    this.serial = (this.serial + 1) & 0xffff;
    this.socket.write(frame);
    this.counters.answersOut++;
  }

  private internalError(e: unknown): void {
    this.counters.internalErrors++;
    this.log('warn', `internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }

  private log(level: 'info' | 'warn', msg: string, terminalPhone?: string): void {
    const now = Date.now();
    if (now - this.logWindow.start >= 60_000) this.logWindow = { start: now, count: 0 };
    this.logWindow.count++;
    if (this.logWindow.count > this.limits.logsPerMinute + 1) return;
    const text =
      this.logWindow.count > this.limits.logsPerMinute
        ? `more than ${this.limits.logsPerMinute} log lines this minute: the rest suppressed`
        : msg;
    try {
      this.backend.log({
        level,
        msg: `jt808: ${text}`,
        terminalPhone: terminalPhone ?? this.session.terminalPhone ?? undefined,
        remote: this.remote,
      });
    } catch {
      // A failing logger must not take the connection with it.
    }
  }
}
