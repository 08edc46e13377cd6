/** Division import: districts, townships and communities with their official codes and polygons. */
import { inArray } from 'drizzle-orm';
import { districtsByCode, ningboDivisions } from '../../platform/reference.ts';
import { divisionLevel, normalizeDivisionCode, parentDivisionCode } from '../geo/core/codes.ts';
import { division } from '../geo/tables.ts';
import { type Converted, convertFeature } from './extent.ts';
import { err, propText, RowReport, scopeFinding, type ValidateContext, warn } from './report.ts';
import type { SourceFeature } from './source.ts';

export const DIVISION_CODE_FIELDS = [
  'code',
  'division_code',
  'xzqdm',
  'dm',
  'qhdm',
  '代码',
  '区划代码',
  '行政区划代码',
];
export const DIVISION_NAME_FIELDS = ['name', 'xzqmc', 'mc', 'qhmc', '名称', '区划名称'];

export interface DivisionPlan {
  code: string;
  level: 'district' | 'township' | 'community';
  name: string;
  parentCode: string | null;
  geo: Converted;
}

let referenceNames: Map<string, string> | undefined;
function referenceName(code: string): string | undefined {
  if (!referenceNames) {
    referenceNames = new Map();
    const walk = (n: { code: string; name: string; children?: unknown[] }) => {
      referenceNames!.set(n.code, n.name);
      for (const c of (n.children ?? []) as (typeof n)[]) walk(c);
    };
    walk(ningboDivisions());
  }
  return referenceNames.get(code);
}

export async function validateDivisions(
  features: SourceFeature[],
  ctx: ValidateContext,
): Promise<{ report: RowReport; plan: DivisionPlan[] }> {
  const report = new RowReport(features);
  const plan: (DivisionPlan | null)[] = [];
  const seen = new Map<string, number>();
  for (const [i, f] of features.entries()) {
    const raw = propText(f.properties, DIVISION_CODE_FIELDS);
    const code = raw ? normalizeDivisionCode(raw) : null;
    report.setId(i, code ?? raw ?? null);
    if (!code) {
      report.add(
        i,
        err('bad-code', `区划代码无效：${raw ?? '（空）'}`, `invalid division code: ${raw ?? '(empty)'}`),
      );
      plan.push(null);
      continue;
    }
    const scope = scopeFinding(ctx.actor, code);
    if (scope) report.add(i, scope);
    if (seen.has(code)) {
      report.add(
        i,
        err(
          'duplicate-id',
          `区划代码 ${code} 在文件中重复`,
          `division code ${code} occurs twice in the file`,
        ),
      );
    }
    seen.set(code, i);
    const level = divisionLevel(code)!;
    if (level === 'district' && !districtsByCode().has(code)) {
      report.add(i, err('unknown-code', `未知的区县代码：${code}`, `unknown district code: ${code}`));
    } else if (!referenceName(code)) {
      report.add(
        i,
        warn('not-in-reference', `${code} 不在统计用区划代码中`, `${code} is not in the NBS reference codes`),
      );
    }
    const name = propText(f.properties, DIVISION_NAME_FIELDS) ?? referenceName(code);
    if (!name) report.add(i, err('missing-name', `${code} 缺少名称`, `${code} has no name`));
    const { value, findings } = convertFeature(f, code, ctx.crs, ctx.extent, true);
    for (const x of findings) report.add(i, x);
    plan.push(value && name ? { code, level, name, parentCode: parentDivisionCode(code), geo: value } : null);
    if (i % 200 === 0) await ctx.progress(i);
  }
  // Parents must exist, in the file or already stored.
  const parents = [...new Set(plan.filter((p) => p?.parentCode).map((p) => p!.parentCode!))];
  const existing = new Set<string>();
  const codes = [...seen.keys()];
  for (let k = 0; k < Math.max(parents.length, codes.length); k += 2000) {
    const chunk = [...parents.slice(k, k + 2000), ...codes.slice(k, k + 2000)];
    if (chunk.length === 0) continue;
    const rows = await ctx.db
      .select({ code: division.code })
      .from(division)
      .where(inArray(division.code, chunk));
    for (const r of rows) existing.add(r.code);
  }
  plan.forEach((p, i) => {
    if (!p) return;
    if (p.parentCode && !seen.has(p.parentCode) && !existing.has(p.parentCode)) {
      report.add(
        i,
        err(
          'unknown-parent',
          `上级区划 ${p.parentCode} 不存在`,
          `parent division ${p.parentCode} does not exist`,
        ),
      );
    }
    if (ctx.mode === 'insert' && existing.has(p.code)) {
      report.add(
        i,
        err(
          'exists',
          `区划 ${p.code} 已存在（如需覆盖请选择替换模式）`,
          `division ${p.code} already exists (use replace mode)`,
        ),
      );
    }
  });
  await ctx.progress(features.length);
  return { report, plan: plan.filter((p): p is DivisionPlan => p !== null) };
}
