import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import type { VectorLayer } from './archive.ts';
import { defaultArchiveStyle, normalizeUploadedStyle } from './archive-style.ts';
import {
  archiveFragment,
  attributionHtml,
  CITY_LAYERS,
  cityLayersStyle,
  LABEL_FONTS,
  tiandituFragment,
  xyzFragment,
} from './style.ts';

const refused = (f: () => unknown): AppError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('BASEMAP_STYLE_REFUSED');
    return e as AppError;
  }
  throw new Error('not refused');
};

describe('the default style of an archive without one', () => {
  const layers = defaultArchiveStyle([
    { id: 'transportation_name', fields: { name: 'String', 'name:zh': 'String' } },
    { id: 'roads', fields: { name: 'String', class: 'String' }, minzoom: 8, maxzoom: 14 },
    { id: 'water', fields: {} },
    { id: 'buildings', fields: { height: 'Number' } },
    { id: 'landuse', fields: { class: 'String' } },
    { id: 'pois', fields: {} },
  ]);
  const byLayer = (sl: string) => layers.filter((l) => l['source-layer'] === sl).map((l) => l.type);

  it('draws areas first, then lines, then labels, every layer from the archive source', () => {
    const kinds = layers.map((l) => l.type);
    expect(kinds.lastIndexOf('fill')).toBeLessThan(kinds.indexOf('line'));
    expect(kinds.lastIndexOf('line')).toBeLessThan(kinds.indexOf('symbol'));
    expect(layers.every((l) => l.source === 'basemap' && l.id.startsWith('basemap-'))).toBe(true);
    expect(new Set(layers.map((l) => l.id)).size).toBe(layers.length);
  });

  it('fills water, land use and buildings; roads are lines whose width grows; names become labels', () => {
    expect(byLayer('water')).toEqual(['fill', 'line', 'symbol']);
    expect(byLayer('buildings')).toEqual(['fill', 'line', 'circle']);
    expect(byLayer('roads')).toEqual(['line', 'symbol']);
    const road = layers.find((l) => l['source-layer'] === 'roads' && l.type === 'line')!;
    expect(road.paint?.['line-width']).toEqual(expect.arrayContaining(['interpolate']));
    expect(road.minzoom).toBe(8);
    expect(road.maxzoom).toBe(15);
    const label = layers.find((l) => l['source-layer'] === 'transportation_name' && l.type === 'symbol')!;
    // Chinese names first, local fonts (no glyph server).
    expect(label.layout?.['text-field']).toEqual(['coalesce', ['get', 'name:zh'], ['get', 'name']]);
    expect(label.layout?.['text-font']).toEqual(LABEL_FONTS);
    const water = layers.find((l) => l['source-layer'] === 'water' && l.type === 'fill')!;
    expect(water.paint?.['fill-color']).toBe('#cddfee');
  });
});

describe('the generated base map style', () => {
  it('draws only the generated layers, labels with local fonts, and names its division labels', () => {
    const { layers, divisionLabelLayers } = cityLayersStyle();
    for (const l of layers) expect(Object.keys(CITY_LAYERS)).toContain(l['source-layer']);
    for (const l of layers.filter((x) => x.type === 'symbol'))
      expect(l.layout?.['text-font']).toEqual(LABEL_FONTS);
    expect(divisionLabelLayers.every((id) => layers.some((l) => l.id === id))).toBe(true);
  });
});

