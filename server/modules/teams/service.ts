/**
 * Team management (队伍管理): people with their posts and responsibility grids, shifts, roster
 * templates, the weekly roster, clocking in and out from the field app, a day's attendance, a
 * shift's patrol coverage, the nearest on-duty inspector. Every read and write asks the policy
 * (policy.ts): a person outside the caller's scope answers 404 and is in no list. Every write is
 * one transaction with its audit event; a refused write leaves nothing behind.
 */
import { and, desc, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { MultiPolygon, Polygon } from 'geojson';
import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { findGrid, haversineM } from '../geo/index.ts';
import { newestPersonPositions, personTrack } from '../gps/index.ts';
import { accountNames, enabledUsersWithOrg, usersWithRoles } from '../identity/index.ts';
import { orgRelation } from '../org/index.ts';
import {
  candidateOrgs,
  memberManage,
  memberRead,
  ownClock,
  shiftManage,
  shiftRead,
  templateManage,
  templateRead,
} from './policy.ts';
import * as repo from './repository.ts';
import {
  addDays,
  areaCheck,
  attendanceStatus,
  chinaDay,
  coverage,
  crossesMidnight,
  formatHm,
  type GridShape,
  isDay,
  isEarlyLeave,
  isLate,
  isoWeekday,
  parseHm,
  type RosterCell,
  rosterOverlaps,
  shiftAt,
  shiftWindow,
  weekDays,
} from './rules.ts';
import type {
  ApplyTemplateT,
  AttendanceDto,
  ClockT,
  CoverageRowDto,
  MemberDto,
  MemberSaveT,
  NearestDto,
  RosterSaveT,
  ShiftCreateT,
  ShiftDto,
  ShiftUpdateT,
  TemplateCreateT,
  TemplateDto,
  TemplateUpdateT,
} from './schemas.ts';
import { teamAttendance, teamMember, teamRoster, teamRosterTemplate, teamShift } from './tables.ts';

const PERSON = { zh: '队伍成员', en: 'Team member' };
const SHIFT = { zh: '班次', en: 'Shift' };
const TEMPLATE = { zh: '排班模板', en: 'Roster template' };
const DISTRICT = { zh: '区县', en: 'District' };

/** A newest position older than this does not place an inspector (nearest). */
export const NEAREST_MAX_AGE_MS = 2 * 3_600_000;

const invalid = (
  field: string,
  zh: string,
  en: string,
  code: 'VALIDATION_FAILED' | 'INVALID_REFERENCE' = 'VALIDATION_FAILED',
) => new AppError(code, { zh, en, details: [{ field, message: en }] });

const conflict = (field: string, current: number) =>
  new AppError('CONFLICT', { details: [{ field, message: `current version is ${current}` }] });

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

function requireDay(day: string, field: string) {
  if (!isDay(day)) throw invalid(field, `日期无效：${day}`, `Invalid day: ${day}`);
}

/** A district the caller asked for: in its scope, or 404 (a district sees no other). */
function requestedDistrict(actor: Actor, district: string | undefined): string | undefined {
  if (!district) return actor.scope.kind === 'district' ? actor.scope.districtCode : undefined;
  if (actor.scope.kind === 'city') return district;
  if (actor.scope.kind === 'district' && actor.scope.districtCode === district) return district;
  if (actor.scope.kind === 'unit' && actor.scope.districtCode === district) return district;
  throw notFound(DISTRICT, district);
}

// ---------------------------------------------------------------------------------------------
// Members

async function namesOf(db: Db, ids: readonly string[]) {
  return accountNames(db, ids);
}

async function orgNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: orgRelation.id, name: orgRelation.name })
    .from(orgRelation)
    .where(inArray(orgRelation.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}

async function memberDtos(db: Db, rows: repo.MemberRow[]): Promise<MemberDto[]> {
  const [names, orgs] = await Promise.all([
    namesOf(
      db,
      rows.map((r) => r.userId),
    ),
    orgNames(
      db,
      rows.map((r) => r.orgId),
    ),
  ]);
  return rows
    .map((r) => ({
      userId: r.userId,
      name: names.get(r.userId)?.name ?? r.userId,
      username: names.get(r.userId)?.login ?? null,
      orgId: r.orgId,
      orgName: orgs.get(r.orgId) ?? null,
      districtCode: r.districtCode,
      posts: r.posts,
      gridIds: r.gridIds,
      active: r.active,
      generated: r.generated,
      version: r.version,
    }))
    .sort((a, b) => a.name.localeCompare(b.name, 'zh'));
}

async function membersInScope(db: Db, actor: Actor, district: string | undefined, activeOnly = false) {
  return repo.members(db, memberRead.filter(actor), requestedDistrict(actor, district), activeOnly);
}

export async function listMembers(db: Db, ctx: RequestContext, q: { district?: string; post?: string }) {
  memberRead.requirePermission(ctx.actor);
  const rows = await membersInScope(db, ctx.actor, q.district);
  const items = await memberDtos(
    db,
    q.post ? rows.filter((r) => r.posts.includes(q.post as repo.MemberRow['posts'][number])) : rows,
  );
  return { items };
}

/** The people a manager may add: enabled users of the organisations in their scope. */
export async function candidates(db: Db, ctx: RequestContext) {
  candidateOrgs.requirePermission(ctx.actor);
  const orgs = await db
    .select({ id: orgRelation.id })
    .from(orgRelation)
    .where(candidateOrgs.filter(ctx.actor));
  const users = await usersWithRoles(
    db,
    orgs.map((o) => o.id),
    ['inspector', 'unit_handler', 'acceptor', 'dispatcher', 'shift_leader'],
  );
  const ids = users.map((u) => u.id);
  const [names, existing] = await Promise.all([
    namesOf(db, ids),
    ids.length
      ? db.select({ id: teamMember.userId }).from(teamMember).where(inArray(teamMember.userId, ids))
      : [],
  ]);
  const members = new Set(existing.map((e) => e.id));
  return {
    items: ids
      .map((id) => ({
        userId: id,
        name: names.get(id)?.name ?? id,
        username: names.get(id)?.login ?? null,
        member: members.has(id),
      }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh')),
  };
}

/** Grids by id, each checked to exist and lie in the district (null: the city, any district). */
async function gridShapes(db: Db, ids: readonly string[], district: string | null, field: string) {
  const out: GridShape[] = [];
  for (const [i, id] of ids.entries()) {
    const g = await findGrid(db, id);
    if (!g) throw invalid(`${field}/${i}`, `网格不存在：${id}`, `Unknown grid: ${id}`, 'INVALID_REFERENCE');
    if (district && g.districtCode !== district) {
      throw invalid(
        `${field}/${i}`,
        `网格 ${id} 不在该人员所属区县`,
        `Grid ${id} is not in the person's district`,
        'INVALID_REFERENCE',
      );
    }
    out.push({ id: g.id, geometry: g.geometry as Polygon | MultiPolygon });
  }
  return out;
}

/** The grids' shapes, skipping any that no longer exist (reads). */
async function shapesOf(db: Db, ids: readonly string[]): Promise<GridShape[]> {
  const out: GridShape[] = [];
  for (const id of ids) {
    const g = await findGrid(db, id);
    if (g) out.push({ id: g.id, geometry: g.geometry as Polygon | MultiPolygon });
  }
  return out;
}

/** PUT: makes a user a team member or changes their posts and grids (version required once they are one). */
export async function saveMember(db: Db, ctx: RequestContext, userId: string, input: MemberSaveT) {
  memberManage.requirePermission(ctx.actor);
  return db.transaction(async (tx) => {
    const [u] = await enabledUsersWithOrg(tx, [userId]);
    if (!u || !memberManage.allows(ctx.actor, { districtCode: u.org.districtCode, orgId: u.org.id })) {
      throw notFound(PERSON, userId);
    }
    await gridShapes(tx, input.gridIds, u.org.districtCode, 'body/gridIds');
    const current = await repo.findMember(tx, userId, true);
    if (current && input.version !== current.version) throw conflict('body.version', current.version);
    if (!current && input.version !== undefined) throw conflict('body.version', 0);
    const [before] = current ? await memberDtos(tx, [current]) : [null];
    if (current) {
      await tx
        .update(teamMember)
        .set({
          orgId: u.org.id,
          districtCode: u.org.districtCode,
          posts: input.posts,
          gridIds: input.gridIds,
          active: input.active ?? current.active,
          updatedAt: new Date(),
          version: current.version + 1,
        })
        .where(and(eq(teamMember.userId, userId), eq(teamMember.version, current.version)));
    } else {
      await tx.insert(teamMember).values({
        userId,
        orgId: u.org.id,
        districtCode: u.org.districtCode,
        posts: input.posts,
        gridIds: input.gridIds,
        active: input.active ?? true,
      });
    }
    const [after] = await memberDtos(tx, [(await repo.findMember(tx, userId))!]);
    await recordEvent(tx, ctx, {
      action: 'teams.member.save',
      entityType: 'team_member',
      entityId: userId,
      districtCode: after.districtCode,
      before,
      after,
    });
    return after;
  });
}

/** A member the caller may read (404 otherwise). */
async function readableMember(db: Db, actor: Actor, userId: string, manage = false) {
  const m = await repo.findMember(db, userId);
  const policy = manage ? memberManage : memberRead;
  if (!m || !policy.allows(actor, m)) throw notFound(PERSON, userId);
  return m;
}

// ---------------------------------------------------------------------------------------------
// Shifts and templates

export function toShiftDto(s: repo.ShiftRow): ShiftDto {
  return {
    id: s.id,
    districtCode: s.districtCode,
    name: s.name,
    start: formatHm(s.startMinute),
    end: formatHm(s.endMinute),
    crossesMidnight: crossesMidnight(s),
    colour: s.colour,
    active: s.active,
    generated: s.generated,
    version: s.version,
  };
}

function minutesOf(start: string, end: string) {
  const s = parseHm(start);
  if (s === null)
    throw invalid('body.start', `开始时间应为 HH:MM：${start}`, `Start must be HH:MM: ${start}`);
  const e = parseHm(end);
  if (e === null) throw invalid('body.end', `结束时间应为 HH:MM：${end}`, `End must be HH:MM: ${end}`);
  if (s === e) throw invalid('body.end', '结束时间不能等于开始时间', 'The end cannot equal the start');
  return { startMinute: s, endMinute: e };
}

/** The district a new shift or template belongs to: the caller's own, or the city's (null) or a named one for the city. */
function districtForNew(actor: Actor, requested: string | null | undefined): string | null {
  if (actor.scope.kind === 'district') {
    if (requested && requested !== actor.scope.districtCode) throw notFound(DISTRICT, requested);
    return actor.scope.districtCode;
  }
  return requested ?? null;
}

export async function listShifts(db: Db, ctx: RequestContext) {
  shiftRead.requirePermission(ctx.actor);
  return { items: (await repo.shifts(db, shiftRead.filter(ctx.actor))).map(toShiftDto) };
}

export async function createShift(db: Db, ctx: RequestContext, input: ShiftCreateT) {
  shiftManage.requirePermission(ctx.actor);
  if (!shiftManage.reachesAny(ctx.actor)) throw new AppError('FORBIDDEN');
  const minutes = minutesOf(input.start, input.end);
  const districtCode = districtForNew(ctx.actor, input.districtCode);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(teamShift)
      .values({ name: input.name.trim(), districtCode, colour: input.colour ?? null, ...minutes })
      .returning();
    const after = toShiftDto(row);
    await recordEvent(tx, ctx, {
      action: 'teams.shift.create',
      entityType: 'team_shift',
      entityId: row.id,
      districtCode,
      after,
    });
    return after;
  });
}

export async function updateShift(db: Db, ctx: RequestContext, id: string, input: ShiftUpdateT) {
  shiftManage.requirePermission(ctx.actor);
  return db.transaction(async (tx) => {
    const current = await repo.findShift(tx, id, true);
    if (!current || !shiftManage.allows(ctx.actor, current)) throw notFound(SHIFT, id);
    if (current.version !== input.version) throw conflict('body.version', current.version);
    const minutes = minutesOf(
      input.start ?? formatHm(current.startMinute),
      input.end ?? formatHm(current.endMinute),
    );
    await tx
      .update(teamShift)
      .set({
        name: input.name?.trim() ?? current.name,
        colour: input.colour === undefined ? current.colour : input.colour,
        active: input.active ?? current.active,
        ...minutes,
        updatedAt: new Date(),
        version: current.version + 1,
      })
      .where(and(eq(teamShift.id, id), eq(teamShift.version, current.version)));
    const after = toShiftDto((await repo.findShift(tx, id))!);
    await recordEvent(tx, ctx, {
      action: 'teams.shift.update',
      entityType: 'team_shift',
      entityId: id,
      districtCode: current.districtCode,
      before: toShiftDto(current),
      after,
    });
    return after;
  });
}

/** A shift usable in a district: its own or the city's, active. */
async function usableShift(tx: Db, id: string, district: string | null, field: string) {
  const s = await repo.findShift(tx, id);
  if (!s?.active || (s.districtCode !== null && s.districtCode !== district)) {
    throw invalid(
      field,
      `班次不存在或不可用：${id}`,
      `Unknown or unusable shift: ${id}`,
      'INVALID_REFERENCE',
    );
  }
  return s;
}

const toTemplateDto = (t: repo.TemplateRow): TemplateDto => ({
  id: t.id,
  districtCode: t.districtCode,
  name: t.name,
  days: t.days,
  generated: t.generated,
  version: t.version,
});

export async function listTemplates(db: Db, ctx: RequestContext) {
  templateRead.requirePermission(ctx.actor);
  return { items: (await repo.templates(db, templateRead.filter(ctx.actor))).map(toTemplateDto) };
}

/**
 * A template whose own days overlap (Monday's night shift running into Tuesday's dawn shift, or
 * Sunday's into the next Monday's) could never be applied: refused when it is saved, naming the day.
 */
function requireTemplateFits(shifts: readonly (RosterCell['shift'] | null)[]) {
  const monday = '2026-01-05';
  const cells: RosterCell[] = [...shifts, shifts[0]].map((shift, i) => ({
    day: addDays(monday, i),
    shift: shift ?? null,
  }));
  const [clash] = rosterOverlaps(cells);
  if (clash) {
    // The later day of the pair, Monday = 0 (the eighth day is the next Monday).
    const i = Math.round((Date.parse(clash[1]) - Date.parse(monday)) / 86_400_000) % 7;
    const names = ['一', '二', '三', '四', '五', '六', '日'];
    const en = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
    const prev = (i + 6) % 7;
    throw invalid(
      `body/days/${i}`,
      `模板的班次重叠：周${names[prev]}的班次与周${names[i]}的班次时间交叉`,
      `The template's shifts overlap: ${en[prev]}'s shift runs into ${en[i]}'s`,
    );
  }
}

export async function createTemplate(db: Db, ctx: RequestContext, input: TemplateCreateT) {
  templateManage.requirePermission(ctx.actor);
  if (!templateManage.reachesAny(ctx.actor)) throw new AppError('FORBIDDEN');
  const districtCode = districtForNew(ctx.actor, input.districtCode);
  return db.transaction(async (tx) => {
    const shifts = [];
    for (const [i, id] of input.days.entries())
      shifts.push(id ? await usableShift(tx, id, districtCode, `body/days/${i}`) : null);
    requireTemplateFits(shifts);
    const [row] = await tx
      .insert(teamRosterTemplate)
      .values({ name: input.name.trim(), districtCode, days: input.days })
      .returning();
    const after = toTemplateDto(row);
    await recordEvent(tx, ctx, {
      action: 'teams.template.create',
      entityType: 'team_roster_template',
      entityId: row.id,
      districtCode,
      after,
    });
    return after;
  });
}

export async function updateTemplate(db: Db, ctx: RequestContext, id: string, input: TemplateUpdateT) {
  templateManage.requirePermission(ctx.actor);
  return db.transaction(async (tx) => {
    const current = await repo.findTemplate(tx, id, true);
    if (!current || !templateManage.allows(ctx.actor, current)) throw notFound(TEMPLATE, id);
    if (current.version !== input.version) throw conflict('body.version', current.version);
    const days = input.days ?? current.days;
    const shifts = [];
    for (const [i, sid] of days.entries())
      shifts.push(sid ? await usableShift(tx, sid, current.districtCode, `body/days/${i}`) : null);
    requireTemplateFits(shifts);
    await tx
      .update(teamRosterTemplate)
      .set({
        name: input.name?.trim() ?? current.name,
        days,
        updatedAt: new Date(),
        version: current.version + 1,
      })
      .where(and(eq(teamRosterTemplate.id, id), eq(teamRosterTemplate.version, current.version)));
    const after = toTemplateDto((await repo.findTemplate(tx, id))!);
    await recordEvent(tx, ctx, {
      action: 'teams.template.update',
      entityType: 'team_roster_template',
      entityId: id,
      districtCode: current.districtCode,
      before: toTemplateDto(current),
      after,
    });
    return after;
  });
}

// ---------------------------------------------------------------------------------------------
// Rosters

const cellDto = (r: repo.RosterRow) => ({
  userId: r.userId,
  day: r.day,
  shiftId: r.shiftId,
  version: r.version,
  generated: r.generated,
});

export async function week(db: Db, ctx: RequestContext, q: { week: string; district?: string }) {
  memberRead.requirePermission(ctx.actor);
  requireDay(q.week, 'querystring.week');
  if (isoWeekday(q.week) !== 1) {
    throw invalid(
      'querystring.week',
      `周起始日应为星期一：${q.week}`,
      `The week must start on a Monday: ${q.week}`,
    );
  }
  const days = weekDays(q.week);
  const rows = await membersInScope(db, ctx.actor, q.district, true);
  const [people, shifts, cells] = await Promise.all([
    memberDtos(db, rows),
    repo.shifts(db, shiftRead.filter(ctx.actor)),
    repo.rosterCells(
      db,
      rows.map((r) => r.userId),
      days,
    ),
  ]);
  return { week: q.week, days, people, shifts: shifts.map(toShiftDto), cells: cells.map(cellDto) };
}

interface CellWrite {
  userId: string;
  day: string;
  shiftId: string | null;
  version?: number;
  field: string;
}

/**
 * Writes roster cells in one transaction: each person in the caller's manage scope (404), each
 * shift usable in the person's district (400), each existing cell at the version the caller saw
 * (409, unless `overwrite`), and no person's shifts overlapping afterwards (400, naming the days).
 */
async function writeCells(
  tx: Db,
  ctx: RequestContext,
  writes: CellWrite[],
  opts: { overwrite: boolean; action: 'teams.roster.save' | 'teams.roster.apply_template'; reason?: string },
) {
  const members = new Map<string, repo.MemberRow>();
  for (const w of writes) {
    if (!members.has(w.userId)) members.set(w.userId, await readableMember(tx, ctx.actor, w.userId, true));
  }
  const seen = new Set<string>();
  for (const w of writes) {
    requireDay(w.day, `${w.field}.day`);
    const key = `${w.userId}|${w.day}`;
    if (seen.has(key)) {
      throw invalid(
        w.field,
        `同一人同一天出现两次：${w.day}`,
        `The same person and day appear twice: ${w.day}`,
      );
    }
    seen.add(key);
    if (w.shiftId)
      await usableShift(tx, w.shiftId, members.get(w.userId)!.districtCode, `${w.field}.shiftId`);
  }
  const existing = new Map(
    (
      await tx
        .select()
        .from(teamRoster)
        .where(
          and(
            inArray(teamRoster.userId, [...members.keys()]),
            inArray(teamRoster.day, [...new Set(writes.map((w) => w.day))]),
          ),
        )
        .for('update')
    ).map((r) => [`${r.userId}|${r.day}`, r]),
  );
  for (const w of writes) {
    const cur = existing.get(`${w.userId}|${w.day}`);
    if (opts.overwrite) continue;
    if (cur && w.version !== cur.version) throw conflict(`${w.field}.version`, cur.version);
    if (!cur && w.version !== undefined) throw conflict(`${w.field}.version`, 0);
  }
  // Overlaps: each person's roster around the written days, with the writes in place.
  for (const [userId] of members) {
    const mine = writes.filter((w) => w.userId === userId);
    const around = new Set<string>();
    for (const w of mine) for (const d of [-1, 0, 1]) around.add(addDays(w.day, d));
    const stored = await repo.rosterCells(tx, [userId], [...around]);
    const byDay = new Map<string, string | null>(stored.map((r) => [r.day, r.shiftId]));
    for (const w of mine) byDay.set(w.day, w.shiftId);
    const shiftMap = await repo.shiftsByIds(
      tx,
      [...byDay.values()].filter((x): x is string => !!x),
    );
    const cells: RosterCell[] = [...byDay].map(([day, sid]) => ({
      day,
      shift: sid && shiftMap.get(sid) ? shiftMap.get(sid)! : null,
    }));
    const written = new Set(mine.map((w) => w.day));
    const clash = rosterOverlaps(cells).find(([a, b]) => written.has(a) || written.has(b));
    if (clash) {
      const w = mine.find((x) => x.day === clash[0] || x.day === clash[1])!;
      throw invalid(
        w.field,
        `班次重叠：${clash[0]} 与 ${clash[1]} 的班次时间交叉`,
        `Overlapping shifts: the shifts of ${clash[0]} and ${clash[1]} overlap`,
      );
    }
  }
  const now = new Date();
  const out: repo.RosterRow[] = [];
  // One event per person: their cells before and after this write.
  const changes = new Map<
    string,
    { before: ReturnType<typeof cellDto>[]; after: ReturnType<typeof cellDto>[] }
  >();
  for (const w of writes) {
    const m = members.get(w.userId)!;
    const cur = existing.get(`${w.userId}|${w.day}`);
    const [row] = cur
      ? await tx
          .update(teamRoster)
          .set({
            shiftId: w.shiftId,
            districtCode: m.districtCode,
            generated: false,
            updatedAt: now,
            version: cur.version + 1,
          })
          .where(and(eq(teamRoster.userId, w.userId), eq(teamRoster.day, w.day)))
          .returning()
      : await tx
          .insert(teamRoster)
          .values({ userId: w.userId, day: w.day, shiftId: w.shiftId, districtCode: m.districtCode })
          .returning();
    out.push(row);
    const c = changes.get(w.userId) ?? { before: [], after: [] };
    if (cur) c.before.push(cellDto(cur));
    c.after.push(cellDto(row));
    changes.set(w.userId, c);
  }
  for (const [userId, c] of changes) {
    await recordEvent(tx, ctx, {
      action: opts.action,
      entityType: 'team_roster',
      entityId: userId,
      districtCode: members.get(userId)!.districtCode,
      before: { cells: c.before },
      after: { cells: c.after },
      reason: opts.reason,
    });
  }
  return { cells: out.map(cellDto) };
}

export async function saveRoster(db: Db, ctx: RequestContext, input: RosterSaveT) {
  memberManage.requirePermission(ctx.actor);
  return db.transaction((tx) =>
    writeCells(
      tx,
      ctx,
      input.cells.map((c, i) => ({ ...c, field: `body/cells/${i}` })),
      { overwrite: false, action: 'teams.roster.save' },
    ),
  );
}

/** Applies a template to a week for some people: their seven cells overwritten (each a new version). */
export async function applyTemplate(db: Db, ctx: RequestContext, input: ApplyTemplateT) {
  memberManage.requirePermission(ctx.actor);
  requireDay(input.week, 'body.week');
  if (isoWeekday(input.week) !== 1) {
    throw invalid(
      'body.week',
      `周起始日应为星期一：${input.week}`,
      `The week must start on a Monday: ${input.week}`,
    );
  }
  return db.transaction(async (tx) => {
    const t = await repo.findTemplate(tx, input.templateId);
    // A manager applies any template of their area (the permission checked is teams:manage, above).
    if (!t || !templateRead.inScope(ctx.actor, t)) throw notFound(TEMPLATE, input.templateId);
    const days = weekDays(input.week);
    const writes: CellWrite[] = [];
    for (const [i, userId] of input.userIds.entries()) {
      for (const [k, day] of days.entries()) {
        writes.push({ userId, day, shiftId: t.days[k] ?? null, field: `body/userIds/${i}` });
      }
    }
    return writeCells(tx, ctx, writes, {
      overwrite: true,
      action: 'teams.roster.apply_template',
      reason: `模板 ${t.name} / template ${t.name}`,
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Attendance

async function rosterAround(db: Db, userId: string, days: string[]) {
  const rows = await repo.rosterCells(db, [userId], days);
  const shifts = await repo.shiftsByIds(
    db,
    rows.map((r) => r.shiftId).filter((x): x is string => !!x),
  );
  return rows.map((r) => ({ day: r.day, shift: r.shiftId ? (shifts.get(r.shiftId) ?? null) : null }));
}

function attendanceDto(
  userId: string,
  name: string,
  day: string,
  shift: repo.ShiftRow | null,
  a: repo.AttendanceRow | undefined,
  now: Date,
): AttendanceDto {
  const w = shift ? shiftWindow(day, shift) : null;
  return {
    id: a?.id ?? null,
    userId,
    name,
    day,
    shiftId: shift?.id ?? null,
    shiftName: shift?.name ?? null,
    shiftStart: iso(w?.start),
    shiftEnd: iso(w?.end),
    clockInAt: iso(a?.clockInAt),
    clockInInside: a?.clockInInside ?? null,
    clockInGridId: a?.clockInGridId ?? null,
    clockInDistanceM: a?.clockInDistanceM ?? null,
    clockOutAt: iso(a?.clockOutAt),
    clockOutInside: a?.clockOutInside ?? null,
    late: a?.late ?? false,
    earlyLeave: a?.earlyLeave ?? false,
    noShift: a?.noShift ?? false,
    status: attendanceStatus(
      {
        rostered: !!shift,
        shiftWindow: w,
        clockInAt: a?.clockInAt ?? null,
        clockOutAt: a?.clockOutAt ?? null,
        late: a?.late ?? false,
        earlyLeave: a?.earlyLeave ?? false,
        noShift: a?.noShift ?? false,
      },
      now,
    ),
  };
}

function requireSelf(actor: Actor) {
  if (!ownClock.allows(actor, {})) {
    throw new AppError('FORBIDDEN', {
      zh: '只有登录的人员本人可以打卡',
      en: 'Only a signed-in person can clock in or out',
    });
  }
}

async function myMember(db: Db, actor: Actor) {
  const m = await repo.findMember(db, actor.id!);
  if (!m?.active) {
    throw new AppError('FORBIDDEN', {
      zh: '您不在队伍名单中，无需打卡',
      en: 'You are not on a team roster; there is nothing to clock',
    });
  }
  return m;
}

/** The field app's clock-in or clock-out with the phone's position, checked against the shift and the area. */
export async function clock(db: Db, ctx: RequestContext, input: ClockT, now: Date) {
  requireSelf(ctx.actor);
  return db.transaction(async (tx) => {
    const m = await myMember(tx, ctx.actor);
    const userId = m.userId;
    const today = chinaDay(now);
    const days = [addDays(today, -1), today];
    const grids = await shapesOf(tx, m.gridIds);
    const area = areaCheck(input.lng, input.lat, grids);
    const name = (await namesOf(tx, [userId])).get(userId)?.name ?? userId;
    const cells = await rosterAround(tx, userId, days);
    if (input.kind === 'in') {
      const s = shiftAt(now, cells);
      // A clock-in after the day's rostered shift has ended would turn the absence into a
      // "no shift" record: refused, the day stays absent (a shift leader corrects it if it must).
      const ended = s ? undefined : cells.find((c) => c.day === today && c.shift);
      if (ended?.shift && shiftWindow(today, ended.shift).end.getTime() <= now.getTime()) {
        const span = `${formatHm(ended.shift.startMinute)}–${formatHm(ended.shift.endMinute)}`;
        throw new AppError('CONFLICT', {
          zh: `今天的班次（${ended.shift.name ?? ''} ${span}）已结束，不能再打上班卡；如需更正请联系班长`,
          en: `Today's shift (${ended.shift.name ?? ''} ${span}) has ended: it can no longer be clocked in; ask your shift leader to correct the record`,
          details: [{ field: 'body.kind', message: 'the rostered shift of the day has ended' }],
        });
      }
      const day = s?.day ?? today;
      const [current] = await tx
        .select()
        .from(teamAttendance)
        .where(and(eq(teamAttendance.userId, userId), eq(teamAttendance.day, day)))
        .for('update');
      if (current?.clockInAt) {
        throw new AppError('CONFLICT', {
          zh: `${day} 已打过上班卡`,
          en: `Already clocked in for ${day}`,
          details: [
            { field: 'body.kind', message: `already clocked in at ${current.clockInAt.toISOString()}` },
          ],
        });
      }
      const values = {
        shiftId: s?.shiftId ?? null,
        districtCode: m.districtCode,
        clockInAt: now,
        clockInLat: input.lat,
        clockInLng: input.lng,
        clockInGridId: area.gridId,
        clockInDistanceM: area.distanceM,
        clockInInside: area.inside,
        late: s ? isLate(now, s.window) : false,
        noShift: !s,
        updatedAt: now,
      };
      const [row] = current
        ? await tx
            .update(teamAttendance)
            .set({ ...values, version: current.version + 1 })
            .where(eq(teamAttendance.id, current.id))
            .returning()
        : await tx
            .insert(teamAttendance)
            .values({ userId, day, ...values })
            .returning();
      const shift = s ? (cells.find((c) => c.day === s.day)?.shift ?? null) : null;
      const dto = attendanceDto(userId, name, day, shift, row, now);
      await recordEvent(tx, ctx, {
        action: 'teams.clock_in',
        entityType: 'team_attendance',
        entityId: row.id,
        districtCode: m.districtCode,
        after: dto,
      });
      return dto;
    }
    const [open] = await tx
      .select()
      .from(teamAttendance)
      .where(
        and(
          eq(teamAttendance.userId, userId),
          inArray(teamAttendance.day, days),
          isNotNull(teamAttendance.clockInAt),
          isNull(teamAttendance.clockOutAt),
        ),
      )
      .orderBy(teamAttendance.clockInAt)
      .for('update');
    if (!open) {
      const [done] = await tx
        .select({ at: teamAttendance.clockOutAt })
        .from(teamAttendance)
        .where(
          and(
            eq(teamAttendance.userId, userId),
            inArray(teamAttendance.day, days),
            isNotNull(teamAttendance.clockOutAt),
          ),
        )
        .orderBy(desc(teamAttendance.clockOutAt))
        .limit(1);
      if (done?.at) {
        throw new AppError('CONFLICT', {
          zh: `已在 ${new Date(done.at.getTime() + 8 * 3600_000).toISOString().slice(11, 16)}（北京时间）下班打卡`,
          en: `Already clocked out, at ${done.at.toISOString()}`,
          details: [{ field: 'body.kind', message: 'already clocked out' }],
        });
      }
      throw invalid(
        'body.kind',
        '尚未上班打卡，不能下班打卡',
        'Not clocked in: there is nothing to clock out of',
      );
    }
    const shift = open.shiftId ? (cells.find((c) => c.day === open.day)?.shift ?? null) : null;
    const [row] = await tx
      .update(teamAttendance)
      .set({
        clockOutAt: now,
        clockOutLat: input.lat,
        clockOutLng: input.lng,
        clockOutInside: area.inside,
        earlyLeave: shift ? isEarlyLeave(now, shiftWindow(open.day, shift)) : false,
        updatedAt: now,
        version: open.version + 1,
      })
      .where(eq(teamAttendance.id, open.id))
      .returning();
    const dto = attendanceDto(userId, name, open.day, shift, row, now);
    await recordEvent(tx, ctx, {
      action: 'teams.clock_out',
      entityType: 'team_attendance',
      entityId: row.id,
      districtCode: m.districtCode,
      after: dto,
    });
    return dto;
  });
}

/** The field app's page: my shift now (or next today), my attendance for it, my grids. */
export async function myToday(db: Db, ctx: RequestContext, now: Date) {
  requireSelf(ctx.actor);
  const m = await repo.findMember(db, ctx.actor.id!);
  if (!m?.active)
    return { now: now.toISOString(), member: false, shift: null, attendance: null, gridIds: [] };
  const today = chinaDay(now);
  const days = [addDays(today, -1), today];
  const cells = await rosterAround(db, m.userId, days);
  const rows = await repo.attendanceRows(db, [m.userId], days);
  const open = rows.find((r) => r.clockInAt && !r.clockOutAt);
  const s = shiftAt(now, cells, 24 * 60);
  const day = open?.day ?? s?.day ?? today;
  const shift = cells.find((c) => c.day === day)?.shift ?? null;
  const a = rows.find((r) => r.day === day);
  const name = (await namesOf(db, [m.userId])).get(m.userId)?.name ?? m.userId;
  const w = shift ? shiftWindow(day, shift) : null;
  return {
    now: now.toISOString(),
    member: true,
    shift:
      shift && w
        ? { day, shiftId: shift.id, name: shift.name, start: w.start.toISOString(), end: w.end.toISOString() }
        : null,
    attendance: a || shift ? attendanceDto(m.userId, name, day, shift, a, now) : null,
    gridIds: m.gridIds,
  };
}

/** A day's attendance of the people in scope (rostered ones and anyone who clocked). */
export async function dayAttendance(
  db: Db,
  ctx: RequestContext,
  q: { date: string; district?: string },
  now: Date,
) {
  memberRead.requirePermission(ctx.actor);
  requireDay(q.date, 'querystring.date');
  const rows = await membersInScope(db, ctx.actor, q.district);
  const ids = rows.map((r) => r.userId);
  const [cells, att, names] = await Promise.all([
    repo.rosterCells(db, ids, [q.date]),
    repo.attendanceRows(db, ids, [q.date]),
    namesOf(db, ids),
  ]);
  const shifts = await repo.shiftsByIds(
    db,
    [...cells.map((c) => c.shiftId), ...att.map((a) => a.shiftId)].filter((x): x is string => !!x),
  );
  const items: AttendanceDto[] = [];
  for (const m of rows) {
    const cell = cells.find((c) => c.userId === m.userId);
    const a = att.find((x) => x.userId === m.userId);
    if (!cell && !a) continue;
    const sid = a?.shiftId ?? cell?.shiftId ?? null;
    const shift = sid ? (shifts.get(sid) ?? null) : null;
    items.push(attendanceDto(m.userId, names.get(m.userId)?.name ?? m.userId, q.date, shift, a, now));
  }
  items.sort((x, y) => x.name.localeCompare(y.name, 'zh'));
  return { date: q.date, items };
}

/** Each rostered shift's patrol coverage on a day: the share of the person's grids their track passed through. */
export async function dayCoverage(db: Db, ctx: RequestContext, q: { date: string; district?: string }) {
  memberRead.requirePermission(ctx.actor);
  requireDay(q.date, 'querystring.date');
  const rows = await membersInScope(db, ctx.actor, q.district);
  const ids = rows.map((r) => r.userId);
  const [cells, names] = await Promise.all([repo.rosterCells(db, ids, [q.date]), namesOf(db, ids)]);
  const shifts = await repo.shiftsByIds(
    db,
    cells.map((c) => c.shiftId).filter((x): x is string => !!x),
  );
  const items: CoverageRowDto[] = [];
  for (const c of cells) {
    const shift = c.shiftId ? shifts.get(c.shiftId) : undefined;
    const m = rows.find((r) => r.userId === c.userId);
    if (!shift || !m) continue;
    const w = shiftWindow(c.day, shift);
    const [grids, track] = await Promise.all([
      shapesOf(db, m.gridIds),
      personTrack(db, m.userId, w.start, w.end),
    ]);
    const cov = coverage(grids, track);
    items.push({
      userId: m.userId,
      name: names.get(m.userId)?.name ?? m.userId,
      day: c.day,
      shiftName: shift.name,
      shiftStart: w.start.toISOString(),
      shiftEnd: w.end.toISOString(),
      grids: cov.total,
      covered: cov.covered,
      ratio: Math.round(cov.ratio * 1000) / 1000,
      positions: track.length,
    });
  }
  items.sort((x, y) => x.name.localeCompare(y.name, 'zh'));
  return { date: q.date, items };
}

// ---------------------------------------------------------------------------------------------
// Nearest on-duty inspector

/**
 * The on-duty inspectors in scope nearest a point: on duty now by the roster (a shift running now,
 * not clocked out of) or by a clock-in not yet clocked out; placed by their newest phone position
 * of the last two hours; ranked by distance.
 */
export async function nearest(
  db: Db,
  ctx: RequestContext,
  q: { lat: number; lng: number; district?: string; limit?: number },
  now: Date,
) {
  memberRead.requirePermission(ctx.actor);
  const rows = (await membersInScope(db, ctx.actor, q.district, true)).filter((m) =>
    m.posts.includes('inspector'),
  );
  const ids = rows.map((r) => r.userId);
  const today = chinaDay(now);
  const days = [addDays(today, -1), today];
  const [cells, att] = await Promise.all([
    repo.rosterCells(db, ids, days),
    repo.attendanceRows(db, ids, days),
  ]);
  const shifts = await repo.shiftsByIds(
    db,
    cells.map((c) => c.shiftId).filter((x): x is string => !!x),
  );
  const onDuty = new Map<string, { by: 'roster' | 'clock_in'; shiftName: string | null }>();
  for (const m of rows) {
    const mine = att.filter((a) => a.userId === m.userId);
    const open = mine.find((a) => a.clockInAt && !a.clockOutAt);
    if (open) {
      onDuty.set(m.userId, {
        by: 'clock_in',
        shiftName: open.shiftId ? (shifts.get(open.shiftId)?.name ?? null) : null,
      });
      continue;
    }
    for (const c of cells.filter((x) => x.userId === m.userId && x.shiftId)) {
      const s = shifts.get(c.shiftId!);
      if (!s) continue;
      const w = shiftWindow(c.day, s);
      const done = mine.find((a) => a.day === c.day && a.clockOutAt);
      if (now >= w.start && now < w.end && !done) onDuty.set(m.userId, { by: 'roster', shiftName: s.name });
    }
  }
  const positions = await newestPersonPositions(
    db,
    [...onDuty.keys()],
    new Date(now.getTime() - NEAREST_MAX_AGE_MS),
    now,
  );
  const names = await namesOf(
    db,
    positions.map((p) => p.userId),
  );
  const items: NearestDto[] = positions
    .map((p) => {
      const m = rows.find((r) => r.userId === p.userId)!;
      const duty = onDuty.get(p.userId)!;
      return {
        userId: p.userId,
        name: names.get(p.userId)?.name ?? p.userId,
        districtCode: m.districtCode,
        distanceM: Math.round(haversineM(q.lng, q.lat, p.lng, p.lat)),
        positionAt: p.time.toISOString(),
        lat: p.lat,
        lng: p.lng,
        onDutyBy: duty.by,
        shiftName: duty.shiftName,
      };
    })
    .sort((a, b) => a.distanceM - b.distanceM)
    .slice(0, q.limit ?? 5);
  return { items };
}
