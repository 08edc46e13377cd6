/**
 * What one import may cost, and the refusals when a file asks for more. The limits are the city
 * setting `imports.limits` (settings/registry.ts); the job reads them when it starts and hands
 * them to the worker that parses and checks the file.
 *
 * - Size: the sum of the sizes an upload's files have once unzipped (a GeoJSON upload: its own
 *   size) — checked from the zip's directory before anything is inflated, and every entry is
 *   inflated with its declared size as a hard cap, so a lying header cannot inflate more.
 * - Ratio: uncompressed ÷ compressed size of each zip entry; a zip bomb has ~1000:1.
 * - Vertices: per feature (refused in that feature's row, its geometry never built) and per
 *   file, where every feature counts at least one so a flood of empty features is bounded too
 *   (refused for the file as a whole, before validation starts).
 * A file refused for its size is refused as a file: the report's row 0 names the limit, the
 * value found and the setting to change.
 */
import type { ImportLimits } from '../settings/index.ts';
import { err, type Finding } from './report.ts';

export type { ImportLimits };

/** A problem with the file as a whole (row 0 of the report), with the report's rule. */
export class SourceError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
    readonly rule = 'bad-file',
  ) {
    super(en);
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const n = (v: number) => v.toLocaleString('en-US');
const SETTING = '（设置项 imports.limits）';
const SETTING_EN = ' (setting imports.limits)';

export function tooLarge(total: number, limits: ImportLimits): SourceError {
  return new SourceError(
    `文件解压后共 ${mib(total)}，超过上限 ${mib(limits.maxUncompressedBytes)}${SETTING}`,
    `the upload holds ${mib(total)} once unzipped, more than the limit of ${mib(limits.maxUncompressedBytes)}${SETTING_EN}`,
    'too-large',
  );
}

export function ratioTooHigh(name: string, ratio: number, limits: ImportLimits): SourceError {
  return new SourceError(
    `压缩包中的 ${name} 压缩比为 ${ratio.toFixed(0)}:1，超过上限 ${limits.maxCompressionRatio}:1${SETTING}，疑似压缩炸弹`,
    `${name} in the zip is compressed ${ratio.toFixed(0)}:1, more than the limit of ${limits.maxCompressionRatio}:1${SETTING_EN}: a zip bomb?`,
    'compression-ratio',
  );
}

export function fileVertices(atLeast: number, limits: ImportLimits): SourceError {
  return new SourceError(
    `文件至少有 ${n(atLeast)} 个坐标点，超过每个文件 ${n(limits.maxVerticesPerFile)} 个的上限${SETTING}（每个要素至少计 1 个）；请分成几个文件导入`,
    `the file holds at least ${n(atLeast)} vertices, more than the limit of ${n(limits.maxVerticesPerFile)} per file${SETTING_EN} (each feature counts at least one); split it into several files`,
    'too-many-vertices',
  );
}

export function featureVertices(id: string, count: number, limits: ImportLimits): Finding {
  return err(
    'too-many-vertices',
    `${id} 有 ${n(count)} 个坐标点，超过每个要素 ${n(limits.maxVerticesPerFeature)} 个的上限${SETTING}；请简化几何`,
    `${id} has ${n(count)} vertices, more than the limit of ${n(limits.maxVerticesPerFeature)} per feature${SETTING_EN}; simplify its geometry`,
  );
}

export function outOfMemory(limitMb: number): SourceError {
  return new SourceError(
    `解析和检查该文件所需内存超过导入可用的 ${limitMb} MB；请分成几个文件导入或降低 imports.limits 中的上限`,
    `parsing and checking the file needs more than the ${limitMb} MB an import may use; split it into several files or lower imports.limits`,
    'too-large',
  );
}

/**
 * How deep a JSON upload may nest arrays and objects. GeoJSON needs about ten (collection →
 * feature → geometry → multipolygon → ring → position, plus a little in properties); a file far
 * deeper is hostile, and its parsed value would overflow the stack when copied to the main thread.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The deepest nesting of `[`/`{` in JSON text (strings skipped), read without parsing and
 * stopping as soon as it passes `max`: byte by byte, so UTF-8 bytes and JS strings both work
 * (the brackets and quotes are ASCII, never part of a multi-byte character).
 */
export function jsonDeeperThan(src: string | Uint8Array, max = MAX_JSON_DEPTH): boolean {
  const at = typeof src === 'string' ? (i: number) => src.charCodeAt(i) : (i: number) => src[i];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < src.length; i++) {
    const c = at(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

export function tooDeep(name?: string): SourceError {
  return new SourceError(
    `${name ?? '文件'}的 JSON 嵌套超过 ${MAX_JSON_DEPTH} 层，不是有效的 GeoJSON`,
    `${name ?? 'the file'} nests JSON more than ${MAX_JSON_DEPTH} levels deep; it is not GeoJSON`,
    'bad-file',
  );
}

const len = (a: unknown) => (Array.isArray(a) ? a.length : 0);
const sum = (a: unknown, f: (x: unknown) => number) => {
  if (!Array.isArray(a)) return 0;
  let s = 0;
  for (const x of a) s += f(x);
  return s;
};

/**
 * The positions of a GeoJSON geometry, counted by its type without walking arbitrary nesting
 * (a hostile file's deep arrays cannot exhaust the stack). Unknown types count 0 (they are refused
 * as unsupported anyway).
 */
export function countVertices(g: unknown): number {
  const geom = g as { type?: unknown; coordinates?: unknown; geometries?: unknown } | null;
  if (!geom || typeof geom !== 'object') return 0;
  const c = geom.coordinates;
  switch (geom.type) {
    case 'Point':
      return Array.isArray(c) ? 1 : 0;
    case 'LineString':
    case 'MultiPoint':
      return len(c);
    case 'Polygon':
    case 'MultiLineString':
      return sum(c, len);
    case 'MultiPolygon':
      return sum(c, (p) => sum(p, len));
    default:
      return 0;
  }
}

/**
 * Counts a file's vertices as its features are read: throws the per-file refusal as soon as the
 * running total passes it, and tells whether one feature is within the per-feature limit.
 */
export class VertexBudget {
  total = 0;
  constructor(readonly limits: ImportLimits) {}

  /** Counts one feature (at least one vertex); false when the feature itself is over its limit. */
  take(count: number): boolean {
    this.total += Math.max(1, count);
    if (this.total > this.limits.maxVerticesPerFile) throw fileVertices(this.total, this.limits);
    return count <= this.limits.maxVerticesPerFeature;
  }
}
