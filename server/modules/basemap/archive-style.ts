/**
 * The style of an uploaded archive (style.ts has the other fragments):
 *
 * - `defaultArchiveStyle`: a plain, readable style for an archive that came without one, from its
 *   metadata's `vector_layers` (fills, lines and labels in muted colours, chosen by the layer's
 *   name where it says what it is: water, parks, roads, buildings, boundaries);
 * - `normalizeUploadedStyle`: checks a MapLibre style uploaded with an archive and keeps what can
 *   be drawn offline — its layers on the archive's vector tiles; no sprite, no glyph server (text
 *   is drawn by MapLibre from the system's fonts), no other source. Bounded: size, layer count
 *   and nesting depth are checked before anything is walked.
 */
import { AppError } from '../../platform/errors.ts';
import type { VectorLayer } from './archive.ts';
import {
  ARCHIVE_SOURCE,
  type FragmentLayer,
  LABEL_FONTS,
  LABEL_HALO,
  LAYER_TYPES,
  type LayerType,
  PREFIX,
} from './style.ts';

// ------------------------------------------------------------------------------------------------
// A default style for an uploaded archive without one

interface Look {
  fill?: string;
  line: string;
  text: string;
  /** Lines get wider with the zoom (roads). */
  road?: boolean;
  dashed?: boolean;
}

/** Muted colours by what a layer's name says it holds; the rest take a neutral grey-blue. */
const LOOKS: [RegExp, Look][] = [
  [/water|ocean|sea|river|lake|hydro|水/i, { fill: '#cddfee', line: '#a9c6e0', text: '#3f6a94' }],
  [
    /park|green|wood|forest|grass|landcover|vegetation|绿/i,
    { fill: '#dfebd6', line: '#bcd3ac', text: '#4c6b3c' },
  ],
  [/landuse|land|earth|区域/i, { fill: '#f1eee6', line: '#ddd6c6', text: '#6b6356' }],
  [/building|建筑/i, { fill: '#e4ded6', line: '#d0c7bb', text: '#6b6356' }],
  [/road|street|highway|transport|rail|道路|路/i, { line: '#d9ccb0', text: '#5e5240', road: true }],
  [/boundar|admin|border|行政|界/i, { line: '#a99fbd', text: '#4a4170', dashed: true }],
  [/place|label|poi|name|注记|地名/i, { line: '#c9c3b8', text: '#3d3a35' }],
];
const NEUTRAL: Look = { fill: '#e9ecef', line: '#c5ccd4', text: '#4a5561' };
const lookOf = (id: string) => LOOKS.find(([re]) => re.test(id))?.[1] ?? NEUTRAL;

const NAME_FIELDS = [
  'name:zh',
  'name_zh',
  'name:zh-Hans',
  'name',
  'NAME',
  'Name',
  'name:en',
  'name_en',
  'label',
  'ref',
];

const polygonOnly: unknown[] = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false];
const lineOnly: unknown[] = ['match', ['geometry-type'], ['LineString', 'MultiLineString'], true, false];
const pointOnly: unknown[] = ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false];

/** Order of drawing: areas first, then lines, then points and their labels. */
function rank(id: string): number {
  const l = lookOf(id);
  if (l.fill && !/building/i.test(id)) return 0;
  if (l.fill) return 1;
  if (l.road) return 2;
  return 3;
}

