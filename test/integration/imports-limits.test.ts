/**
 * One request may not stall the server. A 407 KB zip that inflates to 400 MiB used to take 11 s
 * and 1.1 GB; a grid of 1,000,000 vertices blocked /healthz for 17 s and ended in an internal
 * error. Now the limits of the `imports.limits` setting refuse both with row-level findings before
 * the expensive part starts (the zip's directory is read before anything is inflated; a feature's
 * vertices are counted before its geometry is built), and parsing, clipping and topology checks
 * run in a worker thread at a lower CPU priority. A prober thread times /healthz over HTTP while
 * each import runs and the figures are printed; the bound (p99 < 200 ms) is asserted during the
 * largest import the limits accept — a feature at the per-feature vertex limit, whose validity
 * sweep, clipping and one-row write are the costliest work a row can ask for. (Latency is wall
 * time: on a machine whose cores are oversubscribed by other processes no server meets it.)
 */
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { sql } from 'drizzle-orm';
import type { Position } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { collection, feature, type Rect, rectPolygon, toBuffer } from '../support/fixtures/geojson.ts';
import { dbf } from '../support/fixtures/shapefile.ts';
import { deflateEntry, writeZip, zerosEntry } from '../support/fixtures/zip.ts';

let t: TestApp;
let admin: string;

interface Finding {
  rule: string;
  severity: string;
  message_zh: string;
  message_en: string;
}
interface Job {
  id: string;
  status: string;
  report: { row: number; id: string | null; ok: boolean; findings: Finding[] }[];
}

// 象山县 (outside the demo city): a district and a township to hold the large community.
const D: Rect = { west: 121.8, south: 29.4, east: 121.95, north: 29.55 };
const T: Rect = { west: 121.85, south: 29.46, east: 121.87, north: 29.48 };
/** The defaults of the `imports.limits` setting, as documented. */
const DEFAULTS = {
  maxUncompressedBytes: 200 * 1024 * 1024,
  maxCompressionRatio: 200,
  maxVerticesPerFeature: 30_000,
  maxVerticesPerFile: 2_000_000,
};

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  healthzUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/healthz`;
  const job = await upload(
    'divisions',
    'xiangshan.geojson',
    toBuffer(
      collection([
        feature({ code: '330225', name: '象山县' }, rectPolygon(D)),
        feature({ code: '330225001000', name: '丹东街道' }, rectPolygon(T)),
      ]),
    ),
  );
  expect(job.status, JSON.stringify(job.report)).toBe('succeeded');
});
afterAll(() => t?.close());

/** A closed ring of `n` positions (n − 1 distinct) around a centre: a wavy circle, never self-crossing. */
function wavyRing(n: number, [cx, cy]: [number, number], r: number): Position[] {
  const ring: Position[] = [];
  for (let i = 0; i < n - 1; i++) {
    const a = (2 * Math.PI * i) / (n - 1);
    const rr = r * (1 + 0.05 * Math.sin(a * 50));
    ring.push([
      Math.round((cx + rr * Math.cos(a)) * 1e9) / 1e9,
      Math.round((cy + rr * Math.sin(a)) * 1e9) / 1e9,
    ]);
  }
  ring.push(ring[0]);
  return ring;
}

/** A multipart upload (as the Imports page sends it), body built before any measuring starts. */
function multipart(kind: string, fileName: string, data: Buffer) {
  const boundary = '----cityops-limits';
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n${kind}\r\n`),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
}

/**
 * The 1,000,000-vertex fixtures are written straight into buffers: no million small arrays that
 * would live long enough for the test's own garbage collection to show up in the measurements.
 * A circle of `n` positions (the last one the first) around 121.86°E 29.47°N, radius 0.005°.
 */
const circleX = (i: number, n: number, sign = 1) =>
  121.86 + 0.005 * Math.cos((sign * 2 * Math.PI * (i % (n - 1))) / (n - 1));
const circleY = (i: number, n: number, sign = 1) =>
  29.47 + 0.005 * Math.sin((sign * 2 * Math.PI * (i % (n - 1))) / (n - 1));

