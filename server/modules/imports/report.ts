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
