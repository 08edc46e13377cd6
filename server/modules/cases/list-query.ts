/**
 * The case list's query as SQL: scope, "my work" (one queue or all of the caller's), filters, the
 * light of the current deadline, China-day date ranges and a whitelisted sort. The list, its
 * export and the workbench's counts all build their conditions here, so a number on the
 * workbench is the total of the list it links to and an export holds the rows the list shows.
 */
import { and, asc, desc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Light } from '../../../common/calendar/index.ts';
import { chinaInstant, DAY_MS } from '../../../common/calendar/index.ts';
import type { Role } from '../../../common/identity.ts';
import { OPEN_STATES } from '../../../common/workflow.ts';
import type { Actor } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { likeLiteral } from '../../platform/like.ts';
import { levelOf } from './action-service.ts';
import { caseRead, workflowRolesOf } from './policy.ts';
import { myWorkFilter, type WorkPart } from './queue.ts';
import type { CASE_DATE_FIELDS, CASE_SORT_COLUMNS, CaseListQueryT } from './schemas.ts';
import { caseFile, caseTask } from './tables.ts';

export type CaseFilter = Omit<CaseListQueryT, 'page' | 'pageSize'>;

/** The light of the current deadline at `now`, in SQL: the same rule as `caseLight` (dto.ts). */
export function lightSql(light: Light, now: Date): SQL {
  const due = caseFile.currentDueAt;
  const warn = caseFile.currentWarnAt;
  // Only open cases have a light; naming their states also lets the state-led indexes serve.
  const open = inArray(caseFile.state, [...OPEN_STATES]);
  if (light === 'red') return sql`(${open} AND ${due} < ${now})`;
  if (light === 'yellow') return sql`(${open} AND ${due} >= ${now} AND ${warn} <= ${now})`;
  return sql`(${open} AND ${due} >= ${now} AND (${warn} IS NULL OR ${warn} > ${now}))`;
}

/**
 * "My work" for the caller, one of its two parts (queue.ts `WorkPart`): `tasks`, the cases waiting
 * on their roles (or on the one role `queue` names, when they hold it) as queue.ts derives it from
 * the transition table — an inspector's also holds the district's open field tasks; `own`, their
 * own reports still open to self-disposal. The list (`view=mine` / `view=own`), the workbench and
 * GET /api/cases/waiting all count through here, so the screens agree.
 */
export function myWorkSql(actor: Actor, queue?: Role, part: WorkPart = 'tasks'): SQL {
  const held = workflowRolesOf(actor);
  const roles = queue ? held.filter((r) => r === queue) : held;
  const work = myWorkFilter(roles, levelOf(actor), actor.id, part) ?? sql`false`;
  // The parts do not overlap: an own report given back to its reporter as a task (asked to
  // verify it) counts once, as a task.
  if (part === 'own') return sql`(${work} AND NOT coalesce(${myWorkSql(actor, queue, 'tasks')}, false))`;
  if (!roles.includes('inspector')) return work;
  // Tasks carry their case's district: a district's inspector reads its own on the task index.
  const district =
    actor.scope.kind === 'district'
      ? sql` AND ${caseTask.districtCode} = ${actor.scope.districtCode}`
      : sql``;
  return or(
    work,
    sql`${caseFile.id} IN (SELECT ${caseTask.caseId} FROM ${caseTask} WHERE ${caseTask.status} = 'open'${district})`,
  )!;
}

const DATE_COLUMNS = {
  createdAt: caseFile.createdAt,
  filedAt: caseFile.filedAt,
  dispatchedAt: caseFile.dispatchedAt,
  closedAt: caseFile.closedAt,
} as const satisfies Record<(typeof CASE_DATE_FIELDS)[number], unknown>;

const SORT_COLUMNS = {
  code: caseFile.code,
  state: caseFile.state,
  createdAt: caseFile.createdAt,
  filedAt: caseFile.filedAt,
  dispatchedAt: caseFile.dispatchedAt,
  closedAt: caseFile.closedAt,
  currentDueAt: caseFile.currentDueAt,
  updatedAt: caseFile.updatedAt,
  urgeCount: caseFile.urgeCount,
} as const satisfies Record<(typeof CASE_SORT_COLUMNS)[number], unknown>;

/** Where a filter's fields sit in the request: the list's query string or a saved filter's body. */
export type FilterAt = 'querystring' | 'body.query';

