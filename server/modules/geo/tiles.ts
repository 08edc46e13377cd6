/**
 * Mapbox Vector Tiles for the map and for other departments' GIS: `grids` (from zoom 12),
 * `components` (from zoom 14) and `divisions` (districts at every zoom, townships from 10,
 * communities from 12, with a `level` property). Each tile is cut from the features whose bbox
 * meets the tile (read from the database), with geojson-vt, and encoded with vt-pbf.
 *
 * Encoded tiles are cached in memory (LRU) under the spatial service's tileRevision, which moves
 * when grids, divisions or components change on any node; a new revision empties the cache.
 * An empty tile is `null` (the route answers 204).
 */
import GeoJSONVT from 'geojson-vt';
import vtpbf from 'vt-pbf';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { Bbox } from './geometry.ts';
import { componentLayerRead, requireGeoRead } from './policy.ts';
import * as repo from './repository.ts';
import type { SpatialService } from './spatial-service.ts';

export const TILE_LAYERS = ['grids', 'components', 'divisions'] as const;
export type TileLayer = (typeof TILE_LAYERS)[number];
export const MIN_ZOOM: Record<TileLayer, number> = { grids: 12, components: 14, divisions: 0 };
export const MAX_ZOOM = 22;
const EXTENT = 4096;
const BUFFER = 64;
const CACHE_SIZE = 4000;

/** Tile (z, x, y) → [west, south, east, north] in WGS84 degrees (Web Mercator XYZ scheme). */
export function tileBbox(z: number, x: number, y: number): Bbox {
  const n = 2 ** z;
  const lng = (xx: number) => (xx / n) * 360 - 180;
  const lat = (yy: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * yy) / n))) * 180) / Math.PI;
  return [lng(x), lat(y + 1), lng(x + 1), lat(y)];
}

type GeoFeature = {
  type: 'Feature';
  geometry: { type: string; coordinates: unknown };
  properties: Record<string, string | number | boolean>;
};

export class TileService {
  private cache = new Map<string, Buffer | null>();
  private cacheRevision = '';
  hits = 0;
  misses = 0;

  constructor(
    private readonly db: Db,
    private readonly spatial: SpatialService,
  ) {}

  async tile(ctx: RequestContext, layer: TileLayer, z: number, x: number, y: number): Promise<Buffer | null> {
    requireGeoRead(ctx.actor);
    if (layer === 'components') componentLayerRead.requirePermission(ctx.actor);
    const max = 2 ** z;
    if (x >= max || y >= max) {
      throw new AppError('VALIDATION_FAILED', {
        zh: `瓦片坐标超出第 ${z} 级范围`,
        en: `Tile column/row out of range for zoom ${z} (0..${max - 1})`,
        details: [{ field: x >= max ? 'params.x' : 'params.y', message: `must be < ${max}` }],
      });
    }
    if (z < MIN_ZOOM[layer]) return null;
    const rev = this.spatial.tileRevision;
    if (rev !== this.cacheRevision) {
      this.cache.clear();
      this.cacheRevision = rev;
    }
    const key = `${layer}/${z}/${x}/${y}`;
    if (this.cache.has(key)) {
      this.hits++;
      const v = this.cache.get(key) as Buffer | null;
      this.cache.delete(key);
      this.cache.set(key, v);
      return v;
    }
    this.misses++;
    const encoded = await this.render(layer, z, x, y);
    if (this.spatial.tileRevision === rev) {
      this.cache.set(key, encoded);
      if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    }
    return encoded;
  }

  /** Features of the layer that may show in the tile (bbox grown by the tile buffer). */
  private async features(layer: TileLayer, z: number, b: Bbox): Promise<GeoFeature[]> {
    const padX = ((b[2] - b[0]) * BUFFER) / EXTENT;
    const padY = ((b[3] - b[1]) * BUFFER) / EXTENT;
    const box: Bbox = [b[0] - padX, b[1] - padY, b[2] + padX, b[3] + padY];
    if (layer === 'grids') {
      const rows = await repo.gridsForTile(this.db, box);
      return rows.map((r) => ({
        type: 'Feature',
        geometry: r.geometry,
        properties: { id: r.id, areaClass: r.areaClass, communityName: this.spatial.nameOf(r.communityCode) },
      }));
    }
    if (layer === 'components') {
      const rows = await repo.componentsForTile(this.db, box);
      return rows.map((r) => ({
        type: 'Feature',
        geometry: r.geometry,
        properties: { id: r.id, typeCode: r.typeCode, state: r.state },
      }));
    }
    const levels: repo.DivisionLevelName[] = ['district'];
    if (z >= 10) levels.push('township');
    if (z >= 12) levels.push('community');
    const rows = await repo.divisionsForTile(this.db, box, levels);
    return rows.map((r) => ({
      type: 'Feature',
      geometry: r.geometry,
      properties: { code: r.code, name: r.name, level: r.level },
    }));
  }

  private async render(layer: TileLayer, z: number, x: number, y: number): Promise<Buffer | null> {
    const features = await this.features(layer, z, tileBbox(z, x, y));
    if (features.length === 0) return null;
    const index = new GeoJSONVT({ type: 'FeatureCollection', features } as never, {
      maxZoom: z,
      indexMaxZoom: 0,
      tolerance: 3,
      extent: EXTENT,
      buffer: BUFFER,
    });
    const tile = index.getTile(z, x, y);
    if (!tile || tile.features.length === 0) return null;
    return Buffer.from(vtpbf.fromGeojsonVt({ [layer]: tile }, { version: 2, extent: EXTENT }));
  }
}
