/**
 * Turns an uploaded file into features: a GeoJSON FeatureCollection (or Feature, or array of
 * features), or a zip holding Shapefiles (.shp + .dbf, optional .prj/.cpg) or GeoJSON files.
 * Problems with the file itself (not JSON, corrupt or truncated zip, a .shp without its .dbf)
 * are thrown as SourceError with a zh/en message; the importer turns that into the report.
 */
import type { Geometry } from 'geojson';
import JSZip from 'jszip';
import { readDbf, readShp, ShapefileError } from './shapefile.ts';

export class SourceError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
}

export interface SourceFeature {
  /** 1-based position in the file (across layers), as the report numbers rows. */
  row: number;
  properties: Record<string, unknown>;
  geometry: Geometry | null;
  layer?: string;
}

export interface ParsedSource {
  format: 'geojson' | 'shapefile';
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
): Omit<ParsedSource, 'format' | 'notes'> {
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
    return {
      row: startRow + i,
      properties: properties as Record<string, unknown>,
      geometry: (feat.geometry as Geometry | null) ?? null,
      layer,
    };
  });
  return { features, geojsonCrs: d?.crs?.properties?.name };
}

const baseName = (p: string) => p.replace(/\.[^./]+$/, '').toLowerCase();

async function fromZip(data: Buffer): Promise<ParsedSource> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(data, { checkCRC32: true });
  } catch (e) {
    throw new SourceError(
      `压缩包损坏或不完整：${(e as Error).message}`,
      `the zip file is corrupt or truncated: ${(e as Error).message}`,
    );
  }
  const files = Object.values(zip.files).filter((f) => !f.dir && !/(^|\/)(__MACOSX|\.)/.test(f.name));
  const byExt = (ext: string) => files.filter((f) => f.name.toLowerCase().endsWith(ext));
  const read = async (f: JSZip.JSZipObject) => {
    try {
      return await f.async('nodebuffer');
    } catch (e) {
      throw new SourceError(
        `压缩包中的 ${f.name} 无法解压：${(e as Error).message}`,
        `${f.name} in the zip cannot be extracted: ${(e as Error).message}`,
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
    const prj = prjFile ? (await read(prjFile)).toString('utf8') : undefined;
    const cpg = cpgFile ? (await read(cpgFile)).toString('utf8') : undefined;
    try {
      const records = readShp(await read(shp));
      const dbf = readDbf(await read(dbfFile), cpg);
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
      const r = fromGeoJson((await read(j)).toString('utf8'), j.name, out.features.length + 1);
      out.features.push(...r.features);
      out.geojsonCrs ??= r.geojsonCrs;
    }
  }
  if (shps.length === 0 && jsons.length === 0) {
    throw new SourceError('压缩包中没有 .shp 或 .geojson 文件', 'the zip holds no .shp or .geojson file');
  }
  return out;
}

export async function parseSource(fileName: string, data: Buffer): Promise<ParsedSource> {
  if (isZip(data) || fileName.toLowerCase().endsWith('.zip')) return fromZip(data);
  const r = fromGeoJson(data.toString('utf8'), undefined, 1);
  return { format: 'geojson', ...r, notes: [] };
}
