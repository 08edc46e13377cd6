/**
 * Issue 9, item 15: the base map.
 *
 * - The demo's base map is generated from the demo city's own layers at its first use: a real
 *   PMTiles v3 archive, served with HTTP Range like an uploaded one, read back here by the
 *   `pmtiles` library over the route (labels, roads, division outlines in its tiles), marked as
 *   generated demo data.
 * - Range: 206 with Content-Range, the whole file without Range, 416 (with `bytes *​/size`) past
 *   the end, for a malformed range and for several ranges at once; strong ETag, 304, If-Range.
 * - Uploads: a valid archive (with and without a style), and refusals that say what to do — an
 *   MBTiles file (convert it), a raster archive, PMTiles v2, random bytes, a truncated archive, a
 *   style with a remote source or bad JSON, no vector_layers and no style, a file over the limit —
 *   each leaving nothing behind (no row, no file, no event); a fuzz of damaged archives.
 * - Who: a district dispatcher and a district administrator cannot change the base map or upload
 *   (refused before the file is read); anonymous callers cannot read an archive; every map reader can.
 * - 天地图: the key is checked, reaches the tile URLs but is never shown back (settings, audit); the
 *   web client's CSP allows the 天地图 hosts exactly while 天地图 is chosen; a GCJ-02 XYZ source
 *   is refused with its offset, a WGS84 one is allowed and its origin only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { PMTiles, type RangeResponse, type Source, TileType } from 'pmtiles';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { writePmtiles } from '../../server/modules/basemap/pmtiles-writer.ts';
import { EventFeed } from '../../server/platform/event-feed.ts';
import type { App } from '../../server/platform/types.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { multipart } from '../support/multipart.ts';

let t: TestApp;
let admin: string;
let dispatcher: string;
let hsAdmin: string;
let unit: string;
/**
 * A second node on the same database serving a small web client (createTestApp serves none): it
 * hears of the choice through the event feed, as another node of a cluster does.
 */
let web: App;
let feed: EventFeed;
const webDist = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-basemap-web-'));
const MAX_BYTES = 200_000;
const KEY = '0123456789abcdef0123456789abcdef';

beforeAll(async () => {
  t = await createTestApp({ basemapMaxBytes: MAX_BYTES });
  admin = await t.login('admin');
  dispatcher = await t.login('haishu.dispatcher');
  unit = await t.login('unit.haishu-sanitation');
  // A district administrator: every permission, the district's scope.
  const orgs = (await t.as(admin).get('/api/orgs?pageSize=200')).json().items as {
    id: string;
    kind: string;
    districtCode: string | null;
  }[];
  const haishu = orgs.find((o) => o.kind === 'district_center' && o.districtCode === '330203')!;
  const created = await t.as(admin).post('/api/users', {
    username: 'bm.haishu.admin',
    displayName: '海曙管理员',
    orgId: haishu.id,
    roles: ['admin'],
    password: 'basemap-admin-2026',
  });
  expect(created.statusCode, created.body).toBe(201);
  hsAdmin = await t.login('bm.haishu.admin', 'basemap-admin-2026');
  fs.mkdirSync(path.join(webDist, 'assets'));
  fs.writeFileSync(
    path.join(webDist, 'index.html'),
    '<!doctype html><html><body><div id="root"></div></body></html>',
  );
  feed = new EventFeed(t.database, 50);
  await feed.start();
  web = await buildApp({ config: t.config, database: t.database, logger: false, webDist, feed });
  await web.ready();
}, 120_000);

afterAll(async () => {
  await web?.close();
  feed?.stop();
  await t?.close();
  fs.rmSync(webDist, { recursive: true, force: true });
});

const basemapDir = () => path.join(t.config.dataDir, 'basemaps');
const filesInDir = () => (fs.existsSync(basemapDir()) ? fs.readdirSync(basemapDir()).sort() : []);

async function eventCount(): Promise<number> {
  const res = await t.as(admin).get('/api/audit?pageSize=1&entityType=basemap_archive');
  return res.json().total as number;
}

/** A PMTiles source over the archive route, the way the browser reads it (one range per request). */
class RouteSource implements Source {
  requests: string[] = [];
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}
  getKey() {
    return this.url;
  }
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const range = `bytes=${offset}-${offset + length - 1}`;
    this.requests.push(range);
    const res = await t.as(this.token).get(this.url, { range });
    expect(res.statusCode, res.body.slice(0, 200)).toBe(206);
    const data = res.rawPayload;
    return {
      data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
      etag: res.headers.etag as string,
    };
  }
}

function upload(
  token: string,
  files: Record<string, { name: string; data: Buffer }>,
  fields?: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const m = multipart(files, fields);
  return t.app.inject({
    method: 'POST',
    url: '/api/basemap/archives',
    headers: { authorization: `Bearer ${token}`, 'content-type': m.contentType, ...headers },
    payload: m.body,
  });
}

/** A small vector archive over Ningbo with a metadata `vector_layers`. */
function sampleArchive(opts: { tileType?: TileType; vectorLayers?: unknown; tiles?: number } = {}): Buffer {
  const tiles = [];
  for (let i = 0; i < (opts.tiles ?? 4); i++) {
    tiles.push({
      z: 10,
      x: 857 + (i % 2),
      y: 421 + Math.floor(i / 2),
      data: Buffer.from(`tile-${i}-${'x'.repeat(20)}`),
    });
  }
  const metadata: Record<string, unknown> = { name: '测试底图' };
  if (opts.vectorLayers !== null) {
    metadata.vector_layers = opts.vectorLayers ?? [
      { id: 'water', fields: { name: 'String' } },
      { id: 'roads', fields: { name: 'String', class: 'String' } },
      { id: 'buildings', fields: {} },
    ];
  }
  return writePmtiles(tiles, {
    tileType: opts.tileType ?? TileType.Mvt,
    metadata,
    bounds: [121.3, 29.7, 121.8, 30.0],
    center: [121.55, 29.87, 12],
  }).bytes;
}

