/**
 * The bench's simulated JT/T 808 terminals, in a child process of their own (bench/gps.ts forks
 * it): its sockets, CPU and memory are not the gateway's, and 10,000 connections' file
 * descriptors are split between the two processes. Driven over IPC, one command at a time:
 *
 * - `connect` {port, count, phonePrefix, parallel}: opens `count` connections, each registers
 *   (0x0100, a plate of its own) and authenticates with the code it got; answers how many made it.
 * - `steady` {seconds, intervalS}: every terminal reports a 0x0200 every `intervalS` seconds
 *   (spread evenly over the interval); answers sent, answered (result 0) and failed, and the time
 *   from a frame written to its 0x8001 read, p50/p99.
 * - `burst` {seconds, perFrame}: every terminal sends 0x0704 batches of `perFrame` positions back
 *   to back, the next once the last is answered; answers the positions answered and the latency.
 * - `close`.
 *
 * Bounded by construction: one frame in flight per terminal, and a deadline on every phase.
 */
import { connect, type Socket } from 'node:net';
import { jt808Terminal } from '../../server/modules/gps/index.ts';

const { authBody, batchBody, bcdTimeOf, locationBody, registerBody, terminalFrame } = jt808Terminal;

const MSG = {
  register: 0x0100,
  registerResponse: 0x8100,
  auth: 0x0102,
  location: 0x0200,
  batch: 0x0704,
  ack: 0x8001,
};

interface Term {
  phone: string;
  socket: Socket;
  serial: number;
  buf: Buffer;
  /** The answer awaited: its message id and, for 0x8001, the serial it answers. */
  waiting?: { id: number; serial?: number; resolve: (body: Buffer) => void; at: number };
  base: number;
}

/** Frames from a chunk (flags, unescape); the 2013 header is 12 bytes. */
function* frames(t: Term, chunk: Buffer): Generator<{ id: number; body: Buffer }> {
  t.buf = t.buf.length ? Buffer.concat([t.buf, chunk]) : chunk;
  let start = t.buf.indexOf(0x7e);
  while (start >= 0) {
    const end = t.buf.indexOf(0x7e, start + 1);
    if (end < 0) break;
    const raw = t.buf.subarray(start + 1, end);
    if (raw.length >= 13) {
      const out: number[] = [];
      for (let i = 0; i < raw.length; i++) {
        if (raw[i] === 0x7d && i + 1 < raw.length) out.push(raw[++i] === 0x02 ? 0x7e : 0x7d);
        else out.push(raw[i]);
      }
      const b = Buffer.from(out);
      const len = b.readUInt16BE(2) & 0x3ff;
      yield { id: b.readUInt16BE(0), body: b.subarray(12, 12 + len) };
      start = end + 1 < t.buf.length ? t.buf.indexOf(0x7e, end + 1) : -1;
    } else {
      start = end; // two flags in a row: the second opens the next frame
    }
    if (start < 0) {
      t.buf = Buffer.alloc(0);
      return;
    }
    t.buf = t.buf.subarray(start);
    start = 0;
  }
}

function send(t: Term, id: number, body: Buffer, expect: number): Promise<Buffer> {
  const serial = t.serial++ & 0xffff;
  return new Promise((resolve) => {
    t.waiting = {
      id: expect,
      serial: expect === MSG.ack ? serial : undefined,
      resolve,
      at: performance.now(),
    };
    t.socket.write(terminalFrame({ messageId: id, phone: t.phone, serial, body }));
  });
}

const terms: Term[] = [];
const latencies: number[] = [];

function open(port: number, phone: string): Promise<Term> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const t: Term = { phone, socket, serial: 0, buf: Buffer.alloc(0), base: 0 };
    socket.setNoDelay(true);
    socket.once('connect', () => resolve(t));
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      for (const f of frames(t, chunk)) {
        const w = t.waiting;
        if (!w || f.id !== w.id) continue;
        if (w.serial !== undefined && f.body.readUInt16BE(0) !== w.serial) continue;
        t.waiting = undefined;
        latencies.push(performance.now() - w.at);
        w.resolve(f.body);
      }
    });
  });
}

