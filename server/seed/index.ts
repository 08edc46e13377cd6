/**
 * First-start seed of the demo city. Runs once: it is skipped when any organisation exists, so a
 * restart never duplicates or overwrites what users changed. Every row it writes is audited as
 * the system actor "seed".
 */
import { count } from 'drizzle-orm';
import { appUser, org } from '../db-schema.ts';
import { seedBaseMapChoice } from '../modules/basemap/index.ts';
import { seedEvaluationTemplates } from '../modules/evaluation/index.ts';
import { seedDemoGps } from '../modules/gps/index.ts';
import { seedDemoKnowledge } from '../modules/hotline/index.ts';
import { hashPassword } from '../modules/identity/index.ts';
import { seedSensorKinds } from '../modules/sensors/index.ts';
import { seedDemoTeams } from '../modules/teams/index.ts';
import { recordEvent } from '../platform/audit.ts';
import type { Config } from '../platform/config.ts';
import { systemContext } from '../platform/context.ts';
import type { Database } from '../platform/db.ts';
import { seedCalendar } from './calendar.ts';
import { seedCatalog } from './catalog.ts';
import { seedComponents } from './components.ts';
import { seedCases } from './demo-cases/index.ts';
import { seedDemoCity } from './demo-city.ts';
import { demoOrgs, demoUsers } from './demo-orgs.ts';
import { seedPlaces } from './places.ts';
import { seedRouting } from './routing.ts';
import { seedDemoSensors } from './sensors.ts';

export async function isSeeded(database: Database): Promise<boolean> {
  const [{ n }] = await database.db.select({ n: count() }).from(org);
  return Number(n) > 0;
}

export async function seedDemo(
  database: Database,
  config: Pick<Config, 'demoPassword' | 'dataDir'>,
): Promise<boolean> {
  // The GB/T 47678.5 catalogue is reference data: seeded whenever it is missing (idempotent).
  await seedCatalog(database.db, systemContext('seed'));
  // The working calendar (official holidays) and the city settings' defaults: same rule.
  await seedCalendar(database.db, systemContext('seed'));
  // The sensor kinds and their rules' defaults: same rule.
  await seedSensorKinds(database.db, systemContext('seed'));
  // The evaluation's default templates (domain.md §8): same rule.
  await seedEvaluationTemplates(database.db, systemContext('seed'));
  if (await isSeeded(database)) return false;
  const ctx = systemContext('seed');
  const users = demoUsers();
  // Hash outside the transaction (scrypt is deliberately slow); each account gets its own salt.
  const hashes = await Promise.all(users.map(() => hashPassword(config.demoPassword)));
  await database.db.transaction(async (tx) => {
    const ids = new Map<string, { id: string; districtCode: string | null }>();
    for (const o of demoOrgs()) {
      const [row] = await tx
        .insert(org)
        .values({
          kind: o.kind,
          name: o.name,
          code: o.code,
          parentId: o.parentKey ? ids.get(o.parentKey)!.id : null,
          districtCode: o.districtCode,
        })
        .returning();
      ids.set(o.key, { id: row.id, districtCode: row.districtCode });
      await recordEvent(tx, ctx, {
        action: 'org.create',
        entityType: 'org',
        entityId: row.id,
        districtCode: row.districtCode,
        after: row,
      });
    }
    for (const [i, u] of users.entries()) {
      const o = ids.get(u.orgKey)!;
      const [row] = await tx
        .insert(appUser)
        .values({
          username: u.username,
          displayName: u.displayName,
          orgId: o.id,
          roles: u.roles,
          passwordHash: hashes[i],
        })
        .returning();
      await recordEvent(tx, ctx, {
        action: 'user.create',
        entityType: 'user',
        entityId: row.id,
        districtCode: o.districtCode,
        after: { ...row, passwordHash: undefined },
      });
    }
    const { city } = await seedDemoCity(tx, ctx);
    await seedPlaces(tx, ctx, city);
    // The map's base map: generated from these layers at its first use (not here: the seed stays fast).
    await seedBaseMapChoice(tx, ctx);
    // After the geo seed: the inventory is placed in its grids.
    await seedComponents(tx, ctx);
    await seedRouting(tx, ctx);
    // Generated sensors on the inventory's covers and bins, with a day of readings.
    await seedDemoSensors(tx, ctx);
    // GPS: auto-registration on (simulated terminals join as they register) and a few generated vehicles.
    await seedDemoGps(tx, ctx);
    // Teams: the districts' inspectors with grids, generated shifts and two weeks of rosters.
    await seedDemoTeams(tx, ctx, city);
    // The hotline's demo knowledge base (generated entries, flagged as such).
    await seedDemoKnowledge(tx, ctx);
    // Last: demo cases need the city, accounts, catalogue, calendar and routing above. Their
    // photos are stored under DATA_DIR like uploads.
    await seedCases(tx, ctx, { dataDir: config.dataDir });
  });
  return true;
}
