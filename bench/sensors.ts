/**
 * Sensor readings ingested per second on one node, end to end through the broker (issue 10 asks
 * ≥ 5,000/s). The real app (demo seed, every plugin) registers `devices` tilt sensors (CSV import)
 * and starts its sensor runtime against the MQTT broker (MQTT_URL, default mqtt://127.0.0.1:1883)
 * with the production defaults (MQTT_CONNECTIONS subscriber connections taking up to
 * MQTT_RECEIVE_MAXIMUM unacknowledged readings each, shared subscription, QoS 1, each reading
 * acknowledged once its batch has committed). A worker thread plays the
 * devices: `publishers` MQTT connections publish readings at QoS 1 as fast as they are taken,
 * never more than `window` ahead of what is stored. Each reading goes through the whole path —
 * broker, listener, parse, batch INSERT into the day's partition, the devices' status, the rules
 * (every device's kind has one) — and is counted when its batch has committed.
 *
 * Figures: `readings_per_second` (median over `runs` runs of `duration` s, after a warm-up), the
 * mean and largest batch, and a check that nothing was lost: every reading published was stored
 * (rows in the table = readings published; no duplicate, no refusal).
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { sql } from 'drizzle-orm';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/platform/config.ts';
import { seedDemo } from '../server/seed/index.ts';
import type { BenchContext } from './lib/context.ts';
import { median, round } from './lib/stats.ts';

const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

export async function run(ctx: BenchContext): Promise<void> {
  const devices = ctx.option('devices', 1000);
  const duration = ctx.option('duration', 10);
  const warmup = ctx.option('warmup', 3);
  const runs = ctx.option('runs', 3);
  const publishers = ctx.option('publishers', 4);
  const window = ctx.option('window', 4000);
  process.env.DEMO_CASES = '0';
  process.env.DEMO_COMPONENTS ??= '2000';

  const config = loadConfig(process.env);
  const url = config.mqtt.url ?? 'mqtt://127.0.0.1:1883';
  const connections = ctx.option('connections', config.mqtt.connections);
  await seedDemo(ctx.database, config);
  const app = await buildApp({
    config,
    database: ctx.database,
    logger: { level: 'warn', stream: process.stderr },
    serveWeb: false,
  });
  await app.ready();

  // Devices at the centres of the demo city's grids, registered as an admin would (CSV import).
  const grids = await ctx.database.query<{ lng: number; lat: number }>(
    sql`SELECT (min_lng + max_lng) / 2 AS lng, (min_lat + max_lat) / 2 AS lat FROM grid ORDER BY id LIMIT ${devices}`,
  );
  const run = randomUUID().slice(0, 6);
  const codes = grids.map((_, i) => `BENCH-${run}-${i}`);
  const csv = [
    'code,kind,name,lng,lat',
    ...grids.map((g, i) => `${codes[i]},manhole_tilt,bench ${i},${g.lng},${g.lat}`),
  ].join('\n');
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'admin', password: config.demoPassword },
  });
  const token = login.json().token as string;
  const imported = await app.inject({
    method: 'POST',
    url: '/api/sensors/devices/import',
    headers: { authorization: `Bearer ${token}` },
    payload: { csv },
  });
  if (imported.statusCode !== 201)
    throw new Error(`device import: ${imported.statusCode} ${imported.body.slice(0, 500)}`);
  ctx.log(`${imported.json().created} devices registered`);

  const prefix = `cityops-bench/${run}/sensors`;
  await app.sensors.start({
    mqtt: {
      ...config.mqtt,
      url,
      topicPrefix: prefix,
      clientId: `cityops-bench-${run}`,
      shareGroup: `cityops-bench-${run}`,
      connections,
      sessionExpirySeconds: 0,
    },
  });
  const listener = app.sensors.status().listener!;
  if (listener.connected !== connections)
    throw new Error(`only ${listener.connected} of ${connections} connections to ${url}`);
  const ingest = app.sensors.ingest!;
  const handled = () =>
    ingest.stats.stored +
    ingest.stats.duplicates +
    Object.values(ingest.stats.rejected).reduce((a, b) => a + b, 0);

  const worker = new Worker(new URL('./lib/mqtt-publisher.mjs', import.meta.url), {
    workerData: { url, prefix, codes, clients: publishers, window, baseTs: Date.now() - 40 * 3600_000 },
  });
  let published = 0;
  let failure: string | undefined;
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (m: { ready?: boolean; published?: number; error?: string }) => {
      if (m.ready) resolve();
      if (typeof m.published === 'number') published = m.published;
      if (m.error) {
        failure = m.error;
        reject(new Error(m.error));
      }
    });
    worker.once('error', reject);
  });
  const feed = setInterval(() => worker.postMessage({ stored: handled() }), 10);

  const measure = async (seconds: number) => {
    const s0 = ingest.stats.stored;
    const b0 = ingest.stats.batches;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const elapsed = (performance.now() - t0) / 1000;
    const stored = ingest.stats.stored - s0;
    return { rate: stored / elapsed, meanBatch: stored / Math.max(1, ingest.stats.batches - b0) };
  };
  try {
    worker.postMessage({ cmd: 'run' });
    ctx.log(
      `warm-up ${warmup} s (${connections} subscriber connections, ${publishers} publishers, window ${window})`,
    );
    await measure(warmup);
    const samples: number[] = [];
    const batches: number[] = [];
    for (let i = 0; i < runs; i++) {
      const m = await measure(duration);
      samples.push(round(m.rate, 0));
      batches.push(round(m.meanBatch, 1));
      ctx.log(`run ${i + 1}: ${round(m.rate, 0)} readings/s, mean batch ${round(m.meanBatch, 1)}`);
      if (failure) throw new Error(failure);
    }
    worker.postMessage({ cmd: 'pause' });
    // Everything published is stored before the figures are recorded: nothing lost on the way.
    await until('the published readings stored', async () => {
      await new Promise((r) => setTimeout(r, 100));
      return handled() >= published;
    });
    await ingest.drained();
    const [{ n }] = await ctx.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM sensor_reading`,
    );
    const seeded = await ctx.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM sensor_reading r JOIN sensor_device d ON d.id = r.device_id WHERE d.generated`,
    );
    const rows = Number(n) - Number(seeded[0].n);
    const refused = Object.values(ingest.stats.rejected).reduce((a, b) => a + b, 0);
    ctx.log(
      `published ${published}, stored ${ingest.stats.stored}, duplicates ${ingest.stats.duplicates}, refused ${refused}, rows ${rows}`,
    );
    if (rows !== published || ingest.stats.duplicates !== 0 || refused !== 0) {
      throw new Error(
        `readings lost or doubled: published ${published}, rows ${rows}, duplicates ${ingest.stats.duplicates}, refused ${refused}`,
      );
    }
    const conditions = {
      devices,
      subscriber_connections: connections,
      publishers,
      window,
      duration_s: duration,
      warmup_s: warmup,
      runs,
      broker: 'Mosquitto (MQTT 5, QoS 1, shared subscription)',
      database: ctx.db === 'pglite' ? 'PGlite (embedded, on disk)' : 'PostgreSQL (pool of 10)',
    };
    ctx.record('readings_per_second', median(samples), 'readings/s', {
      ...conditions,
      samples,
      stat: 'median',
    });
    ctx.record('mean_batch', median(batches), 'readings', { samples: batches, stat: 'median' });
    ctx.record('largest_batch', ingest.stats.largestBatch, 'readings');
    ctx.record('readings_verified', published, 'readings', {
      note: 'published = rows stored, no duplicate, no refusal',
    });
  } finally {
    clearInterval(feed);
    worker.postMessage({ cmd: 'stop' });
    await new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    await app.close();
  }
}