describe('an uploaded style', () => {
  const vl: VectorLayer[] = [
    { id: 'water', fields: {} },
    { id: 'roads', fields: { name: 'String' } },
  ];
  const style = (layers: unknown[], sources: unknown = { v: { type: 'vector', url: 'https://x/t.json' } }) =>
    JSON.stringify({
      version: 8,
      sources,
      layers,
      glyphs: 'https://fonts/{fontstack}/{range}.pbf',
      sprite: 'https://s',
    });

  it('keeps its layers on the archive, drops icons, uses local fonts', () => {
    const out = normalizeUploadedStyle(
      `\uFEFF${style([
        { id: 'bg', type: 'background', paint: { 'background-color': '#fff' } },
        {
          id: 'r',
          type: 'symbol',
          source: 'v',
          'source-layer': 'roads',
          minzoom: 10,
          filter: ['has', 'name'],
          layout: { 'text-field': '{name}', 'icon-image': 'x', 'icon-size': 2 },
        },
      ])}`,
      vl,
    );
    expect(out).toEqual([
      { id: 'basemap-bg', type: 'background', paint: { 'background-color': '#fff' } },
      {
        id: 'basemap-r',
        type: 'symbol',
        source: 'basemap',
        'source-layer': 'roads',
        minzoom: 10,
        filter: ['has', 'name'],
        layout: { 'text-field': '{name}', 'text-font': LABEL_FONTS },
      },
    ]);
  });

  it('refuses what cannot be drawn offline or is not a style, saying which layer', () => {
    expect(refused(() => normalizeUploadedStyle('nope', vl)).zh).toContain('不是有效的 JSON');
    expect(refused(() => normalizeUploadedStyle('[]', vl)).zh).toContain('JSON 对象');
    expect(
      refused(() => normalizeUploadedStyle(JSON.stringify({ version: 7, sources: {}, layers: [] }), vl)).zh,
    ).toContain('version 应为 8');
    expect(refused(() => normalizeUploadedStyle(style([]), vl)).zh).toContain('layers');
    expect(
      refused(() =>
        normalizeUploadedStyle(
          style([{ id: 'a', type: 'fill' }], { g: { type: 'geojson', data: 'https://x' } }),
          vl,
        ),
      ).zh,
    ).toContain('geojson');
    expect(
      refused(() => normalizeUploadedStyle(style([{ id: 'a', type: 'hillshade', source: 'v' }]), vl)).zh,
    ).toContain('第 1 个图层');
    expect(
      refused(() =>
        normalizeUploadedStyle(style([{ id: 'a', type: 'fill', source: 'w', 'source-layer': 'water' }]), vl),
      ).zh,
    ).toContain('不是样式中的矢量数据源');
    expect(
      refused(() =>
        normalizeUploadedStyle(style([{ id: 'a', type: 'fill', source: 'v', 'source-layer': 'parks' }]), vl),
      ).zh,
    ).toContain('parks');
    expect(
      refused(() =>
        normalizeUploadedStyle(
          style([
            { id: 'a', type: 'fill', source: 'v', 'source-layer': 'water' },
            { id: 'a', type: 'line', source: 'v', 'source-layer': 'water' },
          ]),
          vl,
        ),
      ).zh,
    ).toContain('重复');
    expect(
      refused(() =>
        normalizeUploadedStyle(
          style([{ id: 'a', type: 'fill', source: 'v', 'source-layer': 'water', paint: [] }]),
          vl,
        ),
      ).zh,
    ).toContain('paint');
    expect(
      refused(() =>
        normalizeUploadedStyle(
          style([{ id: 'a', type: 'fill', source: 'v', 'source-layer': 'water', minzoom: 40 }]),
          vl,
        ),
      ).zh,
    ).toContain('minzoom');
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(
      refused(() =>
        normalizeUploadedStyle(
          style([{ id: 'a', type: 'fill', source: 'v', 'source-layer': 'water', filter: deep }]),
          vl,
        ),
      ).zh,
    ).toContain('嵌套过深');
    expect(refused(() => normalizeUploadedStyle(' '.repeat(1_048_577), vl)).zh).toContain('过大');
  });

  it('says what a layer source that is not a name is (an inline source object), never "[object Object]"', () => {
    const inline = { type: 'vector', url: 'pmtiles://x' };
    const e = refused(() =>
      normalizeUploadedStyle(
        style([
          { id: 'a', type: 'fill', source: 'v', 'source-layer': 'water' },
          { id: 'b', type: 'line', source: 'v', 'source-layer': 'water' },
          { id: 'c', type: 'fill', source: inline, 'source-layer': 'water' },
        ]),
        vl,
      ),
    );
    expect(e.zh).toContain('第 3 个图层：使用了内联数据源');
    expect(e.en).toContain('Layer 3: uses an inline source (an object)');
    const shown = [e.zh, e.en];
    for (const source of [undefined, 7, ['v'], null]) {
      const r = refused(() =>
        normalizeUploadedStyle(style([{ id: 'a', type: 'fill', source, 'source-layer': 'water' }]), vl),
      );
      shown.push(r.zh, r.en);
    }
    for (const m of shown) expect(m).not.toMatch(/\[object |"undefined"|“undefined”/);
    expect(shown.join('\n')).toContain('收到 ["v"]');
  });
});

describe('attribution', () => {
  it('reaches MapLibre (which writes it as HTML) escaped: markup shows as text', () => {
    const evil = '<img src=x onerror=alert(1)><a href="javascript:alert(2)">© 测绘院</a> & \'x\'';
    const escaped =
      '&lt;img src=x onerror=alert(1)&gt;&lt;a href=&quot;javascript:alert(2)&quot;&gt;© 测绘院&lt;/a&gt; &amp; &#39;x&#39;';
    expect(attributionHtml(evil)).toBe(escaped);
    const a = archiveFragment('00000000-0000-4000-8000-000000000000', [], evil).sources.basemap;
    const x = xyzFragment('https://t.example.gov.cn/{z}/{x}/{y}.png', 18, evil).sources['basemap-xyz'];
    for (const s of [a, x]) {
      expect(s.attribution).toBe(escaped);
      expect(s.attribution).not.toMatch(/[<>"]/);
    }
    expect(
      xyzFragment('https://t.example.gov.cn/{z}/{x}/{y}.png', 18, null).sources['basemap-xyz'],
    ).not.toHaveProperty('attribution');
  });
});

describe('天地图', () => {
  it('uses the Web Mercator WMTS of t0–t7 with the key, and the matching annotation layer', () => {
    const f = tiandituFragment('k'.repeat(32), 'img');
    const [base, labels] = Object.values(f.sources) as {
      tiles: string[];
      maxzoom: number;
      tileSize: number;
    }[];
    expect(base.tiles).toHaveLength(8);
    expect(base.tiles[3]).toBe(
      `https://t3.tianditu.gov.cn/img_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=img&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${'k'.repeat(32)}`,
    );
    expect(labels.tiles[0]).toContain('/cia_w/wmts?');
    expect(labels.tiles[0]).toContain('LAYER=cia');
    expect(base.maxzoom).toBe(18);
    expect(base.tileSize).toBe(256);
    expect(f.layers.map((l) => l.type)).toEqual(['raster', 'raster']);
  });
});
