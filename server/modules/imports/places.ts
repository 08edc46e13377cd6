/**
 * Gazetteer import (地名地址): named places of kind road / poi / building / community, each with a
 * point (a Point; a road's LineString or a building's Polygon gives its representative point),
 * from a CSV of points or GeoJSON/Shapefile. A place must stand in a unit grid — the intake map
 * resolves it to its grid — and on its district's ground: a district column, when given, must
 * name the district of that grid, and a district centre imports only its own district.
 *
 * IDs: the file's `id` column, or one derived from district, kind and name (geo's
 * derivedPlaceId), so a file without IDs imported again in replace mode overwrites its places
 * instead of doubling them; in insert mode a place already stored is an error.
 */

import {
  derivedPlaceId,
  GridIndex,
  MAX_PLACE_NAME,
  normalizeName,
  type PlaceKindName,
  type PlaceWrite,
  representativePoint,
} from '../geo/index.ts';
import { convertFeature } from './extent.ts';
import {
  err,
  gridsAroundPoints,
  prop,
  propText,
  RowReport,
  scopeFinding,
  type ValidateContext,
} from './report.ts';
import type { SourceFeature } from './source.ts';

const F = {
  id: ['id', 'place_id', 'placeid', 'bsm', '编码', '标识码', '地名编码'],
  name: ['name', 'mc', 'dmmc', '名称', '地名', '地址'],
  kind: ['kind', 'type', 'lx', 'lb', '类型', '类别', '种类'],
  district: ['district_code', 'district', 'qxdm', '区县代码', '所属区县'],
};

const KINDS: Record<string, PlaceKindName> = {
  road: 'road',
  street: 'road',
  道路: 'road',
  路: 'road',
  街巷: 'road',
  poi: 'poi',
  兴趣点: 'poi',
  地点: 'poi',
  地标: 'poi',
  building: 'building',
  建筑: 'building',
  建筑物: 'building',
  楼宇: 'building',
  community: 'community',
  社区: 'community',
  村: 'community',
  小区: 'community',
};

const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

