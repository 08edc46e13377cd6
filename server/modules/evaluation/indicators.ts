/**
 * The indicators of 综合评价 (domain.md §8, CJ/T 292 / GB/T 30428.4), each defined ONCE here:
 * what is counted (its source: one row per report, per stage decision, per case …), which time a
 * row counts in, which stage clock it reads, the denominator's and the numerator's predicates,
 * and a description in both languages. The figure and the drill-down are the same SQL over these
 * definitions (query.ts `factRows`): a figure counts the rows its drill-down lists, so the two
 * cannot disagree. Nothing is typed in; nothing is looped over in JavaScript.
 *
 * Predicates are SQL over two aliases: `f` — the source's row (`case_id`, `at`, `unit_id`,
 * `actor`, `item` and the source's own columns) — and `c`, the case it is about as its facts hold
 * it (query.ts `CASE_OF_FACT`: `id`, regions, `state`, `channel`, `filed_at`, `rework_count`,
 * `ever_parked`, `verified_true`, `dispose_late`, `dispose_open_due`, `matter_code`). Sources read the evaluation's
 * facts (tables.ts `evaluationFact`), which the database keeps with every change of the record.
 */
import { getTableName, type SQL, sql } from 'drizzle-orm';
import type { Stage } from '../../../common/workflow.ts';
import { event } from '../../platform/event-table.ts';
import { evaluationReads as callbackTables } from '../callbacks/index.ts';
import { evaluationReads as caseTables } from '../cases/index.ts';
import { evaluationFact } from './tables.ts';

/**
 * The tables the indicators read, by their owners' definitions: the case loop's (through
 * cases/index.ts) and the call-backs' satisfactions (callbacks/index.ts), read-only — the
 * evaluation's documented exception (docs/ARCHITECTURE.md, "Module boundaries").
 */
export const T = {
  caseFile: getTableName(caseTables.caseFile),
  stage: getTableName(caseTables.caseStage),
  report: getTableName(caseTables.report),
  satisfaction: getTableName(callbackTables.satisfaction),
  event: getTableName(event),
  fact: getTableName(evaluationFact),
} as const;

import { REGION_TYPES, type RegionType, type SubjectType } from '../../../common/evaluation.ts';

export {
  POST_TYPES,
  type PostType,
  REGION_TYPES,
  type RegionType,
  SUBJECT_TYPES,
  type SubjectType,
} from '../../../common/evaluation.ts';

export interface Text {
  zh: string;
  en: string;
}

/** The half-open period [from, to) a figure covers (instants; China days are the caller's choice). */
export interface Period {
  from: Date;
  to: Date;
}

/**
 * What a source's rows are: the item counted, the time it counts in, who its post subject is and
 * which unit it is about. `rows(period, workMs)` selects its rows whose time lies in the period;
 * `workMs(ts)` renders the working milliseconds of the city's calendar up to an instant (for the
 * average handling time).
 */
export interface Source {
  item: Text;
  countsIn: Text;
  /** Who the post subject is (the actor of the decision, the submitter …); absent: no post. */
  actor?: Text;
  /** Which unit the row is about; absent: no unit subject. */
  unit?: Text;
  rows(period: Period, workMs: (ts: SQL) => SQL): SQL;
}

const inPeriod = (col: string, p: Period) => sql`${sql.raw(col)} >= ${p.from} AND ${sql.raw(col)} < ${p.to}`;

/**
 * A source's rows: its facts (tables.ts `evaluationFact`, kept by the database in the same
 * transaction as the record — migration 0031 says how each source's rows and the case facts are
 * derived) whose time lies in the period, read through the index on (source, at).
 */
const factsOf =
  (source: string, extra?: (workMs: (ts: SQL) => SQL) => SQL) => (p: Period, workMs: (ts: SQL) => SQL) =>
    // OFFSET 0 keeps a computed column computed once per row: without it the planner pulls the
    // subquery up and writes the expression out at each use (the average handling time reads it
    // in its denominator, numerator and value) — four sub-plans per closed case (session 26).
    sql`SELECT f.*${extra ? sql`, ${extra(workMs)}` : sql``}
      FROM ${sql.raw(T.fact)} f WHERE f.source = ${source} AND ${inPeriod('f.at', p)}${extra ? sql` OFFSET 0` : sql``}`;