/** A zipped Shapefile of two grids: the square `first` and a circle of `n` vertices. */
function hugeShapefileZip(first: Rect, n: number): Buffer {
  const polygon = (count: number, x: (i: number) => number, y: (i: number) => number) => {
    const c = Buffer.alloc(48 + 16 * count);
    c.writeInt32LE(5, 0);
    c.writeInt32LE(1, 36);
    c.writeInt32LE(count, 40);
    for (let i = 0; i < count; i++) {
      c.writeDoubleLE(x(i), 48 + 16 * i);
      c.writeDoubleLE(y(i), 56 + 16 * i);
    }
    return c;
  };
  // Shapefile outer rings run clockwise.
  const square = [
    [first.west, first.south],
    [first.west, first.north],
    [first.east, first.north],
    [first.east, first.south],
    [first.west, first.south],
  ];
  const contents = [
    polygon(
      5,
      (i) => square[i][0],
      (i) => square[i][1],
    ),
    polygon(
      n,
      (i) => circleX(i, n, -1),
      (i) => circleY(i, n, -1),
    ),
  ];
  const records = contents.map((c, i) => {
    const h = Buffer.alloc(8);
    h.writeInt32BE(i + 1, 0);
    h.writeInt32BE(c.length / 2, 4);
    return Buffer.concat([h, c]);
  });
  const header = Buffer.alloc(100);
  header.writeInt32BE(9994, 0);
  header.writeInt32BE((100 + records.reduce((s, r) => s + r.length, 0)) / 2, 24);
  header.writeInt32LE(1000, 28);
  header.writeInt32LE(5, 32);
  const attributes = dbf(
    [
      { name: 'BGID', type: 'C', length: 15 },
      { name: 'QYLB', type: 'C', length: 1 },
    ],
    [
      { BGID: '330225001001001', QYLB: 'B' },
      { BGID: '330225001001002', QYLB: 'B' },
    ],
    'utf8',
  );
  return writeZip([
    deflateEntry('grids.shp', Buffer.concat([header, ...records])),
    deflateEntry('grids.dbf', attributes),
  ]);
}

/** The same two grids as GeoJSON text. */
function hugeGeoJson(first: Rect, n: number): Buffer {
  const head =
    '{"type":"FeatureCollection","features":[' +
    JSON.stringify(feature({ id: '330225001001001', class: 'B' }, rectPolygon(first))) +
    ',{"type":"Feature","properties":{"id":"330225001001002","class":"B"},' +
    '"geometry":{"type":"Polygon","coordinates":[[';
  const buf = Buffer.alloc(head.length * 3 + n * 28 + 16);
  let at = buf.write(head, 0);
  for (let i = 0; i < n; i++) {
    at += buf.write(`${i ? ',' : ''}[${circleX(i, n).toFixed(7)},${circleY(i, n).toFixed(7)}]`, at);
  }
  at += buf.write(']]}}]}', at);
  return buf.subarray(0, at);
}

async function send(upload: ReturnType<typeof multipart>): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/imports?wait=false',
    headers: { authorization: `Bearer ${admin}`, 'content-type': upload.contentType },
    payload: upload.body,
  });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().id;
}

