/**
 * The JT/T 808 gateway: a TCP server terminals connect to (the terminal is the client, protocols.md
 * §4.1). Each connection is a `Jt808Connection`; the data side is the injected `Jt808Backend`
 * (types.ts), so the same gateway serves the registry and positions table, a NATS publisher or a
 * test's in-memory store.
 *
 * Whether it runs at all is the caller's choice (the app starts it when `JT808_PORT` is not 0);
 * `port: 0` here means an ephemeral port, for tests. Limits, all overridable:
 * - `idleTimeoutMs`: 3 × the 60 s heartbeat interval terminals default to, so one lost heartbeat
 *   is not a disconnect but a dead link is;
 * - `maxConnections`: past it Node closes new sockets at once (counted as rejected);
 * - the per-connection bounds of connection.ts and subpackets.ts.
 * `counters()` is read by /metrics; `close()` stops listening, closes every connection and waits
 * (up to `closeGraceMs`) for the backend calls in flight.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { convertLngLat } from '../../geo/index.ts';
import { type ConnectionLimits, Jt808Connection, type Jt808Counters } from './connection.ts';
import { DEFAULT_REASSEMBLY, type ReassemblyLimits } from './subpackets.ts';
import type { Jt808Backend } from './types.ts';

export const DEFAULT_HEARTBEAT_SECONDS = 60;

export interface Jt808GatewayOptions {
  port: number;
  host?: string;
  backend: Jt808Backend;
  idleTimeoutMs?: number;
  maxConnections?: number;
  maxQueuedFrames?: number;
  maxPendingOutputBytes?: number;
  maxAuthFailures?: number;
  /** Longest wait for a backend call; past it the message is answered 0x8001 result 1. */
  backendTimeoutMs?: number;
  logsPerMinute?: number;
  reassembly?: Partial<ReassemblyLimits>;
  /** How often unfinished subpackaged messages are checked against their timeout. */
  sweepIntervalMs?: number;
  closeGraceMs?: number;
}

export interface Jt808Gateway {
  /** The port listened on (the ephemeral one when 0 was asked). */
  readonly port: number;
  readonly server: Server;
  counters(): Readonly<Jt808Counters>;
  close(): Promise<void>;
}

export async function startJt808Gateway(options: Jt808GatewayOptions): Promise<Jt808Gateway> {
  const { backend } = options;
  const reassembly = { ...DEFAULT_REASSEMBLY, ...options.reassembly };
  const maxQueuedFrames = options.maxQueuedFrames ?? 32;
  const limits: ConnectionLimits = {
    idleTimeoutMs: options.idleTimeoutMs ?? 3 * DEFAULT_HEARTBEAT_SECONDS * 1000,
    maxQueuedFrames,
    hardQueueLimit: maxQueuedFrames * 16,
    maxPendingOutputBytes: options.maxPendingOutputBytes ?? 64 * 1024,
    maxAuthFailures: options.maxAuthFailures ?? 5,
    backendTimeoutMs: options.backendTimeoutMs ?? 30_000,
    logsPerMinute: options.logsPerMinute ?? 30,
    reassembly,
    gcj02ToWgs84: (lng, lat) => convertLngLat(lng, lat, 'gcj02', 'wgs84'),
  };
  const counters: Jt808Counters = {
    connections: 0,
    connectionsTotal: 0,
    connectionsRejected: 0,
    idleClosed: 0,
    framesIn: 0,
    answersOut: 0,
    noiseBytes: 0,
    internalErrors: 0,
    dropped: 0,
    positions: 0,
    backendErrors: 0,
  };
  const connections = new Set<Jt808Connection>();
  let lastRejectLog = 0;

  const safeLog = (event: Parameters<Jt808Backend['log']>[0]) => {
    try {
      backend.log(event);
    } catch {
      // The logger's failure is not the gateway's.
    }
  };

  const server = createServer({ noDelay: true }, (socket: Socket) => {
    try {
      const conn = new Jt808Connection(socket, backend, counters, limits);
      connections.add(conn);
      counters.connections++;
      counters.connectionsTotal++;
      socket.on('close', () => {
        connections.delete(conn);
        counters.connections--;
      });
    } catch (e) {
      safeLog({ level: 'warn', msg: `jt808: could not accept a connection: ${String(e)}` });
      socket.destroy();
    }
  });
  server.maxConnections = options.maxConnections ?? 20_000;
  server.on('drop', () => {
    counters.connectionsRejected++;
    const now = Date.now();
    if (now - lastRejectLog >= 60_000) {
      lastRejectLog = now;
      safeLog({
        level: 'warn',
        msg: `jt808: connection cap ${server.maxConnections} reached, new connections refused`,
      });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listening, an accept failure (EMFILE, …) is logged, not thrown at the process.
  server.on('error', (e) => safeLog({ level: 'warn', msg: `jt808: server error: ${e.message}` }));

  const sweepEvery = options.sweepIntervalMs ?? Math.max(100, Math.min(1000, reassembly.timeoutMs / 2));
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const c of connections) c.sweep(now);
  }, sweepEvery);
  sweeper.unref();

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let closing: Promise<void> | null = null;

  return {
    port,
    server,
    counters: () => ({ ...counters }),
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        const inFlight = [...connections].map((c) => c.settled());
        for (const c of connections) c.destroy();
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, options.closeGraceMs ?? 5000);
        });
        await Promise.race([Promise.all([stopped, ...inFlight]), grace]);
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
