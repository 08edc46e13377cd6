/**
 * A small reader for ESRI Shapefiles (.shp geometry + .dbf attributes), enough for official
 * division, grid and component data: Point, MultiPoint, PolyLine and Polygon shapes (with their
 * Z/M variants; Z and M are dropped), and DBF character, numeric, logical and date fields.
 *
 * Attribute text is decoded as the .cpg file says; without one, the DBF language driver byte
 * (0x4D = GB2312/936) or a strict UTF-8 attempt decides, falling back to GBK when the bytes are
 * not valid UTF-8 (Chinese GIS tools write GBK by default).
 *
 * Anything malformed — a truncated file, a record past the end, an unknown shape type — throws
 * ShapefileError: the importer reports it and writes nothing.
 */
import type { Geometry, Position } from 'geojson';
import iconv from 'iconv-lite';
import type { VertexBudget } from './limits.ts';

export class ShapefileError extends Error {}

export type Encoding = 'utf8' | 'gbk';

export interface ShpRecord {
  /** Null for a null shape, or when the shape has more vertices than the budget allows a feature. */
  geometry: Geometry | null;
  vertices: number;
}

function ringArea(ring: Position[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return a / 2; // > 0: clockwise (y up)
}

function ringContains(ring: Position[], p: Position): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Shapefile rings (outer clockwise, holes counter-clockwise) → GeoJSON polygons (RFC 7946 winding). */
function assemblePolygon(rings: Position[][]): Geometry {
  const outers: Position[][][] = [];
  const holes: Position[][] = [];
  for (const ring of rings) {
    if (ringArea(ring) >= 0) outers.push([[...ring].reverse()]);
    else holes.push(ring);
  }
  for (const hole of holes) {
    const owner = outers.find((p) => ringContains(p[0], hole[0]));
    if (owner) owner.push([...hole].reverse());
    else outers.push([hole]); // a lone counter-clockwise ring: take it as an outer ring
  }
  if (outers.length === 1) return { type: 'Polygon', coordinates: outers[0] };
  return { type: 'MultiPolygon', coordinates: outers };
}

/**
 * The records of a .shp. Each record's vertex count is read from its header and charged to the
 * budget before any position is built: past the file's limit the budget throws, and a record over
 * the per-feature limit is answered without its geometry.
 */
export function readShp(buf: Buffer, budget: VertexBudget): ShpRecord[] {
  if (buf.length < 100 || buf.readInt32BE(0) !== 9994)
    throw new ShapefileError('not a .shp file (bad header)');
  const fileLength = buf.readInt32BE(24) * 2;
  if (fileLength > buf.length) {
    throw new ShapefileError(`.shp is truncated: header says ${fileLength} bytes, file has ${buf.length}`);
  }
  const out: ShpRecord[] = [];
  let off = 100;
  while (off < fileLength) {
    if (off + 8 > fileLength) throw new ShapefileError(`.shp record header cut off at byte ${off}`);
    const len = buf.readInt32BE(off + 4) * 2;
    const start = off + 8;
    const end = start + len;
    if (len < 4 || end > fileLength) throw new ShapefileError(`.shp record at byte ${off} runs past the end`);
    const vertices = shapeVertices(buf, start, end);
    out.push({ geometry: budget.take(vertices) ? readShape(buf, start, end) : null, vertices });
    off = end;
  }
  return out;
}

/** The number of points a shape declares (0 for a null shape), read without building anything. */
function shapeVertices(buf: Buffer, o: number, end: number): number {
  const type = buf.readInt32LE(o);
  if (type === 0) return 0;
  if (type === 1 || type === 11 || type === 21) return 1;
  const at = type === 8 || type === 18 || type === 28 ? o + 36 : o + 40;
  if (at + 4 > end) return 0; // too short: readShape reports it
  // No more than the record can hold (16 bytes a point): a lying count is corruption, reported as such.
  return Math.min(Math.max(0, buf.readInt32LE(at)), Math.floor((end - o) / 16));
}

function readShape(buf: Buffer, o: number, end: number): Geometry | null {
  const type = buf.readInt32LE(o);
  const need = (n: number) => {
    if (o + n > end) throw new ShapefileError(`shape of type ${type} is shorter than its content`);
  };
  const pt = (at: number): Position => [buf.readDoubleLE(at), buf.readDoubleLE(at + 8)];
  switch (type) {
    case 0:
      return null;
    case 1:
    case 11:
    case 21:
      need(20);
      return { type: 'Point', coordinates: pt(o + 4) };
    case 8:
    case 18:
    case 28: {
      need(40);
      const n = buf.readInt32LE(o + 36);
      need(40 + n * 16);
      const pts = Array.from({ length: n }, (_, i) => pt(o + 40 + i * 16));
      return n === 1 ? { type: 'Point', coordinates: pts[0] } : { type: 'MultiPoint', coordinates: pts };
    }
    case 3:
    case 13:
    case 23:
    case 5:
    case 15:
    case 25: {
      need(44);
      const numParts = buf.readInt32LE(o + 36);
      const numPoints = buf.readInt32LE(o + 40);
      if (numParts < 1 || numPoints < 1) throw new ShapefileError('shape without parts or points');
      need(44 + numParts * 4 + numPoints * 16);
      const starts = Array.from({ length: numParts }, (_, i) => buf.readInt32LE(o + 44 + i * 4));
      const base = o + 44 + numParts * 4;
      const parts = starts.map((s, i) => {
        const e = i + 1 < numParts ? starts[i + 1] : numPoints;
        if (s < 0 || e > numPoints || s >= e) throw new ShapefileError('bad part index in shape');
        return Array.from({ length: e - s }, (_, k) => pt(base + (s + k) * 16));
      });
      if (type % 10 === 3) {
        return parts.length === 1
          ? { type: 'LineString', coordinates: parts[0] }
          : { type: 'MultiLineString', coordinates: parts };
      }
      return assemblePolygon(parts);
    }
    default:
      throw new ShapefileError(`unsupported shape type ${type}`);
  }
}

const CPG: Record<string, Encoding> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  '65001': 'utf8',
  gbk: 'gbk',
  '936': 'gbk',
  cp936: 'gbk',
  gb2312: 'gbk',
  gb18030: 'gbk',
  'ansi 936': 'gbk',
};