/** A readable default style from an archive's `vector_layers`. */
export function defaultArchiveStyle(vectorLayers: readonly VectorLayer[]): FragmentLayer[] {
  const ordered = [...vectorLayers].sort((a, b) => rank(a.id) - rank(b.id));
  const fills: FragmentLayer[] = [];
  const lines: FragmentLayer[] = [];
  const symbols: FragmentLayer[] = [];
  ordered.forEach((vl, i) => {
    const look = lookOf(vl.id);
    const base = {
      source: ARCHIVE_SOURCE,
      'source-layer': vl.id,
      ...(vl.minzoom !== undefined ? { minzoom: vl.minzoom } : {}),
      ...(vl.maxzoom !== undefined && vl.maxzoom < 24 ? { maxzoom: vl.maxzoom + 1 } : {}),
    };
    const id = (what: string) => `${PREFIX}${i}-${what}`;
    if (look.fill) {
      fills.push({
        id: id('fill'),
        type: 'fill',
        ...base,
        filter: polygonOnly,
        paint: { 'fill-color': look.fill, 'fill-opacity': 0.85, 'fill-outline-color': look.line },
      });
    }
    lines.push({
      id: id('line'),
      type: 'line',
      ...base,
      filter: lineOnly,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': look.line,
        'line-width': look.road ? ['interpolate', ['exponential', 1.5], ['zoom'], 10, 0.8, 14, 3, 17, 10] : 1,
        ...(look.dashed ? { 'line-dasharray': [3, 2] } : {}),
      },
    });
    const names = Object.keys(vl.fields);
    const nameFields = NAME_FIELDS.filter((f) => names.includes(f));
    // Without a name among the fields, no label; an archive whose metadata lists no fields still
    // gets the common names tried.
    const candidates = names.length === 0 ? NAME_FIELDS.slice(0, 4) : nameFields;
    if (candidates.length > 0) {
      const text =
        candidates.length === 1 ? ['get', candidates[0]] : ['coalesce', ...candidates.map((f) => ['get', f])];
      symbols.push({
        id: id('label'),
        type: 'symbol',
        ...base,
        filter: look.road ? lineOnly : ['!', lineOnly],
        layout: {
          'text-field': text,
          'text-font': LABEL_FONTS,
          'text-size': 12,
          ...(look.road ? { 'symbol-placement': 'line' } : {}),
        },
        paint: { 'text-color': look.text, ...LABEL_HALO },
      });
    } else {
      symbols.push({
        id: id('point'),
        type: 'circle',
        ...base,
        minzoom: Math.max(14, vl.minzoom ?? 0),
        filter: pointOnly,
        paint: { 'circle-radius': 2.5, 'circle-color': look.line },
      });
    }
  });
  return [...fills, ...lines, ...symbols];
}

// ------------------------------------------------------------------------------------------------
// An uploaded style

/** Largest style accepted (the JSON text). */
export const MAX_STYLE_BYTES = 1_048_576;
const MAX_LAYERS = 2000;
const MAX_DEPTH = 24;

