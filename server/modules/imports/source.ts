/**
 * Turns an uploaded file into features: a GeoJSON FeatureCollection (or Feature, or array of
 * features), a zip holding Shapefiles (.shp + .dbf, optional .prj/.cpg) or GeoJSON files, or a
 * CSV table of points (a header row; longitude and latitude columns, every other column an
 * attribute; UTF-8, or GB18030 as Excel in China saves it).
 * Problems with the file itself (not JSON, corrupt or truncated zip, a .shp without its .dbf, past
 * a size limit) are thrown as SourceError with a zh/en message and a rule; the importer turns that
 * into the report's row 0. Runs in the import worker (worker.ts), never on the main thread.
 *
 * The limits (limits.ts) are applied while reading: the zip's declared sizes and ratios before
 * anything is inflated, each feature's vertices as it is read. A feature over the per-feature
 * limit keeps its row but not its geometry (`vertices` says how many it had).
 */
import type { Geometry } from 'geojson';
import {
  countVertices,
  type ImportLimits,
  jsonDeeperThan,
  ratioTooHigh,
  SourceError,
  tooDeep,
  tooLarge,
  VertexBudget,
} from './limits.ts';
import { readDbf, readShp, ShapefileError } from './shapefile.ts';
import { entryRatio, extractEntry, readZipDirectory, type ZipEntry, ZipError } from './zip.ts';

export { SourceError };

export interface SourceFeature {
  /** 1-based position in the file (across layers), as the report numbers rows. */
  row: number;
  properties: Record<string, unknown>;
  /** Null when the file has none, or when it has more vertices than a feature may (see `vertices`). */
  geometry: Geometry | null;
  /** How many positions the feature's geometry has. */
  vertices: number;
  layer?: string;
}

export interface ParsedSource {
  format: 'geojson' | 'shapefile' | 'csv';
  features: SourceFeature[];
  /** .prj WKT of the (first) Shapefile layer. */
  prj?: string;
  /** The legacy `crs` member of a GeoJSON file (e.g. "urn:ogc:def:crs:EPSG::4549"). */
  geojsonCrs?: string;
  /** Attribute encodings found, e.g. "zones.dbf: gbk (cpg)". */
  notes: string[];
}

const isZip = (b: Buffer) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5);

function fromGeoJson(
  text: string,
  layer: string | undefined,
  startRow: number,
  budget: VertexBudget,
): Omit<ParsedSource, 'format' | 'notes'> {
  if (jsonDeeperThan(text)) throw tooDeep(layer);
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new SourceError(
      `${layer ?? '文件'}不是有效的 JSON：${(e as Error).message}`,
      `${layer ?? 'the file'} is not valid JSON: ${(e as Error).message}`,
    );
  }
  const d = doc as { type?: string; features?: unknown[]; crs?: { properties?: { name?: string } } };
  let list: unknown[];
  if (Array.isArray(doc)) list = doc;
  else if (d?.type === 'FeatureCollection' && Array.isArray(d.features)) list = d.features;
  else if (d?.type === 'Feature') list = [doc];
  else {
    throw new SourceError(
      '不是 GeoJSON 要素集合（FeatureCollection）',
      'not a GeoJSON FeatureCollection, Feature or array of features',
    );
  }
  const features = list.map((f, i) => {
    const feat = (f ?? {}) as { properties?: unknown; geometry?: unknown; id?: unknown };
    const properties =
      feat.properties && typeof feat.properties === 'object' ? { ...(feat.properties as object) } : {};
    if (feat.id !== undefined && (properties as Record<string, unknown>).id === undefined) {
      (properties as Record<string, unknown>).id = feat.id;
    }
    const vertices = countVertices(feat.geometry);
    const within = budget.take(vertices);
    return {
      row: startRow + i,
      properties: properties as Record<string, unknown>,
      geometry: within ? ((feat.geometry as Geometry | null) ?? null) : null,
      vertices,
      layer,
    };
  });
  return { features, geojsonCrs: d?.crs?.properties?.name };
}

