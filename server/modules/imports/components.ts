/**
 * Component import: 17-digit IDs (allocated from the district+type sequence when missing; a
 * 16-digit ID of an older system is kept as legacy_id), known type codes, a state, departments,
 * and a point, line or polygon whose representative point decides the grid when none is given.
 * A component stays on its district's ground: a point inside another district's grid is refused.
 */

import type { BulkComponent, ComponentState } from '../components/index.ts';
import { GridIndex, normalizeGridId, parseComponentId, representativePoint } from '../geo/index.ts';
import { convertFeature } from './extent.ts';
import {
  claimed,
  err,
  gridsAroundPoints,
  prop,
  propText,
  RowReport,
  scopeFinding,
  unclaimed,
  type ValidateContext,
  warn,
} from './report.ts';
import type { SourceFeature } from './source.ts';

const F = {
  id: ['id', 'component_id', 'bjbm', 'bsm', 'objid', 'obj_id', '部件编码', '部件标识码'],
  type: ['type_code', 'typecode', 'type', 'lxdm', 'bjlx', '部件类型', '类型代码'],
  name: ['name', 'bjmc', 'mc', '部件名称', '名称'],
  district: ['district_code', 'district', 'qxdm', '所属区县'],
  grid: ['grid_id', 'gridid', 'bgid', 'wgbm', '所在网格', '网格编码'],
  state: ['state', 'status', 'zt', 'bjzt', '状态', '部件状态'],
  owner: ['owner_dept', 'zgbm', '主管部门'],
  property: ['property_dept', 'qsdw', '权属单位'],
  maintainer: ['maintainer_dept', 'yhdw', '养护单位'],
  installed: ['installed_at', 'csrq', 'azrq', '设置日期', '安装日期'],
  surveyed: ['surveyed_at', 'dcrq', 'bgrq', '调查日期', '普查日期'],
  legacy: ['legacy_id', 'old_id', '旧编码'],
};
const CLAIMED = claimed(Object.values(F));

const STATES: Record<string, ComponentState> = {
  intact: 'intact',
  完好: 'intact',
  '1': 'intact',
  damaged: 'damaged',
  破损: 'damaged',
  '2': 'damaged',
  lost: 'lost',
  丢失: 'lost',
  '3': 'lost',
  abandoned: 'abandoned',
  废弃: 'abandoned',
  '4': 'abandoned',
  removed: 'removed',
  移除: 'removed',
  '5': 'removed',
};

function dateOf(v: unknown): string | null | undefined {
  if (v === undefined) return null;
  const s = String(v).trim();
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(s);
  if (!m) return undefined;
  const d = `${m[1]}-${m[2]}-${m[3]}`;
  return Number.isNaN(Date.parse(d)) ? undefined : d;
}

/** Rows without an ID get `null` and an allocated ID at write time. */
export type ComponentPlan = Omit<BulkComponent, 'id'> & { id: string | null };

