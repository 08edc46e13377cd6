/**
 * The GIS shared service: OGC API – Features at /ogc (landing page, conformance, collections,
 * items with bbox/limit/offset paging, single items, GeoJSON media type), Mapbox Vector Tiles
 * at /tiles decoded with @mapbox/vector-tile at zoom 14–17, and GDAL's ogrinfo reading /ogc
 * over real HTTP with an API key.
 */
import { execFile, execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grid } from '../../server/modules/geo/tables.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
let token: string;
let grids: (typeof grid.$inferSelect)[];

beforeAll(async () => {
  t = await createTestApp();
  token = await t.login('jiangbei.dispatcher');
  grids = await t.database.db.select().from(grid);
}, 120_000);
afterAll(() => t?.close());

const get = (url: string) => t.as(token).get(url);

describe('OGC API – Features', () => {
  it('serves the landing page, conformance and the collections', async () => {
    const landing = await get('/ogc');
    expect(landing.statusCode).toBe(200);
    const rels = landing.json().links.map((l: { rel: string }) => l.rel);
    expect(rels).toEqual(expect.arrayContaining(['self', 'service-desc', 'conformance', 'data']));
    const desc = landing.json().links.find((l: { rel: string }) => l.rel === 'service-desc');
    expect(desc.href).toMatch(/\/api\/openapi\.json$/);
    const conf = (await get('/ogc/conformance')).json().conformsTo;
    for (const c of ['core', 'geojson', 'oas30']) {
      expect(conf).toContain(`http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/${c}`);
    }
    const cols = (await get('/ogc/collections')).json().collections;
    expect(cols.map((c: { id: string }) => c.id)).toEqual([
      'districts',
      'townships',
      'communities',
      'grids',
      'components',
    ]);
    const g = (await get('/ogc/collections/grids')).json();
    expect(g.extent.spatial.bbox[0]).toHaveLength(4);
    expect(g.links.map((l: { rel: string }) => l.rel)).toContain('items');
    expect((await get('/ogc/collections/roads')).statusCode).toBe(404);
    expect((await t.as(null).get('/ogc/collections')).statusCode).toBe(401);
  });

  it('pages items with limit and offset, next/prev links and exact counts', async () => {
    const first = await get('/ogc/collections/grids/items');
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toMatch(/^application\/geo\+json/);
    const fc = first.json();
    expect(fc).toMatchObject({ type: 'FeatureCollection', numberMatched: grids.length, numberReturned: 10 });
    expect(Date.parse(fc.timeStamp)).not.toBeNaN();
    expect(fc.features[0]).toMatchObject({ type: 'Feature', geometry: { type: 'Polygon' } });
    expect(fc.features[0].properties).toHaveProperty('areaClass');
    const next = fc.links.find((l: { rel: string }) => l.rel === 'next').href as string;
    const second = (await get(new URL(next).pathname + new URL(next).search)).json();
    expect(second.features[0].id).not.toBe(fc.features[0].id);
    expect(second.links.map((l: { rel: string }) => l.rel)).toContain('prev');
    const last = (await get(`/ogc/collections/grids/items?limit=10000&offset=${grids.length - 3}`)).json();
    expect(last.numberReturned).toBe(3);
    expect(last.links.map((l: { rel: string }) => l.rel)).not.toContain('next');
    expect((await get('/ogc/collections/grids/items?limit=10001')).statusCode).toBe(400);
    expect((await get('/ogc/collections/grids/items?limit=0')).statusCode).toBe(400);
    const districts = (await get('/ogc/collections/districts/items?limit=100')).json();
    expect(districts.numberMatched).toBe(6);
  });

  it('filters by bbox exactly and pages through the matches', async () => {
    // About 1 km around the city centre.
    const bbox = [121.552, 29.8685, 121.562, 29.8775];
    const expected = grids
      .filter((g) => g.minLng <= bbox[2] && g.maxLng >= bbox[0] && g.minLat <= bbox[3] && g.maxLat >= bbox[1])
      .map((g) => g.id)
      .sort();
    expect(expected.length).toBeGreaterThan(20);
    const seen: string[] = [];
    let url: string | undefined = `/ogc/collections/grids/items?bbox=${bbox.join(',')}&limit=7`;
    while (url) {
      const page: {
        numberMatched: number;
        features: { id: string }[];
        links: { rel: string; href: string }[];
      } = (await get(url)).json();
      expect(page.numberMatched).toBe(expected.length);
      seen.push(...page.features.map((f: { id: string }) => f.id));
      const next: { href: string } | undefined = page.links.find((l) => l.rel === 'next');
      url = next ? new URL(next.href).pathname + new URL(next.href).search : undefined;
    }
    expect(seen).toEqual(expected);
    for (const bad of ['1,2,3', '121,29,a,30', '122,29,121,30', '121,31,122,30', '-181,0,0,1']) {
      const res = await get(`/ogc/collections/grids/items?bbox=${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.details[0].field).toBe('querystring.bbox');
    }
  });

  it('returns single features with GeoJSON media type, 404 for unknown IDs', async () => {
    const g = grids[5];
    const res = await get(`/ogc/collections/grids/items/${g.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(res.json()).toMatchObject({ type: 'Feature', id: g.id, properties: { areaClass: g.areaClass } });
    const c = (await get(`/ogc/collections/communities/items/${g.communityCode}`)).json();
    expect(c.properties).toMatchObject({ code: g.communityCode, level: 'community' });
    expect((await get(`/ogc/collections/districts/items/${g.communityCode}`)).statusCode).toBe(404);
    expect((await get('/ogc/collections/grids/items/999')).statusCode).toBe(404);
  });
});

/** XYZ tile containing a WGS84 point. */
function tileOf(lng: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [
    Math.floor(((lng + 180) / 360) * n),
    Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n),
  ];
}

describe('vector tiles', () => {
  it('serves grids and divisions at zoom 14–17 as decodable MVT with the documented properties', async () => {
    const g = grids[Math.floor(grids.length / 2)];
    for (const z of [14, 15, 16, 17]) {
      const [x, y] = tileOf(g.centroidLng, g.centroidLat, z);
      const res = await get(`/tiles/grids/${z}/${x}/${y}.mvt`);
      expect(res.statusCode, `z${z}`).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
      const layer = new VectorTile(new PbfReader(res.rawPayload)).layers.grids;
      expect(layer.length).toBeGreaterThan(0);
      const ids = Array.from({ length: layer.length }, (_, i) => layer.feature(i).properties.id);
      expect(ids).toContain(g.id);
      const f = layer.feature(ids.indexOf(g.id));
      expect(f.properties).toMatchObject({ areaClass: g.areaClass });
      expect(String(f.properties.communityName).length).toBeGreaterThan(0);
      expect(f.type).toBe(3);

      const div = await get(`/tiles/divisions/${z}/${x}/${y}.mvt`);
      const dl = new VectorTile(new PbfReader(div.rawPayload)).layers.divisions;
      const props = Array.from({ length: dl.length }, (_, i) => dl.feature(i).properties);
      expect(props).toContainEqual(expect.objectContaining({ code: g.communityCode, level: 'community' }));
      expect(props).toContainEqual(expect.objectContaining({ code: g.districtCode, level: 'district' }));
    }
  });

  it('answers 204 for empty tiles and below a layer’s minimum zoom, 400 for bad coordinates', async () => {
    const g = grids[0];
    const [x11, y11] = tileOf(g.centroidLng, g.centroidLat, 11);
    expect((await get(`/tiles/grids/11/${x11}/${y11}.mvt`)).statusCode).toBe(204);
    const [x13, y13] = tileOf(g.centroidLng, g.centroidLat, 13);
    expect((await get(`/tiles/components/13/${x13}/${y13}.mvt`)).statusCode).toBe(204);
    expect((await get('/tiles/grids/14/0/0.mvt')).statusCode).toBe(204);
    expect((await get('/tiles/grids/14/99999/1.mvt')).statusCode).toBe(400);
    expect((await get('/tiles/grids/14/1/1.png')).statusCode).toBe(400);
    expect((await get('/tiles/roads/14/1/1.mvt')).statusCode).toBe(400);
    expect((await get('/tiles/grids/23/1/1.mvt')).statusCode).toBe(400);
  });

  it('caches tiles under the index revision', async () => {
    const g = grids[1];
    const [x, y] = tileOf(g.centroidLng, g.centroidLat, 15);
    const a = await get(`/tiles/grids/15/${x}/${y}.mvt`);
    const b = await get(`/tiles/grids/15/${x}/${y}.mvt`);
    expect(Buffer.compare(a.rawPayload, b.rawPayload)).toBe(0);
    expect(a.headers['x-tile-revision']).toBe(t.app.spatial.tileRevision);
  });
});

function ogrinfoAvailable(): boolean {
  try {
    execFileSync('ogrinfo', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe("GDAL's ogrinfo", () => {
  const available = ogrinfoAvailable();
  if (!available) {
    const message =
      'ogrinfo (Debian package gdal-bin) is not installed: install it with apt-get install -y gdal-bin';
    if (process.env.CI) {
      it('is installed in CI', () => {
        throw new Error(message);
      });
      return;
    }
    console.warn(`\n\n!!! SKIPPING the ogrinfo test: ${message} !!!\n`);
  }

  it.skipIf(!available)(
    'reads /ogc over HTTP with an API key and counts every grid',
    async () => {
      const admin = await t.login('admin');
      const orgId = (await t.as(admin).get('/api/me')).json().org.id;
      const key = await t.as(admin).post('/api/api-keys', {
        name: 'gdal',
        orgId,
        permissions: ['geo:read', 'component:read'],
      });
      expect(key.statusCode).toBe(201);
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = t.app.server.address() as AddressInfo;
      const { stdout } = await promisify(execFile)(
        'ogrinfo',
        [
          '-ro',
          '-so',
          '-al',
          '--config',
          'GDAL_HTTP_HEADERS',
          `Authorization: Bearer ${key.json().secret}`,
          `OAPIF:http://127.0.0.1:${port}/ogc`,
          'grids',
        ],
        { timeout: 120_000 },
      );
      expect(stdout).toMatch(/Layer name: grids/);
      expect(stdout).toContain(`Feature Count: ${grids.length}`);
    },
    180_000,
  );
});
