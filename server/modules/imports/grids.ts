/**
 * Grid import: unit grids with 15-character IDs (14-character legacy IDs are mapped, the old ID
 * kept), checked per community against the community polygon together with the grids that stay:
 * no overlap, no gap, nothing across the boundary. Grids of different communities may not overlap
 * either (territory.ts): every point lies in one grid. In replace mode the file's grids replace
 * all stored grids of the communities it covers.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import {
  bboxOfGeometry as bboxOf,
  checkCommunityGrids,
  type Feature,
  geodesicArea,
  LEGACY_GRID_ID_LENGTH,
  normalizeGridId,
  representativePoint,
} from '../geo/index.ts';
import { type Converted, convertFeature } from './extent.ts';
import { err, propText, RowReport, scopeFinding, type ValidateContext, warn } from './report.ts';
import type { SourceFeature } from './source.ts';
import { describeOverlap, overlaps, type Piece } from './territory.ts';

export const GRID_ID_FIELDS = [
  'id',
  'grid_id',
  'gridid',
  'gridcode',
  'bgid',
  'wgbm',
  'dywgbm',
  '网格编码',
  '单元网格编码',
];
export const GRID_COMMUNITY_FIELDS = ['community', 'community_code', 'sqdm', '社区代码', '所属社区'];
export const GRID_CLASS_FIELDS = ['area_class', 'areaclass', 'class', 'qylb', '区域类别', '区域等级'];

export interface GridPlan {
  id: string;
  legacyId: string | null;
  communityCode: string;
  areaClass: 'A' | 'B' | 'C';
  geo: Converted;
  /** Worked out with the checks (off the main thread), written as they are. */
  areaM2: number;
  centroid: [number, number];
}

export async function validateGrids(
  features: SourceFeature[],
  ctx: ValidateContext,
): Promise<{ report: RowReport; plan: GridPlan[]; communities: string[] }> {
  const report = new RowReport(features);
  const plan: (GridPlan | null)[] = [];
  const rowsOf = new Map<string, number[]>();
  for (const [i, f] of features.entries()) {
    const raw = propText(f.properties, GRID_ID_FIELDS);
    const id = raw ? normalizeGridId(raw) : null;
    report.setId(i, id ?? raw ?? null);
    if (!id) {
      report.add(
        i,
        err('bad-id', `网格编码无效：${raw ?? '（空）'}`, `invalid grid ID: ${raw ?? '(empty)'}`),
      );
      plan.push(null);
      continue;
    }
    const legacyId = raw!.trim().length === LEGACY_GRID_ID_LENGTH ? raw!.trim() : null;
    if (legacyId) {
      report.add(
        i,
        warn(
          'legacy-id',
          `14 位旧编码 ${legacyId} 已转换为 ${id}`,
          `14-digit legacy ID ${legacyId} mapped to ${id}`,
        ),
      );
    }
    const communityCode = id.slice(0, 12);
    const declared = propText(f.properties, GRID_COMMUNITY_FIELDS);
    if (declared && declared !== communityCode) {
      report.add(
        i,
        err(
          'id-mismatch',
          `网格编码 ${id} 与所属社区 ${declared} 不一致`,
          `grid ID ${id} does not match its community ${declared}`,
        ),
      );
    }
    const scope = scopeFinding(ctx.actor, id);
    if (scope) report.add(i, scope);
    const cls = propText(f.properties, GRID_CLASS_FIELDS)?.toUpperCase();
    let areaClass: 'A' | 'B' | 'C' = 'B';
    if (cls === 'A' || cls === 'B' || cls === 'C') areaClass = cls;
    else if (cls)
      report.add(i, err('bad-class', `区域类别应为 A/B/C：${cls}`, `area class must be A, B or C: ${cls}`));
    else
      report.add(i, warn('default-class', '未给出区域类别，按 B 类处理', 'no area class given: B assumed'));
    const { value, findings } = convertFeature(f, id, ctx, true);
    for (const x of findings) report.add(i, x);
    const list = rowsOf.get(id) ?? [];
    list.push(i);
    rowsOf.set(id, list);
    if (list.length > 1) {
      report.add(
        i,
        err('duplicate-id', `网格编码 ${id} 在文件中重复`, `grid ID ${id} occurs more than once in the file`),
      );
    }
    plan.push(
      value
        ? {
            id,
            legacyId,
            communityCode,
            areaClass,
            geo: value,
            areaM2: geodesicArea(value.geometry as Polygon | MultiPolygon),
            centroid: representativePoint(value.geometry),
          }
        : null,
    );
    if (i % 200 === 0) await ctx.progress(i);
  }

  // Per community: its polygon, the grids that stay, and the file's grids.
  const byCommunity = new Map<string, number[]>();
  report.rows.forEach((r, i) => {
    if (!r.id || !rowsOf.has(r.id)) return;
    const c = r.id.slice(0, 12);
    byCommunity.set(c, [...(byCommunity.get(c) ?? []), i]);
  });
  const codes = [...byCommunity.keys()];
  const communities = new Map<string, Polygon | MultiPolygon>();
  const stored = new Map<string, Feature[]>();
  for (let k = 0; k < codes.length; k += 500) {
    const chunk = codes.slice(k, k + 500);
    for (const d of await ctx.store.divisions(chunk)) {
      if (d.level === 'community') communities.set(d.code, d.geometry);
    }
    for (const g of await ctx.store.gridsOfCommunities(chunk)) {
      stored.set(g.communityCode, [
        ...(stored.get(g.communityCode) ?? []),
        { id: g.id, geometry: g.geometry },
      ]);
    }
  }
  let done = 0;
  for (const [code, rows] of byCommunity) {
    const polygon = communities.get(code);
    if (!polygon) {
      for (const i of rows) {
        report.add(
          i,
          err(
            'unknown-community',
            `社区 ${code} 不存在，请先导入区划`,
            `community ${code} does not exist; import divisions first`,
          ),
        );
      }
      continue;
    }
    const fileIds = new Set(rows.map((i) => report.rows[i].id!));
    const staying = ctx.mode === 'replace' ? [] : (stored.get(code) ?? []);
    if (ctx.mode === 'insert') {
      for (const g of staying.filter((s) => fileIds.has(s.id))) {
        for (const i of rowsOf.get(g.id) ?? []) {
          report.add(
            i,
            err(
              'exists',
              `网格 ${g.id} 已存在（如需覆盖请选择替换模式）`,
              `grid ${g.id} already exists (use replace mode)`,
            ),
          );
        }
      }
    }
    // Topology only over grids whose own geometry is fine (their errors are already reported).
    const mine = rows
      .filter((i) => plan[i])
      .map((i) => ({ id: plan[i]!.id, geometry: plan[i]!.geo.geometry as Polygon }));
    if (mine.length !== rows.length) continue;
    const set = [...staying.filter((s) => !fileIds.has(s.id)), ...mine];
    for (const t of checkCommunityGrids({ code, geometry: polygon }, set)) {
      if (t.rule === 'invalid-geometry' || t.rule === 'duplicate-id') continue;
      const f = err(t.rule, t.message_zh, t.message_en);
      const targets = t.ids.flatMap((id) => rowsOf.get(id) ?? []).filter((i) => rows.includes(i));
      for (const i of targets.length ? [...new Set(targets)] : [rows[0]]) report.add(i, f);
    }
    done += rows.length;
    await ctx.progress(Math.min(features.length, done));
  }
  await checkAcrossCommunities(plan, codes, communities, ctx, report);
  await ctx.progress(features.length);
  return { report, plan: plan.filter((p): p is GridPlan => p !== null), communities: codes };
}

