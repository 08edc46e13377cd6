/**
 * The in-memory spatial service: every grid in a GridIndex (packed R-tree + exact half-open
 * point-in-polygon, core/spatial-index.ts), with the grid → community map, area classes and
 * division names, so a lookup touches no database.
 *
 * Rebuilt when grids change on ANY node: each node subscribes to the platform's event feed
 * (which tails the event table every write appends to) and rebuilds, debounced, from the
 * database when an event has entityType 'grid' or 'division' or an action starting 'geo.'.
 * A rebuild swaps a whole new snapshot in one assignment; lookups in flight keep the old one.
 *
 * `revision` counts snapshots (0 before the first load); `tileRevision` also moves when
 * components change, so vector tiles can be cached on it.
 */
import type { Polygon } from 'geojson';
import type { Database } from '../../platform/db.ts';
import type { EventFeed, EventRow } from '../../platform/event-feed.ts';
import { GridIndex } from './core/spatial-index.ts';
import * as repo from './repository.ts';

export interface LookupHit {
  grid: { id: string; areaClass: 'A' | 'B' | 'C' };
  community: { code: string; name: string };
  township: { code: string; name: string };
  district: { code: string; name: string };
}

interface Snapshot {
  index: GridIndex;
  /** Parallel to index.ids. */
  areaClass: ('A' | 'B' | 'C')[];
  community: string[];
  names: Map<string, string>;
  builtAt: Date;
  buildMs: number;
}

const EMPTY: Snapshot = {
  index: GridIndex.build([]),
  areaClass: [],
  community: [],
  names: new Map(),
  builtAt: new Date(0),
  buildMs: 0,
};

export const isGeoEvent = (e: Pick<EventRow, 'entityType' | 'action'>) =>
  e.entityType === 'grid' || e.entityType === 'division' || e.action.startsWith('geo.');
export const isComponentEvent = (e: Pick<EventRow, 'entityType' | 'action'>) =>
  e.entityType === 'component' || e.action.startsWith('component.');

export class SpatialService {
  private snap: Snapshot = EMPTY;
  private rev = 0;
  private componentRev = 0;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private loading: Promise<void> | undefined;
  private pending = false;

  constructor(
    private readonly database: Database,
    private readonly opts: { feed?: EventFeed; debounceMs?: number; onError?: (err: unknown) => void } = {},
  ) {}

  /** Loads the index and starts listening to the feed (when there is one). */
  async start(): Promise<void> {
    if (this.opts.feed && !this.unsubscribe) {
      this.unsubscribe = this.opts.feed.subscribe((rows) => this.onEvents(rows));
    }
    await this.reload();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get revision(): number {
    return this.rev;
  }

  /** Moves with the grid index and with component changes: the vector-tile cache key. */
  get tileRevision(): string {
    return `${this.rev}.${this.componentRev}`;
  }

  get size(): number {
    return this.snap.index.size;
  }

  get builtAt(): Date {
    return this.snap.builtAt;
  }

  get lastBuildMs(): number {
    return this.snap.buildMs;
  }

  onEvents(rows: Pick<EventRow, 'entityType' | 'action'>[]): void {
    if (rows.some(isComponentEvent)) this.componentRev++;
    if (!rows.some(isGeoEvent)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reload().catch((err) => this.opts.onError?.(err));
    }, this.opts.debounceMs ?? 300);
    this.timer.unref();
  }

  /** Rebuilds from the database now; concurrent calls coalesce into one more rebuild. */
  async reload(): Promise<void> {
    if (this.loading) {
      this.pending = true;
      return this.loading;
    }
    this.loading = (async () => {
      try {
        do {
          this.pending = false;
          await this.build();
        } while (this.pending);
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  private async build(): Promise<void> {
    const t0 = performance.now();
    const [grids, divisions] = await Promise.all([
      repo.allGridsForIndex(this.database.db),
      repo.allDivisionNames(this.database.db),
    ]);
    const snap = SpatialService.snapshotOf(grids, divisions);
    snap.buildMs = performance.now() - t0;
    this.snap = snap;
    this.rev++;
  }

  /** Builds a snapshot from rows (also used by the benchmark without a database). */
  static snapshotOf(
    grids: { id: string; communityCode: string; areaClass: 'A' | 'B' | 'C'; geometry: unknown }[],
    divisions: { code: string; name: string }[],
  ): Snapshot {
    const index = GridIndex.build(grids.map((g) => ({ id: g.id, geometry: g.geometry as Polygon })));
    const byId = new Map(grids.map((g) => [g.id, g]));
    const areaClass: ('A' | 'B' | 'C')[] = new Array(index.size);
    const community: string[] = new Array(index.size);
    index.ids.forEach((id, i) => {
      const g = byId.get(id) as (typeof grids)[number];
      areaClass[i] = g.areaClass;
      community[i] = g.communityCode;
    });
    const names = new Map(divisions.map((d) => [d.code, d.name]));
    return { index, areaClass, community, names, builtAt: new Date(), buildMs: 0 };
  }

  /** Grid and its chain for a WGS84 point, or null outside every grid. */
  lookup(lng: number, lat: number): LookupHit | null {
    const s = this.snap;
    const i = s.index.lookupIndex(lng, lat);
    if (i < 0) return null;
    const c = s.community[i];
    const t = c.slice(0, 9);
    const d = c.slice(0, 6);
    return {
      grid: { id: s.index.ids[i], areaClass: s.areaClass[i] },
      community: { code: c, name: s.names.get(c) ?? '' },
      township: { code: t, name: s.names.get(t) ?? '' },
      district: { code: d, name: s.names.get(d) ?? '' },
    };
  }

  /** Name of a division code from the snapshot ('' when unknown). */
  nameOf(code: string): string {
    return this.snap.names.get(code) ?? '';
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The grid index every lookup uses (server/modules/geo/spatial-service.ts). */
    spatial: SpatialService;
  }
}