async function upload(kind: string, fileName: string, data: Buffer): Promise<Job> {
  const res = await t.as(admin).post('/api/imports/base64', {
    kind,
    fileName,
    contentBase64: data.toString('base64'),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

/**
 * A load balancer's view, from its own thread over real HTTP: GET /healthz every 20 ms, not
 * waiting for earlier answers, so that whenever the server's main thread stalls some probes are
 * waiting through it; each probe is timed from the moment it was sent. Stops on a message, or
 * after `count` probes when given, and answers the latencies.
 */
const PROBER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true });
const samples = [];
// How late this thread's own timer fires: the machine's share of a core for the prober. A server
// whose main thread is blocked leaves it on time; a machine whose cores are all taken does not.
const lags = [];
let aimed = null;
let failures = 0;
let pending = 0;
let stopping = false;
let posted = false;
const start = performance.now();
let k = 0;
function finish() {
  if (!stopping || pending > 0 || posted) return;
  posted = true;
  parentPort.postMessage({ samples, lags, failures });
}
function probe() {
  if (workerData.count && k >= workerData.count) stopping = true;
  if (stopping) return;
  pending++;
  const sent = performance.now();
  http
    .get(workerData.url, { agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) failures++;
        samples.push(performance.now() - sent);
        pending--;
        finish();
      });
    })
    .on('error', () => {
      failures++;
      pending--;
      finish();
    });
}
function tick() {
  if (stopping) return;
  const now = performance.now();
  if (aimed !== null) lags.push(now - aimed);
  while (!stopping && start + k * 20 <= now) {
    probe();
    k++;
  }
  if (stopping) return finish();
  aimed = start + k * 20;
  setTimeout(tick, Math.max(0, aimed - performance.now()));
}
parentPort.on('message', () => {
  stopping = true;
  finish();
});
tick();
`;

let healthzUrl: string;

/** Runs `during` while the prober probes; answers its result and the latencies. */
async function probing<T>(during: (() => Promise<T>) | null, count?: number) {
  const prober = new Worker(PROBER, { eval: true, workerData: { url: healthzUrl, count } });
  const results = new Promise<{ samples: number[]; lags: number[]; failures: number }>((resolve, reject) => {
    prober.once('message', resolve);
    prober.once('error', reject);
  });
  let result: T | undefined;
  try {
    if (during) result = await during();
  } finally {
    if (during) prober.postMessage('stop');
  }
  const { samples, lags, failures } = await results;
  await prober.terminate();
  expect(failures).toBe(0);
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    result: result as T,
    n: samples.length,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1],
    /** The prober thread's own timer lateness, p99: the machine's load, not the server's. */
    lagP99:
      quantile(
        [...lags].sort((a, b) => a - b),
        0.99,
      ) ?? 0,
  };
}

/**
 * Starts the prober, sends the upload (its request is part of the import), polls the job until it
 * is finished, and answers the job with the /healthz latencies seen meanwhile.
 */
async function healthzWhile(kind: string, fileName: string, data: Buffer) {
  const upload = multipart(kind, fileName, data);
  const m = await probing(async () => {
    const jobId = await send(upload);
    for (;;) {
      const job: Job = (await t.as(admin).get(`/api/imports/${jobId}`)).json();
      if (job.status === 'succeeded' || job.status === 'failed') return job;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  return { ...m, job: m.result };
}

function printLatency(
  label: string,
  m: { n: number; p50: number; p99: number; max: number; lagP99: number },
) {
  console.log(
    `/healthz ${label}: ${m.n} probes, p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms, max ${m.max.toFixed(1)} ms` +
      ` (the prober's own timer late by ${m.lagP99.toFixed(1)} ms at p99)`,
  );
}

async function counts() {
  const [r] = await t.database.query<{ d: number; g: number; e: number }>(sql`SELECT
    (SELECT count(*)::int FROM division) d, (SELECT count(*)::int FROM grid) g, (SELECT count(*)::int FROM event) e`);
  return r;
}

/** Refused whole with the report's row 0 naming the rule; nothing written, one `import.fail` event. */
async function expectFileRefused(kind: string, fileName: string, data: Buffer, rule: string) {
  const before = await counts();
  const m = await healthzWhile(kind, fileName, data);
  expect(m.job.status, JSON.stringify(m.job.report)).toBe('failed');
  expect(m.job.report).toHaveLength(1);
  expect(m.job.report[0]).toMatchObject({ row: 0, ok: false, findings: [{ rule, severity: 'error' }] });
  expect(await counts()).toEqual({ ...before, e: before.e + 1 });
  return { ...m, finding: m.job.report[0].findings[0] };
}

describe('zip archives are bounded before anything is inflated', () => {
  it('the zip bomb (407 KB inflating to 400 MiB) is refused for its size, from its directory', async () => {
    const bomb = writeZip([zerosEntry('grids.geojson', 400)]);
    expect(bomb.length).toBeLessThan(420 * 1024);
    // Never inflated: the process's peak memory does not grow by anything like 400 MiB.
    const peakBefore = process.resourceUsage().maxRSS * 1024;
    const m = await expectFileRefused('grids', 'bomb.zip', bomb, 'too-large');
    expect(process.resourceUsage().maxRSS * 1024 - peakBefore).toBeLessThan(100 * 1024 * 1024);
    expect(m.finding.message_en).toBe(
      'the upload holds 400.0 MiB once unzipped, more than the limit of 200.0 MiB (setting imports.limits)',
    );
    expect(m.finding.message_zh).toBe('文件解压后共 400.0 MiB，超过上限 200.0 MiB（设置项 imports.limits）');
    printLatency('during the zip bomb', m);
  });

  it('an entry compressed beyond the ratio limit is refused though the total is small', async () => {
    const zip = writeZip([
      deflateEntry('grids.geojson', toBuffer(collection([]))),
      zerosEntry('padding.dbf', 20),
    ]);
    const m = await expectFileRefused('grids', 'ratio.zip', zip, 'compression-ratio');
    expect(m.finding.message_en).toMatch(
      /^padding\.dbf in the zip is compressed 10\d\d:1, more than the limit of 200:1 \(setting imports\.limits\): a zip bomb\?$/,
    );
    expect(m.finding.message_zh).toContain('压缩比为');
  });

  it('an entry that inflates past the size its header declares is corrupt, and no more is inflated', async () => {
    const real = deflateEntry('grids.geojson', Buffer.alloc(8 * 1024 * 1024, 0x20));
    const lying = { ...real, uncompressedSize: 64 * 1024 }; // 64 KiB declared: a modest ratio
    const m = await expectFileRefused('grids', 'lying.zip', writeZip([lying]), 'bad-file');
    expect(m.finding.message_en).toBe(
      'grids.geojson in the zip cannot be extracted: grids.geojson inflates past its declared size of 65536 bytes',
    );
  });
});

