/**
 * What one terminal's connection means at the protocol level, apart from the socket
 * (connection.ts): the authentication state, the answer to each message, the backend calls.
 *
 * Rules (protocols.md §4.5, issue 12):
 * - Before a successful 0x0102, only 0x0100, 0x0102 and 0x0002 are accepted; anything else is
 *   answered 0x8001 result 1 and never reaches the backend. A connection belongs to the terminal
 *   it authenticated as: a packet with another phone is treated as unauthenticated.
 * - Every message that expects an answer gets one: heartbeat and logout 0, positions 0 once the
 *   backend has stored them (4 when an alarm bit needs confirmation, location.ts), 1 when the
 *   backend failed, 2 when the body is malformed, 3 for ids we do not handle. 0x0001 is itself an
 *   answer and gets none.
 * - A subpackaged message is acknowledged packet by packet (result 0: received); the packet that
 *   completes it is answered with the outcome of the whole message.
 * - A backend failure or timeout (`backendTimeoutMs`) is answered 1 and logged; nothing throws out of here.
 */
import {
  decodeBatch,
  decodeLocation,
  type Gcj02ToWgs84,
  needsAlarmConfirmation,
  toPosition,
} from './location.ts';
import {
  decodeAuth,
  decodeRegister,
  decodeTerminalResponse,
  encodePlatformResponse,
  encodeRegisterResponse,
  encodeResendRequest,
  MSG,
  type PlatformResult,
  RESULT,
} from './messages.ts';
import type { Jt808Address, Jt808Header } from './packet.ts';
import type { Reassembler } from './subpackets.ts';
import type { Jt808Backend, Jt808Position, Jt808Settings } from './types.ts';

/** What a session needs from its connection. */
export interface SessionTransport {
  send(to: Jt808Address, messageId: number, body: Uint8Array): void;
  log(level: 'info' | 'warn', msg: string, terminalPhone?: string): void;
  /** Ends the connection once what was sent is flushed. */
  end(): void;
  readonly remote: string;
}

export interface SessionCounters {
  positions: number;
  backendErrors: number;
  dropped: number;
}

export interface SessionOptions {
  maxAuthFailures: number;
  /** Longest wait for any backend call before the message is answered as failed. */
  backendTimeoutMs: number;
  now: () => number;
  gcj02ToWgs84: Gcj02ToWgs84;
}

const ALLOWED_BEFORE_AUTH = new Set<number>([MSG.register, MSG.authenticate, MSG.heartbeat]);

const hex = (id: number) => `0x${id.toString(16).padStart(4, '0')}`;

function validSettings(s: Jt808Settings | undefined): s is Jt808Settings {
  return (
    !!s &&
    Number.isInteger(s.utcOffsetMinutes) &&
    Math.abs(s.utcOffsetMinutes) <= 14 * 60 &&
    (s.crs === 'wgs84' || s.crs === 'gcj02')
  );
}

export class Jt808Session {
  private auth: { terminalPhone: string; settings: Jt808Settings } | null = null;
  private authFailures = 0;

  constructor(
    private readonly backend: Jt808Backend,
    private readonly io: SessionTransport,
    private readonly reassembler: Reassembler,
    private readonly counters: SessionCounters,
    private readonly options: SessionOptions,
  ) {}

