/**
 * The address gazetteer at a city's size. The real app (demo seed with `DEMO_CASES` cases, every
 * plugin and hook) serves over loopback, and the benchmark
 *   - generates `places` (default 300,000) places over the seeded grids (bench/lib/gazetteer.ts:
 *     GENERATED names and points, not real data) as a CSV and imports it through
 *     `POST /api/imports` (multipart, `wait=false`), timing it until the job is final
 *     (`import_s`); meanwhile a case list (`GET /api/cases`, page 1, as a district dispatcher) is
 *     requested every 100 ms, open loop: `cases_during_import_p50/p95/max`;
 *   - searches `GET /api/geo/places` with a mix of queries — typed prefixes (天一, 中山, 解放南 …),
 *     one wrong character (天乙广场, 天一光场 …), one and two characters (路, 中, 中山, 广场 …),
 *     whole generated names — each without and with `near=` (a random grid centre), in `rounds`
 *     rounds; p50/p95 per round, the figure is the median over the rounds (`search_p50`,
 *     `search_p95`, and per class `search_<class>_p95`); the first hit of each query (no near) is
 *     logged, to compare answers between versions;
 *   - imports the same file again in replace mode (`import_replace_s`, with the cases list
 *     meanwhile) and checks that the place count did not change (`--skip_replace 1`: not);
 *   - logs EXPLAIN ANALYZE of the search statement for a few queries.
 */
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { buildApp } from '../server/app.ts';
import { normalizeName, placeSearchSql } from '../server/modules/geo/index.ts';
import { loadConfig } from '../server/platform/config.ts';
import { seedDemo } from '../server/seed/index.ts';
import type { BenchContext } from './lib/context.ts';
import { gazetteerCsv, generateGazetteer } from './lib/gazetteer.ts';
import { demoLogin } from './lib/login.ts';
import { median, round } from './lib/stats.ts';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : Number.NaN;
};

const QUERIES: Record<string, string[]> = {
  prefix: ['天一', '中山', '天一广', '解放南', '宁静中', '月湖公', '鼓楼', '百丈'],
  fuzzy: ['天乙广场', '天一光场', '天1广场', '中山东璐', '解放男路', '月湖公圆'],
  one_char: ['路', '中', '天', '园', '湖'],
  two_char: ['中山', '广场', '社区', '东路', '天童', '湖滨'],
};