const baseName = (p: string) => p.replace(/\.[^./]+$/, '').toLowerCase();

function fromZip(data: Buffer, limits: ImportLimits, budget: VertexBudget): ParsedSource {
  let entries: ZipEntry[];
  try {
    entries = readZipDirectory(data);
  } catch (e) {
    if (!(e instanceof ZipError)) throw e;
    throw new SourceError(
      `压缩包损坏或不完整：${e.message}`,
      `the zip file is corrupt or truncated: ${e.message}`,
    );
  }
  // Everything the archive would inflate to, and every entry's ratio, before inflating any.
  const stored = entries.filter((f) => !f.directory);
  const total = stored.reduce((s, f) => s + f.uncompressedSize, 0);
  if (total > limits.maxUncompressedBytes) throw tooLarge(total, limits);
  for (const f of stored) {
    const ratio = entryRatio(f);
    if (ratio > limits.maxCompressionRatio) throw ratioTooHigh(f.name, ratio, limits);
  }
  const files = stored.filter((f) => !/(^|\/)(__MACOSX|\.)/.test(f.name));
  const byExt = (ext: string) => files.filter((f) => f.name.toLowerCase().endsWith(ext));
  const read = (f: ZipEntry) => {
    try {
      return extractEntry(data, f);
    } catch (e) {
      if (!(e instanceof ZipError)) throw e;
      throw new SourceError(
        `压缩包中的 ${f.name} 无法解压：${e.message}`,
        `${f.name} in the zip cannot be extracted: ${e.message}`,
      );
    }
  };
  const out: ParsedSource = { format: 'shapefile', features: [], notes: [] };
  const shps = byExt('.shp');
  for (const shp of shps) {
    const sibling = (ext: string) =>
      files.find((f) => baseName(f.name) === baseName(shp.name) && f.name.toLowerCase().endsWith(ext));
    const dbfFile = sibling('.dbf');
    if (!dbfFile) {
      throw new SourceError(`${shp.name} 缺少对应的 .dbf 属性文件`, `${shp.name} has no matching .dbf file`);
    }
    const prjFile = sibling('.prj');
    const cpgFile = sibling('.cpg');
    const prj = prjFile ? read(prjFile).toString('utf8') : undefined;
    const cpg = cpgFile ? read(cpgFile).toString('utf8') : undefined;
    try {
      const records = readShp(read(shp), budget);
      const dbf = readDbf(read(dbfFile), cpg);
      if (dbf.rows.length !== records.length) {
        throw new ShapefileError(`${records.length} shapes but ${dbf.rows.length} attribute rows`);
      }
      out.notes.push(`${dbfFile.name}: ${dbf.encoding} (${dbf.encodingSource})`);
      records.forEach((rec, i) => {
        if (dbf.rows[i].__deleted) return;
        out.features.push({
          row: out.features.length + 1,
          properties: dbf.rows[i],
          geometry: rec.geometry,
          vertices: rec.vertices,
          layer: shp.name,
        });
      });
    } catch (e) {
      if (!(e instanceof ShapefileError)) throw e;
      throw new SourceError(`${shp.name} 已损坏：${e.message}`, `${shp.name} is corrupt: ${e.message}`);
    }
    if (prj && out.prj === undefined) out.prj = prj;
    else if (prj && out.prj !== prj) {
      throw new SourceError(
        '压缩包内各图层坐标系不一致',
        'the layers in the zip use different coordinate systems',
      );
    }
  }
  const jsons = [...byExt('.geojson'), ...byExt('.json')];
  if (shps.length === 0 && jsons.length > 0) {
    out.format = 'geojson';
    for (const j of jsons) {
      const r = fromGeoJson(read(j).toString('utf8'), j.name, out.features.length + 1, budget);
      out.features.push(...r.features);
      out.geojsonCrs ??= r.geojsonCrs;
    }
  }
  if (shps.length === 0 && jsons.length === 0) {
    throw new SourceError('压缩包中没有 .shp 或 .geojson 文件', 'the zip holds no .shp or .geojson file');
  }
  return out;
}