async function pool<T>(items: T[], parallel: number, fn: (x: T) => Promise<void>) {
  let i = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (i < items.length) await fn(items[i++]);
    }),
  );
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** A fix near Ningbo's centre, moving a little with each report (times strictly increasing per terminal). */
function fix(t: Term, i: number, when: Date): Buffer {
  return locationBody({
    lat: 29.85 + ((t.base + i) % 1000) / 50_000,
    lng: 121.52 + ((t.base * 7 + i) % 1000) / 50_000,
    speed: 20 + (i % 40),
    direction: (i * 13) % 360,
    altitude: 8,
    time: bcdTimeOf(when),
  });
}

type Command =
  | { cmd: 'connect'; port: number; count: number; phonePrefix: string; parallel: number }
  | { cmd: 'steady'; seconds: number; intervalS: number }
  | { cmd: 'burst'; seconds: number; perFrame: number }
  | { cmd: 'close' };

process.on('message', async (m: Command) => {
  try {
    if (m.cmd === 'connect') {
      const started = performance.now();
      let failed = 0;
      const phones = Array.from(
        { length: m.count },
        (_, i) => `${m.phonePrefix}${String(i).padStart(6, '0')}`,
      );
      await pool(phones, m.parallel, async (phone) => {
        try {
          const t = await open(m.port, phone);
          t.base = terms.length;
          const reg = await send(
            t,
            MSG.register,
            registerBody({
              province: 33,
              city: 203,
              maker: 'BENCH',
              model: 'SIM',
              terminalId: phone.slice(-7),
              plateColour: 2,
              plate: `浙B${phone.slice(-5)}`,
            }),
            MSG.registerResponse,
          );
          if (reg[2] !== 0) throw new Error(`register result ${reg[2]}`);
          const ok = await send(t, MSG.auth, authBody(reg.subarray(3).toString('latin1')), MSG.ack);
          if (ok[4] !== 0) throw new Error(`auth result ${ok[4]}`);
          terms.push(t);
        } catch {
          failed++;
        }
      });
      latencies.length = 0;
      process.send?.({ connected: terms.length, failed, ms: performance.now() - started });
    } else if (m.cmd === 'steady') {
      latencies.length = 0;
      const end = Date.now() + m.seconds * 1000;
      let sent = 0;
      let answered = 0;
      let failed = 0;
      // Terminal k reports at k/N of the interval, then every interval: an even load.
      await Promise.all(
        terms.map(async (t, k) => {
          await new Promise((r) => setTimeout(r, (k / terms.length) * m.intervalS * 1000));
          for (let i = 0; Date.now() < end; i++) {
            const next = Date.now() + m.intervalS * 1000;
            sent++;
            const a = await send(
              t,
              MSG.location,
              fix(t, i, new Date(Math.floor(Date.now() / 1000) * 1000 - 1000)),
              MSG.ack,
            );
            if (a[4] === 0) answered++;
            else failed++;
            const wait = next - Date.now();
            if (wait > 0 && Date.now() + wait < end) await new Promise((r) => setTimeout(r, wait));
            else if (wait > 0) break;
          }
        }),
      );
      process.send?.({
        sent,
        answered,
        failed,
        p50: pct(latencies, 50),
        p99: pct(latencies, 99),
        n: latencies.length,
      });
    } else if (m.cmd === 'burst') {
      latencies.length = 0;
      const end = Date.now() + m.seconds * 1000;
      let positions = 0;
      let failedFrames = 0;
      // Back-fill fixes: one per second going back from an hour ago, distinct per frame.
      const origin = Math.floor(Date.now() / 1000) * 1000 - 3600_000;
      await Promise.all(
        terms.map(async (t) => {
          for (let f = 0; Date.now() < end; f++) {
            const bodies = Array.from({ length: m.perFrame }, (_, j) =>
              fix(t, f * m.perFrame + j, new Date(origin - (f * m.perFrame + j) * 1000)),
            );
            // Result 0: stored. Anything else (1: the platform's time limit ran out) the terminal would send again.
            const a = await send(t, MSG.batch, batchBody(1, bodies), MSG.ack);
            if (a[4] === 0) positions += m.perFrame;
            else failedFrames++;
          }
        }),
      );
      process.send?.({
        positions,
        failedFrames,
        p50: pct(latencies, 50),
        p99: pct(latencies, 99),
        n: latencies.length,
      });
    } else if (m.cmd === 'close') {
      for (const t of terms) t.socket.destroy();
      process.send?.({ closed: true });
      setImmediate(() => process.exit(0));
    }
  } catch (err) {
    process.send?.({ error: String((err as Error)?.stack ?? err) });
  }
});
process.send?.({ ready: true });
