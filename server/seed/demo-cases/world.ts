/**
 * The world a demo case lives in, read once from what the seed wrote before it: accounts by name
 * (with the level their organisation works at), grids by district, the current disposal standards,
 * matter names, routing (the same most-specific rule the server picks) and the units to send a
 * case to when there is no rule. Shared by every case of the run, and by the parity test.
 */
import { and, eq } from 'drizzle-orm';
import type { WorkCalendar } from '../../../common/calendar/index.ts';
import type { WorkflowRole } from '../../../common/workflow.ts';
import {
  appUser,
  catalogType,
  disposalStandard,
  grid,
  org,
  routeRule,
  type TimeLimit,
} from '../../db-schema.ts';
import { type CaseSettings, type FilingStandard, loadClock } from '../../modules/cases/index.ts';
import { pickRule } from '../../modules/routing/index.ts';
import type { Db } from '../../platform/db.ts';
import { DEMO_UNITS, demoOrgs } from '../demo-orgs.ts';
import { type DemoPhotos, NO_PHOTOS } from './photos.ts';
import { pick, type Rng } from './random.ts';

export interface UserRef {
  id: string;
  username: string;
  orgId: string;
  roles: WorkflowRole[];
  level: 'city_center' | 'district_center' | 'unit';
}
export interface GridRef {
  id: string;
  districtCode: string;
  townshipCode: string;
  communityCode: string;
  areaClass: 'A' | 'B' | 'C';
  lng: number;
  lat: number;
  dLng: number;
  dLat: number;
}
export interface StandardRef extends FilingStandard {
  filingConditionId: string;
  limits: TimeLimit[];
}
/**
 * `rng` is the run's own generator (not a case's): the fallback unit picks draw from it, in the
 * order the cases are built.
 */
export interface World {
  rng: Rng;
  calendar: WorkCalendar;
  settings: CaseSettings;
  now: number;
  users: Map<string, UserRef>;
  gridsByDistrict: Map<string, GridRef[]>;
  standards: Map<string, StandardRef>;
  matterNames: Map<string, string>;
  unitOf: (matterCode: string, gridId: string) => { unitId: string; ruleId: string } | null;
  otherUnit: (districtCode: string, not: string | null) => string;
  cityUnit: (not: string | null) => string;
  /** Unit id → demo key (its handler account is `unit.<key>`). */
  unitKeyOf: Map<string, string>;
  photos: DemoPhotos;
}

/** Reads the demo city; `photos` start empty (seedCases draws them when it has a DATA_DIR). */
export async function loadWorld(tx: Db, rng: Rng, now: Date): Promise<World> {
  const clock = await loadClock(tx, now);
  const grids = await tx
    .select({
      id: grid.id,
      districtCode: grid.districtCode,
      townshipCode: grid.townshipCode,
      communityCode: grid.communityCode,
      areaClass: grid.areaClass,
      lng: grid.centroidLng,
      lat: grid.centroidLat,
      minLng: grid.minLng,
      maxLng: grid.maxLng,
      minLat: grid.minLat,
      maxLat: grid.maxLat,
    })
    .from(grid)
    .orderBy(grid.id);
  const gridsByDistrict = new Map<string, GridRef[]>();
  for (const g of grids) {
    const list = gridsByDistrict.get(g.districtCode) ?? [];
    list.push({ ...g, dLng: (g.maxLng - g.minLng) * 0.08, dLat: (g.maxLat - g.minLat) * 0.08 });
    gridsByDistrict.set(g.districtCode, list);
  }
  const orgs = await tx.select({ id: org.id, code: org.code, kind: org.kind }).from(org);
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const users = new Map<string, UserRef>();
  for (const u of await tx
    .select({ id: appUser.id, username: appUser.username, orgId: appUser.orgId, roles: appUser.roles })
    .from(appUser)) {
    const o = orgById.get(u.orgId!);
    if (!o) continue;
    users.set(u.username, {
      id: u.id,
      username: u.username,
      orgId: o.id,
      roles: u.roles as WorkflowRole[],
      level: o.kind as UserRef['level'],
    });
  }
  const codeToKey = new Map(demoOrgs().map((o) => [o.code, o.key]));
  const unitKeyOf = new Map<string, string>();
  const unitIdOf = new Map<string, string>();
  for (const o of orgs) {
    const key = codeToKey.get(o.code);
    if (o.kind === 'unit' && key?.startsWith('unit-')) {
      unitKeyOf.set(o.id, key.slice(5));
      unitIdOf.set(key.slice(5), o.id);
    }
  }
  const standards = new Map<string, StandardRef>();
  for (const s of await tx.select().from(disposalStandard).where(eq(disposalStandard.current, true))) {
    standards.set(s.matterCode, {
      id: s.id,
      version: s.version,
      filingConditions: s.filingConditions,
      filingConditionId: s.filingConditions[0]?.id ?? 'f1',
      limits: s.timeLimits,
    });
  }
  const matterNames = new Map(
    (
      await tx
        .select({ code: catalogType.code, name: catalogType.name })
        .from(catalogType)
        .where(and(eq(catalogType.kind, 'matter'), eq(catalogType.enabled, true)))
    ).map((r) => [r.code, r.name]),
  );
  const rules = (await tx.select().from(routeRule).where(eq(routeRule.active, true))).filter((r) =>
    unitKeyOf.has(r.unitId),
  );
  const routeCache = new Map<string, { unitId: string; ruleId: string } | null>();
  const unitOf = (matterCode: string, gridId: string) => {
    const key = `${matterCode}|${gridId}`;
    if (!routeCache.has(key)) {
      const cands = rules.filter(
        (r) =>
          r.matterCode === matterCode ||
          (!r.matterCode && r.matterMajor === matterCode.slice(0, 2)) ||
          (!r.matterCode && !r.matterMajor),
      );
      const r = pickRule(cands, {
        district: gridId.slice(0, 6),
        township: gridId.slice(0, 9),
        community: gridId.slice(0, 12),
        grid: gridId,
      });
      routeCache.set(key, r ? { unitId: r.unitId, ruleId: r.id } : null);
    }
    return routeCache.get(key)!;
  };
  const cityUnits = DEMO_UNITS.filter((u) => u.districtCode === null).map((u) => unitIdOf.get(u.key)!);
  const otherUnit = (districtCode: string, not: string | null) => {
    const local = DEMO_UNITS.filter((u) => u.districtCode === districtCode).map((u) => unitIdOf.get(u.key)!);
    const options = [...local, ...cityUnits].filter((id) => id && id !== not);
    return pick(rng, options);
  };
  const cityUnit = (not: string | null) =>
    pick(
      rng,
      cityUnits.filter((id) => id !== not),
    );
  return {
    rng,
    calendar: clock.calendar,
    settings: clock.settings,
    now: now.getTime(),
    users,
    gridsByDistrict,
    standards,
    matterNames,
    unitOf,
    otherUnit,
    cityUnit,
    unitKeyOf,
    photos: NO_PHOTOS,
  };
}
