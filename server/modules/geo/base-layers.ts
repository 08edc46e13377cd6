/**
 * The city's own layers as the base map generator (basemap module) draws them: every division
 * with its name and outline, the demo districts' real outlines (only while the city is the demo
 * one, as `/api/geo/outlines` answers), and the gazetteer's places with their road lines. Read
 * whole: the generator runs once per base map (the demo city is a few megabytes), by the system.
 */

import { createHash } from 'node:crypto';
import type { MultiPolygon, Polygon } from 'geojson';
import type { Db } from '../../platform/db.ts';
import { DISTRICT_OUTLINES, OUTLINE_LICENSE, OUTLINE_SOURCE } from './core/demo-city.ts';
import type { PlaceKindName } from './core/gazetteer.ts';
import * as repo from './repository.ts';
import { division, place } from './tables.ts';

export interface BaseLayers {
  /** The demo city (generated geometry): everything drawn from it is generated demo data. */
  generated: boolean;
  divisions: {
    code: string;
    name: string;
    level: 'district' | 'township' | 'community';
    geometry: Polygon | MultiPolygon;
  }[];
  /** Real district outlines around the demo's managed cores (none for an imported city). */
  outlines: { code: string; name: string; geometry: MultiPolygon }[];
  outlineSource: string | null;
  places: {
    name: string;
    kind: PlaceKindName;
    lng: number;
    lat: number;
    line: { type: 'LineString'; coordinates: [number, number][] } | null;
    generated: boolean;
  }[];
  /** A digest of all of the above: the same layers give the same base map. */
  digest: string;
}

export async function baseMapLayers(db: Db): Promise<BaseLayers> {
  const summary = await repo.geoSummary(db);
  const generated = summary.grids > 0 && summary.generatedGrids > 0;
  const [divisions, places] = await Promise.all([
    db
      .select({
        code: division.code,
        name: division.name,
        level: division.level,
        geometry: division.geometry,
      })
      .from(division)
      .orderBy(division.code),
    db
      .select({
        id: place.id,
        name: place.name,
        kind: place.kind,
        lng: place.lng,
        lat: place.lat,
        line: place.line,
        generated: place.generated,
      })
      .from(place)
      .orderBy(place.id),
  ]);
  const names = new Map(divisions.map((d) => [d.code, d.name]));
  const outlines = generated
    ? [...DISTRICT_OUTLINES.entries()]
        .filter(([code]) => names.has(code))
        .map(([code, geometry]) => ({ code, name: names.get(code)!, geometry }))
    : [];
  const out = {
    generated,
    divisions: divisions.map((d) => ({ ...d, geometry: d.geometry as Polygon | MultiPolygon })),
    outlines,
    outlineSource: outlines.length ? `${OUTLINE_SOURCE} (${OUTLINE_LICENSE})` : null,
    places: places.map((p) => ({
      name: p.name,
      kind: p.kind as PlaceKindName,
      lng: Number(p.lng),
      lat: Number(p.lat),
      line: p.line ?? null,
      generated: p.generated,
    })),
  };
  const digest = createHash('sha256').update(JSON.stringify(out)).digest('hex');
  return { ...out, digest };
}
