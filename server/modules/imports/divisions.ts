/**
 * Division import: districts, townships and communities with their official codes and polygons.
 * Each child must lie inside its parent (in the file or stored) — a district inside the city's
 * extent — and in replace mode a new parent boundary must still hold its stored children
 * (containment.ts has the tolerance). No division may overlap another of its level, stored or in
 * the file, beyond that tolerance (territory.ts). Only the city level draws a district's boundary.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import { districtsByCode, ningboDivisions } from '../../platform/reference.ts';
import { divisionLevel, normalizeDivisionCode, parentDivisionCode } from '../geo/index.ts';
import { fmtArea, fmtShare, outsideOf } from './containment.ts';
import { type Converted, convertFeature } from './extent.ts';
import { canChangeDistrictBoundary } from './policy.ts';
import { err, inExtent, propText, RowReport, scopeFinding, type ValidateContext, warn } from './report.ts';
import type { SourceFeature } from './source.ts';
import type { DivisionLevel, StoredDivision } from './store.ts';
import { describeOverlap, divisionOverlapTolerance, overlaps, type Piece } from './territory.ts';

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

/** Asks the store in chunks, so that no single answer holds the main thread for long. */
async function chunked<T, R>(items: T[], size: number, ask: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let k = 0; k < items.length; k += size) out.push(...(await ask(items.slice(k, k + size))));
  return out;
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
    if (level === 'district' && !canChangeDistrictBoundary(ctx.actor)) {
      report.add(
        i,
        err(
          'district-boundary',
          `只有市级可以修改区的边界：${code} 不能由区级导入`,
          `only the city level may change the boundary of district ${code}`,
        ),
      );
    }
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
    const { value, findings } = convertFeature(f, code, ctx, true);
    for (const x of findings) report.add(i, x);
    plan.push(value && name ? { code, level, name, parentCode: parentDivisionCode(code), geo: value } : null);
    if (i % 200 === 0) await ctx.progress(i);
  }
  // Parents must exist, in the file or already stored.
  const parents = [...new Set(plan.filter((p) => p?.parentCode).map((p) => p!.parentCode!))];
  const existing = new Set<string>(
    await chunked([...new Set([...parents, ...seen.keys()])], 2000, (c) =>
      ctx.store.existingDivisionCodes(c),
    ),
  );
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
  await checkOverlaps(plan, seen, ctx, report);
  await ctx.progress(features.length);
  return { report, plan: plan.filter((p): p is DivisionPlan => p !== null) };
}

type Area = Polygon | MultiPolygon;

const LEVEL_NAMES: Record<DivisionLevel, { zh: string; en: string }> = {
  district: { zh: '区', en: 'district' },
  township: { zh: '乡镇（街道）', en: 'township' },
  community: { zh: '社区（村）', en: 'community' },
};

/** The 1-based row number the report shows for a plan index. */
const rowNumber = (report: RowReport, index: number) => report.rows[index].row;

/** The city's extent as a polygon: the parent of every district. */
const extentPolygon = (b: [number, number, number, number]): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [b[0], b[1]],
      [b[2], b[1]],
      [b[2], b[3]],
      [b[0], b[3]],
      [b[0], b[1]],
    ],
  ],
});

/**
 * Children inside their parents: every child of the file against its parent from the file (or,
 * when the file does not hold it, as stored), every district against the city's extent, and
 * every stored child that stays against a new parent boundary from the file. Features whose own
 * geometry is invalid are skipped (their error is already reported).
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
  for (const d of await chunked(storedParents, 500, (c) => ctx.store.divisions(c))) {
    parentShapes.set(d.code, d.geometry);
  }
  const shapeOf = (code: string): Area | undefined => {
    const i = inFile.get(code);
    return i !== undefined ? (plan[i]!.geo.geometry as Area) : parentShapes.get(code);
  };

  const check = (
    i: number,
    code: string,
    child: Area,
    parentCode: string,
    parent: Area,
    stored: boolean,
    parentName = { zh: `上级区划 ${parentCode}`, en: `its parent ${parentCode}` },
  ) => {
    let o: ReturnType<typeof outsideOf>;
    try {
      o = outsideOf(child, parent);
    } catch {
      // Refused rather than let through: an unverifiable containment is not a verified one.
      report.add(
        i,
        err(
          'containment-unchecked',
          `无法计算 ${code} 是否位于${parentName.zh}之内（几何过于复杂），请简化后重新导入`,
          `could not check that ${code} lies inside ${parentName.en} (geometry too complex to clip); simplify it`,
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
          `${code} 有 ${area} 平方米（${share}%）超出${parentName.zh}，在容差 ${tol} 平方米之内，视为边界误差`,
          `${code} extends ${area} m² (${share}%) beyond ${parentName.en}: within the tolerance of ${tol} m², taken as boundary noise`,
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
    } else if (!plan[i]?.parentCode) {
      report.add(
        i,
        err(
          'outside-city',
          `${code} 有 ${area} 平方米（${share}%）超出全市范围（容差 ${tol} 平方米）`,
          `${code} extends ${area} m² (${share}%) beyond the city's extent (tolerance ${tol} m²)`,
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

  // The file's children against their parents, its districts against the city's extent.
  const city = extentPolygon(ctx.cityExtent);
  for (const [i, p] of plan.entries()) {
    if (!p) continue;
    if (!p.parentCode) {
      if (!inExtent(p.geo.bbox, ctx.cityExtent)) {
        check(i, p.code, p.geo.geometry as Area, '', city, false, {
          zh: '全市范围',
          en: "the city's extent",
        });
      }
      continue;
    }
    const parent = shapeOf(p.parentCode);
    if (parent) check(i, p.code, p.geo.geometry as Area, p.parentCode, parent, false);
  }

  // Replace mode: stored children that stay, against a parent boundary the file brings. (In
  // insert mode a parent with stored children is already stored, which is an error of its own.)
  if (ctx.mode !== 'replace') return;
  const fileParents = [...inFile.keys()].filter((c) => plan[inFile.get(c)!]!.level !== 'community');
  const fileCodes = [...seen.keys()];
  for (let k = 0; k < fileParents.length; k += 500) {
    for (const r of await ctx.store.divisionChildren(fileParents.slice(k, k + 500), fileCodes)) {
      const i = inFile.get(r.parentCode!)!;
      check(i, r.code, r.geometry, r.parentCode!, plan[i]!.geo.geometry as Area, true);
    }
  }
}

/**
 * No division on ground another division of its level holds: stored ones the file does not
 * replace (the same code), and the file's other rows (territory.ts).
 */
