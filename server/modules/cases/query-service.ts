/** Reading cases: work queues and lists in the caller's scope, and the case page. */
import { and, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import { maskName, maskPhone } from '../../../common/contact.ts';
import type { Role } from '../../../common/identity.ts';
import type { TimeUnit } from '../../../common/time-units.ts';
import { OPEN_STATES, OWN_REPORT_OWNERS, QUEUE_OWNERS, type WorkflowRole } from '../../../common/workflow.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { notFound } from '../../platform/errors.ts';
import { parseBbox } from '../geo/index.ts';
import { accountNames, actorDisplayNames } from '../identity/index.ts';
import { previewActions } from './action-preview.ts';
import { actionsFor } from './action-service.ts';
import { loadClock } from './clock.ts';
import { caseLight, toCaseSummary } from './dto.ts';
import { caseListOrder, caseListWhere } from './list-query.ts';
import { caseRead, seesReporterContact, workflowRolesOf } from './policy.ts';
import * as repo from './repository.ts';
import { CASE_MAP_DEFAULT_LIMIT, type CaseListQueryT, type CaseMapQueryT } from './schemas.ts';
import { lightOf } from './stages.ts';
import { caseFile } from './tables.ts';

/**
 * How many cases wait on the caller: the work given to them in all (what `GET /api/cases?view=mine`
 * totals) and per role of theirs that has a work queue (`?view=mine&queue=<role>`), and apart from
 * it their own reports still open to self-disposal (`?view=own`) — the list's own conditions, so a
 * badge never disagrees with the list it opens, nor with the workbench or the field app.
 */
export async function waitingCounts(db: Db, ctx: RequestContext) {
  caseRead.requirePermission(ctx.actor);
  const now = new Date();
  const held = workflowRolesOf(ctx.actor);
  const mine = held.filter((r) => QUEUE_OWNERS.includes(r));
  const countOf = async (view: 'mine' | 'own', queue?: WorkflowRole) =>
    repo.countCases(
      db,
      caseListWhere(ctx.actor, { view, queue: queue as Role | undefined }, now) ?? sql`true`,
    );
  // One after another: small indexed counts, and no concurrent queries on one connection.
  const total = mine.length === 0 ? 0 : await countOf('mine');
  const queues: { role: WorkflowRole; total: number }[] = [];
  for (const role of mine) queues.push({ role, total: await countOf('mine', role) });
  const own = held.some((r) => OWN_REPORT_OWNERS.includes(r)) ? await countOf('own') : 0;
  return { total, own, queues };
}

export async function listCases(db: Db, ctx: RequestContext, q: CaseListQueryT) {
  caseRead.requirePermission(ctx.actor);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const now = new Date();
  const { rows, total } = await repo.listCases(
    db,
    caseListWhere(ctx.actor, q, now),
    caseListOrder(q),
    page,
    pageSize,
  );
  return { items: rows.map((c) => toCaseSummary(c, now)), total, page, pageSize };
}

/**
 * Open cases in the caller's scope as points for the map (`GET /api/cases/map`): inside `bbox`
 * when given, of the chosen open states and matter type, newest first, at most `limit`, each with
 * the light the case list shows.
 */
export async function mapCases(db: Db, ctx: RequestContext, q: CaseMapQueryT) {
  caseRead.requirePermission(ctx.actor);
  const bbox = parseBbox(q.bbox);
  const limit = q.limit ?? CASE_MAP_DEFAULT_LIMIT;
  const where = and(
    caseRead.filter(ctx.actor),
    inArray(caseFile.state, q.state?.length ? q.state : [...OPEN_STATES]),
    q.matterCode ? eq(caseFile.matterCode, q.matterCode) : undefined,
    ...(bbox
      ? [
          gte(caseFile.lng, bbox[0]),
          gte(caseFile.lat, bbox[1]),
          lte(caseFile.lng, bbox[2]),
          lte(caseFile.lat, bbox[3]),
        ]
      : []),
  );
  const now = new Date();
  const { rows, total } = await repo.mapPoints(db, where, limit);
  return {
    items: rows.map((c) => ({
      id: c.id,
      code: c.code,
      state: c.state,
      light: caseLight(c, now),
      matterCode: c.matterCode,
      lng: c.lng,
      lat: c.lat,
    })),
    total,
    truncated: total > rows.length,
  };
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
    case: toCaseSummary(c, clock.now),
    reports: reports.map((r) => ({
      id: r.id,
      channel: r.channel,
      description: r.description,
      photos: r.photos,
      account: accounts.get(r.submitter) ?? null,
      reporterName: r.reporterName && (contact ? r.reporterName : maskName(r.reporterName)),
      reporterPhone: r.reporterPhone && (contact ? r.reporterPhone : maskPhone(r.reporterPhone)),
      contactMasked: !contact,
      mediaUrl: r.mediaUrl,
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
