/**
 * Division import: districts, townships and communities with their official codes and polygons.
 * Each child must lie inside its parent (in the file or stored), and in replace mode a new
 * parent boundary must still hold its stored children (containment.ts has the tolerance).
 */
import type { MultiPolygon, Polygon } from 'geojson';
import { districtsByCode, ningboDivisions } from '../../platform/reference.ts';
import {
  childDivisionOutlines,
  divisionLevel,
  divisionOutlines,
  normalizeDivisionCode,
  parentDivisionCode,
  storedDivisionCodes,
} from '../geo/index.ts';
import { fmtArea, fmtShare, outsideOf } from './containment.ts';
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
    for (const code of await storedDivisionCodes(ctx.db, chunk)) existing.add(code);
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
  await checkContainment(plan, seen, ctx, report);
  await ctx.progress(features.length);
  return { report, plan: plan.filter((p): p is DivisionPlan => p !== null) };
}

type Area = Polygon | MultiPolygon;

/**
 * Children inside their parents: every child of the file against its parent from the file (or,
 * when the file does not hold it, as stored), and every stored child that stays against a new
 * parent boundary from the file. Features whose own geometry is invalid are skipped (their error
 * is already reported).
 */
async function checkContainment(
  plan: (DivisionPlan | null)[],
  seen: Map<string, number>,
  ctx: ValidateContext,
  report: RowReport,
) {
  const inFile = new Map<string, number>();
  plan.forEach((p, i) => {
    if (p) inFile.set(p.code, i);
  });
  const storedParents = [
    ...new Set(plan.flatMap((p) => (p?.parentCode && !seen.has(p.parentCode) ? [p.parentCode] : []))),
  ];
  const parentShapes = new Map<string, Area>();
  for (let k = 0; k < storedParents.length; k += 1000) {
    const rows = await divisionOutlines(ctx.db, storedParents.slice(k, k + 1000));
    for (const r of rows) parentShapes.set(r.code, r.geometry as Area);
  }
  const shapeOf = (code: string): Area | undefined => {
    const i = inFile.get(code);
    return i !== undefined ? (plan[i]!.geo.geometry as Area) : parentShapes.get(code);
  };

  const check = (i: number, code: string, child: Area, parentCode: string, parent: Area, stored: boolean) => {
    let o: ReturnType<typeof outsideOf>;
    try {
      o = outsideOf(child, parent);
    } catch {
      report.add(
        i,
        warn(
          'containment-unchecked',
          `无法计算 ${code} 是否位于上级 ${parentCode} 之内（几何过于复杂）`,
          `could not check that ${code} lies inside ${parentCode} (geometry too complex to clip)`,
        ),
      );
      return;
    }
    if (o.area <= 1) return;
    const area = fmtArea(o.area);
    const share = fmtShare(o.share);
    const tol = fmtArea(o.tolerance);
    if (o.area <= o.tolerance) {
      report.add(
        i,
        warn(
          'outside-parent-noise',
          `${code} 有 ${area} 平方米（${share}%）超出上级区划 ${parentCode}，在容差 ${tol} 平方米之内，视为边界误差`,
          `${code} extends ${area} m² (${share}%) beyond its parent ${parentCode}: within the tolerance of ${tol} m², taken as boundary noise`,
        ),
      );
    } else if (stored) {
      report.add(
        i,
        err(
          'child-outside',
          `已有下级区划 ${code} 将有 ${area} 平方米（${share}%）超出 ${parentCode} 的新边界（容差 ${tol} 平方米）`,
          `stored division ${code} would extend ${area} m² (${share}%) beyond the new boundary of ${parentCode} (tolerance ${tol} m²)`,
        ),
      );
    } else {
      report.add(
        i,
        err(
          'outside-parent',
          `${code} 有 ${area} 平方米（${share}%）超出上级区划 ${parentCode} 的边界（容差 ${tol} 平方米）`,
          `${code} extends ${area} m² (${share}%) beyond its parent ${parentCode} (tolerance ${tol} m²)`,
        ),
      );
    }
  };

  // The file's children against their parents. Clipping real boundaries takes a few ms each:
  // let the event loop breathe (requests, the job's heartbeat) between batches.
  for (const [i, p] of plan.entries()) {
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
    if (!p?.parentCode) continue;
    const parent = shapeOf(p.parentCode);
    if (parent) check(i, p.code, p.geo.geometry as Area, p.parentCode, parent, false);
  }

  // Replace mode: stored children that stay, against a parent boundary the file brings. (In
  // insert mode a parent with stored children is already stored, which is an error of its own.)
  if (ctx.mode !== 'replace') return;
  const fileParents = [...inFile.keys()].filter((c) => plan[inFile.get(c)!]!.level !== 'community');
  const fileCodes = [...seen.keys()];
  for (let k = 0; k < fileParents.length; k += 1000) {
    const rows = await childDivisionOutlines(ctx.db, fileParents.slice(k, k + 1000), fileCodes);
    for (const r of rows) {
      const i = inFile.get(r.parentCode!)!;
      check(i, r.code, r.geometry as Area, r.parentCode!, plan[i]!.geo.geometry as Area, true);
    }
  }
}