export function styleRefused(zh: string, en: string, field = 'body.style'): AppError {
  return new AppError('BASEMAP_STYLE_REFUSED', { zh, en, details: [{ field, message: en }] });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

function depth(v: unknown, d = 0): number {
  if (d > MAX_DEPTH) return d;
  if (Array.isArray(v)) return v.reduce<number>((m, x) => Math.max(m, depth(x, d + 1)), d);
  if (isObject(v)) return Object.values(v).reduce<number>((m, x) => Math.max(m, depth(x, d + 1)), d);
  return d;
}

/** Why a layer's `source` is not one of the style's vector sources, said for what it is. */
function sourceProblem(source: unknown): [zh: string, en: string] {
  if (source === undefined)
    return [
      '缺少 source（应为样式中矢量数据源的名称）。',
      'has no source (the name of a vector source of the style).',
    ];
  if (typeof source === 'string') {
    return [
      `数据源“${source.slice(0, 60)}”不是样式中的矢量数据源。`,
      `source "${source.slice(0, 60)}" is not a vector source of the style.`,
    ];
  }
  if (isObject(source)) {
    return [
      '使用了内联数据源（对象）；请在 sources 中定义矢量数据源，图层用其名称引用。',
      'uses an inline source (an object); define a vector source under "sources" and name it in the layer.',
    ];
  }
  const shown = JSON.stringify(source)?.slice(0, 60) ?? String(source);
  return [
    `source 应为样式中矢量数据源的名称，收到 ${shown}。`,
    `source must name a vector source of the style; got ${shown}.`,
  ];
}

/**
 * The layers of an uploaded MapLibre style, checked and made drawable offline on the archive:
 * every vector source is the archive; any other source is refused (it would be fetched from
 * elsewhere); `sprite`, `glyphs`, terrain and the rest are dropped; icons are dropped (no
 * sprite); labels use the system's fonts. `text` is the file's content.
 */
export function normalizeUploadedStyle(text: string, vectorLayers: readonly VectorLayer[]): FragmentLayer[] {
  if (Buffer.byteLength(text) > MAX_STYLE_BYTES) {
    throw styleRefused(
      `样式文件过大（上限 ${MAX_STYLE_BYTES} 字节）。`,
      `The style is too large (at most ${MAX_STYLE_BYTES} bytes).`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw styleRefused(
      `样式不是有效的 JSON：${e instanceof Error ? e.message.slice(0, 120) : ''}`,
      `The style is not valid JSON: ${e instanceof Error ? e.message.slice(0, 120) : ''}`,
    );
  }
  if (!isObject(json))
    throw styleRefused(
      '样式应为 JSON 对象（MapLibre 样式）。',
      'The style must be a JSON object (a MapLibre style).',
    );
  if (depth(json) > MAX_DEPTH) throw styleRefused('样式嵌套过深。', 'The style is nested too deeply.');
  if (json.version !== 8) {
    throw styleRefused(
      '样式的 version 应为 8（MapLibre 样式规范）。',
      'The style must have "version": 8 (the MapLibre style specification).',
    );
  }
  if (!isObject(json.sources))
    throw styleRefused('样式缺少 sources 对象。', 'The style has no "sources" object.');
  if (!Array.isArray(json.layers) || json.layers.length === 0) {
    throw styleRefused('样式缺少 layers 数组。', 'The style has no "layers" array.');
  }
  if (json.layers.length > MAX_LAYERS) {
    throw styleRefused(
      `样式图层过多（${json.layers.length}，上限 ${MAX_LAYERS}）。`,
      `Too many layers (${json.layers.length}, at most ${MAX_LAYERS}).`,
    );
  }
  const vectorSources = new Set<string>();
  for (const [name, s] of Object.entries(json.sources)) {
    const type = isObject(s) ? s.type : undefined;
    if (type === 'vector') vectorSources.add(name);
    else {
      throw styleRefused(
        `样式的数据源“${name.slice(0, 60)}”类型为 ${String(type).slice(0, 20)}：离线底图只能使用上传文件中的矢量瓦片，请删除其他数据源。`,
        `The style's source "${name.slice(0, 60)}" is of type ${String(type).slice(0, 20)}: an offline base map can only use the archive's vector tiles; remove other sources.`,
      );
    }
  }
  if (vectorSources.size === 0) {
    throw styleRefused(
      '样式没有矢量数据源（type: vector）。',
      'The style has no vector source (type: vector).',
    );
  }
  const known = new Set(vectorLayers.map((l) => l.id));
  const ids = new Set<string>();
  return json.layers.map((raw, i) => {
    const at = `body.style.layers[${i}]`;
    const bad = (zh: string, en: string) =>
      styleRefused(`第 ${i + 1} 个图层：${zh}`, `Layer ${i + 1}: ${en}`, at);
    if (!isObject(raw)) throw bad('应为对象。', 'must be an object.');
    const id = raw.id;
    if (typeof id !== 'string' || id.length === 0 || id.length > 200) throw bad('缺少 id。', 'has no id.');
    if (ids.has(id)) throw bad(`id“${id}”重复。`, `id "${id}" is used twice.`);
    ids.add(id);
    const type = raw.type;
    if (!(LAYER_TYPES as readonly unknown[]).includes(type)) {
      throw bad(
        `类型 ${String(type).slice(0, 30)} 不受支持（可用：${LAYER_TYPES.join('、')}）。`,
        `type ${String(type).slice(0, 30)} is not supported (use ${LAYER_TYPES.join(', ')}).`,
      );
    }
    const layer: FragmentLayer = { id: `${PREFIX}${id}`, type: type as LayerType };
    if (type !== 'background') {
      if (typeof raw.source !== 'string' || !vectorSources.has(raw.source)) {
        throw bad(...sourceProblem(raw.source));
      }
      const sl = raw['source-layer'];
      if (typeof sl !== 'string' || sl.length === 0 || sl.length > 200)
        throw bad('缺少 source-layer。', 'has no source-layer.');
      if (known.size > 0 && !known.has(sl)) {
        throw bad(
          `source-layer“${sl}”不在底图文件的图层中（${[...known].slice(0, 20).join('、')}）。`,
          `source-layer "${sl}" is not a layer of the archive (${[...known].slice(0, 20).join(', ')}).`,
        );
      }
      layer.source = ARCHIVE_SOURCE;
      layer['source-layer'] = sl;
    }
    for (const k of ['minzoom', 'maxzoom'] as const) {
      const v = raw[k];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !(v >= 0 && v <= 24))
        throw bad(`${k} 应为 0–24 的数。`, `${k} must be a number from 0 to 24.`);
      layer[k] = v;
    }
    if (raw.filter !== undefined) {
      if (!Array.isArray(raw.filter))
        throw bad('filter 应为数组（表达式）。', 'filter must be an array (an expression).');
      layer.filter = raw.filter;
    }
    for (const k of ['layout', 'paint'] as const) {
      const v = raw[k];
      if (v === undefined) continue;
      if (!isObject(v)) throw bad(`${k} 应为对象。`, `${k} must be an object.`);
      layer[k] = { ...v };
    }
    if (layer.layout) {
      // No sprite is served: icons would only be reported missing. Labels: the system's fonts.
      for (const k of Object.keys(layer.layout)) if (k.startsWith('icon-')) delete layer.layout[k];
      if ('text-field' in layer.layout) layer.layout['text-font'] = LABEL_FONTS;
      if (Object.keys(layer.layout).length === 0) delete layer.layout;
    }
    return layer;
  });
}