function dayStart(date: string, field: string, at: FilterAt): Date {
  try {
    return chinaInstant(date);
  } catch {
    throw new AppError('VALIDATION_FAILED', {
      zh: `${field} 不是有效的日期：${date}`,
      en: `${field} is not a calendar date: ${date}`,
      details: [{ field: `${at}.${field}`, message: `not a calendar date: ${date}` }],
      detailsZh: [{ field: `${at}.${field}`, message: `不是有效的日期：${date}` }],
    });
  }
}

/** [from, to) instants of a range of China days, inclusive of both ends; 400 when `to` is before `from`. */
export function chinaDayRange(
  from?: string,
  to?: string,
  at: FilterAt = 'querystring',
): { start?: Date; end?: Date } {
  const start = from ? dayStart(from, 'dateFrom', at) : undefined;
  const end = to ? new Date(dayStart(to, 'dateTo', at).getTime() + DAY_MS) : undefined;
  if (start && end && end <= start) {
    throw new AppError('VALIDATION_FAILED', {
      zh: '结束日期早于开始日期',
      en: 'The end date is before the start date',
      details: [{ field: `${at}.dateTo`, message: `${to} is before ${from}` }],
      detailsZh: [{ field: `${at}.dateTo`, message: `${to} 早于 ${from}` }],
    });
  }
  return { start, end };
}

/**
 * The rules of a filter the schema cannot say: real calendar days in order, and a queue of one of
 * the caller's own roles. The list (and its export and counts) and a saved filter both check
 * here, so a filter that saves is one the list accepts.
 */
export function checkCaseFilter(actor: Actor, q: CaseFilter, at: FilterAt = 'querystring') {
  const range = chinaDayRange(q.dateFrom, q.dateTo, at);
  if (q.queue && !(workflowRolesOf(actor) as readonly string[]).includes(q.queue)) {
    throw new AppError('VALIDATION_FAILED', {
      zh: `queue：你没有“${q.queue}”角色，不能查看它的待办`,
      en: `queue: you do not hold the role ${q.queue}, so it has no work of yours`,
      details: [{ field: `${at}.queue`, message: `not a role of the caller: ${q.queue}` }],
      detailsZh: [{ field: `${at}.queue`, message: `不是你的角色：${q.queue}` }],
    });
  }
  return range;
}

/** Every condition of the list for this caller (scope first), at `now` for the light. */
export function caseListWhere(actor: Actor, q: CaseFilter, now: Date): SQL | undefined {
  const { start, end } = checkCaseFilter(actor, q);
  const dateColumn = DATE_COLUMNS[q.dateField ?? 'createdAt'];
  return and(
    caseRead.filter(actor),
    q.view === 'mine'
      ? myWorkSql(actor, q.queue)
      : q.view === 'own'
        ? myWorkSql(actor, q.queue, 'own')
        : undefined,
    q.state?.length ? inArray(caseFile.state, q.state) : undefined,
    q.matterCode ? eq(caseFile.matterCode, q.matterCode) : undefined,
    q.gridId ? eq(caseFile.gridId, q.gridId) : undefined,
    q.componentId ? eq(caseFile.componentId, q.componentId) : undefined,
    q.districtCode ? eq(caseFile.districtCode, q.districtCode) : undefined,
    q.unitId ? eq(caseFile.unitId, q.unitId) : undefined,
    q.channel ? eq(caseFile.channel, q.channel) : undefined,
    q.light ? lightSql(q.light, now) : undefined,
    q.q
      ? or(
          ilike(caseFile.code, `%${likeLiteral(q.q)}%`),
          ilike(caseFile.description, `%${likeLiteral(q.q)}%`),
        )
      : undefined,
    start ? sql`${dateColumn} >= ${start}` : undefined,
    end ? sql`${dateColumn} < ${end}` : undefined,
  );
}

/**
 * The order: the whitelisted column both ways (empty values last either way), then the id, so
 * pages and an export never shuffle rows that tie. Without `sort`: "mine" by deadline, "all"
 * newest first.
 */
export function caseListOrder(q: CaseFilter): SQL[] {
  if (!q.sort) {
    return q.view === 'mine' || q.view === 'own'
      ? [sql`${caseFile.currentDueAt} ASC NULLS LAST`, desc(caseFile.createdAt), asc(caseFile.id)]
      : [desc(caseFile.createdAt), desc(caseFile.id)];
  }
  const column = SORT_COLUMNS[q.sort];
  const dir = q.order === 'desc' ? sql`DESC` : sql`ASC`;
  return [sql`${column} ${dir} NULLS LAST`, q.order === 'desc' ? desc(caseFile.id) : asc(caseFile.id)];
}
