/**
 * The generated base map from a small made-up city: every layer in the archive, labels inside
 * their areas, lower zooms without the features that start deeper, the metadata saying what it is.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import { PMTiles } from 'pmtiles';
import { describe, expect, it } from 'vitest';
import type { BaseLayers } from '../geo/index.ts';
import { BufferSource, inspectArchive } from './archive.ts';
import { cityFeatures, generateCityBaseMap, labelPoint } from './generate.ts';

const rect = (w: number, s: number, e: number, n: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
      [w, s],
    ],
  ],
});

const city: BaseLayers = {
  generated: true,
  divisions: [
    { code: '330203', name: '海曙区', level: 'district', geometry: rect(121.5, 29.85, 121.58, 29.9) },
    { code: '330203001', name: '南门街道', level: 'township', geometry: rect(121.5, 29.85, 121.54, 29.9) },
    {
      code: '330203001001',
      name: '测试社区',
      level: 'community',
      geometry: rect(121.5, 29.85, 121.52, 29.87),
    },
  ],
  outlines: [
    {
      code: '330203',
      name: '海曙区',
      geometry: {
        type: 'MultiPolygon',
        coordinates: [rect(121.3, 29.7, 121.6, 30).coordinates],
      } as MultiPolygon,
    },
  ],
  outlineSource: 'test',
  places: [
    { name: '天一广场', kind: 'poi', lng: 121.551, lat: 29.87, line: null, generated: false },
    {
      name: '南门路',
      kind: 'road',
      lng: 121.52,
      lat: 29.86,
      line: {
        type: 'LineString',
        coordinates: [
          [121.5, 29.86],
          [121.52, 29.86],
          [121.54, 29.86],
        ],
      },
      generated: true,
    },
    { name: '测试社区', kind: 'community', lng: 121.51, lat: 29.86, line: null, generated: true },
  ],
  digest: 'd',
};

describe('the generated base map', () => {
  it('puts a label inside an L-shaped area whose box centre is outside it', () => {
    const l: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [4, 0],
          [4, 1],
          [1, 1],
          [1, 4],
          [0, 4],
          [0, 0],
        ],
      ],
    };
    const [x, y] = labelPoint(l);
    expect(x > 0 && x < 1 && y > 0 && y < 4).toBe(true);
    expect(labelPoint(rect(0, 0, 2, 2))).toEqual([1, 1]);
  });

  it('holds every layer: land, boundaries, roads as lines, labels of divisions and places', () => {
    const f = cityFeatures(city);
    expect(f.land).toHaveLength(1);
    expect(f.boundary.map((b) => b.properties?.level).sort()).toEqual([
      'community',
      'district',
      'outline',
      'township',
    ]);
    expect(f.road.map((r) => r.properties?.name)).toEqual(['南门路']);
    // The community is labelled once (from its division), not again from the gazetteer.
    expect(f.label.map((x) => x.properties?.name).sort()).toEqual(
      ['南门街道', '天一广场', '测试社区', '海曙区'].sort(),
    );
  });

  it('writes an archive the library reads, with the labels where they belong', async () => {
    const out = generateCityBaseMap(city, { maxZoom: 14 });
    const info = await inspectArchive(new BufferSource(out.bytes), out.bytes.length);
    expect(info).toMatchObject({ minZoom: 0, maxZoom: 14, generated: true });
    expect(info.vectorLayers.map((l) => l.id)).toEqual(['land', 'boundary', 'road', 'label']);
    const p = new PMTiles(new BufferSource(out.bytes));
    const meta = (await p.getMetadata()) as { description: string };
    expect(meta.description).toContain('Generated demo data');
    const tile = async (z: number, lng: number, lat: number) => {
      const n = 2 ** z;
      const x = Math.floor(((lng + 180) / 360) * n);
      const y = Math.floor(((1 - Math.asinh(Math.tan((lat * Math.PI) / 180)) / Math.PI) / 2) * n);
      const t = await p.getZxy(z, x, y);
      return t ? Buffer.from(t.data) : Buffer.alloc(0);
    };
    const z14 = await tile(14, 121.551, 29.87);
    expect(z14.includes(Buffer.from('天一广场'))).toBe(true);
    // At zoom 8 the district is named, the community is not (it starts at 13).
    const z8 = await tile(8, 121.55, 29.87);
    expect(z8.includes(Buffer.from('海曙区'))).toBe(true);
    expect(z8.includes(Buffer.from('测试社区'))).toBe(false);
    const road = await tile(13, 121.52, 29.86);
    expect(road.includes(Buffer.from('南门路'))).toBe(true);
  });
});