export function encodingFromCpg(cpg: string | undefined): Encoding | null {
  if (!cpg) return null;
  return CPG[cpg.trim().toLowerCase()] ?? null;
}

interface DbfField {
  name: string;
  type: string;
  offset: number;
  length: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export interface DbfResult {
  rows: Record<string, unknown>[];
  encoding: Encoding;
  /** How the encoding was chosen. */
  encodingSource: 'cpg' | 'ldid' | 'utf8-valid' | 'gbk-fallback';
}

export function readDbf(buf: Buffer, cpg?: string): DbfResult {
  if (buf.length < 33) throw new ShapefileError('.dbf is too short');
  const numRecords = buf.readUInt32LE(4);
  const headerLength = buf.readUInt16LE(8);
  const recordLength = buf.readUInt16LE(10);
  if (headerLength > buf.length) throw new ShapefileError('.dbf header is truncated');
  if (headerLength + numRecords * recordLength > buf.length) {
    throw new ShapefileError(`.dbf is truncated: ${numRecords} records do not fit in ${buf.length} bytes`);
  }
  const rawFields: { name: Buffer; type: string; offset: number; length: number }[] = [];
  let offset = 1;
  for (let p = 32; p + 32 <= headerLength && buf[p] !== 0x0d; p += 32) {
    const nameBytes = buf.subarray(p, p + 11);
    const nul = nameBytes.indexOf(0);
    const length = buf[p + 16];
    rawFields.push({
      name: Buffer.from(nul >= 0 ? nameBytes.subarray(0, nul) : nameBytes),
      type: String.fromCharCode(buf[p + 11]),
      offset,
      length,
    });
    offset += length;
  }
  let encoding = encodingFromCpg(cpg);
  let encodingSource: DbfResult['encodingSource'] = 'cpg';
  if (!encoding && buf[29] === 0x4d) {
    encoding = 'gbk';
    encodingSource = 'ldid';
  }
  if (!encoding) {
    const texts = [
      ...rawFields.map((f) => f.name),
      buf.subarray(headerLength, headerLength + numRecords * recordLength),
    ];
    encoding = texts.every(isUtf8) ? 'utf8' : 'gbk';
    encodingSource = encoding === 'utf8' ? 'utf8-valid' : 'gbk-fallback';
  }
  const decode = (b: Buffer) => (encoding === 'utf8' ? b.toString('utf8') : iconv.decode(b, 'gbk'));
  const fields: DbfField[] = rawFields.map((f) => ({ ...f, name: decode(f.name).trim() }));
  const rows: Record<string, unknown>[] = [];
  for (let r = 0; r < numRecords; r++) {
    const base = headerLength + r * recordLength;
    if (buf[base] === 0x2a) {
      rows.push({ __deleted: true });
      continue;
    }
    const row: Record<string, unknown> = {};
    for (const f of fields) {
      const text = decode(buf.subarray(base + f.offset, base + f.offset + f.length))
        .replace(/\0/g, '')
        .trim();
      row[f.name] = parseValue(f.type, text);
    }
    rows.push(row);
  }
  return { rows, encoding, encodingSource };
}

function parseValue(type: string, text: string): unknown {
  if (text === '') return null;
  switch (type) {
    case 'N':
    case 'F':
    case 'O': {
      // Long digit strings are codes (grid and component IDs pass 2^53): keep them as text.
      if (/^\d{12,}$/.test(text)) return text;
      const n = Number(text);
      return Number.isFinite(n) ? n : null;
    }
    case 'L':
      return /^[YyTt]$/.test(text) ? true : /^[NnFf]$/.test(text) ? false : null;
    case 'D':
      return /^\d{8}$/.test(text) ? `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}` : text;
    default:
      return text;
  }
}
