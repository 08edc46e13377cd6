/**
 * HTTP load with autocannon's programmatic API. The load generator runs in a worker thread so it
 * does not share the event loop of the server under test (which lives in the bench process).
 * Every run is checked: any non-2xx response, socket error or timeout fails the benchmark loudly,
 * because a figure measured on error responses would be meaningless.
 */
import { createRequire } from 'node:module';

interface AutocannonOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  connections: number;
  pipelining: number;
  duration: number;
  workers?: number;
  timeout?: number;
}

interface Histogram {
  average: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
}

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  resets: number;
  mismatches: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
  latency: Histogram & { totalCount: number };
  requests: Histogram & { total: number; sent: number };
}

type Autocannon = (opts: AutocannonOptions) => Promise<AutocannonResult>;

// autocannon is CommonJS without type declarations: load it through require, typed above.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  /** Seconds. */
  duration: number;
  connections: number;
  pipelining: number;
}

export interface LoadResult {
  /** Mean of the per-second request counts. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** 2xx responses completed. */
  ok: number;
  durationS: number;
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const u = new URL(opts.url);
  if (u.hostname !== '127.0.0.1') throw new Error(`benchmarks run on loopback only, got ${opts.url}`);
  const r = await autocannon({
    url: opts.url,
    method: 'GET',
    headers: opts.headers ?? {},
    connections: opts.connections,
    pipelining: opts.pipelining,
    duration: opts.duration,
    workers: 1,
    timeout: 10,
  });
  const bad = r.non2xx + r.errors + r.timeouts + r.resets + r.mismatches;
  if (bad > 0 || r['2xx'] === 0) {
    throw new Error(
      `load on ${u.pathname} was not all 2xx: 2xx=${r['2xx']} non2xx=${r.non2xx} errors=${r.errors} ` +
        `timeouts=${r.timeouts} resets=${r.resets} statuses=${JSON.stringify(r.statusCodeStats)}`,
    );
  }
  return {
    rps: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    ok: r['2xx'],
    durationS: r.duration,
  };
}
