/**
 * The demo-case seed, start to end: read the world, draw the photos, build and place every case,
 * give them codes, write them, and record one summary event. Deterministic from `seed` and `now`.
 */
import { DEMO_DISTRICTS } from '../../../common/identity.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import type { CaseSim } from './case-sim.ts';
import { assignCaseCodes } from './codes.ts';
import { demoCaseCount } from './count.ts';
import { MATTERS } from './mix.ts';
import { seedDemoPhotos } from './photos.ts';
import { placeCase } from './placement.ts';
import { mulberry32 } from './random.ts';
import type { Run } from './scenario.ts';
import { loadWorld } from './world.ts';
import { writeCases } from './write.ts';

export interface SeedCasesResult {
  cases: number;
  reports: number;
  events: number;
  timers: number;
  photos: number;
  notifications: number;
  byState: Record<string, number>;
}

export async function seedCases(
  tx: Db,
  ctx: RequestContext,
  opts: { count?: number; seed?: number; now?: Date; dataDir?: string } = {},
): Promise<SeedCasesResult> {
  const count = opts.count ?? demoCaseCount();
  const empty: SeedCasesResult = {
    cases: 0,
    reports: 0,
    events: 0,
    timers: 0,
    photos: 0,
    notifications: 0,
    byState: {},
  };
  if (count === 0) return empty;
  const seed = opts.seed ?? 20_260_401;
  const now = opts.now ?? new Date();
  const w = await loadWorld(tx, mulberry32(seed), now);
  // A city without grids in a district, or without a standard for a type, simply gets fewer kinds.
  const districts = DEMO_DISTRICTS.filter((d) => (w.gridsByDistrict.get(d.code)?.length ?? 0) > 0);
  const matters = MATTERS.filter((m) => w.standards.has(m.code) && w.matterNames.has(m.code));
  if (districts.length === 0 || matters.length === 0) return empty;
  const matterWeights = Object.fromEntries(matters.map((m) => [m.code, m.weight])) as Record<string, number>;
  if (opts.dataDir) {
    w.photos = await seedDemoPhotos(
      tx,
      ctx,
      opts.dataDir,
      matters.map((m) => ({ code: m.code, name: w.matterNames.get(m.code)! })),
    );
  }

  const sims: CaseSim[] = [];
  const mergeable: CaseSim[] = [];
  const run: Run = { seed, w, now, districts, matters, matterWeights, mergeable };
  for (let i = 0; i < count; i++) {
    const sim = placeCase(run, i);
    if (!sim.c.mergedInto) mergeable.push(sim);
    sims.push(sim);
  }

  await assignCaseCodes(tx, sims);
  const written = await writeCases(tx, sims);

  const byState: Record<string, number> = {};
  for (const s of sims) byState[s.c.state] = (byState[s.c.state] ?? 0) + 1;
  const result: SeedCasesResult = {
    cases: sims.length,
    reports: sims.reduce((n, s) => n + s.reports.length, 0),
    events: written.events,
    timers: written.timers,
    photos: w.photos.count,
    notifications: written.notifications,
    byState,
  };
  // One summary event for the seed itself, not one per row.
  await recordEvent(tx, ctx, {
    action: 'case.seed',
    entityType: 'case',
    entityId: null,
    districtCode: null,
    after: { ...result, seed },
    reason: '演示数据初始化 / demo seed',
  });
  return result;
}