/** Column names of the longitude and latitude in a CSV (case, spaces and underscores ignored). */
const LNG_COLUMNS = ['lng', 'lon', 'long', 'longitude', 'x', '经度'];
const LAT_COLUMNS = ['lat', 'latitude', 'y', '纬度'];
const normColumn = (k: string) => k.toLowerCase().replace(/[\s_-]/g, '');

/**
 * A coordinate as a CSV cell holds it: a plain decimal number ("121.55", "-0.5", "1e-3"), never
 * what JavaScript's Number() also reads ("0x79" is 121, "Infinity", "0b1", " ").
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const decimal = (cell: string) => (DECIMAL.test(cell) ? Number(cell) : Number.NaN);

/** RFC 4180 records: quoted fields may hold the separator, quotes ("") and line breaks. */
function csvRecords(text: string, sep: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === sep) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      out.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (quoted) throw new SourceError('CSV 文件中的引号未闭合', 'the CSV file has an unclosed quote');
  if (field !== '' || row.length) {
    row.push(field);
    out.push(row);
  }
  return out.filter((r) => r.some((f) => f.trim() !== ''));
}

function fromCsv(data: Buffer, budget: VertexBudget): ParsedSource {
  const notes: string[] = [];
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
    notes.push('csv: utf-8');
  } catch {
    text = new TextDecoder('gb18030').decode(data);
    notes.push('csv: gb18030 (not valid UTF-8)');
  }
  text = text.replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const sep = [',', '\t', ';'].reduce((best, c) =>
    firstLine.split(c).length > firstLine.split(best).length ? c : best,
  );
  const records = csvRecords(text, sep);
  if (records.length === 0) throw new SourceError('CSV 文件为空', 'the CSV file is empty');
  const header = records[0].map((h) => h.trim());
  const lngAt = header.findIndex((h) => LNG_COLUMNS.includes(normColumn(h)));
  const latAt = header.findIndex((h) => LAT_COLUMNS.includes(normColumn(h)));
  if (lngAt < 0 || latAt < 0) {
    throw new SourceError(
      'CSV 文件缺少经度或纬度列（表头应有 lng/经度 和 lat/纬度）',
      'the CSV file has no longitude or latitude column (the header needs lng/经度 and lat/纬度)',
    );
  }
  const features = records.slice(1).map((r, i) => {
    const properties: Record<string, unknown> = {};
    header.forEach((h, k) => {
      if (k !== lngAt && k !== latAt && h !== '') properties[h] = (r[k] ?? '').trim();
    });
    const lng = decimal((r[lngAt] ?? '').trim());
    const lat = decimal((r[latAt] ?? '').trim());
    const ok = (r[lngAt] ?? '').trim() !== '' && (r[latAt] ?? '').trim() !== '';
    const geometry: Geometry | null =
      ok && Number.isFinite(lng) && Number.isFinite(lat) ? { type: 'Point', coordinates: [lng, lat] } : null;
    budget.take(1);
    return { row: i + 1, properties, geometry, vertices: 1 };
  });
  return { format: 'csv', features, notes };
}

/**
 * The format an upload is read as, from its first bytes and name: the job answers it before the
 * worker has read the file (a zip of GeoJSON files is corrected to geojson once read).
 */
export function sourceFormatOf(fileName: string, data: Buffer): ParsedSource['format'] {
  if (isZip(data) || fileName.toLowerCase().endsWith('.zip')) return 'shapefile';
  if (/\.(csv|txt)$/i.test(fileName)) return 'csv';
  return 'geojson';
}

export function parseSource(fileName: string, data: Buffer, limits: ImportLimits): ParsedSource {
  const budget = new VertexBudget(limits);
  const format = sourceFormatOf(fileName, data);
  if (format === 'shapefile') return fromZip(data, limits, budget);
  if (data.length > limits.maxUncompressedBytes) throw tooLarge(data.length, limits);
  if (format === 'csv') return fromCsv(data, budget);
  const r = fromGeoJson(data.toString('utf8'), undefined, 1, budget);
  return { format: 'geojson', ...r, notes: [] };
}