export async function validatePlaces(
  features: SourceFeature[],
  ctx: ValidateContext,
): Promise<{ report: RowReport; plan: PlaceWrite[] }> {
  const report = new RowReport(features);
  const converted = features.map((f) => convertFeature(f, `#${f.row}`, ctx, false));
  const pts = converted.map((c) => (c.value ? representativePoint(c.value.geometry) : null));
  const grids = await gridsAroundPoints(ctx.store, pts);
  const index = GridIndex.build([...grids.values()].map((g) => ({ id: g.id, geometry: g.geometry })));
  const districtOf = new Map([...grids.values()].map((g) => [g.id, g.districtCode]));

  const plan: (PlaceWrite | null)[] = [];
  const seen = new Map<string, number>();
  for (const [i, f] of features.entries()) {
    const p = f.properties;
    const add = (x: ReturnType<typeof err>) => report.add(i, x);
    // A name is text; a number (a house number as a name) is read as text, anything else (an
    // object, a list, true) is refused rather than stored as "[object Object]".
    const rawName = prop(p, F.name);
    const nameIsText = rawName == null || typeof rawName === 'string' || typeof rawName === 'number';
    const name = nameIsText ? (propText(p, F.name) ?? '') : '';
    const norm = normalizeName(name);
    if (!nameIsText) {
      add(
        err(
          'bad-name',
          `地名应为文字，而不是${Array.isArray(rawName) ? '列表' : typeof rawName === 'object' ? '对象' : '真假值'}`,
          `the name must be text, not ${Array.isArray(rawName) ? 'a list' : typeof rawName === 'object' ? 'an object' : 'a boolean'}`,
        ),
      );
    } else if (norm === '') {
      add(err('bad-name', '缺少地名（name/名称 列）', 'the place has no name (column name/名称)'));
    } else if ([...name].length > MAX_PLACE_NAME) {
      add(
        err(
          'bad-name',
          `地名超过 ${MAX_PLACE_NAME} 个字：${name.slice(0, 20)}…`,
          `the name is longer than ${MAX_PLACE_NAME} characters: ${name.slice(0, 20)}…`,
        ),
      );
    }
    const kindRaw = propText(p, F.kind);
    const kind = kindRaw ? KINDS[kindRaw.toLowerCase()] : undefined;
    if (!kind) {
      add(
        err(
          'bad-kind',
          `地名类型应为 road/道路、poi/兴趣点、building/建筑 或 community/社区，收到：${kindRaw ?? '（空）'}`,
          `kind must be road, poi, building or community; got: ${kindRaw ?? '(empty)'}`,
        ),
      );
    }
    for (const x of converted[i].findings) add(x);
    const pt = pts[i];
    const grid = pt ? index.lookup(pt[0], pt[1]) : null;
    if (pt && !grid) {
      add(
        err(
          'no-grid',
          `点位 (${pt[0]}, ${pt[1]}) 不在任何单元网格内（管理范围之外）`,
          `the point (${pt[0]}, ${pt[1]}) lies in no unit grid (outside the managed area)`,
        ),
      );
    }
    const gridDistrict = grid ? districtOf.get(grid) : undefined;
    const given = propText(p, F.district);
    if (given !== undefined && !/^\d{6}$/.test(given)) {
      add(
        err(
          'bad-district',
          `区县代码应为 6 位数字：${given}`,
          `the district code must be 6 digits: ${given}`,
        ),
      );
    } else if (given && gridDistrict && given !== gridDistrict) {
      add(
        err(
          'outside-parent',
          `点位位于 ${gridDistrict} 区的网格 ${grid} 内，不在所填的区 ${given} 内`,
          `the point lies in grid ${grid} of district ${gridDistrict}, not in the given district ${given}`,
        ),
      );
    }
    const districtCode = gridDistrict ?? given;
    if (districtCode) {
      const scope = scopeFinding(ctx.actor, districtCode);
      if (scope) add(scope);
    }
    const givenId = propText(p, F.id);
    let id: string | null = null;
    if (givenId !== undefined) {
      if (ID_PATTERN.test(givenId)) id = givenId;
      else
        add(
          err(
            'bad-id',
            `地名编码只能含字母、数字和 _.:-，最多 64 个字符：${givenId.slice(0, 70)}`,
            `a place ID holds letters, digits and _.:- only, at most 64: ${givenId.slice(0, 70)}`,
          ),
        );
    } else if (districtCode && kind && norm) {
      id = derivedPlaceId(districtCode, kind, norm);
    }
    report.setId(i, id);
    if (id) {
      const first = seen.get(id);
      if (first !== undefined) {
        add(
          err(
            'duplicate-id',
            `与第 ${features[first].row} 行是同一地名（编码 ${id}）`,
            `the same place as row ${features[first].row} (ID ${id})`,
          ),
        );
      } else seen.set(id, i);
    }
    plan.push(
      report.ok(i) && id && pt && kind && districtCode
        ? {
            id,
            name: name.trim(),
            kind,
            lng: pt[0],
            lat: pt[1],
            districtCode,
            generated: false,
            source: 'import',
          }
        : null,
    );
    if (i % 500 === 0) await ctx.progress(i);
  }
  if (ctx.mode === 'insert' && seen.size) {
    const ids = [...seen.keys()];
    for (let k = 0; k < ids.length; k += 5000) {
      for (const id of await ctx.store.existingPlaceIds(ids.slice(k, k + 5000))) {
        report.add(
          seen.get(id)!,
          err(
            'exists',
            `地名 ${id} 已存在（如需覆盖请选择替换模式）`,
            `place ${id} already exists (use replace mode)`,
          ),
        );
      }
    }
  }
  await ctx.progress(features.length);
  return { report, plan: plan.filter((x, i): x is PlaceWrite => x !== null && report.ok(i)) };
}