const errorOf = (res: LightMyRequestResponse) => res.json().error as { code: string; message: string };

describe('the generated demo base map', () => {
  let archiveUrl = '';
  let size = 0;
  let etag = '';

  it('is made at its first use from the demo city and marked as generated demo data', async () => {
    const res = await t.as(dispatcher).get('/api/basemap');
    expect(res.statusCode, res.body).toBe(200);
    const b = res.json();
    expect(b).toMatchObject({
      kind: 'generated',
      generated: true,
      demo: true,
      remoteOrigins: [],
      keyHint: null,
    });
    expect(b.notice.zh).toContain('演示');
    expect(b.archive.url).toBe(`/api/basemap/archives/${b.archive.id}/file`);
    expect(b.style.sources.basemap).toEqual(
      expect.objectContaining({ type: 'vector', url: `pmtiles://${b.archive.url}` }),
    );
    expect(b.style.layers.some((l: { type: string }) => l.type === 'symbol')).toBe(true);
    expect(b.style.divisionLabelLayers.length).toBe(3);
    archiveUrl = b.archive.url;
    // Once: a second reader gets the same archive.
    const again = (await t.as(unit).get('/api/basemap')).json();
    expect(again.archive.id).toBe(b.archive.id);
    const events = (await t.as(admin).get('/api/audit?pageSize=10&entityType=basemap_archive')).json().items;
    expect(events.map((e: { action: string }) => e.action)).toEqual(['basemap.generate']);
    expect(filesInDir()).toEqual([`${b.archive.id}.pmtiles`]);
  }, 60_000);

  it('is read by the pmtiles library over the Range route: labels, roads and outlines in its tiles', async () => {
    const source = new RouteSource(archiveUrl, dispatcher);
    const p = new PMTiles(source);
    const h = await p.getHeader();
    expect(h).toMatchObject({ specVersion: 3, tileType: TileType.Mvt, minZoom: 0, maxZoom: 15 });
    const meta = (await p.getMetadata()) as Record<string, unknown>;
    expect(meta['cityops:generated']).toBe(true);
    expect(meta['cityops:demo']).toBe(true);
    expect(String(meta.description)).toContain('demo data');
    // 天一广场 (121.551, 29.870) at zoom 15: its label; the 海曙 tile at zoom 10 names the district.
    const tileAt = async (z: number, lng: number, lat: number) => {
      const n = 2 ** z;
      const x = Math.floor(((lng + 180) / 360) * n);
      const y = Math.floor(((1 - Math.asinh(Math.tan((lat * Math.PI) / 180)) / Math.PI) / 2) * n);
      const tile = await p.getZxy(z, x, y);
      expect(tile, `${z}/${x}/${y}`).toBeDefined();
      return Buffer.from(tile!.data);
    };
    const z15 = await tileAt(15, 121.551, 29.87);
    expect(z15.includes(Buffer.from('天一广场'))).toBe(true);
    expect(z15.includes(Buffer.from('label'))).toBe(true);
    const z10 = await tileAt(10, 121.551, 29.87);
    expect(z10.includes(Buffer.from('海曙区'))).toBe(true);
    expect(z10.includes(Buffer.from('boundary'))).toBe(true);
    // Generated roads are lines: some tile of the core holds the road layer with a 路.
    let roads = 0;
    for (let dx = -2; dx <= 2; dx++) {
      for (let dy = -2; dy <= 2; dy++) {
        const tile = await tileAt(13, 121.551 + dx * 0.04, 29.87 + dy * 0.035).catch(() => Buffer.alloc(0));
        if (tile.includes(Buffer.from('road')) && tile.includes(Buffer.from('路'))) roads++;
      }
    }
    expect(roads).toBeGreaterThan(0);
    expect(source.requests.every((r) => /^bytes=\d+-\d+$/.test(r))).toBe(true);
  }, 60_000);

  it('serves the whole file, one range, the last bytes; 416 past the end, malformed or several ranges', async () => {
    const full = await t.as(dispatcher).get(archiveUrl);
    expect(full.statusCode).toBe(200);
    expect(full.headers['accept-ranges']).toBe('bytes');
    expect(full.headers['content-type']).toBe('application/vnd.pmtiles');
    etag = full.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    size = full.rawPayload.length;
    expect(Number(full.headers['content-length'])).toBe(size);
    expect(full.rawPayload.subarray(0, 7).toString()).toBe('PMTiles');

    const first = await t.as(dispatcher).get(archiveUrl, { range: 'bytes=0-16383' });
    expect(first.statusCode).toBe(206);
    expect(first.headers['content-range']).toBe(`bytes 0-16383/${size}`);
    expect(first.rawPayload.equals(full.rawPayload.subarray(0, 16384))).toBe(true);
    const last = await t.as(dispatcher).get(archiveUrl, { range: 'bytes=-100' });
    expect(last.statusCode).toBe(206);
    expect(last.headers['content-range']).toBe(`bytes ${size - 100}-${size - 1}/${size}`);
    expect(last.rawPayload.equals(full.rawPayload.subarray(size - 100))).toBe(true);
    const open = await t.as(dispatcher).get(archiveUrl, { range: `bytes=${size - 10}-` });
    expect(open.rawPayload.length).toBe(10);
    // A range running past the end is cut at the end (the reader's first 16 KiB of a small file).
    const long = await t.as(dispatcher).get(archiveUrl, { range: `bytes=${size - 5}-${size + 100}` });
    expect(long.statusCode).toBe(206);
    expect(long.headers['content-range']).toBe(`bytes ${size - 5}-${size - 1}/${size}`);

    for (const [range, words] of [
      [`bytes=${size}-`, '超出文件长度'],
      [`bytes=${size + 10}-${size + 20}`, '超出文件长度'],
      ['bytes=0-1,5-6', '一次只能请求一个字节范围'],
      ['bytes=9-3', '格式不正确'],
      ['bytes=x-y', '格式不正确'],
    ] as const) {
      const res = await t.as(dispatcher).get(archiveUrl, { range });
      expect(res.statusCode, range).toBe(416);
      expect(res.headers['content-range'], range).toBe(`bytes */${size}`);
      expect(errorOf(res).code).toBe('RANGE_NOT_SATISFIABLE');
      expect(errorOf(res).message).toContain(words);
      const en = await t.as(dispatcher).get(archiveUrl, { range, 'accept-language': 'en' });
      expect(errorOf(en).message).toMatch(/byte range/);
    }
    // Another unit is ignored (the RFC): the whole file.
    expect((await t.as(dispatcher).get(archiveUrl, { range: 'items=0-1' })).statusCode).toBe(200);
  });

  it('answers 304 to its ETag and the whole file when If-Range names another version', async () => {
    expect((await t.as(dispatcher).get(archiveUrl, { 'if-none-match': etag })).statusCode).toBe(304);
    const changed = await t.as(dispatcher).get(archiveUrl, { range: 'bytes=0-9', 'if-range': '"other"' });
    expect(changed.statusCode).toBe(200);
    const same = await t.as(dispatcher).get(archiveUrl, { range: 'bytes=0-9', 'if-range': etag });
    expect(same.statusCode).toBe(206);
  });

  it('is read by everyone who reads the map, and by nobody else', async () => {
    expect((await t.as(null).get(archiveUrl, { range: 'bytes=0-99' })).statusCode).toBe(401);
    expect((await t.as(null).get('/api/basemap')).statusCode).toBe(401);
    expect((await t.as(unit).get(archiveUrl, { range: 'bytes=0-99' })).statusCode).toBe(206);
    expect((await t.as(hsAdmin).get(archiveUrl, { range: 'bytes=0-99' })).statusCode).toBe(206);
    const missing = await t
      .as(dispatcher)
      .get('/api/basemap/archives/00000000-0000-4000-8000-000000000000/file');
    expect(missing.statusCode).toBe(404);
    expect(errorOf(missing).message).toContain('底图文件不存在');
  });
});

