/** The row-by-row import report, attribute lookup helpers and the context validators share. */
import type { Actor } from '../../platform/context.ts';
import { districtInScope } from '../components/index.ts';
import type { BBox } from '../geo/index.ts';
import type { ImportLimits } from '../settings/index.ts';
import type { CrsChoice } from './crs.ts';
import type { SourceFeature } from './source.ts';
import type { ImportStore } from './store.ts';

export type Severity = 'error' | 'warning';

export interface Finding {
  rule: string;
  severity: Severity;
  message_zh: string;
  message_en: string;
}

export interface ReportRow {
  /** 1-based feature number in the file; 0 for findings about the file as a whole. */
  row: number;
  id: string | null;
  ok: boolean;
  findings: Finding[];
}

export type ImportMode = 'insert' | 'replace';

/** Where features may go, and what they cost: what convertFeature needs. */
export interface GeoContext {
  crs: CrsChoice;
  /** Where features may lie after conversion (the managed area with a margin): a CRS sanity check. */
  extent: BBox;
  limits: ImportLimits;
}

export interface ValidateContext extends GeoContext {
  /** The stored data the checks compare with (answered by the main thread, see store.ts). */
  store: ImportStore;
  actor: Actor;
  mode: ImportMode;
  /** The city's extent, which every district must lie inside (extent.ts: cityExtent). */
  cityExtent: BBox;
  /** Reports validation progress (rows checked so far). */
  progress: (processed: number) => Promise<void>;
}

export const err = (rule: string, zh: string, en: string): Finding => ({
  rule,
  severity: 'error',
  message_zh: zh,
  message_en: en,
});
export const warn = (rule: string, zh: string, en: string): Finding => ({
  rule,
  severity: 'warning',
  message_zh: zh,
  message_en: en,
});

export class RowReport {
  readonly rows: ReportRow[];
  constructor(features: SourceFeature[]) {
    this.rows = features.map((f) => ({ row: f.row, id: null, ok: true, findings: [] }));
  }
  add(index: number, f: Finding) {
    const r = this.rows[index];
    r.findings.push(f);
    if (f.severity === 'error') r.ok = false;
  }
  setId(index: number, id: string | null) {
    this.rows[index].id = id;
  }
  ok(index: number) {
    return this.rows[index].ok;
  }
  get errorCount() {
    return this.rows.filter((r) => !r.ok).length;
  }
}

function normKey(k: string) {
  return k.toLowerCase().replace(/[\s_-]/g, '');
}

/** The first non-empty value among several attribute names (case and underscores ignored). */
export function prop(props: Record<string, unknown>, names: readonly string[]): unknown {
  const wanted = names.map(normKey);
  for (const w of wanted) {
    for (const [k, v] of Object.entries(props)) {
      if (normKey(k) === w && v !== null && v !== undefined && v !== '') return v;
    }
  }
  return undefined;
}

export function propText(props: Record<string, unknown>, names: readonly string[]): string | undefined {
  const v = prop(props, names);
  if (v === undefined) return undefined;
  return typeof v === 'number' ? String(Math.trunc(v) === v ? v : v) : String(v).trim();
}

/** All attribute names any alias list claims (what is left over becomes extension attributes). */
export function claimed(lists: readonly (readonly string[])[]): Set<string> {
  return new Set(lists.flat().map(normKey));
}

export function unclaimed(props: Record<string, unknown>, used: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) if (!used.has(normKey(k)) && v !== null && v !== '') out[k] = v;
  return out;
}

export function scopeFinding(actor: Actor, code: string): Finding | null {
  if (districtInScope(actor, code.slice(0, 6))) return null;
  return err(
    'out-of-scope',
    `${code} 不属于您管辖的区，不能导入`,
    `${code} lies outside your district; you may not import it`,
  );
}

export function inExtent(b: BBox, extent: BBox): boolean {
  return b[0] >= extent[0] && b[2] <= extent[2] && b[1] >= extent[1] && b[3] <= extent[3];
}

export function outsideFinding(crsLabel: string): Finding {
  return err(
    'outside-area',
    `按坐标系 ${crsLabel} 转换后位于管理区域之外：坐标系可能错误`,
    `after conversion from ${crsLabel} it lies outside the managed area: wrong coordinate system?`,
  );
}

/**
 * The stored grids around a file's points, asked for in bands of 5,000 points sorted west to
 * east, so that no single answer is the whole city (a file spread over every district would
 * otherwise load every grid at once). Components and places both locate their rows with it.
 */
export async function gridsAroundPoints(
  store: ImportStore,
  points: ([number, number] | null)[],
): Promise<Map<string, StoredGridOf<ImportStore>>> {
  const grids = new Map<string, StoredGridOf<ImportStore>>();
  const valid = points.filter((p): p is [number, number] => p !== null).sort((a, b) => a[0] - b[0]);
  for (let k = 0; k < valid.length; k += 5000) {
    const band = valid.slice(k, k + 5000);
    let s = Infinity;
    let n = -Infinity;
    for (const p of band) {
      s = Math.min(s, p[1]);
      n = Math.max(n, p[1]);
    }
    const e = 1e-9;
    const box: BBox = [band[0][0] - e, s - e, band[band.length - 1][0] + e, n + e];
    for (const g of await store.gridsInBoxes([box], [])) grids.set(g.id, g);
  }
  return grids;
}

type StoredGridOf<S extends ImportStore> = Awaited<ReturnType<S['gridsInBoxes']>>[number];
