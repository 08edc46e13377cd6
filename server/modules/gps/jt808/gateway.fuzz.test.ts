/**
 * Robustness (issue 12, must-show 3): random and mutated frames over many connections, fixed seed
 * and bounded, while a well-behaved terminal on its own connection keeps reporting. The gateway
 * must answer or drop each frame, send only valid frames, never throw (uncaught exceptions and
 * unhandled rejections are collected), keep listening, and answer and store every one of the good
 * terminal's positions, in order.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemoryBackend, TestTerminal } from '../../../../test/support/jt808-testkit.ts';
import { escapeFrame } from './framing.ts';
import { startJt808Gateway } from './gateway.ts';
import { MSG, RESULT } from './messages.ts';
import { authBody, batchBody, bcdTimeOf, locationBody, registerBody, terminalContent } from './simulator.ts';

const GOOD = '13900000001';
const FUZZ = '13900000002';
const errors: unknown[] = [];
const collect = (e: unknown) => errors.push(e);

beforeAll(() => {
  process.on('uncaughtException', collect);
  process.on('unhandledRejection', collect);
});
afterAll(() => {
  process.off('uncaughtException', collect);
  process.off('unhandledRejection', collect);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const location = fc
  .record({
    alarm: fc.integer({ min: 0, max: 0xffffffff }),
    status: fc.integer({ min: 0, max: 0xffffffff }),
    lat: fc.double({ min: -90, max: 90, noNaN: true }),
    lng: fc.double({ min: -180, max: 180, noNaN: true }),
    altitude: fc.integer({ min: -32768, max: 32767 }),
    speed: fc.integer({ min: 0, max: 6553 }),
    direction: fc.integer({ min: 0, max: 359 }),
    time: fc.date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2099-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    items: fc.array(
      fc.record({ id: fc.integer({ min: 0, max: 255 }), value: fc.uint8Array({ maxLength: 12 }) }),
      {
        maxLength: 6,
      },
    ),
  })
  .map((l) => locationBody({ ...l, time: bcdTimeOf(l.time) }));

const batch = fc
  .tuple(fc.integer({ min: 0, max: 2 }), fc.array(location, { maxLength: 5 }))
  .map(([type, items]) => batchBody(type, items));
const register = fc
  .record({
    layout: fc.constantFrom<'2011' | '2013' | '2019'>('2011', '2013', '2019'),
    plate: fc.string({ maxLength: 10 }),
    colour: fc.nat(255),
  })
  .map((r) =>
    registerBody({
      maker: 'M',
      model: 'X',
      terminalId: 'T',
      plateColour: r.colour,
      plate: r.plate,
      layout: r.layout,
    }),
  );
const auth = fc
  .tuple(fc.oneof(fc.constant('fuzz'), fc.string({ maxLength: 20 })), fc.boolean())
  .map(([code, v2019]) => authBody(code, v2019, '860000000000001', 'V1'));
const anyBody = fc.oneof(fc.uint8Array({ maxLength: 200 }), location, batch, register, auth);

/** Mostly the body the message id calls for (to reach the decoders and the backend), sometimes any. */
function bodyFor(messageId: number): fc.Arbitrary<Uint8Array> {
  const fitting: Record<number, fc.Arbitrary<Uint8Array>> = {
    1: fc.uint8Array({ minLength: 5, maxLength: 5 }),
    2: fc.uint8Array({ maxLength: 4 }),
    256: register,
    258: auth,
    512: location,
    1796: batch,
  };
  return fc.oneof({ weight: 3, arbitrary: fitting[messageId] ?? anyBody }, { weight: 1, arbitrary: anyBody });
}

/** Rarely set: a header field that lies or is out of range. */
const rarely = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const message = fc
  .constantFrom(0x0001, 0x0002, 0x0003, 0x0100, 0x0102, 0x0200, 0x0200, 0x0704, 0x0900, 0x8001)
  .chain((messageId) =>
    fc.record({
      messageId: fc.constant(messageId),
      phone: fc.constantFrom(FUZZ, FUZZ, FUZZ, '13700000000', '0'),
      serial: fc.integer({ min: 0, max: 0xffff }),
      body: bodyFor(messageId),
      v2019: fc.boolean(),
      packet: rarely(
        fc.oneof(
          fc.record({ total: fc.integer({ min: 0, max: 40 }), index: fc.integer({ min: 0, max: 40 }) }),
          fc
            .integer({ min: 1, max: 3 })
            .chain((total) =>
              fc.record({ total: fc.constant(total), index: fc.integer({ min: 1, max: total }) }),
            ),
        ),
      ),
      encryption: rarely(fc.constant(1)),
      declaredLength: rarely(fc.integer({ min: 0, max: 1023 })),
      checksumError: rarely(fc.constant(0x5a)),
    }),
  );

type Mutation = { kind: 'none' } | { kind: 'flip' | 'cut' | 'insert'; at: number; byte: number };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('flip' as const, 'cut' as const, 'insert' as const),
      at: fc.nat(),
      byte: fc.constantFrom(0x7e, 0x7d, 0x00, 0xff, 0x01, 0x02),
    }),
  },
);

function mutate(frame: Buffer, m: Mutation): Buffer {
  if (m.kind === 'none') return frame;
  const at = m.at % frame.length;
  if (m.kind === 'cut') return frame.subarray(0, at);
  if (m.kind === 'insert')
    return Buffer.concat([frame.subarray(0, at), Buffer.from([m.byte]), frame.subarray(at)]);
  const out = Buffer.from(frame);
  out[at] ^= m.byte || 0x80;
  return out;
}

