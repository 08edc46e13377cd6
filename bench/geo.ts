/**
 * The GIS shared service:
 *   - in memory, at 150,000 grids (`generateDemoCity({ targetGrids })`): GridIndex build time and
 *     heap growth, then point lookups per second on one core (the process's main thread), the
 *     median of several runs over ≥ 1M random points inside the city;
 *   - over HTTP on loopback against the real app on the demo city (fresh database of the run's
 *     driver): vector tiles at zoom 14–17 (every tile covering the city, first request = render,
 *     second = cache) and OGC API items for random 1 km bboxes.
 */
import type { AddressInfo } from 'node:net';
import { buildApp } from '../server/app.ts';
import { GridIndex, generateDemoCity, ningboDivisions } from '../server/modules/geo/index.ts';
import { loadConfig } from '../server/platform/config.ts';
import { seedDemo } from '../server/seed/index.ts';
import type { BenchContext } from './lib/context.ts';
import { median, round } from './lib/stats.ts';

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();

function inMemory(ctx: BenchContext) {
  const targetGrids = ctx.option('grids', 150_000);
  const points = ctx.option('points', 1_000_000);
  const runs = ctx.option('runs', 5);
  ctx.log(`generating a demo city of ~${targetGrids} grids`);
  const city = generateDemoCity(ningboDivisions, { targetGrids });
  const items = city.grids.map((g) => ({ id: g.id, geometry: g.polygon }));
  gc();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const index = GridIndex.build(items);
  const buildMs = performance.now() - t0;
  gc();
  const after = process.memoryUsage();
  // The index lives mostly in typed arrays, which Node counts in arrayBuffers, not heapUsed.
  const heapMb = (after.heapUsed - before.heapUsed) / 2 ** 20;
  const buffersMb = (after.arrayBuffers - before.arrayBuffers) / 2 ** 20;
  const extra = { grids: index.size, gc_exposed: typeof (globalThis as { gc?: unknown }).gc === 'function' };
  ctx.record('index_build_ms', round(buildMs, 1), 'ms', extra);
  ctx.record('index_heap_mb', round(heapMb, 1), 'MiB', extra);
  ctx.record('index_array_buffers_mb', round(buffersMb, 1), 'MiB', extra);
  ctx.record('index_memory_mb', round(heapMb + buffersMb, 1), 'MiB', extra);

  const [w, s, e, n] = city.bbox;
  const xs = new Float64Array(points);
  const ys = new Float64Array(points);
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    return seed / 4_294_967_296;
  };
  for (let i = 0; i < points; i++) {
    xs[i] = w + rnd() * (e - w);
    ys[i] = s + rnd() * (n - s);
  }
  const rates: number[] = [];
  let found = 0;
  for (let r = 0; r <= runs; r++) {
    found = 0;
    const start = performance.now();
    for (let i = 0; i < points; i++) if (index.lookupIndex(xs[i], ys[i]) >= 0) found++;
    const secs = (performance.now() - start) / 1000;
    if (r > 0) rates.push(points / secs); // run 0 warms up the JIT
    ctx.log(`lookup run ${r}: ${Math.round(points / secs)} /s (${found} of ${points} inside a grid)`);
  }
  ctx.record('lookups_per_second', Math.round(median(rates)), 'lookups/s', {
    ...extra,
    points,
    runs,
    inside: found,
    samples: rates.map((x) => Math.round(x)),
  });
}

async function overHttp(ctx: BenchContext) {
  const config = loadConfig({});
  ctx.log('seeding the demo city');
  const t0 = performance.now();
  await seedDemo(ctx.database, config);
  ctx.record('demo_seed_ms', round(performance.now() - t0, 0), 'ms');
  const app = await buildApp({
    config,
    database: ctx.database,
    logger: { level: 'warn', stream: process.stderr },
    serveWeb: false,
  });
  await app.ready();
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { port } = app.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: config.demoPassword }),
    });
    const { token } = (await login.json()) as { token: string };
    const headers = { authorization: `Bearer ${token}` };
    const timed = async (url: string, okStatus = [200]) => {
      const start = performance.now();
      const res = await fetch(base + url, { headers });
      await res.arrayBuffer();
      if (!okStatus.includes(res.status)) throw new Error(`${url}: ${res.status}`);
      return { ms: performance.now() - start, status: res.status };
    };
    const info = (await (await fetch(`${base}/api/geo/info`, { headers })).json()) as { bbox: number[] };
    const [w, s, e, n] = info.bbox;

    // Every tile covering the city at zoom 14–17.
    const tiles: [number, number, number][] = [];
    for (let z = 14; z <= 17; z++) {
      const nT = 2 ** z;
      const x0 = Math.floor(((w + 180) / 360) * nT);
      const x1 = Math.floor(((e + 180) / 360) * nT);
      const yOf = (lat: number) => {
        const r = (lat * Math.PI) / 180;
        return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * nT);
      };
      for (let x = x0; x <= x1; x++) for (let y = yOf(n); y <= yOf(s); y++) tiles.push([z, x, y]);
    }
    for (const layer of ['grids', 'divisions', 'components']) {
      const cold: number[] = [];
      const warm: number[] = [];
      let empty = 0;
      for (const [z, x, y] of tiles) {
        const url = `/tiles/${layer}/${z}/${x}/${y}.mvt`;
        const first = await timed(url, [200, 204]);
        if (first.status === 204) empty++;
        cold.push(first.ms);
        warm.push((await timed(url, [200, 204])).ms);
      }
      const extra = { tiles: tiles.length, empty, zooms: '14-17' };
      ctx.record(`tile_${layer}_render_p50`, round(percentile(cold, 50)), 'ms', extra);
      ctx.record(`tile_${layer}_render_p95`, round(percentile(cold, 95)), 'ms', extra);
      ctx.record(`tile_${layer}_cached_p50`, round(percentile(warm, 50)), 'ms', extra);
      ctx.record(`tile_${layer}_cached_p95`, round(percentile(warm, 95)), 'ms', extra);
    }

    // OGC items for random 1 km × 1 km boxes inside the city.
    const requests = ctx.option('ogc_requests', 200);
    const dLng = 1000 / (111_320 * Math.cos((((s + n) / 2) * Math.PI) / 180));
    const dLat = 1000 / 110_574;
    const lat: number[] = [];
    let matched = 0;
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1_103_515_245 + 12_345) >>> 0;
      return seed / 4_294_967_296;
    };
    for (let i = 0; i < requests + 10; i++) {
      const x = w + rnd() * (e - w - dLng);
      const y = s + rnd() * (n - s - dLat);
      const url = `/ogc/collections/grids/items?limit=1000&bbox=${x},${y},${x + dLng},${y + dLat}`;
      const start = performance.now();
      const res = await fetch(base + url, { headers });
      const body = (await res.json()) as { numberMatched: number };
      if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
      if (i >= 10) {
        lat.push(performance.now() - start);
        matched += body.numberMatched;
      }
    }
    const extra = { requests, mean_features: round(matched / requests, 1), bbox_m: 1000 };
    ctx.record('ogc_items_1km_p50', round(percentile(lat, 50)), 'ms', extra);
    ctx.record('ogc_items_1km_p95', round(percentile(lat, 95)), 'ms', extra);
  } finally {
    await app.close();
  }
}

/** Options: --grids 150000 --points 1000000 --runs 5 --ogc_requests 200; --memory 0 / --http 0 skip a part. */
export async function run(ctx: BenchContext): Promise<void> {
  if (ctx.option('memory', 1)) inMemory(ctx);
  if (ctx.option('http', 1)) await overHttp(ctx);
}
