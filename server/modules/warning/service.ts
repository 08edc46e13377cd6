/**
 * The early warning (预警): a run computes every rise and every unit's overdue risk from grouped
 * counts (compute.ts), judges them (rule.ts), stores them deduplicated — one live warning per
 * subject × family × kind, updated by later runs, resolved by the first run that no longer finds
 * it — and puts each NEW warning in the inboxes of the city's leaders and of its district's shift
 * leaders, in the same transaction. Runs are periodic (`startWarningLoop`, every node; an
 * advisory lock makes them one at a time) and on demand (`POST /api/warnings/run`).
 */
import { and, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Notice } from '../../../common/events.ts';
import { recordEvent } from '../../platform/audit.ts';
import { type RequestContext, systemContext } from '../../platform/context.ts';
import type { Database, Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { everyInterval } from '../../platform/periodic.ts';
import { referenceCatalogue } from '../catalog/index.ts';
import { divisionNames } from '../geo/index.ts';
import { usersWithRoles } from '../identity/index.ts';
import { insertNotifications } from '../notifications/index.ts';
import { centreOf } from '../org/index.ts';
import { getSetting, type WarningRules } from '../settings/index.ts';
import { riseCounts, unitRisks } from './compute.ts';
import { warningRead, warningRun } from './policy.ts';
import { type Judgement, judgeRise, judgeUnit } from './rule.ts';
import type { WarningListQueryT } from './schemas.ts';
import {
  type WarningKind,
  type WarningRow,
  type WarningState,
  type WarningSubject,
  warning,
} from './tables.ts';

/** The inbox kind of a new warning (the web words it from its params). */
export const WARNING_NOTICE_KIND = 'warning.raised';
/** One run at a time across nodes: a transaction-scoped advisory lock on this key. */
const RUN_LOCK = 0x7761726e; // 'warn'

interface Found extends Judgement {
  kind: WarningKind;
  subjectType: WarningSubject;
  subjectId: string;
  subjectName: string;
  districtCode: string;
  family: string;
}

export interface RunResult {
  at: string;
  raised: number;
  updated: number;
  resolved: number;
  open: number;
}

/** The family's words: "市容环境类" / "matter family 06". */
function familyName(family: string): { zh: string; en: string } {
  const [kind, code] = family.split(':');
  const ref = referenceCatalogue();
  const majors = kind === 'component' ? ref.componentMajors : ref.matterMajors;
  const name = majors.find((m) => m.code === code)?.name ?? (code === '99' ? '本地类型' : code);
  return {
    zh: `${kind === 'component' ? '部件' : '事件'}·${name}`,
    en: `${kind === 'component' ? 'component' : 'matter'} family ${code}`,
  };
}

/** Everything a run finds now: rises of grids and districts, unit risks, each judged. */
async function findWarnings(db: Db, now: Date, r: WarningRules): Promise<Found[]> {
  const [grids, districts, units] = await Promise.all([
    riseCounts(db, 'grid', now, r),
    riseCounts(db, 'district', now, r),
    unitRisks(db, now),
  ]);
  const names = await divisionNames(db, [...new Set([...grids, ...districts].map((x) => x.districtCode))]);
  const found: Found[] = [];
  for (const [level, rows] of [
    ['grid', grids],
    ['district', districts],
  ] as const) {
    for (const row of rows) {
      const j = judgeRise(row.counts, r);
      if (!j.warn) continue;
      const fam = familyName(row.family);
      const district = names.get(row.districtCode) ?? row.districtCode;
      const where =
        level === 'grid'
          ? { zh: `${district} 网格 ${row.subjectId}`, en: `grid ${row.subjectId} (${row.districtCode})` }
          : { zh: district, en: `district ${row.districtCode}` };
      found.push({
        ...j,
        kind: 'rise',
        subjectType: level,
        subjectId: row.subjectId,
        subjectName: level === 'grid' ? `${district} ${row.subjectId}` : district,
        districtCode: row.districtCode,
        family: row.family,
        zh: `${where.zh}「${fam.zh}」上报异常上升：${j.zh}`,
        en: `Unusual rise of ${fam.en} in ${where.en}: ${j.en}`,
      });
    }
  }
  for (const u of units) {
    const j = judgeUnit(u.open, u.near, u.overdue, r);
    if (!j.warn) continue;
    found.push({
      ...j,
      kind: 'overdue_risk',
      subjectType: 'unit',
      subjectId: u.unitId,
      subjectName: u.unitName,
      districtCode: u.districtCode,
      family: '',
      zh: `${u.unitName}（${u.districtCode} 的案件）处置超期风险：${j.zh}`,
      en: `Overdue risk of ${u.unitName} (cases of ${u.districtCode}): ${j.en}`,
    });
  }
  return found;
}

/** Who is told of a new warning: the city's leaders, and the shift leaders of its district. */
async function recipients(tx: Db, districtCode: string, cache: Map<string, string[]>): Promise<string[]> {
  const of = async (key: string, level: 'city' | 'district', role: string) => {
    let ids = cache.get(key);
    if (!ids) {
      const centre = await centreOf(tx, level, districtCode);
      ids = centre ? (await usersWithRoles(tx, [centre.id], [role])).map((u) => u.id) : [];
      cache.set(key, ids);
    }
    return ids;
  };
  return [
    ...new Set([
      ...(await of('city', 'city', 'leader')),
      ...(await of(`district:${districtCode}`, 'district', 'shift_leader')),
    ]),
  ];
}

/**
 * One run at `now`: stores what it finds (new ones raised and delivered, live ones updated) and
 * resolves the live warnings it no longer finds. Everything in one transaction under the lock.
 */
export async function runWarnings(db: Db, ctx: RequestContext, now = new Date()): Promise<RunResult> {
  const r = await getSetting(db, 'warning.rules');
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${RUN_LOCK})`);
    const found = await findWarnings(tx, now, r);
    let raised = 0;
    const notices: Notice[] = [];
    const cache = new Map<string, string[]>();
    for (let i = 0; i < found.length; i += 500) {
      const rows = await tx
        .insert(warning)
        .values(
          found.slice(i, i + 500).map((f) => ({
            kind: f.kind,
            subjectType: f.subjectType,
            subjectId: f.subjectId,
            subjectName: f.subjectName,
            districtCode: f.districtCode,
            family: f.family,
            observed: f.observed,
            baseline: f.baseline,
            rule: f.rule,
            explanationZh: f.zh,
            explanationEn: f.en,
            state: 'open' as const,
            firstSeenAt: now,
            lastSeenAt: now,
          })),
        )
        .onConflictDoUpdate({
          target: [
            warning.kind,
            warning.subjectType,
            warning.subjectId,
            warning.family,
            warning.districtCode,
          ],
          targetWhere: sql`state <> 'resolved'`,
          set: {
            subjectName: sql`excluded.subject_name`,
            observed: sql`excluded.observed`,
            baseline: sql`excluded.baseline`,
            rule: sql`excluded.rule`,
            explanationZh: sql`excluded.explanation_zh`,
            explanationEn: sql`excluded.explanation_en`,
            lastSeenAt: sql`excluded.last_seen_at`,
          },
        })
        // xmax = 0: the row was inserted by this statement, not updated.
        .returning({
          id: warning.id,
          inserted: sql<boolean>`(xmax = 0)`,
          districtCode: warning.districtCode,
          zh: warning.explanationZh,
          en: warning.explanationEn,
        });
      for (const w of rows.filter((x) => x.inserted)) {
        raised++;
        for (const userId of await recipients(tx, w.districtCode, cache))
          notices.push({
            userId,
            caseId: null,
            kind: WARNING_NOTICE_KIND,
            params: { warningId: w.id, text: { zh: w.zh, en: w.en } },
          });
      }
    }
    await insertNotifications(tx, notices);
    const resolved = await tx
      .update(warning)
      .set({ state: 'resolved', resolvedAt: now })
      .where(and(sql`${warning.state} <> 'resolved'`, sql`${warning.lastSeenAt} < ${now}`))
      .returning({ id: warning.id });
    const result: RunResult = {
      at: now.toISOString(),
      raised,
      updated: found.length - raised,
      resolved: resolved.length,
      open: found.length,
    };
    // Audited only when something changed: a periodic run that finds the same is no event.
    if (raised || resolved.length || ctx.actor.type !== 'system')
      await recordEvent(tx, ctx, {
        action: 'warning.run',
        entityType: 'warning',
        entityId: null,
        districtCode: null,
        after: { ...result },
      });
    return result;
  });
}

/** The on-demand run: the city only (it writes every district's warnings). */
export async function runWarningsNow(db: Db, ctx: RequestContext): Promise<RunResult> {
  warningRun.requirePermission(ctx.actor, { zh: '无权查看预警', en: 'You may not read the warnings' });
  if (!warningRun.reachesAny(ctx.actor))
    throw new AppError('FORBIDDEN', {
      zh: '预警由市中心重新计算',
      en: 'The warnings are recomputed by the city centre',
    });
  return runWarnings(db, ctx);
}

function requireRead(ctx: RequestContext) {
  warningRead.requirePermission(ctx.actor, { zh: '无权查看预警', en: 'You may not read the warnings' });
  if (!warningRead.reachesAny(ctx.actor))
    throw new AppError('FORBIDDEN', {
      zh: '预警由市、区中心查看，单位不能查看',
      en: 'The warnings are read by the city and district centres, not by units',
    });
}

export function toWarningDto(w: WarningRow) {
  return {
    id: w.id,
    kind: w.kind,
    subjectType: w.subjectType,
    subjectId: w.subjectId,
    subjectName: w.subjectName,
    districtCode: w.districtCode,
    family: w.family || null,
    observed: w.observed,
    baseline: w.baseline,
    rule: w.rule,
    explanation: { zh: w.explanationZh, en: w.explanationEn },
    state: w.state,
    firstSeenAt: w.firstSeenAt.toISOString(),
    lastSeenAt: w.lastSeenAt.toISOString(),
    acknowledgedAt: w.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: w.acknowledgedBy,
    resolvedAt: w.resolvedAt?.toISOString() ?? null,
  };
}

/** The caller's warnings, newest first; by default the live ones (open and acknowledged). */
export async function listWarnings(db: Db, ctx: RequestContext, q: WarningListQueryT) {
  requireRead(ctx);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 50;
  const states: WarningState[] = q.state ? [q.state] : ['open', 'acknowledged'];
  const conditions: (SQL | undefined)[] = [
    warningRead.filter(ctx.actor),
    inArray(warning.state, states),
    q.kind ? eq(warning.kind, q.kind) : undefined,
    q.districtCode ? eq(warning.districtCode, q.districtCode) : undefined,
    q.subjectType ? eq(warning.subjectType, q.subjectType) : undefined,
  ];
  const where = and(...conditions);
  const [rows, [{ n }]] = await Promise.all([
    db
      .select()
      .from(warning)
      .where(where)
      .orderBy(desc(warning.lastSeenAt), desc(warning.observed), warning.id)
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: sql<number>`count(*)::int` }).from(warning).where(where),
  ]);
  return { items: rows.map(toWarningDto), total: Number(n), page, pageSize };
}

/** Takes a live warning (idempotent); a resolved one is 409, one outside the scope 404. */
export async function acknowledgeWarning(db: Db, ctx: RequestContext, id: string) {
  requireRead(ctx);
  return db.transaction(async (tx) => {
    const [w] = await tx.select().from(warning).where(eq(warning.id, id)).for('update');
    if (!w || !warningRead.allows(ctx.actor, { districtCode: w.districtCode }))
      throw notFound({ zh: '预警', en: 'Warning' }, id);
    if (w.state === 'resolved')
      throw new AppError('CONFLICT', {
        zh: '该预警已解除，无需确认',
        en: 'This warning is resolved; there is nothing to acknowledge',
        details: [{ field: 'id', message: 'resolved' }],
      });
    if (w.state === 'acknowledged') return toWarningDto(w);
    const [after] = await tx
      .update(warning)
      .set({
        state: 'acknowledged',
        acknowledgedAt: new Date(),
        acknowledgedBy: ctx.actor.type === 'user' ? ctx.actor.id : null,
      })
      .where(eq(warning.id, id))
      .returning();
    await recordEvent(tx, ctx, {
      action: 'warning.acknowledge',
      entityType: 'warning',
      entityId: id,
      districtCode: w.districtCode,
      before: { state: w.state },
      after: { state: 'acknowledged' },
    });
    return toWarningDto(after);
  });
}

/**
 * The periodic run (server/main.ts), every `intervalMs` on every node: the advisory lock makes
 * the runs one at a time, and each run reads the counts at its own moment, so two nodes' runs in a
 * row only update what the first stored.
 */
export function startWarningLoop(
  database: Database,
  intervalMs: number,
  onError: (err: unknown) => void,
): () => Promise<void> {
  const ctx = systemContext('warning');
  return everyInterval(intervalMs, async () => {
    try {
      await runWarnings(database.db, ctx);
    } catch (err) {
      onError(err);
    }
  });
}
