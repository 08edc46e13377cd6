import type { Polygon } from 'geojson';
import { describe, expect, it, vi } from 'vitest';
import type { Database } from '../../platform/db.ts';
import { bboxOf, centroidOf, geometryIntersectsBbox, polygonIntersectsBbox } from './geometry.ts';
import { isGeoEvent, SpatialService } from './spatial-service.ts';
import { tileBbox } from './tiles.ts';

const square: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [2, 0],
      [2, 2],
      [0, 2],
      [0, 0],
    ],
  ],
};
// A diamond: its bbox touches boxes its area does not.
const diamond: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [1, 0],
      [2, 1],
      [1, 2],
      [0, 1],
      [1, 0],
    ],
  ],
};

describe('geometry helpers', () => {
  it('computes bbox and area centroid', () => {
    expect(bboxOf(square)).toEqual([0, 0, 2, 2]);
    expect(centroidOf(square)).toEqual([1, 1]);
    const l: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [3, 0],
          [3, 1],
          [1, 1],
          [1, 3],
          [0, 3],
          [0, 0],
        ],
      ],
    };
    const [cx, cy] = centroidOf(l);
    expect(cx).toBeCloseTo(1.1, 10);
    expect(cy).toBeCloseTo(1.1, 10);
  });

  it('tests polygon / bbox intersection exactly', () => {
    expect(polygonIntersectsBbox(square, [1, 1, 3, 3])).toBe(true);
    expect(polygonIntersectsBbox(square, [2, 2, 3, 3])).toBe(true); // touching corner
    expect(polygonIntersectsBbox(square, [0.5, 0.5, 0.6, 0.6])).toBe(true); // box inside
    expect(polygonIntersectsBbox(square, [-1, -1, 3, 3])).toBe(true); // polygon inside box
    expect(polygonIntersectsBbox(square, [2.1, 0, 3, 1])).toBe(false);
    expect(polygonIntersectsBbox(diamond, [0, 0, 0.4, 0.4])).toBe(false); // bbox corner only
    expect(polygonIntersectsBbox(diamond, [0, 0, 0.6, 0.6])).toBe(true);
    expect(geometryIntersectsBbox({ type: 'Point', coordinates: [1, 1] }, [0, 0, 1, 1])).toBe(true);
    expect(geometryIntersectsBbox({ type: 'Point', coordinates: [1, 1.1] }, [0, 0, 1, 1])).toBe(false);
  });

  it('converts XYZ tiles to WGS84 bounds', () => {
    expect(tileBbox(0, 0, 0)[0]).toBe(-180);
    const [w, s, e, n] = tileBbox(1, 1, 0);
    expect([w, e]).toEqual([0, 180]);
    expect(s).toBeCloseTo(0, 10);
    expect(n).toBeCloseTo(85.0511287798, 8);
  });
});

describe('SpatialService', () => {
  it('reacts to grid, division and geo.* events only, debounced into one rebuild', async () => {
    expect(isGeoEvent({ entityType: 'grid', action: 'x' })).toBe(true);
    expect(isGeoEvent({ entityType: 'case', action: 'geo.import' })).toBe(true);
    expect(isGeoEvent({ entityType: 'case', action: 'case.create' })).toBe(false);
    const s = new SpatialService({} as Database, { debounceMs: 5 });
    const reload = vi.spyOn(s, 'reload').mockResolvedValue();
    s.onEvents([{ entityType: 'user', action: 'user.create' }]);
    s.onEvents([{ entityType: 'grid', action: 'geo.grid.import' }]);
    s.onEvents([{ entityType: 'division', action: 'geo.division.update' }]);
    const before = s.tileRevision;
    s.onEvents([{ entityType: 'component', action: 'component.update' }]);
    expect(s.tileRevision).not.toBe(before);
    await new Promise((r) => setTimeout(r, 30));
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('answers lookups from a snapshot with the chain names', () => {
    const snap = SpatialService.snapshotOf(
      [{ id: '330203001001001', communityCode: '330203001001', areaClass: 'A', geometry: square }],
      [
        { code: '330203', name: '海曙区' },
        { code: '330203001', name: '某街道' },
        { code: '330203001001', name: '某社区' },
      ],
    );
    expect(snap.index.lookup(1, 1)).toBe('330203001001001');
    expect(snap.areaClass[0]).toBe('A');
    expect(snap.names.get('330203')).toBe('海曙区');
  });
});