describe('vertices are counted before geometry is built', () => {
  const community = (k: number): Rect => ({
    west: 121.851 + 0.001 * k,
    east: 121.852 + 0.001 * k,
    south: 29.461,
    north: 29.462,
  });

  it('a 1,000,000-vertex grid is refused in its own row, as zipped Shapefile and as GeoJSON', async () => {
    const expectHugeRow = (job: Job) => {
      expect(job.status).toBe('failed');
      expect(job.report.map((r) => r.ok)).toEqual([true, false]);
      expect(job.report[1].findings).toEqual([
        {
          rule: 'too-many-vertices',
          severity: 'error',
          message_zh:
            '330225001001002 有 1,000,000 个坐标点，超过每个要素 30,000 个的上限（设置项 imports.limits）；请简化几何',
          message_en:
            '330225001001002 has 1,000,000 vertices, more than the limit of 30,000 per feature (setting imports.limits); simplify its geometry',
        },
      ]);
    };
    // Its community (a plain square), so that the small first grid of the file is valid.
    const div = await upload(
      'divisions',
      'c1.geojson',
      toBuffer(collection([feature({ code: '330225001001', name: '一号社区' }, rectPolygon(community(0)))])),
    );
    expect(div.status, JSON.stringify(div.report)).toBe('succeeded');

    const before = await counts();
    const s = await healthzWhile('grids', 'huge.zip', hugeShapefileZip(community(0), 1_000_000));
    expectHugeRow(s.job);
    printLatency('during the 1,000,000-vertex grid (Shapefile)', s);

    const g = await healthzWhile('grids', 'huge.geojson', hugeGeoJson(community(0), 1_000_000));
    expectHugeRow(g.job);
    printLatency('during the 1,000,000-vertex grid (GeoJSON)', g);
    expect(await counts()).toEqual({ ...before, e: before.e + 2 });
  });

  it('the limits are the city setting: a file past the per-file limit is refused as a whole', async () => {
    const cur = (await t.as(admin).get('/api/settings/imports.limits')).json();
    expect(cur.value).toEqual(DEFAULTS);
    const bad = await t.as(admin).put('/api/settings/imports.limits', {
      value: { ...DEFAULTS, maxVerticesPerFeature: 20, maxVerticesPerFile: 10 },
      version: cur.version,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toEqual([
      // In the caller's language (Chinese by default).
      {
        field: 'body.value.maxVerticesPerFeature',
        message: '不能大于 maxVerticesPerFile（每个文件的坐标点数）',
      },
    ]);
    const put = await t.as(admin).put('/api/settings/imports.limits', {
      value: { ...DEFAULTS, maxVerticesPerFeature: 6, maxVerticesPerFile: 12 },
      version: cur.version,
    });
    expect(put.statusCode, put.body).toBe(200);
    try {
      // Three 5-vertex squares: 15 vertices, past 12.
      const three = toBuffer(
        collection([1, 2, 3].map((k) => feature({ id: `33022500100100${k}` }, rectPolygon(community(k))))),
      );
      const m = await expectFileRefused('grids', 'three.geojson', three, 'too-many-vertices');
      expect(m.finding.message_en).toBe(
        'the file holds at least 15 vertices, more than the limit of 12 per file (setting imports.limits) (each feature counts at least one); split it into several files',
      );
    } finally {
      const now = (await t.as(admin).get('/api/settings/imports.limits')).json();
      const back = await t
        .as(admin)
        .put('/api/settings/imports.limits', { value: DEFAULTS, version: now.version });
      expect(back.statusCode, back.body).toBe(200);
    }
  });
});

describe('the largest accepted import keeps the server answering', () => {
  it(`a community of ${DEFAULTS.maxVerticesPerFeature.toLocaleString('en-US')} vertices (the per-feature limit) is validated off the main thread: /healthz p99 < 200 ms`, async (ctx) => {
    // Wall-clock latency can be measured only where the machine leaves the server a core: an idle
    // server answering slowly means other processes hold the cores, and the bound is not asserted.
    const idle = await probing(null, 50);
    printLatency('with no import running (baseline)', idle);
    const ring = wavyRing(DEFAULTS.maxVerticesPerFeature, [121.86, 29.47], 0.008);
    expect(ring).toHaveLength(DEFAULTS.maxVerticesPerFeature);
    const fc = collection([
      feature({ code: '330225001002', name: '二号社区' }, { type: 'Polygon', coordinates: [ring] }),
    ]);
    const m = await healthzWhile('divisions', 'large.geojson', toBuffer(fc));
    expect(m.job.status, JSON.stringify(m.job.report)).toBe('succeeded');
    const [stored] = await t.database.query<{ n: number }>(
      sql`SELECT jsonb_array_length(geometry->'coordinates'->0)::int AS n FROM division WHERE code = '330225001002'`,
    );
    expect(stored.n).toBe(DEFAULTS.maxVerticesPerFeature);
    printLatency(`during the largest accepted import (${DEFAULTS.maxVerticesPerFeature} vertices)`, m);
    expect(m.n).toBeGreaterThan(20);
    if (idle.p99 > 50 || m.lagP99 > 50) {
      ctx.skip(
        `the machine is oversubscribed (an idle server's p99 is ${idle.p99.toFixed(0)} ms; the prober's own ` +
          `timer ran ${m.lagP99.toFixed(0)} ms late at p99 during the import): not measurable here`,
      );
    }
    expect(m.p99).toBeLessThan(200);
  });

  it('a file of more rows than a report holds: every row written in bounded batches, the report lists the rows with findings', async () => {
    // 12,000 manhole covers on 海曙's grids (no IDs: allocated), every thousandth with an unreadable date.
    const grids = await t.database.query<{ id: string; centroid_lng: number; centroid_lat: number }>(
      sql`SELECT id, centroid_lng, centroid_lat FROM grid WHERE district_code = '330203' ORDER BY id`,
    );
    const rows = 12_000;
    const fc = collection(
      Array.from({ length: rows }, (_, i) => {
        const g = grids[i % grids.length];
        return feature(
          { type_code: '01001', ...(i % 1000 === 999 ? { installed_at: 'unknown' } : {}) },
          { type: 'Point', coordinates: [Number(g.centroid_lng), Number(g.centroid_lat)] },
        );
      }),
    );
    const [{ n: before }] = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM component WHERE district_code = '330203'`,
    );
    const m = await healthzWhile('components', 'covers.geojson', toBuffer(fc));
    expect(m.job.status, JSON.stringify(m.job.report.slice(0, 3))).toBe('succeeded');
    const [{ n: after }] = await t.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM component WHERE district_code = '330203'`,
    );
    expect(after - before).toBe(rows);
    // The note (row 0), then the twelve rows with a warning, their allocated IDs filled in.
    expect(m.job.report).toHaveLength(13);
    expect(m.job.report[0].findings[0]).toMatchObject({ rule: 'report-abridged', severity: 'warning' });
    expect(m.job.report.slice(1).map((r) => r.row)).toEqual(
      Array.from({ length: 12 }, (_, k) => 1000 * (k + 1)),
    );
    expect(m.job.report.slice(1).every((r) => /^33020301001\d{6}$/.test(r.id ?? ''))).toBe(true);
    const full = (await t.as(admin).get(`/api/imports/${m.job.id}`)).json();
    expect(full.summary).toMatchObject({
      rows,
      errors: 0,
      written: rows,
      reportRows: 12,
      ruleCounts: { 'bad-date': 12 },
    });
    printLatency(`during a ${rows}-row components import`, m);
  });
});