const DECISION_ACTOR: Text = { zh: '作出该决定的人员', en: 'the person who took the decision' };
const STAGE_TIME: Text = { zh: '阶段结束时间', en: 'when the stage ended' };

export const SOURCES = {
  reports: {
    item: {
      zh: '每条上报（含合并到已有案件的上报）',
      en: 'each report (duplicates merged into a case included)',
    },
    countsIn: { zh: '上报时间', en: 'when it was reported' },
    actor: { zh: '上报的监督员（监督员渠道）', en: 'the inspector who reported it (inspector channel)' },
    rows: factsOf('reports'),
  },
  filed: {
    item: { zh: '每个已立案案件', en: 'each filed case' },
    countsIn: { zh: '立案时间', en: 'when it was filed' },
    actor: { zh: '立案的值班长', en: 'the shift leader who filed it' },
    unit: { zh: '案件当前（最后）派遣的单位', en: 'the unit the case is (last) dispatched to' },
    rows: factsOf('filed'),
  },
  dispatched: {
    item: { zh: '每个已派遣案件', en: 'each dispatched case' },
    countsIn: { zh: '（最后一次）派遣时间', en: 'when it was (last) dispatched' },
    actor: { zh: '最后一次派遣的派遣员', en: 'the dispatcher of the last dispatch' },
    unit: { zh: '案件当前（最后）派遣的单位', en: 'the unit the case is (last) dispatched to' },
    rows: factsOf('dispatched'),
  },
  acceptDecisions: {
    item: { zh: '每个结束的受理阶段', en: 'each ended acceptance stage' },
    countsIn: STAGE_TIME,
    actor: DECISION_ACTOR,
    rows: factsOf('acceptDecisions'),
  },
  verifyDecisions: {
    item: { zh: '每个结束的核实阶段', en: 'each ended verification stage' },
    countsIn: STAGE_TIME,
    actor: DECISION_ACTOR,
    rows: factsOf('verifyDecisions'),
  },
  filingDecisions: {
    item: { zh: '每个结束的立案阶段', en: 'each ended filing stage' },
    countsIn: STAGE_TIME,
    actor: DECISION_ACTOR,
    rows: factsOf('filingDecisions'),
  },
  dispatchDecisions: {
    item: { zh: '每个结束的派遣阶段', en: 'each ended dispatch stage' },
    countsIn: STAGE_TIME,
    actor: DECISION_ACTOR,
    rows: factsOf('dispatchDecisions'),
  },
  checkDecisions: {
    item: {
      zh: '每个结束的核查阶段（处置反馈到核查结果）',
      en: 'each ended check stage (feedback to outcome)',
    },
    countsIn: STAGE_TIME,
    actor: DECISION_ACTOR,
    rows: factsOf('checkDecisions'),
  },
  closeDecisions: {
    item: { zh: '每个结束的结案阶段', en: 'each ended closing stage' },
    countsIn: STAGE_TIME,
    actor: DECISION_ACTOR,
    rows: factsOf('closeDecisions'),
  },
  closed: {
    item: { zh: '每个已结案案件（最后一次结案）', en: 'each closed case (its last closing)' },
    countsIn: { zh: '结案时间', en: 'when it was closed' },
    unit: { zh: '结案时案件所在单位', en: 'the unit the case was with when closed' },
    rows: factsOf(
      'closed',
      // The disposal stages kept on the row, in working hours on today's calendar. Most closed
      // cases had one disposal stage: that one is a plain expression; more (rework) sum an unnest,
      // a sub-plan run per row — for every row it was two thirds of a month's figures page at
      // 1,000,000 cases (session 27). CASE evaluates only the branch taken.
      (workMs) => sql`CASE WHEN cardinality(f.dispose_starts) = 1
        THEN (${workMs(sql`coalesce(f.dispose_stops[1], f.at)`)} - ${workMs(sql`f.dispose_starts[1]`)})::numeric
        ELSE (SELECT sum(${workMs(sql`coalesce(s.stopped_at, f.at)`)} - ${workMs(sql`s.started_at`)})
          FROM unnest(f.dispose_starts, f.dispose_stops) AS s(started_at, stopped_at)) END / 3600000.0 AS dispose_hours`,
    ),
  },
  satisfactions: {
    item: {
      zh: '每条满意度评价（回访、公众端、Open311）',
      en: 'each satisfaction (call-back, portal, Open311)',
    },
    countsIn: { zh: '所评价的那次结案的时间', en: 'when the closing rated took place' },
    unit: { zh: '结案时案件所在单位', en: 'the unit the case was with when closed' },
    rows: factsOf('satisfactions'),
  },
  departmentDisposals: {
    item: {
      zh: '每个部门自查自处置并已结案的案件',
      en: 'each closed case a department reported already fixed',
    },
    countsIn: { zh: '结案时间', en: 'when it was closed' },
    unit: { zh: '自行处置的单位（事件的机构）', en: 'the unit that fixed it (the event’s organisation)' },
    rows: factsOf('departmentDisposals'),
  },
} satisfies Record<string, Source>;
export type SourceKey = keyof typeof SOURCES;

