/**
 * What authentication costs per request. The real app (demo seed, all plugins and hooks) serves
 * over loopback; autocannon measures
 *   - `GET /api/me` with a bearer session token: auth hook (token hash → the node's session
 *     cache; the session, user and organisation are read from the database only on the first
 *     request and once per cache time to live) + the profile built from those rows + response
 *     serialisation;
 *   - `GET /bench/bare`: a public route added to the same Fastify instance that returns
 *     `{ ok: true }` — the same server, hooks (metrics, request context) and HTTP stack, but no
 *     authentication and no database.
 * Each endpoint is measured several times (interleaved, after a warm-up); the medians are
 * recorded, and `me_rps / bare_rps` says what share of the bare throughput an authenticated
 * request keeps.
 */
import type { AddressInfo } from 'node:net';
import { Type } from 'typebox';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/platform/config.ts';
import { seedDemo } from '../server/seed/index.ts';
import type { BenchContext } from './lib/context.ts';
import { type LoadResult, runLoad } from './lib/load.ts';
import { median, round } from './lib/stats.ts';

const USERNAME = 'haishu.dispatcher';

export async function run(ctx: BenchContext): Promise<void> {
  const duration = ctx.option('duration', 10);
  const warmup = ctx.option('warmup', 2);
  const connections = ctx.option('connections', 50);
  const runs = ctx.option('runs', 3);
  const pipelining = 1;

  const config = loadConfig({});
  await seedDemo(ctx.database, config);
  const app = await buildApp({
    config,
    database: ctx.database,
    // Warnings and errors only, on stderr: stdout carries the figures.
    logger: { level: 'warn', stream: process.stderr },
    serveWeb: false,
  });
  app.get(
    '/bench/bare',
    {
      config: { public: true, operation: 'bench.bare' },
      schema: { hide: true, response: { 200: Type.Object({ ok: Type.Boolean() }) } },
    },
    async () => ({ ok: true }),
  );
  await app.ready();
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { port } = app.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;

    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USERNAME, password: config.demoPassword }),
    });
    if (login.status !== 200)
      throw new Error(`login as ${USERNAME} failed: ${login.status} ${await login.text()}`);
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    const check = await fetch(`${base}/api/me`, { headers: auth });
    const me = (await check.json()) as { user?: { username?: string } };
    if (check.status !== 200 || me.user?.username !== USERNAME) {
      throw new Error(`GET /api/me did not return ${USERNAME}: ${check.status} ${JSON.stringify(me)}`);
    }

    const targets = {
      me: { url: `${base}/api/me`, headers: auth },
      bare: { url: `${base}/bench/bare`, headers: {} },
    };
    const load = (t: keyof typeof targets, seconds: number) =>
      runLoad({ ...targets[t], duration: seconds, connections, pipelining });

    ctx.log(`warm-up ${warmup} s per endpoint`);
    await load('me', warmup);
    await load('bare', warmup);

    const results: Record<keyof typeof targets, LoadResult[]> = { me: [], bare: [] };
    for (let i = 1; i <= runs; i++) {
      // Interleaved, so a drift (heat, background load, table growth) touches both alike.
      for (const t of ['me', 'bare'] as const) {
        const r = await load(t, duration);
        results[t].push(r);
        ctx.log(
          `run ${i}/${runs} ${t}: ${round(r.rps, 0)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.ok} × 2xx`,
        );
      }
    }

    const extra = { duration_s: duration, connections, pipelining, runs, warmup_s: warmup };
    const medians = {} as Record<keyof typeof targets, { rps: number; p50: number; p99: number }>;
    for (const t of ['me', 'bare'] as const) {
      const rs = results[t];
      medians[t] = {
        rps: median(rs.map((r) => r.rps)),
        p50: median(rs.map((r) => r.p50Ms)),
        p99: median(rs.map((r) => r.p99Ms)),
      };
      const endpoint = `GET ${new URL(targets[t].url).pathname}`;
      const e = { ...extra, endpoint, stat: 'median' };
      ctx.record(`${t}_rps`, round(medians[t].rps, 1), 'req/s', {
        ...e,
        samples: rs.map((r) => round(r.rps, 1)),
      });
      ctx.record(`${t}_p50_latency`, round(medians[t].p50, 2), 'ms', {
        ...e,
        samples: rs.map((r) => r.p50Ms),
      });
      ctx.record(`${t}_p99_latency`, round(medians[t].p99, 2), 'ms', {
        ...e,
        samples: rs.map((r) => r.p99Ms),
      });
    }
    ctx.record('me_bare_rps_ratio', round(medians.me.rps / medians.bare.rps, 3), 'ratio', {
      ...extra,
      stat: 'median me_rps / median bare_rps',
    });
  } finally {
    await app.close();
  }
}