  /**
   * A backend call bounded in time: a database that hangs must not hold the connection's frames
   * (and the terminal's answers) forever. Past the limit the message is answered as failed; the
   * terminal sends it again, and the backend's inserts are idempotent (terminal, device time,
   * serial), so a late success does not count twice.
   */
  private bounded<T>(call: () => Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what}: no answer within ${this.options.backendTimeoutMs} ms`)),
        this.options.backendTimeoutMs,
      );
    });
    return Promise.race([Promise.resolve().then(call), limit]).finally(() => clearTimeout(timer));
  }

  /** The terminal this connection authenticated as, or null. */
  get terminalPhone(): string | null {
    return this.auth?.terminalPhone ?? null;
  }

  private answer(h: Jt808Header, result: PlatformResult): void {
    this.io.send(h, MSG.platformResponse, encodePlatformResponse(h.serial, h.messageId, result));
  }

  /** Answers a frame refused before its body was read (reason from packet.ts). */
  refuse(h: Jt808Header, reason: string, detail?: string): void {
    this.counters.dropped++;
    this.io.log(
      'warn',
      `refused ${hex(h.messageId)} serial ${h.serial}: ${reason}${detail ? ` (${detail})` : ''}`,
      h.terminalPhone,
    );
    // An encrypted body is well-formed but unreadable to us: "unsupported", not "malformed".
    if (h.messageId !== MSG.terminalResponse) {
      this.answer(h, reason === 'encrypted' ? RESULT.unsupported : RESULT.messageError);
    }
  }

  /** Handles one verified packet; resolves when its answer is sent. */
  async handle(h: Jt808Header, body: Uint8Array): Promise<void> {
    const authenticated = this.auth !== null && this.auth.terminalPhone === h.terminalPhone;
    if (!authenticated && !ALLOWED_BEFORE_AUTH.has(h.messageId)) {
      if (h.messageId === MSG.terminalResponse) return;
      this.io.log('info', `${hex(h.messageId)} before authentication: refused`, h.terminalPhone);
      this.answer(h, RESULT.fail);
      return;
    }
    if (h.packet) {
      const r = this.reassembler.add(h, body, this.options.now());
      if (r.kind === 'refused') return this.refuse(h, 'bad_subpacket', r.detail);
      if (r.kind === 'partial' || r.kind === 'duplicate') {
        if (r.kind === 'partial' && r.evicted) {
          this.counters.dropped++;
          this.io.log(
            'warn',
            `unfinished ${hex(r.evicted.messageId)} (serial ${r.evicted.firstSerial}) dropped for a newer one`,
            h.terminalPhone,
          );
        }
        return this.answer(h, RESULT.ok);
      }
      return this.dispatch(h, r.body, r.firstSerial);
    }
    return this.dispatch(h, body, h.serial);
  }

  private async dispatch(h: Jt808Header, body: Uint8Array, serial: number): Promise<void> {
    switch (h.messageId) {
      case MSG.terminalResponse: {
        const r = decodeTerminalResponse(body);
        if (!r.ok) this.counters.dropped++;
        return;
      }
      case MSG.heartbeat:
        return this.answer(h, RESULT.ok);
      case MSG.logout:
        this.auth = null;
        return this.answer(h, RESULT.ok);
      case MSG.register:
        return this.register(h, body);
      case MSG.authenticate:
        return this.authenticate(h, body);
      case MSG.location:
      case MSG.batch:
        return this.locations(h, body, serial);
      default:
        return this.answer(h, RESULT.unsupported);
    }
  }

  private backendFailed(h: Jt808Header, what: string, e: unknown): void {
    this.counters.backendErrors++;
    this.io.log('warn', `${what} failed: ${e instanceof Error ? e.message : String(e)}`, h.terminalPhone);
  }

  private async register(h: Jt808Header, body: Uint8Array): Promise<void> {
    const reg = decodeRegister(body, h.v2019);
    if (!reg.ok) return this.refuse(h, reg.reason, reg.detail);
    let reply: Buffer;
    try {
      const registration = { ...reg.value, terminalPhone: h.terminalPhone, remote: this.io.remote };
      const answer = await this.bounded(() => this.backend.register(registration), 'registration');
      reply = encodeRegisterResponse(h.serial, answer);
    } catch (e) {
      // 0x8100 has no "failed, try again": the general response says so.
      this.backendFailed(h, 'registration', e);
      return this.answer(h, RESULT.fail);
    }
    this.io.send(h, MSG.registerResponse, reply);
  }

  private async authenticate(h: Jt808Header, body: Uint8Array): Promise<void> {
    const a = decodeAuth(body, h.v2019);
    if (!a.ok) return this.refuse(h, a.reason, a.detail);
    let settings: Jt808Settings | undefined;
    try {
      const { authCode, imei } = a.value;
      const ok = await this.bounded(
        () => this.backend.authenticate(h.terminalPhone, authCode, imei),
        'authentication',
      );
      if (ok) settings = await this.bounded(() => this.backend.settings(h.terminalPhone), 'settings');
    } catch (e) {
      this.backendFailed(h, 'authentication', e);
      return this.answer(h, RESULT.fail);
    }
    if (settings !== undefined && !validSettings(settings)) {
      this.backendFailed(h, 'settings', new Error(`unusable settings ${JSON.stringify(settings)}`));
      return this.answer(h, RESULT.fail);
    }
    if (!settings) {
      this.auth = null;
      this.authFailures++;
      this.io.log('warn', `authentication refused (${this.authFailures})`, h.terminalPhone);
      this.answer(h, RESULT.fail);
      // Guessing codes costs a new connection every few tries.
      if (this.authFailures >= this.options.maxAuthFailures) this.io.end();
      return;
    }
    this.auth = { terminalPhone: h.terminalPhone, settings };
    this.authFailures = 0;
    this.io.log('info', 'authenticated', h.terminalPhone);
    this.answer(h, RESULT.ok);
  }

  private async locations(h: Jt808Header, body: Uint8Array, serial: number): Promise<void> {
    // handle() lets locations through only once authenticated; checked again for the type's sake.
    if (!this.auth) return this.answer(h, RESULT.fail);
    const settings = this.auth.settings;
    let items: Jt808Position[];
    let blindArea = false;
    let result: PlatformResult = RESULT.ok;
    if (h.messageId === MSG.location) {
      const loc = decodeLocation(body);
      if (!loc.ok) return this.refuse(h, loc.reason, loc.detail);
      items = [toPosition(loc.value, settings, false, this.options.gcj02ToWgs84)];
      if (needsAlarmConfirmation(loc.value.alarm, h.v2019)) result = RESULT.alarmConfirmed;
    } else {
      // A batch is answered 0, never 4: its points are past ones, and the terminal's current alarm
      // state (what result 4 lets it clear) comes with its next 0x0200.
      const batch = decodeBatch(body);
      if (!batch.ok) return this.refuse(h, batch.reason, batch.detail);
      const b = batch.value;
      blindArea = b.type === 1;
      if (b.skipped.length > 0 || b.truncated) {
        this.counters.dropped += b.skipped.length;
        const reasons = b.skipped.map((s) => `#${s.item} ${s.reason}`).join(', ');
        this.io.log(
          'warn',
          `batch of ${b.count}: ${b.locations.length} kept${reasons ? `; skipped ${reasons}` : ''}${b.truncated ? '; body ended early' : ''}`,
          h.terminalPhone,
        );
      }
      if (b.locations.length === 0) return this.answer(h, b.count === 0 ? RESULT.ok : RESULT.messageError);
      // Back-filled points arrive newest-first from some terminals: the backend gets time order.
      items = b.locations
        .map((l) => toPosition(l, settings, blindArea, this.options.gcj02ToWgs84))
        .sort((x, y) => x.time.getTime() - y.time.getTime());
    }
    try {
      const meta = { messageId: h.messageId, serial, blindArea };
      await this.bounded(() => this.backend.positions(h.terminalPhone, items, meta), 'positions');
    } catch (e) {
      this.backendFailed(h, `storing ${items.length} position(s)`, e);
      return this.answer(h, RESULT.fail);
    }
    this.counters.positions += items.length;
    this.answer(h, result);
  }

  /** Unfinished subpackaged messages past their time: ask for the missing packets once, then drop. */
  sweep(now: number): void {
    const { resend, expired } = this.reassembler.sweep(now);
    for (const m of resend) {
      this.io.send(
        m.address,
        MSG.resendRequest,
        encodeResendRequest(m.firstSerial, m.missing, m.address.v2019),
      );
    }
    for (const m of expired) {
      this.counters.dropped++;
      this.io.log(
        'warn',
        `${hex(m.messageId)} (serial ${m.firstSerial}) incomplete after re-send request: dropped`,
      );
    }
  }
}