const wire = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.tuple(message, mutation).map(([msg, m]) => mutate(escapeFrame(terminalContent(msg)), m)),
  },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(0x7e, 0x7d, 0x01, 0x02), fc.integer({ min: 0, max: 255 })), {
        maxLength: 200,
      })
      .map((b) => Buffer.from(b)),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 2000, max: 6000 })
      .map((n) => Buffer.concat([Buffer.from([0x7e]), Buffer.alloc(n, 0x30), Buffer.from([0x7e])])),
  },
);

interface Script {
  authenticate: boolean;
  v2019: boolean;
  frames: Buffer[];
  chunk: number;
}

const connectionScript: fc.Arbitrary<Script> = fc.record({
  // Mostly authenticated first, so that frames get past the gate to the decoders and the backend.
  authenticate: fc.oneof(
    { weight: 3, arbitrary: fc.constant(true) },
    { weight: 1, arbitrary: fc.constant(false) },
  ),
  v2019: fc.boolean(),
  frames: fc.array(wire, { minLength: 1, maxLength: 8 }),
  chunk: fc.integer({ min: 1, max: 512 }),
});

it('answers or drops random and mutated frames on many connections while a good terminal keeps reporting', async () => {
  const backend = new MemoryBackend();
  backend.terminals.set(GOOD, { authCode: 'good' });
  backend.terminals.set(FUZZ, { authCode: 'fuzz' });
  const gw = await startJt808Gateway({
    port: 0,
    host: '127.0.0.1',
    backend,
    idleTimeoutMs: 3000,
    reassembly: { timeoutMs: 300 },
    sweepIntervalMs: 50,
    logsPerMinute: 5,
  });
  try {
    const good = await TestTerminal.connect(gw.port, GOOD);
    expect(await good.request(MSG.authenticate, authBody('good'))).toMatchObject({ result: 0 });

    const sent: string[] = [];
    const results: number[] = [];
    let stop = false;
    let reporterError: unknown = null;
    const reporter = (async () => {
      for (let i = 0; !stop; i++) {
        const time = bcdTimeOf(new Date(Date.UTC(2026, 11, 7) + i * 1000));
        const serial = good.send(MSG.location, locationBody({ lat: 31 + i / 1e5, lng: 121.5, time }));
        sent.push(`${serial}`);
        results.push((await good.response(serial, 5000)).result as number);
        await sleep(5);
      }
    })().catch((e) => {
      reporterError = e;
    });

    const runConnection = async (s: Script) => {
      const t = await TestTerminal.connect(gw.port, FUZZ, s.v2019);
      let last = Date.now();
      t.socket.on('data', () => {
        last = Date.now();
      });
      if (s.authenticate)
        await t.request(MSG.authenticate, authBody('fuzz', s.v2019, '860000000000001', 'V1')).catch(() => {});
      const bytes = Buffer.concat(s.frames);
      const size = Math.max(s.chunk, Math.ceil(bytes.length / 100));
      for (let i = 0; i < bytes.length && !t.isClosed; i += size) {
        t.write(bytes.subarray(i, i + size));
        if ((i / size) % 10 === 9) await new Promise((r) => setImmediate(r));
      }
      // Until the gateway has been quiet for a while (answers done), at most 1.5 s.
      const started = Date.now();
      while (!t.isClosed && Date.now() - last < 80 && Date.now() - started < 1500) await sleep(20);
      expect(t.invalidFrames).toBe(0);
      for (const a of t.pending()) {
        expect([MSG.platformResponse, MSG.registerResponse, MSG.resendRequest]).toContain(
          a.packet.header.messageId,
        );
      }
      t.close();
    };

    await fc.assert(
      fc.asyncProperty(fc.array(connectionScript, { minLength: 1, maxLength: 4 }), async (scripts) => {
        await Promise.all(scripts.map(runConnection));
        expect(errors).toEqual([]);
        expect(gw.counters().internalErrors).toBe(0);
        expect(gw.server.listening).toBe(true);
      }),
      { seed: 808, numRuns: 60, interruptAfterTimeLimit: 12_000, endOnFailure: true },
    );

    stop = true;
    await reporter;
    expect(reporterError).toBeNull();
    // It kept reporting throughout, every report answered 0 and stored, in the order sent.
    expect(sent.length).toBeGreaterThanOrEqual(30);
    expect(results).toEqual(sent.map(() => RESULT.ok));
    const stored = backend.stored.filter((s) => s.terminalPhone === GOOD);
    expect(stored.map((s) => `${s.meta.serial}`)).toEqual(sent);
    expect(stored.flatMap((s) => s.items).map((p) => Math.round(p.lat * 1e6))).toEqual(
      sent.map((_, i) => 31_000_000 + i * 10),
    );

    // The fuzz reached the decoders and the backend, not only the framing.
    expect(backend.positionsOf(FUZZ).length).toBeGreaterThan(0);
    expect(backend.registrations.length).toBeGreaterThan(0);
    const c = gw.counters();
    expect(c.framesIn).toBeGreaterThan(sent.length + 50);
    expect(c.dropped).toBeGreaterThan(20);
    expect(c.connectionsTotal).toBeGreaterThan(30);

    // A fresh terminal is still served.
    const fresh = await TestTerminal.connect(gw.port, GOOD);
    expect(await fresh.request(MSG.authenticate, authBody('good'))).toMatchObject({ result: 0 });
    fresh.close();
    good.close();
    expect(errors).toEqual([]);
  } finally {
    await gw.close();
  }
});
