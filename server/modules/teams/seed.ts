/**
 * The demo's teams, generated (flagged `generated`, tagged 演示 in the UI, the audit's reason says
 * so): three city shifts (早班, 晚班 and 夜班, a night shift crossing midnight), a standard-week
 * template, every district centre's inspector made a team member (post 监督员) with four
 * responsibility grids of their district, and their roster for the week of the seed and the next
 * (Monday–Friday early, Saturday late, Sunday rest). Deterministic for a given seed day; audited
 * like the same writes by hand.
 */
import { eq } from 'drizzle-orm';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import type { DemoCity } from '../geo/index.ts';
import { enabledUsersWithOrg, usersWithRoles } from '../identity/index.ts';
import { orgRelation } from '../org/index.ts';
import { addDays, chinaDay, mondayOf, weekDays } from './rules.ts';
import { teamMember, teamRoster, teamRosterTemplate, teamShift } from './tables.ts';

const NOTE = '演示数据 / generated demo data';

export async function seedDemoTeams(
  tx: Db,
  ctx: RequestContext,
  city: Pick<DemoCity, 'grids'>,
  now = new Date(),
): Promise<{ members: number; cells: number }> {
  const shifts = await tx
    .insert(teamShift)
    .values([
      { name: '早班', startMinute: 8 * 60, endMinute: 16 * 60, colour: '#52c41a', generated: true },
      { name: '晚班', startMinute: 16 * 60, endMinute: 22 * 60, colour: '#1677ff', generated: true },
      { name: '夜班', startMinute: 22 * 60, endMinute: 6 * 60, colour: '#722ed1', generated: true },
    ])
    .returning();
  const [early, late] = shifts;
  const pattern = [early.id, early.id, early.id, early.id, early.id, late.id, null];
  const [template] = await tx
    .insert(teamRosterTemplate)
    .values({ name: '标准周', days: pattern, generated: true })
    .returning();
  for (const s of shifts) {
    await recordEvent(tx, ctx, {
      action: 'teams.shift.create',
      entityType: 'team_shift',
      entityId: s.id,
      districtCode: null,
      after: s,
      reason: NOTE,
    });
  }
  await recordEvent(tx, ctx, {
    action: 'teams.template.create',
    entityType: 'team_roster_template',
    entityId: template.id,
    districtCode: null,
    after: template,
    reason: NOTE,
  });
  const centres = await tx
    .select({ id: orgRelation.id })
    .from(orgRelation)
    .where(eq(orgRelation.kind, 'district_center'));
  const ids = (
    await usersWithRoles(
      tx,
      centres.map((c) => c.id),
      ['inspector'],
    )
  ).map((u) => u.id);
  const users = await enabledUsersWithOrg(tx, ids);
  const monday = mondayOf(chinaDay(now));
  const days = [...weekDays(monday), ...weekDays(addDays(monday, 7))];
  let cells = 0;
  for (const u of users) {
    const district = u.org.districtCode;
    if (!district) continue;
    const grids = city.grids
      .filter((g) => g.communityCode.startsWith(district))
      .map((g) => g.id)
      .sort()
      .slice(0, 4);
    const [m] = await tx
      .insert(teamMember)
      .values({
        userId: u.user.id,
        orgId: u.org.id,
        districtCode: district,
        posts: ['inspector'],
        gridIds: grids,
        generated: true,
      })
      .returning();
    await recordEvent(tx, ctx, {
      action: 'teams.member.save',
      entityType: 'team_member',
      entityId: m.userId,
      districtCode: district,
      after: m,
      reason: NOTE,
    });
    const rows = days.map((day, i) => ({
      userId: u.user.id,
      day,
      shiftId: pattern[i % 7],
      districtCode: district,
      generated: true,
      note: NOTE,
    }));
    await tx.insert(teamRoster).values(rows);
    cells += rows.length;
    await recordEvent(tx, ctx, {
      action: 'teams.roster.apply_template',
      entityType: 'team_roster',
      entityId: u.user.id,
      districtCode: district,
      after: { template: template.name, from: days[0], to: days[days.length - 1] },
      reason: NOTE,
    });
  }
  return { members: users.length, cells };
}