export interface Indicator {
  key: string;
  /** `count`: rows of the denominator; `rate`: numerator / denominator; `average`: mean `value`. */
  kind: 'count' | 'rate' | 'average';
  name: Text;
  description: Text;
  source: SourceKey;
  /** The stage clock the indicator reads (on-time = the stage ended by its due time), if any. */
  clock: Stage | null;
  subjects: readonly SubjectType[];
  /** The rows that count (`count`), are due (`rate`) or are averaged (`average`). */
  denominator: SQL;
  /** Of the denominator's rows, those that meet the indicator (`rate` only). */
  numerator?: SQL;
  /** The figure averaged (`average` only), per row. */
  value?: SQL;
  unit?: 'hours';
  /** What the record does not hold that the usual definition would need, said plainly. */
  lacks?: Text;
}

const REGIONS = REGION_TYPES;
const p = (s: string) => sql.raw(s);
/** A dispose stage of the case ran past its due time (ended late, or still open and past due). */
const LATE_DISPOSAL = `(c.dispose_late OR coalesce(c.dispose_open_due < now(), false))`;
const DISPOSED = `c.state IN ('fed_back', 'checking', 'pending_close', 'closed')`;
const NEVER_PARKED = 'NOT c.ever_parked';

export const INDICATORS: readonly Indicator[] = [
  {
    key: 'reports',
    kind: 'count',
    name: { zh: '上报数', en: 'Reports' },
    description: {
      zh: '期间内的上报条数（各渠道；合并到已有案件的重复上报也计入）。监督员按本人在监督员渠道的上报计。',
      en: 'Reports in the period, every channel, duplicates merged into a case included. An inspector: their own reports on the inspector channel.',
    },
    source: 'reports',
    clock: null,
    subjects: [...REGIONS, 'inspector'],
    denominator: p('true'),
  },
  {
    key: 'validReportRate',
    kind: 'rate',
    name: { zh: '有效上报率', en: 'Valid-report rate' },
    description: {
      zh: '有效上报 / 上报。有效：未作为重复上报合并，且其案件已立案，或经现场自处置后结案。',
      en: 'Valid reports / reports. Valid: not merged as a duplicate, and its case was filed, or closed after a fix on the spot.',
    },
    source: 'reports',
    clock: null,
    subjects: [...REGIONS, 'inspector'],
    denominator: p('true'),
    numerator: p(`NOT f.merged AND (c.filed_at IS NOT NULL OR c.state = 'closed')`),
  },
  {
    key: 'missRate',
    kind: 'rate',
    name: { zh: '漏报率', en: 'Miss rate' },
    description: {
      zh: '漏报 / 立案数。漏报：非监督员渠道发现（公众、热线、传感器等）且经监督员核实属实的立案案件。',
      en: 'Missed / filed. Missed: a filed case found by others (public, hotline, sensors …) that an inspector verified as true.',
    },
    source: 'filed',
    clock: null,
    subjects: REGIONS,
    denominator: p('true'),
    numerator: p(`c.channel <> 'inspector' AND c.verified_true`),
    lacks: {
      zh: '记录中没有监督员的责任网格（巡查片区），因此漏报率不能按监督员个人计算，只按区域计算。',
      en: "The record holds no inspector's beat (the grids they patrol), so the miss rate is per region only, not per inspector.",
    },
  },
  {
    key: 'onTimeAcceptRate',
    kind: 'rate',
    name: { zh: '按时受理率', en: 'On-time acceptance rate' },
    description: {
      zh: '按时受理 / 受理决定（受理、派核实、不予受理）。按时：受理阶段在时限内结束。',
      en: 'Acceptance decisions (accept, send to verify, reject) taken by the acceptance stage’s due time / all of them.',
    },
    source: 'acceptDecisions',
    clock: 'accept',
    subjects: [...REGIONS, 'acceptor'],
    denominator: p(`f.ended_by IN ('case.accept_report', 'case.request_verify', 'case.reject')`),
    numerator: p('f.on_time'),
  },
  {
    key: 'onTimeVerifyRate',
    kind: 'rate',
    name: { zh: '按时核实率', en: 'On-time verification rate' },
    description: {
      zh: '按时核实 / 核实（属实、不属实）。按时：核实阶段在时限内结束；被合并或自处置结束的核实不计。',
      en: 'Verifications (true or not) by the verify stage’s due time / all verifications; a verification ended by a merge or a fix on the spot is not one.',
    },
    source: 'verifyDecisions',
    clock: 'verify',
    subjects: [...REGIONS, 'inspector'],
    denominator: p(`f.ended_by IN ('case.verify_confirm', 'case.verify_deny')`),
    numerator: p('f.on_time'),
  },
  {
    key: 'onTimeCheckRate',
    kind: 'rate',
    name: { zh: '按时核查率', en: 'On-time check rate' },
    description: {
      zh: '按时核查 / 核查（通过、不通过）。核查阶段自单位反馈起，到监督员核查结果止；每次返工后的核查各计一次。',
      en: 'Checks (pass or fail) by the check stage’s due time / all checks. The stage runs from the unit’s feedback to the outcome; each check after a rework counts.',
    },
    source: 'checkDecisions',
    clock: 'check',
    subjects: [...REGIONS, 'inspector'],
    denominator: p(`f.ended_by IN ('case.check_pass', 'case.check_fail')`),
    numerator: p('f.on_time'),
  },
  {
    key: 'filedCount',
    kind: 'count',
    name: { zh: '立案数（不含挂账）', en: 'Filed (less parked)' },
    description: {
      zh: '期间内立案的案件数，曾经批准挂账的案件不计。',
      en: 'Cases filed in the period, less those whose parking was ever approved.',
    },
    source: 'filed',
    clock: null,
    subjects: [...REGIONS, 'unit', 'shift_leader'],
    denominator: p(NEVER_PARKED),
  },
  {
    key: 'onTimeFilingRate',
    kind: 'rate',
    name: { zh: '按时立案率', en: 'On-time filing rate' },
    description: {
      zh: '按时立案决定 / 立案决定（立案、不予立案）。按时：立案阶段在时限内结束。',
      en: 'Filing decisions (file, reject) by the filing stage’s due time / all of them.',
    },
    source: 'filingDecisions',
    clock: 'filing',
    subjects: [...REGIONS, 'shift_leader'],
    denominator: p(`f.ended_by IN ('case.file', 'case.reject')`),
    numerator: p('f.on_time'),
  },
  {
    key: 'filingAccuracy',
    kind: 'rate',
    name: { zh: '准确立案率', en: 'Filing accuracy' },
    description: {
      zh: '（立案数 − 作废数）/ 立案数：期间内立案的案件中未被作废的。',
      en: '(Filed − voided) / filed: of the cases filed in the period, those not voided.',
    },
    source: 'filed',
    clock: null,
    subjects: [...REGIONS, 'shift_leader'],
    denominator: p('true'),
    numerator: p(`c.state <> 'voided'`),
  },
  {
    key: 'onTimeDispatchRate',
    kind: 'rate',
    name: { zh: '按时派遣率', en: 'On-time dispatch rate' },
    description: {
      zh: '按时派遣决定 / 派遣决定（派遣、上报市级协调）。按时：派遣阶段在时限内结束；作废结束的不计。',
      en: 'Dispatch decisions (dispatch, escalate) by the dispatch stage’s due time / all of them; a stage ended by a void is not one.',
    },
    source: 'dispatchDecisions',
    clock: 'dispatch',
    subjects: [...REGIONS, 'dispatcher'],
    denominator: p(`f.ended_by IN ('case.dispatch', 'case.escalate')`),
    numerator: p('f.on_time'),
  },
  {
    key: 'dispatchAccuracy',
    kind: 'rate',
    name: { zh: '准确派遣率', en: 'Dispatch accuracy' },
    description: {
      zh: '（派遣数 − 返工数）/ 派遣数：期间内派遣的案件中从未返工的。按最后一次派遣的派遣员计。',
      en: '(Dispatched − reworked) / dispatched: of the cases dispatched in the period, those never reworked; by the dispatcher of the last dispatch.',
    },
    source: 'dispatched',
    clock: null,
    subjects: [...REGIONS, 'dispatcher'],
    denominator: p('true'),
    numerator: p('c.rework_count = 0'),
    lacks: {
      zh: '回退（单位认为不属于本单位）不计入准确派遣率：国标公式只扣返工。',
      en: 'Returns (a unit saying “not ours”) do not count against dispatch accuracy: the standard formula deducts rework only.',
    },
  },
  {
    key: 'disposalRate',
    kind: 'rate',
    name: { zh: '处置率', en: 'Disposal rate' },
    description: {
      zh: '已处置 / 应处置：期间内派遣的案件中，单位已反馈（待核查、核查中、待结案或已结案）的。',
      en: 'Disposed / due: of the cases dispatched in the period, those the unit has fed back on (awaiting check, checking, awaiting closing or closed).',
    },
    source: 'dispatched',
    clock: 'dispose',
    subjects: [...REGIONS, 'unit'],
    denominator: p('true'),
    numerator: p(DISPOSED),
  },
  {
    key: 'onTimeDisposalRate',
    kind: 'rate',
    name: { zh: '按期处置率', en: 'On-time disposal rate' },
    description: {
      zh: '按期处置 / 应处置：期间内派遣的案件中，已处置且每一次处置阶段都在（含批准延期后的）时限内结束的。',
      en: 'On time / due: of the cases dispatched in the period, those disposed with every disposal stage ended by its due time (an approved extension moves it).',
    },
    source: 'dispatched',
    clock: 'dispose',
    subjects: [...REGIONS, 'unit'],
    denominator: p('true'),
    numerator: p(`${DISPOSED} AND NOT ${LATE_DISPOSAL}`),
  },
  {
    key: 'overdueDisposalRate',
    kind: 'rate',
    name: { zh: '超期处置率', en: 'Overdue disposal rate' },
    description: {
      zh: '超期 / 应处置：期间内派遣的案件中，有一次处置阶段超过时限（超时结束，或未结束且已超时）的。',
      en: 'Overdue / due: of the cases dispatched in the period, those with a disposal stage past its due time (ended late, or still open and late).',
    },
    source: 'dispatched',
    clock: 'dispose',
    subjects: [...REGIONS, 'unit'],
    denominator: p('true'),
    numerator: p(LATE_DISPOSAL),
  },
  {
    key: 'closureRate',
    kind: 'rate',
    name: { zh: '结案率', en: 'Closure rate' },
    description: {
      zh: '结案数 / 立案数：期间内立案的案件中已结案的。',
      en: 'Closed / filed: of the cases filed in the period, those closed.',
    },
    source: 'filed',
    clock: null,
    subjects: [...REGIONS, 'unit'],
    denominator: p('true'),
    numerator: p(`c.state = 'closed'`),
  },
  {
    key: 'onTimeClosureRate',
    kind: 'rate',
    name: { zh: '按期结案率', en: 'On-time closure rate' },
    description: {
      zh: '按期结案 / 立案数：期间内立案的案件中，已结案且每一次处置阶段都在时限内结束的。',
      en: 'Closed on time / filed: of the cases filed in the period, those closed with every disposal stage ended by its due time.',
    },
    source: 'filed',
    clock: 'dispose',
    subjects: [...REGIONS, 'unit'],
    denominator: p('true'),
    numerator: p(`c.state = 'closed' AND NOT ${LATE_DISPOSAL}`),
  },
  {
    key: 'onTimeCloseRate',
    kind: 'rate',
    name: { zh: '按时结案率（值班长）', en: 'On-time closing (shift leader)' },
    description: {
      zh: '在结案阶段时限内结案 / 结案。结案阶段自核查通过（或自处置）起。',
      en: 'Closings by the closing stage’s due time / closings. The stage starts when the check passes (or at a fix on the spot).',
    },
    source: 'closeDecisions',
    clock: 'close',
    subjects: [...REGIONS, 'shift_leader'],
    denominator: p(`f.ended_by = 'case.close'`),
    numerator: p('f.on_time'),
  },
  {
    key: 'reworkRate',
    kind: 'rate',
    name: { zh: '返工率', en: 'Rework rate' },
    description: {
      zh: '返工案件 / 立案数：期间内立案的案件中至少返工一次的（按立案数计，部分城市按处置数计）。',
      en: 'Reworked / filed: of the cases filed in the period, those reworked at least once (over filed; some cities use disposed).',
    },
    source: 'filed',
    clock: null,
    subjects: [...REGIONS, 'unit'],
    denominator: p('true'),
    numerator: p('c.rework_count > 0'),
  },
  {
    key: 'avgHandlingHours',
    kind: 'average',
    name: { zh: '平均处置时长（工作时）', en: 'Average handling time (working hours)' },
    description: {
      zh: '期间内结案的案件，其各次处置阶段（派遣到反馈）按工作日历计的工作时之和的平均值。',
      en: 'Of the cases closed in the period, the mean of their disposal stages’ working hours (dispatch to feedback) on the working calendar.',
    },
    source: 'closed',
    clock: 'dispose',
    subjects: [...REGIONS, 'unit'],
    denominator: p('f.dispose_hours IS NOT NULL'),
    value: p('f.dispose_hours'),
    unit: 'hours',
    lacks: {
      zh: '挂账暂停的时段在恢复后不再记录在处置阶段上，因此挂账期间计入处置时长。',
      en: 'A parked interval is not kept on the disposal stage once it resumes, so time parked counts in the handling time.',
    },
  },
  {
    key: 'satisfactionRate',
    kind: 'rate',
    name: { zh: '满意率', en: 'Satisfaction rate' },
    description: {
      zh: '（满意 + 基本满意）/ 评价数：所评价的结案在期间内的回访、公众端和 Open311 评价。',
      en: '(Satisfied + basically satisfied) / ratings: call-backs, portal and Open311 ratings of closings in the period.',
    },
    source: 'satisfactions',
    clock: null,
    subjects: [...REGIONS, 'unit'],
    denominator: p('true'),
    numerator: p(`f.result IN ('satisfied', 'basically_satisfied')`),
  },
  {
    key: 'departmentSelfDisposals',
    kind: 'count',
    name: { zh: '部门自处置数', en: 'Department self-disposals' },
    description: {
      zh: '部门自查上报时已自行处置、并据此结案的案件数（值班长改为立案或因新上报转立案的不计），计入自行处置的单位。',
      en: 'Closed cases a department reported as already fixed (部门自查) and closed on that fix (not those the shift leader filed as ordinary cases or a later report sent on to filing), counted for the unit that fixed them.',
    },
    source: 'departmentDisposals',
    clock: null,
    subjects: [...REGIONS, 'unit'],
    denominator: p('true'),
  },
];

export const INDICATOR_KEYS = INDICATORS.map((i) => i.key);
export const indicatorByKey = (key: string) => INDICATORS.find((i) => i.key === key);

/** The SQL rendering of a region subject's column of the case. */
export const REGION_COLUMN: Record<RegionType, string> = {
  district: 'c.district_code',
  township: 'c.township_code',
  community: 'c.community_code',
  grid: 'c.grid_id',
};
