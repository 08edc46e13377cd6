/** Reading cases: work queues and lists in the caller's scope, and the case page. */
import { and, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import { maskName, maskPhone } from '../../../common/contact.ts';
import type { TimeUnit } from '../../../common/time-units.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { notFound } from '../../platform/errors.ts';
import { accountNames, actorDisplayNames } from '../identity/index.ts';
import { previewActions } from './action-preview.ts';
import { actionsFor, levelOf } from './action-service.ts';
import { loadClock } from './clock.ts';
import { toCaseSummary } from './dto.ts';
import { caseRead, seesReporterContact, workflowRolesOf } from './policy.ts';
import { myWorkFilter } from './queue.ts';
import * as repo from './repository.ts';
import type { CaseListQueryT } from './schemas.ts';
import { lightOf } from './stages.ts';
import { caseFile, caseTask } from './tables.ts';

export async function listCases(db: Db, ctx: RequestContext, q: CaseListQueryT) {
  caseRead.requirePermission(ctx.actor);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const filters: (SQL | undefined)[] = [
    caseRead.filter(ctx.actor),
    q.view === 'mine'
      ? myWorkFilter(workflowRolesOf(ctx.actor), levelOf(ctx.actor), ctx.actor.id)
      : undefined,
    q.state?.length ? inArray(caseFile.state, q.state) : undefined,
    q.matterCode ? eq(caseFile.matterCode, q.matterCode) : undefined,
    q.gridId ? eq(caseFile.gridId, q.gridId) : undefined,
    q.districtCode ? eq(caseFile.districtCode, q.districtCode) : undefined,
    q.unitId ? eq(caseFile.unitId, q.unitId) : undefined,
    q.channel ? eq(caseFile.channel, q.channel) : undefined,
    q.q ? or(ilike(caseFile.code, `%${q.q}%`), ilike(caseFile.description, `%${q.q}%`)) : undefined,
  ];
  // Inspectors' "mine" is their district's open field tasks.
  if (q.view === 'mine' && ctx.actor.roles.includes('inspector')) {
    filters[1] = or(
      filters[1],
      sql`${caseFile.id} IN (SELECT ${caseTask.caseId} FROM ${caseTask} WHERE ${caseTask.status} = 'open')`,
    );
  }
  const now = new Date();
  if (q.light === 'red') filters.push(sql`${caseFile.currentDueAt} < ${now}`);
  const { rows, total } = await repo.listCases(
    db,
    and(...filters),
    q.view === 'mine' ? 'due' : 'newest',
    page,
    pageSize,
  );
  const clock = await loadClock(db, now);
  let items = rows.map((c) => toCaseSummary(c, clock.calendar, clock.settings.warnShare, now));
  if (q.light && q.light !== 'red') items = items.filter((c) => c.light === q.light);
  return { items, total, page, pageSize };
}

async function visibleCase(db: Db, ctx: RequestContext, id: string) {
  caseRead.requirePermission(ctx.actor);
  const c = await repo.findCase(db, id);
  if (!c || !caseRead.allows(ctx.actor, c)) throw notFound('case', id);
  return c;
}

export async function getCase(db: Db, ctx: RequestContext, id: string) {
  const c = await visibleCase(db, ctx, id);
  const clock = await loadClock(db);
  const [reports, stageRows, tasks, timeline, available] = await Promise.all([
    repo.reportsOfCase(db, id),
    repo.stagesOfCase(db, id),
    repo.tasksOfCase(db, id),
    repo.timelineOf(db, id),
    actionsFor(db, ctx.actor, c),
  ]);
  const [actorNames, accounts, actions] = await Promise.all([
    actorDisplayNames(db, timeline),
    accountNames(
      db,
      reports.map((r) => r.submitter),
    ),
    previewActions(db, c, available, clock, stageRows, timeline),
  ]);
  // A citizen's or caller's name and phone are for the roles that call back (the cases policy).
  const contact = seesReporterContact(ctx.actor);
  return {
    case: toCaseSummary(c, clock.calendar, clock.settings.warnShare, clock.now),
    reports: reports.map((r) => ({
      id: r.id,
      channel: r.channel,
      description: r.description,
      photos: r.photos,
      account: accounts.get(r.submitter) ?? null,
      reporterName: r.reporterName && (contact ? r.reporterName : maskName(r.reporterName)),
      reporterPhone: r.reporterPhone && (contact ? r.reporterPhone : maskPhone(r.reporterPhone)),
      contactMasked: !contact,
      merged: r.merged,
      createdAt: r.createdAt.toISOString(),
    })),
    stages: stageRows.map((s) => ({
      id: s.id,
      stage: s.stage,
      startedAt: s.startedAt.toISOString(),
      dueAt: s.dueAt.toISOString(),
      limit: { amount: s.limitAmount, unit: s.limitUnit as TimeUnit },
      pausedAt: s.pausedAt?.toISOString() ?? null,
      stoppedAt: s.stoppedAt?.toISOString() ?? null,
      warnedAt: s.warnedAt?.toISOString() ?? null,
      overdueAt: s.overdueAt?.toISOString() ?? null,
      extended: s.extended,
      light: lightOf(clock.calendar, s, clock.now, clock.settings.warnShare),
    })),
    tasks: tasks.map((t) => ({
      id: t.id,
      kind: t.kind,
      status: t.status,
      result: t.result,
      createdAt: t.createdAt.toISOString(),
    })),
    timeline: timeline.map((e) => ({
      id: e.id,
      at: e.at.toISOString(),
      action: e.action,
      actorName: e.actorName,
      actorType: e.actorType,
      /** Who acted, as people read it: a user's display name, an API key's name (null: system, anonymous). */
      actorDisplayName: actorDisplayNameOf(e, actorNames),
      reason: e.reason,
      before: e.before,
      after: e.after,
    })),
    actions,
  };
}

function actorDisplayNameOf(
  e: { actorType: string; actorId: string | null; actorName: string | null },
  names: Map<string, string>,
): string | null {
  if (e.actorType !== 'user' && e.actorType !== 'api_key') return null;
  const found = e.actorId ? names.get(e.actorId) : undefined;
  if (found) return found;
  // A user or key no longer there: the name the event kept (an API key's without its "api-key:").
  return e.actorName?.replace(/^api-key:/, '') ?? null;
}
