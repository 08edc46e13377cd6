/**
 * Everything an import does before it writes: parse the file (within the limits), choose the CRS,
 * validate every row against the rules and the stored data. Pure computation apart from the
 * store's questions, so it runs in the import worker (worker.ts) and the main thread stays free
 * for requests; the main thread then writes the plan in one transaction (service.ts).
 */
import type { Actor } from '../../platform/context.ts';
import type { BBox } from '../geo/index.ts';
import { validateComponents } from './components.ts';
import { CrsError, resolveCrs } from './crs.ts';
import { validateDivisions } from './divisions.ts';
import { validateGrids } from './grids.ts';
import type { ImportLimits } from './limits.ts';
import { validatePlaces } from './places.ts';
import type { ImportKind } from './policy.ts';
import { err, type ImportMode, type ReportRow, warn } from './report.ts';
import { type ParsedSource, parseSource, SourceError } from './source.ts';
import type { ImportStore } from './store.ts';

export interface ValidationInput {
  kind: ImportKind;
  fileName: string;
  data: Uint8Array;
  /** 'detect' / undefined, or a CRS name / EPSG code. */
  crs?: string;
  mode: ImportMode;
  actor: Actor;
  /** The managed area with a margin (a CRS sanity check) and the city's extent (districts' parent). */
  extent: BBox;
  cityExtent: BBox;
  limits: ImportLimits;
}

export interface ValidationHooks {
  /** The file is read: how many rows, in which format and CRS. */
  parsed(info: { total: number; format: ParsedSource['format']; crs: string }): void;
  /** Rows checked so far. */
  progress(processed: number): Promise<void> | void;
}

/** The plan the write transaction carries out, by kind. */
export type Plan =
  | { kind: 'divisions'; rows: Awaited<ReturnType<typeof validateDivisions>>['plan'] }
  | { kind: 'grids'; rows: Awaited<ReturnType<typeof validateGrids>>['plan']; communities: string[] }
  | { kind: 'components'; rows: Awaited<ReturnType<typeof validateComponents>>['plan'] }
  | { kind: 'places'; rows: Awaited<ReturnType<typeof validatePlaces>>['plan'] };

export interface Validation {
  /** False: refused, `report` says why and nothing may be written. */
  ok: boolean;
  report: ReportRow[];
  summary: Record<string, unknown>;
  /** The CRS label once chosen. */
  crs?: string;
  total: number;
  plan: Plan | null;
}

export function fileFinding(zh: string, en: string, rule: string): ReportRow[] {
  return [{ row: 0, id: null, ok: false, findings: [err(rule, zh, en)] }];
}

/**
 * The most rows a stored report holds. A file of more rows keeps in its report only the rows with
 * findings, errors first, up to this many; the summary counts every rule over all rows. The report
 * is one JSON value in the job's row and in the answer: bounded, so that writing and reading it
 * stays short whatever the file's size.
 */
export const REPORT_MAX_ROWS = 10_000;

function boundReport(rows: ReportRow[]): { rows: ReportRow[]; extra: Record<string, unknown> } {
  if (rows.length <= REPORT_MAX_ROWS) return { rows, extra: {} };
  const ruleCounts: Record<string, number> = {};
  for (const r of rows) for (const f of r.findings) ruleCounts[f.rule] = (ruleCounts[f.rule] ?? 0) + 1;
  const withFindings = rows.filter((r) => r.findings.length > 0);
  const kept = [...withFindings.filter((r) => !r.ok), ...withFindings.filter((r) => r.ok)]
    .slice(0, REPORT_MAX_ROWS)
    .sort((a, b) => a.row - b.row);
  const note: ReportRow = {
    row: 0,
    id: null,
    ok: true,
    findings: [
      warn(
        'report-abridged',
        `文件有 ${rows.length} 行，报告只列出有问题的 ${kept.length} 行（最多 ${REPORT_MAX_ROWS} 行）；各规则的次数见摘要`,
        `the file has ${rows.length} rows: the report lists the ${kept.length} with findings (at most ${REPORT_MAX_ROWS}); the summary counts every rule`,
      ),
    ],
  };
  return { rows: [note, ...kept], extra: { reportRows: kept.length, ruleCounts } };
}

export async function validateImport(
  input: ValidationInput,
  store: ImportStore,
  hooks: ValidationHooks,
): Promise<Validation> {
  const refused = (e: { zh: string; en: string }, rule: string, rows: number, crs?: string): Validation => ({
    ok: false,
    report: fileFinding(e.zh, e.en, rule),
    summary: { rows, errors: 1, written: 0 },
    crs,
    total: rows,
    plan: null,
  });
  let source: ParsedSource;
  try {
    const data = Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength);
    source = parseSource(input.fileName, data, input.limits);
  } catch (e) {
    if (!(e instanceof SourceError)) throw e;
    return refused(e, e.rule, 0);
  }
  let choice: ReturnType<typeof resolveCrs>;
  try {
    choice = resolveCrs(input.crs, source);
  } catch (e) {
    if (!(e instanceof CrsError)) throw e;
    return refused(e, 'crs', source.features.length);
  }
  const total = source.features.length;
  hooks.parsed({ total, format: source.format, crs: choice.label });
  const vctx = {
    store,
    actor: input.actor,
    mode: input.mode,
    crs: choice,
    extent: input.extent,
    cityExtent: input.cityExtent,
    limits: input.limits,
    progress: async (n: number) => hooks.progress(n),
  };
  let plan: Plan;
  let report: ReportRow[];
  if (input.kind === 'divisions') {
    const v = await validateDivisions(source.features, vctx);
    plan = { kind: 'divisions', rows: v.plan };
    report = v.report.rows;
  } else if (input.kind === 'grids') {
    const v = await validateGrids(source.features, vctx);
    plan = { kind: 'grids', rows: v.plan, communities: v.communities };
    report = v.report.rows;
  } else if (input.kind === 'places') {
    const v = await validatePlaces(source.features, vctx);
    plan = { kind: 'places', rows: v.plan };
    report = v.report.rows;
  } else {
    const v = await validateComponents(source.features, vctx);
    plan = { kind: 'components', rows: v.plan };
    report = v.report.rows;
  }
  if (total === 0) report.push(fileFinding('文件中没有要素', 'the file holds no features', 'empty')[0]);
  const summary = {
    rows: total,
    errors: report.filter((r) => !r.ok).length,
    warnings: report.reduce((s, r) => s + r.findings.filter((f) => f.severity === 'warning').length, 0),
    crs: choice.label,
    crsHow: choice.how,
    mode: input.mode,
    notes: source.notes,
  };
  const ok = summary.errors === 0 && total > 0;
  const bounded = boundReport(report);
  return {
    ok,
    report: bounded.rows,
    summary: { ...summary, ...bounded.extra, ...(ok ? {} : { written: 0 }) },
    crs: choice.label,
    total,
    plan: ok ? plan : null,
  };
}