export async function run(ctx: BenchContext): Promise<void> {
  const count = ctx.option('places', 300_000);
  const rounds = ctx.option('rounds', 3);
  const skipReplace = ctx.option('skip_replace', 0) > 0;
  process.env.DEMO_CASES ??= String(ctx.option('cases', 1000));
  process.env.DEMO_COMPONENTS ??= String(ctx.option('components', 2000));

  const config = loadConfig({});
  const seedStart = performance.now();
  await seedDemo(ctx.database, config);
  ctx.log(`seeded in ${round((performance.now() - seedStart) / 1000, 1)} s`);
  const app = await buildApp({
    config: { ...config, loginRateLimitPerMinute: 100_000 },
    database: ctx.database,
    logger: { level: 'warn', stream: process.stderr },
    serveWeb: false,
  });
  await app.ready();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const db = ctx.database;
  try {
    const login = (username: string) => demoLogin(base, username, config.demoPassword);
    const admin = await login('admin');
    const dispatcher = await login('haishu.dispatcher');
    const get = async (url: string, token: string) => {
      const t = performance.now();
      const res = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${token}` } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${body.slice(0, 300)}`);
      return { ms: performance.now() - t, body };
    };

    const cells = (
      await db.query<{ district: string; lng: number; lat: number }>(
        sql`SELECT district_code AS district, centroid_lng AS lng, centroid_lat AS lat FROM grid ORDER BY id`,
      )
    ).map((c) => ({ district: c.district, lng: Number(c.lng), lat: Number(c.lat) }));
    const stored = await db.query<{ k: string }>(
      sql`SELECT district_code || '|' || kind || '|' || name AS k FROM place`,
    );
    const places = generateGazetteer(
      count,
      cells,
      undefined,
      stored.map((r) => r.k),
    );
    const csv = Buffer.from(gazetteerCsv(places), 'utf8');
    ctx.log(
      `generated ${count} places (${round(csv.length / 2 ** 20, 1)} MiB CSV) over ${cells.length} grids`,
    );
    const placeCount = async () =>
      (await db.query<{ n: number }>(sql`SELECT count(*)::int n FROM place`))[0].n;
    const before = await placeCount();

    /** Imports the file, listing cases meanwhile; answers seconds and the list's latencies. */
    const importWhileListing = async (mode: 'insert' | 'replace') => {
      const form = new FormData();
      form.set('kind', 'places');
      form.set('mode', mode);
      form.set('file', new Blob([csv]), 'gazetteer.csv');
      const started = performance.now();
      const res = await fetch(`${base}/api/imports?wait=false`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}` },
        body: form,
      });
      if (res.status !== 202) throw new Error(`import: ${res.status} ${await res.text()}`);
      const job = (await res.json()) as { id: string };
      let finished = false;
      const lat: number[] = [];
      // Open loop: a request every 100 ms whether or not the last one was answered, so a stall
      // shows as many slow requests (as users would see it), not as one.
      const pending: Promise<void>[] = [];
      const lister = (async () => {
        while (!finished) {
          const t = performance.now();
          pending.push(
            get('/api/cases?page=1&pageSize=20', dispatcher).then(
              (x) => void lat.push(x.ms),
              // A request the server holds past the client's own timeout counts with the time it waited.
              () => void lat.push(performance.now() - t),
            ),
          );
          await new Promise((r) => setTimeout(r, 100));
        }
        await Promise.all(pending);
      })();
      let status = '';
      let last = '';
      while (status !== 'succeeded' && status !== 'failed') {
        await new Promise((r) => setTimeout(r, 500));
        const polled = await get(`/api/imports/${job.id}`, admin).catch(() => null);
        if (!polled) continue;
        const j = JSON.parse(polled.body) as {
          status: string;
          processed: number;
          total: number;
          summary: unknown;
        };
        status = j.status;
        const now = `${j.status} ${j.processed}/${j.total}`;
        if (now !== last)
          ctx.log(`import ${mode}: ${now} at ${round((performance.now() - started) / 1000, 1)} s`);
        last = now;
        if (status === 'failed') throw new Error(`import failed: ${JSON.stringify(j.summary)}`);
      }
      const seconds = (performance.now() - started) / 1000;
      finished = true;
      await lister;
      return { seconds, lat };
    };

    const first = await importWhileListing('insert');
    const after = await placeCount();
    if (after !== before + count) throw new Error(`expected ${before + count} places, found ${after}`);
    ctx.record('import_s', round(first.seconds, 1), 's', {
      places: count,
      rows_per_second: round(count / first.seconds),
    });
    ctx.record('cases_during_import_p50', round(pct(first.lat, 50)), 'ms', { requests: first.lat.length });
    ctx.record('cases_during_import_p95', round(pct(first.lat, 95)), 'ms');
    ctx.record('cases_during_import_max', round(Math.max(...first.lat)), 'ms');

    // The search mix: every query alone and near a random grid centre.
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const exact = Array.from({ length: 6 }, () => places[Math.floor(rnd() * places.length)].name);
    const mix: [string, string][] = [
      ...Object.entries(QUERIES).flatMap(([k, qs]) => qs.map((q) => [k, q] as [string, string])),
      ...exact.map((q) => ['exact', q] as [string, string]),
    ];
    const classes = [...new Set(mix.map(([k]) => k))];
    const perRound: { all: number[]; byClass: Map<string, number[]> }[] = [];
    const firstHits: string[] = [];
    for (let r = 0; r < rounds; r++) {
      const all: number[] = [];
      const byClass = new Map<string, number[]>(classes.map((k) => [k, []]));
      for (const [k, q] of mix) {
        for (const withNear of [false, true]) {
          const c = cells[Math.floor(rnd() * cells.length)];
          const url = `/api/geo/places?q=${encodeURIComponent(q)}&limit=10${withNear ? `&near=${c.lng},${c.lat}` : ''}`;
          const { ms, body } = await get(url, dispatcher);
          all.push(ms);
          byClass.get(k)!.push(ms);
          if (r === 0 && !withNear) firstHits.push(`${q} → ${JSON.parse(body).items[0]?.name ?? '—'}`);
        }
      }
      perRound.push({ all, byClass });
      ctx.log(
        `search round ${r + 1}: p50 ${round(pct(all, 50))} ms, p95 ${round(pct(all, 95))} ms, max ${round(Math.max(...all))} ms`,
      );
    }
    const samples = (f: (x: (typeof perRound)[number]) => number) => perRound.map((x) => round(f(x)));
    const p50s = samples((x) => pct(x.all, 50));
    const p95s = samples((x) => pct(x.all, 95));
    ctx.record('search_p50', median(p50s), 'ms', {
      samples: p50s,
      rounds,
      queries_per_round: mix.length * 2,
    });
    ctx.record('search_p95', median(p95s), 'ms', { samples: p95s });
    for (const k of classes) {
      const s = samples((x) => pct(x.byClass.get(k)!, 95));
      ctx.record(`search_${k}_p95`, median(s), 'ms', { samples: s });
    }
    ctx.record('search_max', round(Math.max(...perRound.flatMap((x) => x.all))), 'ms');
    ctx.log(`first hits: ${firstHits.join('; ')}`);

    for (const q of ['天乙广场', '中山', '路']) {
      const near = { lng: 121.551, lat: 29.87 };
      const plan = await db.query<Record<string, string>>(
        sql`EXPLAIN (ANALYZE, BUFFERS) ${placeSearchSql(normalizeName(q), near, 10)}`,
      );
      ctx.log(`EXPLAIN ANALYZE ${q} near 天一广场:\n${plan.map((r) => Object.values(r)[0]).join('\n')}`);
    }

    if (!skipReplace) {
      const again = await importWhileListing('replace');
      const n = await placeCount();
      if (n !== after) throw new Error(`replace import changed the place count: ${after} → ${n}`);
      ctx.record('import_replace_s', round(again.seconds, 1), 's');
      ctx.record('cases_during_replace_p95', round(pct(again.lat, 95)), 'ms', { requests: again.lat.length });
      ctx.record('cases_during_replace_max', round(Math.max(...again.lat)), 'ms');
    }
  } finally {
    await app.close();
  }
}
