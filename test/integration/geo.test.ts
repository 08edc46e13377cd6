/**
 * The demo city as written to the database on first start: real codes and names of the six
 * central districts and all their townships and communities (db/reference), valid grid IDs
 * consistent with their community and numbered west→east then north→south, a topology check
 * over the whole city read back from the database, and one summary audit event per table.
 */
import type { Polygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridMatchesCommunity, parseGridId } from '../../server/modules/geo/core/codes.ts';
import {
  DEMO_DISTRICT_CODES,
  type DivisionNode,
  generateDemoCity,
} from '../../server/modules/geo/core/demo-city.ts';
import { ningboDivisions } from '../../server/modules/geo/core/reference.ts';
import { checkCommunityGrids, checkPartition } from '../../server/modules/geo/core/topology.ts';
import { centroidOf } from '../../server/modules/geo/geometry.ts';
import { division, grid } from '../../server/modules/geo/tables.ts';
import { event } from '../../server/platform/event-table.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

let t: TestApp;
let divisions: (typeof division.$inferSelect)[];
let grids: (typeof grid.$inferSelect)[];

beforeAll(async () => {
  t = await createTestApp();
  divisions = await t.database.db.select().from(division);
  grids = await t.database.db.select().from(grid);
}, 120_000);
afterAll(() => t?.close());

/** The reference tree of the six districts: code → { name, level, parent }. */
function expectedDivisions() {
  const out = new Map<string, { name: string; level: string; parentCode: string | null }>();
  for (const code of DEMO_DISTRICT_CODES) {
    const d = ningboDivisions.children?.find((c) => c.code === code) as DivisionNode;
    out.set(d.code, { name: d.name, level: 'district', parentCode: null });
    for (const tw of d.children ?? []) {
      if ((tw.children ?? []).length === 0) continue;
      out.set(tw.code, { name: tw.name, level: 'township', parentCode: d.code });
      for (const c of tw.children ?? [])
        out.set(c.code, { name: c.name, level: 'community', parentCode: tw.code });
    }
  }
  return out;
}

describe('demo city in the database', () => {
  it('holds the real codes and names of the six districts, all their townships and communities', () => {
    const expected = expectedDivisions();
    expect(expected.size).toBeGreaterThan(1500);
    const actual = new Map(
      divisions.map((d) => [d.code, { name: d.name, level: d.level, parentCode: d.parentCode }]),
    );
    expect(actual).toEqual(expected);
    const names = divisions.filter((d) => d.level === 'district').map((d) => d.name);
    expect(names.sort()).toEqual(['北仑区', '奉化区', '海曙区', '江北区', '鄞州区', '镇海区'].sort());
    expect(divisions.every((d) => d.generated && d.source === 'demo')).toBe(true);
  });

  it('gives every grid a valid 15-character ID consistent with its community and chain', () => {
    expect(grids.length).toBeGreaterThan(4000);
    const communities = new Set(divisions.filter((d) => d.level === 'community').map((d) => d.code));
    for (const g of grids) {
      const parts = parseGridId(g.id);
      expect(parts, g.id).not.toBeNull();
      expect(gridMatchesCommunity(g.id, g.communityCode)).toBe(true);
      expect(communities.has(g.communityCode)).toBe(true);
      expect(g.townshipCode).toBe(g.communityCode.slice(0, 9));
      expect(g.districtCode).toBe(g.communityCode.slice(0, 6));
      expect(['A', 'B', 'C']).toContain(g.areaClass);
      expect(g.generated && g.source === 'demo').toBe(true);
      const [cx, cy] = centroidOf(g.geometry as Polygon);
      expect(Math.abs(cx - g.centroidLng)).toBeLessThan(1e-9);
      expect(Math.abs(cy - g.centroidLat)).toBeLessThan(1e-9);
      expect(g.minLng).toBeLessThan(g.maxLng);
      expect(g.areaM2).toBeGreaterThan(3000);
      expect(g.areaM2).toBeLessThan(30000);
    }
    // Every community has grids, and all three area classes occur.
    expect(new Set(grids.map((g) => g.communityCode)).size).toBe(communities.size);
    expect(new Set(grids.map((g) => g.areaClass))).toEqual(new Set(['A', 'B', 'C']));
  });

  it('numbers the grids of a community west→east, then north→south, from 001 without holes', () => {
    const byCommunity = groupBy(grids, (g) => g.communityCode);
    for (const [code, list] of byCommunity) {
      list.sort((a, b) => (a.id < b.id ? -1 : 1));
      list.forEach((g, i) => {
        expect(parseGridId(g.id)?.sequence, code).toBe(i + 1);
        if (i === 0) return;
        const prev = list[i - 1];
        const sameRow = g.maxLat === prev.maxLat;
        if (sameRow) expect(g.minLng).toBe(prev.maxLng);
        else expect(g.maxLat).toBe(prev.minLat);
      });
    }
  });

  it('passes a topology check of the whole city: no overlap, gap or overhang at any level', () => {
    const geom = (d: { geometry: unknown }) => d.geometry as Polygon;
    const byParent = groupBy(divisions, (d) => d.parentCode ?? '');
    const gridsOf = groupBy(grids, (g) => g.communityCode);
    const findings = [];
    let checked = 0;
    for (const d of divisions) {
      if (d.level === 'community') {
        const children = (gridsOf.get(d.code) ?? []).map((g) => ({ id: g.id, geometry: geom(g) }));
        findings.push(...checkCommunityGrids({ code: d.code, geometry: geom(d) }, children));
      } else {
        const children = (byParent.get(d.code) ?? []).map((c) => ({ id: c.code, geometry: geom(c) }));
        findings.push(...checkPartition({ id: d.code, geometry: geom(d) }, children));
      }
      checked++;
    }
    // The districts tile the managed area too: the demo's districts are the parts of their real
    // outlines it covers (not a rectangle: cores around 三江口, 镇海, 北仑 and 奉化), as generated.
    const districts = divisions.filter((d) => d.level === 'district');
    const region = generateDemoCity(ningboDivisions).managedArea;
    findings.push(
      ...checkPartition(
        { id: 'region', geometry: region },
        districts.map((d) => ({ id: d.code, geometry: geom(d) })),
      ),
    );
    expect(checked).toBe(divisions.length);
    expect(findings).toEqual([]);
  });

  it('audits the seed with one summary event per table, not one per row', async () => {
    const rows = await t.database.db.select().from(event);
    const seedEvents = rows.filter((r) => r.action === 'geo.seed');
    expect(seedEvents.map((r) => r.entityType).sort()).toEqual(['division', 'grid']);
    const gridEvent = seedEvents.find((r) => r.entityType === 'grid');
    expect(gridEvent?.after).toMatchObject({ grids: grids.length });
    const divEvent = seedEvents.find((r) => r.entityType === 'division');
    expect(divEvent?.after).toMatchObject({
      districts: 6,
      townships: divisions.filter((d) => d.level === 'township').length,
      communities: divisions.filter((d) => d.level === 'community').length,
    });
    expect(rows.filter((r) => r.entityType === 'grid' || r.entityType === 'division')).toHaveLength(2);
  });
});