describe('uploading an offline base map', () => {
  let uploaded = '';

  it('accepts a PMTiles v3 vector archive and makes it a default style from its vector_layers', async () => {
    const before = filesInDir();
    const res = await upload(
      admin,
      { archive: { name: 'ningbo.pmtiles', data: sampleArchive() } },
      { name: '宁波测试底图' },
    );
    expect(res.statusCode, res.body).toBe(201);
    const a = res.json();
    expect(a).toMatchObject({
      name: '宁波测试底图',
      origin: 'upload',
      fileName: 'ningbo.pmtiles',
      minZoom: 10,
      maxZoom: 10,
      styleSource: 'default',
      coversCity: true,
      active: false,
      demo: false,
    });
    expect(a.vectorLayers.map((l: { id: string }) => l.id)).toEqual(['water', 'roads', 'buildings']);
    uploaded = a.id;
    expect(filesInDir()).toEqual([...before, `${a.id}.pmtiles`].sort());
    const style = (await t.as(admin).get(`/api/basemap/archives/${a.id}/style`)).json();
    const ids = style.layers.map(
      (l: { id: string; 'source-layer': string; type: string }) => `${l['source-layer']}:${l.type}`,
    );
    expect(ids).toContain('water:fill');
    expect(ids).toContain('roads:line');
    expect(ids).toContain('roads:symbol');
    expect(style.layers.every((l: { source: string }) => l.source === 'basemap')).toBe(true);
    expect(JSON.stringify(style)).not.toContain('glyphs');
    // Preview is the administrator's.
    expect((await t.as(dispatcher).get(`/api/basemap/archives/${a.id}/style`)).statusCode).toBe(403);
  });

  it('keeps an uploaded style, drawn offline: vector sources become the archive, icons and fonts local', async () => {
    const style = {
      version: 8,
      glyphs: 'https://fonts.example.com/{fontstack}/{range}.pbf',
      sprite: 'https://example.com/sprite',
      sources: { osm: { type: 'vector', url: 'https://tiles.example.com/ningbo.json' } },
      layers: [
        { id: 'bg', type: 'background', paint: { 'background-color': '#f8f4f0' } },
        {
          id: 'water',
          type: 'fill',
          source: 'osm',
          'source-layer': 'water',
          paint: { 'fill-color': '#a0c8f0' },
        },
        {
          id: 'road-label',
          type: 'symbol',
          source: 'osm',
          'source-layer': 'roads',
          minzoom: 12,
          layout: { 'text-field': ['get', 'name'], 'text-font': ['Noto Sans Regular'], 'icon-image': 'road' },
        },
      ],
    };
    const res = await upload(admin, {
      archive: { name: 'styled.pmtiles', data: sampleArchive() },
      style: { name: 'style.json', data: Buffer.from(JSON.stringify(style)) },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().styleSource).toBe('uploaded');
    const got = (await t.as(admin).get(`/api/basemap/archives/${res.json().id}/style`)).json();
    expect(got.layers.map((l: { id: string }) => l.id)).toEqual([
      'basemap-bg',
      'basemap-water',
      'basemap-road-label',
    ]);
    expect(got.layers[2].layout['icon-image']).toBeUndefined();
    expect(got.layers[2].layout['text-font'][0]).toBe('WenQuanYi Micro Hei');
    expect(JSON.stringify(got)).not.toMatch(/example\.com/);
  });

  it("hands an archive's metadata attribution to MapLibre escaped, as text", async () => {
    const evil = '<img src=x onerror=alert(document.cookie)><a href="javascript:alert(1)">© OSM</a>';
    const data = writePmtiles([{ z: 10, x: 857, y: 421, data: Buffer.from('tile') }], {
      tileType: TileType.Mvt,
      metadata: { name: 'x', attribution: evil, vector_layers: [{ id: 'water', fields: {} }] },
      bounds: [121.3, 29.7, 121.8, 30.0],
    }).bytes;
    const res = await upload(admin, { archive: { name: 'attr.pmtiles', data } });
    expect(res.statusCode, res.body).toBe(201);
    const style = (await t.as(admin).get(`/api/basemap/archives/${res.json().id}/style`)).json();
    expect(style.sources.basemap.attribution).toBe(
      '&lt;img src=x onerror=alert(document.cookie)&gt;&lt;a href=&quot;javascript:alert(1)&quot;&gt;© OSM&lt;/a&gt;',
    );
    expect(JSON.stringify(style)).not.toMatch(/<[a-z/]/i);
    expect((await t.as(admin).delete(`/api/basemap/archives/${res.json().id}`)).statusCode).toBe(204);
  });

  it('refuses what it cannot serve, saying what to do, and leaves nothing behind', async () => {
    const files = filesInDir();
    const events = await eventCount();
    const archives = (await t.as(admin).get('/api/basemap/settings')).json().archives.length;
    const good = sampleArchive();
    const truncated = good.subarray(0, good.length - 30);
    const sqlite = Buffer.concat([Buffer.from('SQLite format 3\u0000'), Buffer.alloc(200)]);
    const v2 = Buffer.concat([Buffer.from([0x50, 0x4d, 2, 0]), Buffer.alloc(200)]);
    /** The good archive with one of the header's unsigned 64-bit counts set to `n`. */
    const counted = (at: number, n: bigint) => {
      const b = Buffer.from(good);
      b.writeBigUInt64LE(n, at);
      return b;
    };
    const cases: [string, Record<string, { name: string; data: Buffer }>, string, RegExp][] = [
      [
        'mbtiles',
        { archive: { name: 'city.mbtiles', data: sqlite } },
        'BASEMAP_ARCHIVE_REFUSED',
        /pmtiles convert 输入\.mbtiles 输出\.pmtiles/,
      ],
      [
        'raster',
        { archive: { name: 'r.pmtiles', data: sampleArchive({ tileType: TileType.Png }) } },
        'BASEMAP_ARCHIVE_REFUSED',
        /栅格（PNG）/,
      ],
      [
        'v2',
        { archive: { name: 'old.pmtiles', data: v2 } },
        'BASEMAP_ARCHIVE_REFUSED',
        /旧版 PMTiles（第 2 版）/,
      ],
      [
        'random',
        { archive: { name: 'x.pmtiles', data: Buffer.from('hello, this is not a map at all, really not') } },
        'BASEMAP_ARCHIVE_REFUSED',
        /不是 PMTiles/,
      ],
      [
        'tiny',
        { archive: { name: 'x.pmtiles', data: Buffer.from('PMTiles') } },
        'BASEMAP_ARCHIVE_REFUSED',
        /不完整/,
      ],
      [
        'truncated',
        { archive: { name: 't.pmtiles', data: truncated } },
        'BASEMAP_ARCHIVE_REFUSED',
        /损坏或不完整/,
      ],
      // Counts past any bigint (2^64 − 1) or any JavaScript safe integer (2^63): a plain refusal,
      // not the database's "out of range for type bigint" as a 500.
      [
        'addressed tiles 2^63',
        { archive: { name: 'c.pmtiles', data: counted(72, 2n ** 63n) } },
        'BASEMAP_ARCHIVE_REFUSED',
        /瓦片数（9223372036854775808）不合理/,
      ],
      [
        'addressed tiles 2^64 − 1',
        { archive: { name: 'c.pmtiles', data: counted(72, 2n ** 64n - 1n) } },
        'BASEMAP_ARCHIVE_REFUSED',
        /瓦片数（18446744073709551615）不合理/,
      ],
      [
        'tile entries 2^64 − 1',
        { archive: { name: 'c.pmtiles', data: counted(80, 2n ** 64n - 1n) } },
        'BASEMAP_ARCHIVE_REFUSED',
        /目录条目数（18446744073709551615）不合理/,
      ],
      [
        'tile contents 2^63',
        { archive: { name: 'c.pmtiles', data: counted(88, 2n ** 63n) } },
        'BASEMAP_ARCHIVE_REFUSED',
        /瓦片内容数（9223372036854775808）不合理/,
      ],
      [
        'no layers',
        { archive: { name: 'n.pmtiles', data: sampleArchive({ vectorLayers: null }) } },
        'BASEMAP_STYLE_REFUSED',
        /vector_layers/,
      ],
      [
        'bad json style',
        {
          archive: { name: 'a.pmtiles', data: good },
          style: { name: 's.json', data: Buffer.from('{"version": 8,') },
        },
        'BASEMAP_STYLE_REFUSED',
        /不是有效的 JSON/,
      ],
      [
        'remote source',
        {
          archive: { name: 'a.pmtiles', data: good },
          style: {
            name: 's.json',
            data: Buffer.from(
              JSON.stringify({
                version: 8,
                sources: { sat: { type: 'raster', tiles: ['https://x/{z}/{x}/{y}.png'] } },
                layers: [{ id: 's', type: 'raster', source: 'sat' }],
              }),
            ),
          },
        },
        'BASEMAP_STYLE_REFUSED',
        /数据源“sat”类型为 raster/,
      ],
      [
        'unknown source-layer',
        {
          archive: { name: 'a.pmtiles', data: good },
          style: {
            name: 's.json',
            data: Buffer.from(
              JSON.stringify({
                version: 8,
                sources: { v: { type: 'vector' } },
                layers: [{ id: 'l', type: 'line', source: 'v', 'source-layer': 'transportation' }],
              }),
            ),
          },
        },
        'BASEMAP_STYLE_REFUSED',
        /transportation/,
      ],
      ['no file', {}, 'VALIDATION_FAILED', /缺少底图文件/],
      [
        'too large',
        { archive: { name: 'big.pmtiles', data: Buffer.concat([good, Buffer.alloc(MAX_BYTES)]) } },
        'PAYLOAD_TOO_LARGE',
        /BASEMAP_MAX_BYTES/,
      ],
    ];
    for (const [what, parts, code, message] of cases) {
      const res = await upload(admin, parts);
      expect(res.statusCode, `${what}: ${res.body}`).toBe(
        code === 'PAYLOAD_TOO_LARGE' ? 413 : code === 'VALIDATION_FAILED' ? 400 : 422,
      );
      expect(errorOf(res).code, what).toBe(code);
      expect(errorOf(res).message, what).toMatch(message);
    }
    const en = await upload(
      admin,
      { archive: { name: 'city.mbtiles', data: sqlite } },
      {},
      { 'accept-language': 'en' },
    );
    expect(en.statusCode).toBe(422);
    expect(errorOf(en).message).toContain('pmtiles convert in.mbtiles out.pmtiles');
    const enCount = await upload(
      admin,
      { archive: { name: 'c.pmtiles', data: counted(72, 2n ** 64n - 1n) } },
      {},
      { 'accept-language': 'en' },
    );
    expect(enCount.statusCode).toBe(422);
    expect(errorOf(enCount).message).toContain("header's count of addressed tiles (18446744073709551615)");
    expect(filesInDir()).toEqual(files);
    expect(await eventCount()).toBe(events);
    expect((await t.as(admin).get('/api/basemap/settings')).json().archives.length).toBe(archives);
  });

  it('refuses a body the multipart parser cannot read with a 400, and leaves nothing behind', async () => {
    const files = filesInDir();
    const events = await eventCount();
    const long = 'b'.repeat(300);
    const head = (name: string, file = '') =>
      `------x\r\nContent-Disposition: form-data; name="${name}"${file}\r\n\r\n`;
    const cases: [string, string, string][] = [
      ['no boundary at all', 'multipart/form-data; boundary=----x', "' OR 1=1 --"],
      ['cut off in a field', 'multipart/form-data; boundary=----x', `${head('name')}底图`],
      [
        'cut off in the archive',
        'multipart/form-data; boundary=----x',
        `${head('archive', '; filename="a.pmtiles"')}PMTiles`,
      ],
      ['a __proto__ field', 'multipart/form-data; boundary=----x', `${head('__proto__')}x\r\n------x--\r\n`],
      ['no boundary parameter', 'multipart/form-data', 'abc'],
      [
        'a boundary longer than the parser searches',
        `multipart/form-data; boundary=${long}`,
        `--${long}\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--${long}--\r\n`,
      ],
    ];
    for (const [what, contentType, payload] of cases) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/basemap/archives',
        headers: { authorization: `Bearer ${admin}`, 'content-type': contentType, 'accept-language': 'en' },
        payload,
      });
      expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
      expect(errorOf(res).code, what).toBe('VALIDATION_FAILED');
      expect(errorOf(res).message, what).toMatch(/not well-formed multipart\/form-data/);
    }
    expect(filesInDir()).toEqual(files);
    expect(await eventCount()).toBe(events);
  });

  it('fuzz: damaged archives are accepted whole or refused with 422, never half-written', async () => {
    const good = sampleArchive();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.option(fc.nat({ max: good.length }), { nil: undefined }),
        async (edits, cut) => {
          const data = Buffer.from(good);
          for (const [at, v] of edits) data[at] = v;
          const body = cut === undefined ? data : data.subarray(0, cut);
          const before = filesInDir().length;
          const res = await upload(admin, { archive: { name: 'f.pmtiles', data: body } });
          if (res.statusCode === 201) {
            accepted++;
            expect(filesInDir().length).toBe(before + 1);
            expect((await t.as(admin).delete(`/api/basemap/archives/${res.json().id}`)).statusCode).toBe(204);
          } else {
            expect(res.statusCode, res.body).toBe(422);
            expect(['BASEMAP_ARCHIVE_REFUSED', 'BASEMAP_STYLE_REFUSED']).toContain(errorOf(res).code);
          }
          expect(
            filesInDir(),
            JSON.stringify({ status: res.statusCode, body: res.body.slice(0, 300) }),
          ).toHaveLength(before);
        },
      ),
      // A fixed seed (a failure names it and replays) and, first, a byte of the last tile changed:
      // the tile data is not read at upload, so that archive must be accepted whole.
      {
        numRuns: 60,
        seed: 20261206,
        examples: [[[[good.length - 1, good[good.length - 1] ^ 0xff]], undefined]],
      },
    );
    // Edits in the tile data leave the archive readable: some were accepted.
    expect(accepted).toBeGreaterThan(0);
  }, 120_000);

  it('is chosen, drawn by everyone, and cannot be deleted while in use', async () => {
    const s = (await t.as(admin).get('/api/basemap/settings')).json();
    const res = await t
      .as(admin)
      .put('/api/basemap', { kind: 'archive', archiveId: uploaded, version: s.choice.version });
    expect(res.statusCode, res.body).toBe(200);
    const b = (await t.as(dispatcher).get('/api/basemap')).json();
    expect(b).toMatchObject({ kind: 'archive', generated: false, demo: false, notice: null });
    expect(b.archive.id).toBe(uploaded);
    expect(b.style.layers.length).toBeGreaterThan(0);
    const del = await t.as(admin).delete(`/api/basemap/archives/${uploaded}`);
    expect(del.statusCode).toBe(409);
    expect(errorOf(del).message).toContain('正在使用');
    // A stale version is a conflict.
    const stale = await t.as(admin).put('/api/basemap', { kind: 'none', version: s.choice.version });
    expect(stale.statusCode).toBe(409);
  });

  it('refuses a choice or an upload from anyone but the city administrators, before reading the file', async () => {
    const s = (await t.as(admin).get('/api/basemap/settings')).json();
    const files = filesInDir();
    for (const token of [dispatcher, hsAdmin, unit]) {
      expect(
        (await t.as(token).put('/api/basemap', { kind: 'none', version: s.choice.version })).statusCode,
      ).toBe(403);
      expect((await t.as(token).get('/api/basemap/settings')).statusCode).toBe(403);
      expect(
        (await upload(token, { archive: { name: 'a.pmtiles', data: sampleArchive() } })).statusCode,
      ).toBe(403);
      expect((await t.as(token).delete(`/api/basemap/archives/${uploaded}`)).statusCode).toBe(403);
      expect((await t.as(token).post('/api/basemap/generated')).statusCode).toBe(403);
    }
    expect(filesInDir()).toEqual(files);
    expect((await t.as(admin).get('/api/basemap/settings')).json().choice.version).toBe(s.choice.version);
  });
});