async function checkOverlaps(
  plan: (DivisionPlan | null)[],
  seen: Map<string, number>,
  ctx: ValidateContext,
  report: RowReport,
) {
  for (const level of ['district', 'township', 'community'] as const) {
    const file: Piece[] = [];
    plan.forEach((p, i) => {
      if (p?.level === level)
        file.push({ id: p.code, geometry: p.geo.geometry as Area, bbox: p.geo.bbox, row: i });
    });
    if (!file.length) continue;
    const stored = new Map<string, StoredDivision>();
    for (let k = 0; k < file.length; k += 200) {
      const chunk = file.slice(k, k + 200);
      const boxes = chunk.map((f) => f.bbox);
      for (const d of await ctx.store.divisionsInBoxes(
        level,
        boxes,
        chunk.map((f) => f.id),
      )) {
        if (!seen.has(d.code)) stored.set(d.code, d);
      }
    }
    const others: Piece[] = [...stored.values()].map((d) => ({
      id: d.code,
      geometry: d.geometry,
      bbox: d.bbox,
      row: null,
    }));
    const name = LEVEL_NAMES[level];
    for (const o of overlaps(file, others, 1)) {
      const pairs = o.b.row === null ? [[o.a, o.b] as const] : [[o.a, o.b] as const, [o.b, o.a] as const];
      for (const [x, y] of pairs) {
        const row = x.row!;
        const areaX = x === o.a ? o.areaA : o.areaB;
        const areaY = x === o.a ? o.areaB : o.areaA;
        const other =
          y.row === null
            ? { zh: `已有${name.zh} ${y.id}`, en: `stored ${name.en} ${y.id}` }
            : {
                zh: `文件第 ${rowNumber(report, y.row)} 行的${name.zh} ${y.id}`,
                en: `${name.en} ${y.id} (row ${rowNumber(report, y.row)} of the file)`,
              };
        if (Number.isNaN(o.area)) {
          report.add(
            row,
            err(
              'overlap-unchecked',
              `无法计算 ${x.id} 与${other.zh} 是否重叠（几何过于复杂），请简化后重新导入`,
              `could not check whether ${x.id} overlaps ${other.en} (geometry too complex to clip); simplify it`,
            ),
          );
          continue;
        }
        const tol = divisionOverlapTolerance(areaX, areaY);
        const { area, share } = describeOverlap({ ...o, areaA: areaX });
        if (o.area > tol) {
          report.add(
            row,
            err(
              'overlap',
              `${x.id} 与${other.zh} 重叠 ${area} 平方米（占 ${x.id} 的 ${share}%，容差 ${fmtArea(tol)} 平方米）`,
              `${x.id} overlaps ${other.en} by ${area} m² (${share}% of ${x.id}; tolerance ${fmtArea(tol)} m²)`,
            ),
          );
        } else {
          report.add(
            row,
            warn(
              'overlap-noise',
              `${x.id} 与${other.zh} 重叠 ${area} 平方米（占 ${share}%），在容差 ${fmtArea(tol)} 平方米之内，视为边界误差`,
              `${x.id} overlaps ${other.en} by ${area} m² (${share}%): within the tolerance of ${fmtArea(tol)} m², taken as boundary noise`,
            ),
          );
        }
      }
    }
  }
}