export async function validateComponents(
  features: SourceFeature[],
  ctx: ValidateContext,
): Promise<{ report: RowReport; plan: ComponentPlan[] }> {
  const report = new RowReport(features);
  const types = new Set(await ctx.store.componentTypes());
  const converted = features.map((f) => convertFeature(f, `#${f.row}`, ctx, false));
  const pts = converted.map((c) => (c.value ? representativePoint(c.value.geometry) : null));
  // The grids around the file's points (in bands, so no single answer is the whole city) and
  // the grids the file names, wherever they are.
  const grids = await gridsAroundPoints(ctx.store, pts);
  const named = [
    ...new Set(
      features.flatMap((f) => {
        const given = propText(f.properties, F.grid);
        const id = given ? normalizeGridId(given) : null;
        return id && !grids.has(id) ? [id] : [];
      }),
    ),
  ];
  for (let k = 0; k < named.length; k += 2000) {
    for (const g of await ctx.store.gridsByIds(named.slice(k, k + 2000))) grids.set(g.id, g);
  }
  const index = GridIndex.build([...grids.values()].map((g) => ({ id: g.id, geometry: g.geometry })));
  const districtOf = new Map([...grids.values()].map((g) => [g.id, g.districtCode]));
  const plan: (ComponentPlan | null)[] = [];
  const seen = new Map<string, number>();
  for (const [i, f] of features.entries()) {
    const p = f.properties;
    const add = (x: ReturnType<typeof err>) => report.add(i, x);
    let id = propText(p, F.id) ?? null;
    let legacyId = propText(p, F.legacy) ?? null;
    if (id && /^\d{16}$/.test(id)) {
      legacyId = id;
      id = null;
      add(
        warn(
          'legacy-id',
          `16 位旧编码 ${legacyId} 已保留，新编码将自动分配`,
          `16-digit legacy ID ${legacyId} kept; a new ID is allocated`,
        ),
      );
    }
    const parts = id ? parseComponentId(id) : null;
    if (id && !parts) add(err('bad-id', `部件编码无效：${id}`, `invalid component ID: ${id}`));
    report.setId(i, id);
    const typeCode = propText(p, F.type)?.padStart(5, '0') ?? parts?.typeCode;
    if (!typeCode || !types.has(typeCode)) {
      add(
        err(
          'unknown-type',
          `未知的部件类型：${typeCode ?? '（空）'}`,
          `unknown component type: ${typeCode ?? '(empty)'}`,
        ),
      );
    } else if (parts && parts.typeCode !== typeCode) {
      add(
        err(
          'id-mismatch',
          `部件编码 ${id} 与类型 ${typeCode} 不一致`,
          `component ID ${id} does not match type ${typeCode}`,
        ),
      );
    }
    for (const x of converted[i].findings) add(x);
    const pt = pts[i];
    const givenGrid = propText(p, F.grid);
    let gridId: string | null = null;
    const under = pt ? index.lookup(pt[0], pt[1]) : null;
    if (givenGrid) {
      gridId = normalizeGridId(givenGrid);
      if (!gridId || !districtOf.has(gridId)) {
        add(err('unknown-grid', `网格不存在：${givenGrid}`, `unknown grid: ${givenGrid}`));
      } else if (pt && under !== gridId) {
        add(warn('grid-mismatch', `点位不在网格 ${gridId} 内`, `the point is not inside grid ${gridId}`));
      }
    } else if (pt) {
      gridId = under;
      if (!gridId) add(warn('no-grid', '点位不在任何网格内', 'the point lies in no grid'));
    }
    const districtCode =
      parts?.district ?? propText(p, F.district) ?? (gridId ? districtOf.get(gridId) : undefined);
    if (!districtCode) {
      add(
        err(
          'no-district',
          '无法确定所属区：请给出部件编码、区县代码或网格',
          'cannot tell the district: give an ID, a district code or a grid',
        ),
      );
    } else {
      const scope = scopeFinding(ctx.actor, districtCode);
      if (scope) add(scope);
      if (gridId && districtOf.get(gridId) && districtOf.get(gridId) !== districtCode) {
        add(
          err(
            'id-mismatch',
            `网格 ${gridId} 不在区 ${districtCode} 内`,
            `grid ${gridId} is not in district ${districtCode}`,
          ),
        );
      } else if (under && under !== gridId && districtOf.get(under) !== districtCode) {
        // The named grid is the district's, but the point stands on another district's ground.
        add(
          err(
            'outside-parent',
            `点位位于${districtOf.get(under)}区的网格 ${under} 内，不在所属区 ${districtCode} 内`,
            `the point lies in grid ${under} of district ${districtOf.get(under)}, outside its district ${districtCode}`,
          ),
        );
      }
    }
    const stateRaw = propText(p, F.state);
    const state = stateRaw ? STATES[stateRaw.toLowerCase()] : 'intact';
    if (!state) add(err('bad-state', `未知的部件状态：${stateRaw}`, `unknown component state: ${stateRaw}`));
    const installed = dateOf(prop(p, F.installed));
    const surveyed = dateOf(prop(p, F.surveyed));
    if (installed === undefined || surveyed === undefined) {
      add(warn('bad-date', '日期无法识别，已忽略', 'a date could not be read and was left empty'));
    }
    if (id) {
      if (seen.has(id))
        add(
          err(
            'duplicate-id',
            `部件编码 ${id} 在文件中重复`,
            `component ID ${id} occurs more than once in the file`,
          ),
        );
      seen.set(id, i);
    }
    plan.push(
      report.ok(i) && converted[i].value && pt && typeCode && districtCode && state
        ? {
            id,
            type_code: typeCode,
            district_code: districtCode,
            grid_id: gridId,
            name: propText(p, F.name) ?? typeCode,
            owner_dept: propText(p, F.owner) ?? null,
            property_dept: propText(p, F.property) ?? null,
            maintainer_dept: propText(p, F.maintainer) ?? null,
            state,
            geometry: converted[i].value!.geometry,
            lng: pt[0],
            lat: pt[1],
            legacy_id: legacyId,
            source: 'import',
            installed_at: installed ?? null,
            surveyed_at: surveyed ?? null,
            attrs: unclaimed(p, CLAIMED),
          }
        : null,
    );
    if (i % 500 === 0) await ctx.progress(i);
  }
  if (ctx.mode === 'insert' && seen.size) {
    const ids = [...seen.keys()];
    const existing: string[] = [];
    for (let k = 0; k < ids.length; k += 5000) {
      existing.push(...(await ctx.store.existingComponentIds(ids.slice(k, k + 5000))));
    }
    for (const id of existing) {
      report.add(
        seen.get(id)!,
        err(
          'exists',
          `部件 ${id} 已存在（如需覆盖请选择替换模式）`,
          `component ${id} already exists (use replace mode)`,
        ),
      );
    }
  }
  await ctx.progress(features.length);
  return { report, plan: plan.filter((x, i): x is ComponentPlan => x !== null && report.ok(i)) };
}