/** The directives of a CSP header as name → sources. */
function csp(res: { headers: Record<string, unknown> }): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const d of String(res.headers['content-security-policy']).split(';')) {
    const [name, ...v] = d.trim().split(/\s+/);
    out[name] = v;
  }
  return out;
}

/** Polls `read` until `ok` holds (the other node hears within the feed's interval), or fails at the deadline. */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('online base maps', () => {
  /** The web client's page as the other node serves it, once its CSP's img-src has `n` sources. */
  const page = (n = 3) =>
    eventually(
      () => web.inject({ method: 'GET', url: '/map' }),
      (res) => csp(res)['img-src'].length === n,
    );
  /** This node (which took the write) serves a non-API path with the app's CSP at once. */
  const here = () => t.app.inject({ method: 'GET', url: '/map' });

  it('天地图: the key is checked, reaches the tile URLs, is never shown back, and opens the CSP to its hosts only', async () => {
    const before = csp(await page());
    expect(before['img-src']).toEqual(["'self'", 'data:', 'blob:']);
    expect(before['connect-src']).toEqual(["'self'"]);
    let v = (await t.as(admin).get('/api/basemap/settings')).json().choice.version;
    const bad = await t
      .as(admin)
      .put('/api/basemap', { kind: 'tianditu', tianditu: { key: 'not-a-key', layer: 'vec' }, version: v });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).message).toContain('32 位十六进制');
    const none = await t
      .as(admin)
      .put('/api/basemap', { kind: 'tianditu', tianditu: { layer: 'vec' }, version: v });
    expect(none.statusCode).toBe(400);
    const ok = await t.as(admin).put('/api/basemap', {
      kind: 'tianditu',
      tianditu: { key: KEY, layer: 'vec' },
      version: v,
      reason: '启用天地图',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().tianditu).toEqual({ layer: 'vec', keySet: true, keyHint: '••••cdef' });
    expect(ok.body).not.toContain(KEY);
    v = ok.json().version;

    const b = (await t.as(dispatcher).get('/api/basemap')).json();
    expect(b.kind).toBe('tianditu');
    expect(b.keyHint).toBe('••••cdef');
    expect(b.remoteOrigins).toHaveLength(8);
    const sources = Object.values(b.style.sources) as { type: string; tiles: string[] }[];
    expect(sources.map((s) => s.type)).toEqual(['raster', 'raster']);
    expect(sources[0].tiles[0]).toBe(
      'https://t0.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default' +
        `&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${KEY}`,
    );
    expect(sources[1].tiles[7]).toContain('https://t7.tianditu.gov.cn/cva_w/wmts?');
    // Not in the settings the administrators read back, nor in the audit trail.
    const settings = await t.as(admin).get('/api/basemap/settings');
    expect(settings.body).not.toContain(KEY);
    const audit = await t.as(admin).get('/api/audit?pageSize=5&entityType=basemap');
    expect(audit.body).toContain('basemap.choose');
    expect(audit.body).not.toContain(KEY);

    // The node that took the write: at once.
    expect(csp(await here())['img-src']).toHaveLength(11);
    const opened = csp(await page(11));
    const hosts = Array.from({ length: 8 }, (_, i) => `https://t${i}.tianditu.gov.cn`);
    expect(opened['img-src']).toEqual(["'self'", 'data:', 'blob:', ...hosts]);
    expect(opened['connect-src']).toEqual(["'self'", ...hosts]);
    expect(opened['script-src']).toEqual(["'self'"]);
    expect((await page(11)).headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    // API answers keep their closed policy.
    expect(csp(await web.inject({ method: 'GET', url: '/api/basemap' }))['default-src']).toEqual(["'none'"]);

    // Switching the layer keeps the stored key.
    const img = await t
      .as(admin)
      .put('/api/basemap', { kind: 'tianditu', tianditu: { layer: 'img' }, version: v });
    expect(img.statusCode, img.body).toBe(200);
    v = img.json().version;
    const tiles = Object.values((await t.as(dispatcher).get('/api/basemap')).json().style.sources) as {
      tiles: string[];
    }[];
    expect(tiles[0].tiles[0]).toContain(`/img_w/wmts?`);
    expect(tiles[1].tiles[0]).toContain(`/cia_w/wmts?`);
    expect(tiles[0].tiles[0]).toContain(`tk=${KEY}`);

    // Back to the generated base map: the CSP closes again.
    const back = await t.as(admin).put('/api/basemap', { kind: 'generated', version: v });
    expect(back.statusCode).toBe(200);
    const closed = csp(await page());
    expect(closed['img-src']).toEqual(["'self'", 'data:', 'blob:']);
    expect(closed['connect-src']).toEqual(["'self'"]);
    expect((await page()).headers['referrer-policy']).toBe('same-origin');
  });

  it('refuses a GCJ-02 or BD-09 tile service with its offset; allows a WGS84 one and its origin only', async () => {
    let v = (await t.as(admin).get('/api/basemap/settings')).json().choice.version;
    const gcj = await t.as(admin).put('/api/basemap', {
      kind: 'xyz',
      xyz: { url: 'https://webrd01.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}&style=8', crs: 'gcj02' },
      version: v,
    });
    expect(gcj.statusCode).toBe(422);
    expect(errorOf(gcj).code).toBe('BASEMAP_SOURCE_REFUSED');
    const metres = Number(/约 (\d+) 米/.exec(errorOf(gcj).message)?.[1]);
    expect(metres).toBeGreaterThan(200);
    expect(metres).toBeLessThan(1000);
    const bd = await t.as(admin).put('/api/basemap', {
      kind: 'xyz',
      xyz: { url: 'https://maponline0.bdimg.com/tile/?x={x}&y={y}&z={z}', crs: 'bd09' },
      version: v,
    });
    expect(errorOf(bd).code).toBe('BASEMAP_SOURCE_REFUSED');
    const noZ = await t.as(admin).put('/api/basemap', {
      kind: 'xyz',
      xyz: { url: 'https://tiles.example.gov.cn/{x}/{y}.png', crs: 'wgs84' },
      version: v,
    });
    expect(noZ.statusCode).toBe(400);
    const ok = await t.as(admin).put('/api/basemap', {
      kind: 'xyz',
      xyz: {
        url: 'https://tiles.example.gov.cn/wgs84/{z}/{x}/{y}.png',
        crs: 'cgcs2000',
        attribution: '市测绘院',
      },
      version: v,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    v = ok.json().version;
    const b = (await t.as(unit).get('/api/basemap')).json();
    expect(b.remoteOrigins).toEqual(['https://tiles.example.gov.cn']);
    expect(csp(await page(4))['img-src']).toEqual([
      "'self'",
      'data:',
      'blob:',
      'https://tiles.example.gov.cn',
    ]);
    expect((await t.as(admin).put('/api/basemap', { kind: 'generated', version: v })).statusCode).toBe(200);
  });

  it('refuses AMap, Tencent and Baidu tile hosts as GCJ-02 / BD-09 whatever CRS is declared', async () => {
    const v = (await t.as(admin).get('/api/basemap/settings')).json().choice.version;
    for (const [url, crs, words] of [
      [
        'https://webrd01.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}&style=8',
        'wgs84',
        'GCJ-02（高德、腾讯）',
      ],
      ['https://webst02.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}', 'cgcs2000', 'GCJ-02'],
      ['https://wprd01.amap.com/appmaptile?x={x}&y={y}&z={z}', 'wgs84', 'GCJ-02'],
      ['https://rt0.map.gtimg.com/tile?z={z}&x={x}&y={y}&styleid=1', 'wgs84', 'GCJ-02'],
      ['https://p0.map.qq.com/{z}/{x}/{y}.png', 'wgs84', 'GCJ-02'],
      ['https://maponline0.bdimg.com/tile/?qt=vtile&x={x}&y={y}&z={z}', 'wgs84', 'BD-09（百度）'],
      ['https://online1.map.bdimg.com/onlinelabel/?qt=tile&x={x}&y={y}&z={z}', 'cgcs2000', 'BD-09'],
      ['https://api.map.baidu.com/customimage/tile?x={x}&y={y}&z={z}', 'wgs84', 'BD-09'],
      ['https://MAP.BAIDU.COM./tile/{z}/{x}/{y}', 'wgs84', 'BD-09'],
    ] as const) {
      const res = await t.as(admin).put('/api/basemap', { kind: 'xyz', xyz: { url, crs }, version: v });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(422);
      const e = errorOf(res) as { code: string; message: string; details: { field: string }[] };
      expect(e.code, url).toBe('BASEMAP_SOURCE_REFUSED');
      expect(e.message, url).toContain(words);
      expect(e.message, url).toContain(
        `该瓦片服务（${new URL(url.replace(/\{[a-z]\}/g, '0')).hostname}）使用`,
      );
      expect(Number(/约 (\d+) 米/.exec(e.message)?.[1]), url).toBeGreaterThan(200);
      expect(
        e.details.map((d) => d.field),
        url,
      ).toEqual(['body.xyz.url']);
    }
    const en = await t.as(admin).put(
      '/api/basemap',
      {
        kind: 'xyz',
        xyz: { url: 'https://webrd01.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}', crs: 'wgs84' },
        version: v,
      },
      { 'accept-language': 'en' },
    );
    expect(errorOf(en).message).toMatch(
      /^This tile service \(webrd01\.is\.autonavi\.com\) uses GCJ-02 \(AMap, Tencent\) tiles, which are about \d+ m off/,
    );
    expect((await t.as(admin).get('/api/basemap/settings')).json().choice.version).toBe(v);
  });

  it('refuses a wildcard host and loopback, link-local, metadata or unspecified addresses, naming the field', async () => {
    let v = (await t.as(admin).get('/api/basemap/settings')).json().choice.version;
    const cspBefore = csp(await here());
    for (const [url, words] of [
      ['https://*.example.com/{z}/{x}/{y}.png', '通配符'],
      ['https://*/{z}/{x}/{y}.png', '通配符'],
      ['https://tiles_1.example.com/{z}/{x}/{y}.png', '只能是域名或 IPv4 地址'],
      ['http://127.0.0.1:8080/{z}/{x}/{y}.png', '本机回环地址'],
      ['http://0x7f000001/{z}/{x}/{y}.png', '本机回环地址'],
      ['http://[::1]/{z}/{x}/{y}.png', '本机回环地址'],
      ['http://localhost:8600/{z}/{x}/{y}.png', '本机回环地址'],
      ['http://tiles.localhost/{z}/{x}/{y}.png', '本机回环地址'],
      ['http://169.254.169.254/latest/{z}/{x}/{y}', '云主机元数据服务地址'],
      ['http://[::ffff:169.254.169.254]/{z}/{x}/{y}', '云主机元数据服务地址'],
      ['http://169.254.10.20/{z}/{x}/{y}.png', '链路本地地址'],
      ['http://0.0.0.0/{z}/{x}/{y}.png', '未指定地址'],
      ['http://[::]/{z}/{x}/{y}.png', '未指定地址'],
      ['http://[2400:3200::1]/{z}/{x}/{y}.png', '只能是域名或 IPv4 地址'],
    ] as const) {
      const res = await t
        .as(admin)
        .put('/api/basemap', { kind: 'xyz', xyz: { url, crs: 'wgs84' }, version: v });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      const e = errorOf(res) as { code: string; message: string; details: { field: string }[] };
      expect(e.code, url).toBe('VALIDATION_FAILED');
      expect(e.message, url).toContain(words);
      expect(e.message, url).toContain('瓦片地址的主机');
      expect(
        e.details.map((d) => d.field),
        url,
      ).toEqual(['body.xyz.url']);
      const en = await t
        .as(admin)
        .put(
          '/api/basemap',
          { kind: 'xyz', xyz: { url, crs: 'wgs84' }, version: v },
          { 'accept-language': 'en' },
        );
      expect(errorOf(en).message, url).toMatch(/^The tile URL's host \S+ (is|is not allowed)/);
    }
    expect((await t.as(admin).get('/api/basemap/settings')).json().choice.version).toBe(v);
    expect(csp(await here())).toEqual(cspBefore);
    // A city GIS platform on the intranet (a private address) is a tile service the browser reaches.
    const intranet = await t.as(admin).put('/api/basemap', {
      kind: 'xyz',
      xyz: { url: 'http://10.20.1.5:8080/wgs84/{z}/{x}/{y}.png', crs: 'wgs84' },
      version: v,
    });
    expect(intranet.statusCode, intranet.body).toBe(200);
    v = intranet.json().version;
    expect((await t.as(unit).get('/api/basemap')).json().remoteOrigins).toEqual(['http://10.20.1.5:8080']);
    expect((await t.as(admin).put('/api/basemap', { kind: 'generated', version: v })).statusCode).toBe(200);
  });

  it('hands the XYZ attribution to MapLibre (which writes it as HTML) escaped, as text', async () => {
    let v = (await t.as(admin).get('/api/basemap/settings')).json().choice.version;
    const evil = '<img src=x onerror=alert(1)><a href="javascript:alert(2)">市测绘院</a>';
    const ok = await t.as(admin).put('/api/basemap', {
      kind: 'xyz',
      xyz: { url: 'https://tiles.example.gov.cn/wgs84/{z}/{x}/{y}.png', crs: 'wgs84', attribution: evil },
      version: v,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    v = ok.json().version;
    // The administrator's form reads back what was typed.
    expect(ok.json().xyz.attribution).toBe(evil);
    const b = (await t.as(unit).get('/api/basemap')).json();
    const source = b.style.sources['basemap-xyz'];
    expect(source.attribution).toBe(
      '&lt;img src=x onerror=alert(1)&gt;&lt;a href=&quot;javascript:alert(2)&quot;&gt;市测绘院&lt;/a&gt;',
    );
    expect(JSON.stringify(b.style)).not.toMatch(/<[a-z/]/i);
    expect((await t.as(admin).put('/api/basemap', { kind: 'generated', version: v })).statusCode).toBe(200);
  });
});

describe('regenerating', () => {
  it('replaces the generated archive (new file, old one gone) and only an administrator may', async () => {
    const before = (await t.as(dispatcher).get('/api/basemap')).json().archive.id;
    const res = await t.as(admin).post('/api/basemap/generated');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ origin: 'generated', demo: true, active: true });
    expect(res.json().id).not.toBe(before);
    expect(filesInDir()).not.toContain(`${before}.pmtiles`);
    expect(filesInDir()).toContain(`${res.json().id}.pmtiles`);
    expect((await t.as(dispatcher).get('/api/basemap')).json().archive.id).toBe(res.json().id);
    expect((await t.as(admin).get('/api/basemap/settings')).json().generated).toMatchObject({
      archiveId: res.json().id,
      stale: false,
    });
  }, 60_000);
});