/**
 * Grids of different communities never overlap (more than the 1 m² topology.ts allows inside a
 * community): the file's grids against the stored grids the file does not replace, and against
 * each other. Stored candidates are those near the communities the file covers.
 */
async function checkAcrossCommunities(
  plan: (GridPlan | null)[],
  codes: string[],
  communities: Map<string, Polygon | MultiPolygon>,
  ctx: ValidateContext,
  report: RowReport,
) {
  const file: Piece[] = [];
  plan.forEach((p, i) => {
    if (p)
      file.push({
        id: p.id,
        geometry: p.geo.geometry as Polygon,
        bbox: p.geo.bbox,
        row: i,
        group: p.communityCode,
      });
  });
  if (!file.length) return;
  const covered = new Set(codes);
  const fileIds = new Set(file.map((f) => f.id));
  // Near each community the file covers: its polygon's box grown to hold the file's grids of it
  // (a grid drawn far outside its community is an error already, and still checked here).
  const near = new Map<string, [number, number, number, number]>();
  for (const f of file) {
    const shape = communities.get(f.group!);
    const b = near.get(f.group!) ?? (shape ? bboxOf(shape) : f.bbox);
    near.set(f.group!, [
      Math.min(b[0], f.bbox[0]),
      Math.min(b[1], f.bbox[1]),
      Math.max(b[2], f.bbox[2]),
      Math.max(b[3], f.bbox[3]),
    ]);
  }
  // In replace mode each chunk's own communities are left out in the query (their grids go).
  const nearby = [...near.entries()];
  const others = new Map<string, Piece>();
  for (let k = 0; k < nearby.length; k += 200) {
    const chunk = nearby.slice(k, k + 200);
    const stored = await ctx.store.gridsInBoxes(
      chunk.map(([, b]) => b),
      ctx.mode === 'replace' ? chunk.map(([c]) => c) : [],
    );
    for (const g of stored) {
      // What the file replaces: in replace mode every grid of its communities; otherwise a grid
      // with the same ID is an error of its own ('exists').
      if (ctx.mode === 'replace' ? covered.has(g.communityCode) : fileIds.has(g.id)) continue;
      others.set(g.id, { id: g.id, geometry: g.geometry, bbox: g.bbox, row: null, group: g.communityCode });
    }
  }
  const found = overlaps(file, [...others.values()], 1, (a, b) => a.group === b.group);
  for (const o of found) {
    for (const [x, y] of o.b.row === null
      ? [[o.a, o.b]]
      : [
          [o.a, o.b],
          [o.b, o.a],
        ]) {
      const where =
        y.row === null
          ? { zh: '', en: '' }
          : {
              zh: `（文件第 ${report.rows[y.row].row} 行）`,
              en: ` (row ${report.rows[y.row].row} of the file)`,
            };
      if (Number.isNaN(o.area)) {
        report.add(
          x.row!,
          err(
            'overlap-unchecked',
            `无法计算 ${x.id} 与社区 ${y.group} 的网格 ${y.id}${where.zh} 是否重叠（几何过于复杂），请简化后重新导入`,
            `could not check whether ${x.id} overlaps grid ${y.id} of community ${y.group}${where.en} (geometry too complex to clip); simplify it`,
          ),
        );
        continue;
      }
      const { area } = describeOverlap(o);
      report.add(
        x.row!,
        err(
          'overlap',
          `${x.id} 与社区 ${y.group} 的网格 ${y.id}${where.zh} 重叠 ${area} 平方米`,
          `${x.id} overlaps grid ${y.id} of community ${y.group}${where.en} by ${area} m²`,
        ),
      );
    }
  }
}
