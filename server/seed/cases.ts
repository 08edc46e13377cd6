/**
 * Demo cases on first start: a few thousand cases (DEMO_CASES, default 3,000; 0 skips) over the
 * last three months in every state and side path, so that queues, maps and dashboards have life
 * in them. Deterministic from a seed.
 *
 * Each case is driven in memory through the real transition table (common/workflow.ts
 * `transition()`: roles, levels, guards and effects), with the real working calendar, stage limits
 * and disposal standards, then written with multi-row inserts (never through the HTTP API): the
 * case row with its denormalised current stage, its reports, stages, timers, field tasks and one
 * event per step (actor = the demo account, time in the past), so the case page, timelines and
 * work queues read them like any other case.
 *
 * Timers: a timer whose time came before the stage stopped (or before now, for a running stage)
 * is written already fired, with its stage mark and its `case.stage_warning`/`case.stage_overdue`
 * event at that time; a running stage's future timers are written pending. So nothing piles up for
 * the sweeper at first start. (Timers a stopped stage withdrew are not written: they never fire.)
 *
 * Photos: with a DATA_DIR (every real start) two pictures per matter type are drawn and stored
 * through the upload path (seed/photos.ts); inspectors' reports and half of the app/web reports
 * carry the scene, and every step the transition table asks a photo for (verification,
 * self-disposal, feedback, check) names the scene or the after picture in its event. Each photo is
 * attached to the cases that name it (`case_photo`: reports by the database trigger, steps here),
 * so whoever may see a case may read its photos, as in the live loop.
 *
 * Inbox: for the cases still open, the notifications the live loop would have written on the way
 * (intake → acceptors, each transition's `notify` effect, each fired warning/overdue timer), to the
 * same recipients (effects.ts `recipientsOf`) at the time of their cause. One the case has since
 * moved past (someone acted on it afterwards) is marked read at that moment; the rest are unread.
 */
import { and, eq, getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { TimeUnit, WorkCalendar } from '../../common/calendar/index.ts';
import { DEMO_DISTRICTS } from '../../common/identity.ts';
import {
  type CaseAction,
  type CaseState,
  CREATION,
  type Notify,
  type Stage,
  transition,
  type WorkflowInput,
  type WorkflowRole,
} from '../../common/workflow.ts';
import {
  appUser,
  type Channel,
  caseCodeSeq,
  caseFile,
  caseStage,
  caseTask,
  caseTimer,
  catalogType,
  disposalStandard,
  event,
  grid,
  notification,
  org,
  report,
  routeRule,
  type TimeLimit,
} from '../db-schema.ts';
import {
  type CaseRow,
  type CaseSettings,
  currentWarnAt,
  dueOf,
  insertCasePhotos,
  loadClock,
  notificationRows,
  type Plan,
  type PlannedLimit,
  planCreation,
  planEffects,
  type RecipientCache,
  recipientsOf,
  resumedDue,
  type StageOp,
  type TaskOp,
  timersOf,
} from '../modules/cases/index.ts';
import { convertLngLat } from '../modules/geo/index.ts';
import { pickRule } from '../modules/routing/index.ts';
import { recordEvent } from '../platform/audit.ts';
import type { RequestContext } from '../platform/context.ts';
import type { Db } from '../platform/db.ts';
import { DEMO_UNITS, demoOrgs } from './demo-orgs.ts';
import { type DemoPhotos, NO_PHOTOS, seedDemoPhotos } from './photos.ts';

export const DEFAULT_DEMO_CASES = 3_000;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;

/**
 * DEMO_CASES, or 3,000. Under the test runner (VITEST set) the default is 0: test files seed the
 * demo city for every file and count their own cases; a test that wants demo cases sets DEMO_CASES.
 */
export function demoCaseCount(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DEMO_CASES;
  const fallback = env.VITEST ? 0 : DEFAULT_DEMO_CASES;
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`DEMO_CASES must be a non-negative integer: ${raw}`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const between = (rng: Rng, lo: number, hi: number) => lo + rng() * (hi - lo);
function weighted<T extends string>(rng: Rng, w: Record<T, number>): T {
  const entries = Object.entries(w) as [T, number][];
  let r = rng() * entries.reduce((s, [, v]) => s + v, 0);
  for (const [k, v] of entries) {
    r -= v;
    if (r <= 0) return k;
  }
  return entries[entries.length - 1][0];
}
function uuidFrom(rng: Rng): string {
  const h: string[] = [];
  for (let i = 0; i < 16; i++) {
    let b = Math.floor(rng() * 256);
    if (i === 6) b = (b & 0x0f) | 0x40;
    if (i === 8) b = (b & 0x3f) | 0x80;
    h.push(b.toString(16).padStart(2, '0'));
  }
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

// ---------------------------------------------------------------------------------------------
// What the demo city offers

/** Realistic matter types: city appearance (06), advertising (07), street order (09), and component anomalies (01–04). */
const MATTERS: { code: string; weight: number; text: string[] }[] = [
  { code: '06010', weight: 9, text: ['路边暴露垃圾，影响市容', '人行道上有成堆垃圾未清运'] },
  { code: '06012', weight: 6, text: ['路面不洁，有油污和杂物', '道路保洁不到位，落叶纸屑较多'] },
  { code: '06013', weight: 4, text: ['人行道地砖破损松动', '道路坑洼，雨天积水'] },
  { code: '06036', weight: 5, text: ['楼道口乱堆杂物', '绿化带旁堆放装修垃圾和杂物'] },
  { code: '06042', weight: 6, text: ['垃圾箱满溢，周边散落垃圾', '小区门口垃圾站满溢未清运'] },
  { code: '06040', weight: 2, text: ['公共道路私设地锁', '人行道私装阻车桩'] },
  { code: '06028', weight: 2, text: ['夜间施工噪声扰民', '店铺高音喇叭扰民'] },
  { code: '06027', weight: 2, text: ['餐饮店油烟直排', '油烟净化设施未开启'] },
  { code: '06007', weight: 2, text: ['临街沿街晾晒衣物', '行道树上晾挂被褥'] },
  { code: '07001', weight: 6, text: ['电线杆上张贴小广告', '墙面喷涂办证小广告'] },
  { code: '07003', weight: 2, text: ['违规设置户外广告牌', '广告牌破损有坠落风险'] },
  { code: '07006', weight: 2, text: ['店招牌匾破损', '未经审批设置牌匾'] },
  { code: '09006', weight: 6, text: ['商户占道经营', '水果摊占用人行道'] },
  { code: '09005', weight: 5, text: ['店外经营，桌椅摆上人行道', '餐馆出店经营'] },
  { code: '09001', weight: 3, text: ['无照流动摊贩', '路口游商聚集'] },
  { code: '09009', weight: 4, text: ['机动车占用人行道停放', '机动车乱停堵塞通道'] },
  { code: '09010', weight: 4, text: ['非机动车乱停放', '电动车堵塞盲道'] },
  { code: '09011', weight: 4, text: ['共享单车堆积影响通行', '共享单车倒伏一片'] },
  { code: '09012', weight: 1, text: ['杂物占用消防通道', '车辆堵塞消防通道'] },
  { code: '01001', weight: 3, text: ['供水井盖破损', '供水井盖松动有响声'] },
  { code: '01002', weight: 3, text: ['污水井盖缺失', '污水井盖破损下陷'] },
  { code: '01003', weight: 2, text: ['雨水井盖移位', '雨水井盖破损'] },
  { code: '01004', weight: 2, text: ['雨水箅子堵塞', '雨水箅子缺失'] },
  { code: '01005', weight: 2, text: ['电力井盖破损', '电力井盖凹陷'] },
  { code: '01037', weight: 3, text: ['路灯不亮', '路灯白天常亮'] },
  { code: '02001', weight: 2, text: ['公交站亭破损', '候车亭玻璃碎裂'] },
  { code: '03001', weight: 2, text: ['公厕设施损坏', '公厕卫生差'] },
  { code: '04001', weight: 2, text: ['绿地内树木倒伏', '行道树枝条遮挡信号灯'] },
];

const CHANNELS: Record<Channel, number> = {
  inspector: 45,
  hotline: 25,
  app: 12,
  web: 6,
  wechat: 0,
  sensor: 4,
  video: 0,
  department: 0,
  opinion: 0,
};

type Target = CaseState;
/** Share of each final state (closed the most); open states are recent, terminal ones spread. */
const TARGETS: Record<Target, number> = {
  closed: 600,
  rejected: 45,
  voided: 20,
  merged: 25,
  reported: 15,
  verifying: 15,
  pending_filing: 18,
  self_disposed: 15,
  pending_dispatch: 20,
  dispatched: 30,
  in_progress: 60,
  returned: 12,
  escalated: 12,
  fed_back: 18,
  checking: 18,
  pending_close: 18,
  parked: 15,
};
/** How far back an open case in that state was created (days). */
const OPEN_AGE: Partial<Record<Target, [number, number]>> = {
  reported: [0, 1.5],
  verifying: [0, 3],
  pending_filing: [0, 3],
  self_disposed: [0, 3],
  pending_dispatch: [0, 4],
  dispatched: [0, 6],
  in_progress: [0.5, 14],
  returned: [1, 8],
  escalated: [1, 10],
  fed_back: [1, 12],
  checking: [1, 12],
  pending_close: [1, 12],
  parked: [15, 80],
};
const CITIZENS = ['张先生', '李女士', '王先生', '陈女士', '刘先生', '赵女士', '周先生', '吴女士', '孙先生'];
const STREETS = ['中山西路', '解放南路', '药行街', '天一广场', '人民路', '环城北路', '新明街', '钟公庙路'];

// ---------------------------------------------------------------------------------------------
// Simulation

export interface UserRef {
  id: string;
  username: string;
  orgId: string;
  roles: WorkflowRole[];
  level: 'city_center' | 'district_center' | 'unit';
}
interface GridRef {
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
interface StandardRef {
  id: string;
  filingConditionId: string;
  limits: TimeLimit[];
}
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

type StageSim = typeof caseStage.$inferInsert & {
  id: string;
  startedAt: Date;
  dueAt: Date;
  limitAmount: number;
  limitUnit: string;
};
interface TimerSim {
  id?: number;
  caseId: string;
  stageId: string;
  kind: 'warning' | 'overdue';
  fireAt: Date;
  firedAt: Date | null;
  event?: { after: Record<string, unknown> };
}
type EventRow = typeof event.$inferInsert & { at: Date };
/** A notification the live loop would have written: its cause, the case as it was, and who acted. */
interface NoteSim {
  at: Date;
  kind: string;
  who: Notify[];
  state: CaseState;
  unitId: string | null;
  caseLevel: 'district' | 'city';
  actorId: string | null;
  /** Index of the first event after the cause (the next user event there "reads" it). */
  next: number;
}
/** Steps whose required photo shows the place after disposal; the others show the problem. */
const AFTER_PHOTO = new Set<CaseAction>(['self_dispose', 'feed_back', 'check_pass']);

/** Exported for the engine-parity test (test/integration/seed-parity.test.ts). */
export class CaseSim {
  readonly c: typeof caseFile.$inferInsert & {
    id: string;
    state: CaseState;
    version: number;
    pending: NonNullable<(typeof caseFile.$inferInsert)['pending']>;
  };
  readonly stages: StageSim[] = [];
  readonly timers: TimerSim[] = [];
  readonly tasks: (typeof caseTask.$inferInsert)[] = [];
  readonly reports: (typeof report.$inferInsert & { id: string })[] = [];
  readonly events: EventRow[] = [];
  readonly notes: NoteSim[] = [];
  t: number;
  /** The matter type the reporter meant (the case carries it only once known). */
  reportMatter = '';
  /** For a duplicate: the case it is merged into. */
  mergeTarget?: string;
  readonly rng: Rng;

  constructor(
    private readonly w: World,
    rng: Rng,
    init: typeof caseFile.$inferInsert & { id: string },
    readonly standard: StandardRef,
    readonly district: (typeof DEMO_DISTRICTS)[number],
  ) {
    this.rng = rng;
    this.t = init.createdAt!.getTime();
    this.c = { ...init, state: 'reported', version: 1, pending: {} };
  }

  user(username: string): UserRef {
    const u = this.w.users.get(username);
    if (!u) throw new Error(`demo cases: account ${username} missing`);
    return u;
  }
  /** A district centre account of the case's district, by role. */
  centre(role: 'inspector' | 'acceptor' | 'shift_leader' | 'dispatcher') {
    return this.user(`${this.district.pinyin}.${role}`);
  }
  unitHandler(): UserRef {
    const key = this.w.unitKeyOf.get(this.c.unitId!);
    return this.user(`unit.${key}`);
  }

  /** Records a notification of the case as it is now (after the event of its cause). */
  note(at: Date, kind: string, who: readonly Notify[], actorId: string | null) {
    if (who.length === 0) return;
    this.notes.push({
      at,
      kind,
      who: [...who],
      state: this.c.state,
      unitId: this.c.unitId ?? null,
      caseLevel: this.c.caseLevel ?? 'district',
      actorId,
      next: this.events.length,
    });
  }

  private running() {
    return this.stages.filter((s) => !s.stoppedAt).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  /** The running stage with the nearest deadline (what the next actor works against). */
  current() {
    return this.running().find((s) => !s.pausedAt);
  }

  /** Fires (in memory) every timer due up to `until`, as the sweeper would have done. */
  fireTimers(until: number) {
    const due = this.timers
      .filter((x) => !x.firedAt && x.fireAt.getTime() <= until)
      .sort((a, b) => a.fireAt.getTime() - b.fireAt.getTime());
    for (const x of due) {
      const firedAt = new Date(
        Math.min(x.fireAt.getTime() + Math.floor(this.rng() * 2_000) + 200, this.w.now - 1_000),
      );
      x.firedAt = firedAt;
      const s = this.stages.find((st) => st.id === x.stageId)!;
      if (x.kind === 'warning') s.warnedAt = firedAt;
      else s.overdueAt = firedAt;
      const after: Record<string, unknown> = {
        stage: s.stage,
        dueAt: s.dueAt.toISOString(),
        timerId: 0,
        firedAt: firedAt.toISOString(),
      };
      x.event = { after };
      this.events.push({
        at: firedAt,
        actorType: 'system',
        actorId: null,
        actorName: 'timer',
        actorOrgId: null,
        action: x.kind === 'warning' ? 'case.stage_warning' : 'case.stage_overdue',
        entityType: 'case',
        entityId: this.c.id,
        districtCode: this.c.districtCode,
        after,
      });
      // The sweeper's inbox rule (timers.ts): the disposal clock to the unit and the dispatcher.
      this.note(
        firedAt,
        x.kind === 'warning' ? 'case.stage_warning' : 'case.stage_overdue',
        s.stage === 'dispose' ? ['unit', 'dispatcher'] : ['handler'],
        null,
      );
    }
  }

  /** The timers the server's stages write for a (re)started stage (plan.ts `timersOf`). */
  private addTimers(s: StageSim, skipWarning = false) {
    for (const t of timersOf(this.w.calendar, this.w.settings.warnShare, s, skipWarning))
      this.timers.push({ caseId: this.c.id, stageId: s.id, ...t, firedAt: null });
  }
  /** Withdraws a stage's unfired timers (they are not written). */
  private cancelTimers(stageId: string) {
    for (let i = this.timers.length - 1; i >= 0; i--) {
      const x = this.timers[i];
      if (x.stageId === stageId && !x.firedAt) this.timers.splice(i, 1);
    }
  }

  /** The disposal limit of the case's standard for its area class and urgency. */
  private disposalLimit() {
    const l = this.standard.limits.find(
      (x) => x.areaClass === this.c.areaClass && x.urgency === (this.c.urgency ?? 'normal'),
    );
    if (!l) throw new Error(`demo cases: no limit for ${this.c.areaClass}/${this.c.urgency}`);
    return { amount: l.amount, unit: l.unit as TimeUnit };
  }
  private startStage(stage: Stage, limit: PlannedLimit, at: Date) {
    const l = limit === 'disposal' ? this.disposalLimit() : limit;
    const s: StageSim = {
      id: uuidFrom(this.rng),
      caseId: this.c.id,
      stage,
      startedAt: at,
      dueAt: dueOf(this.w.calendar, at, l),
      limitAmount: l.amount,
      limitUnit: l.unit,
      pausedAt: null,
      stoppedAt: null,
      warnedAt: null,
      overdueAt: null,
      extended: false,
    };
    this.stages.push(s);
    this.addTimers(s);
  }
  private stopStage(stage: Stage | null, at: Date) {
    for (const s of this.running()) {
      if (stage && s.stage !== stage) continue;
      s.stoppedAt = at;
      this.cancelTimers(s.id);
    }
  }
  private dispose() {
    return this.running().find((s) => s.stage === 'dispose');
  }

  /** The stage operations of a plan, in memory, as the server's effects.ts `applyStages` does them. */
  private applyStages(ops: readonly StageOp[], at: Date) {
    for (const op of ops) {
      switch (op.op) {
        case 'start':
          this.startStage(op.stage, op.limit, at);
          break;
        case 'stop':
          this.stopStage(op.stage, at);
          break;
        case 'pauseDispose': {
          const s = this.dispose();
          if (s && !s.pausedAt) {
            s.pausedAt = at;
            this.cancelTimers(s.id);
          }
          break;
        }
        case 'resumeDispose': {
          const s = this.dispose();
          if (s?.pausedAt) {
            const r = resumedDue(
              this.w.calendar,
              this.w.settings.warnShare,
              { ...s, pausedAt: s.pausedAt },
              at,
            );
            s.dueAt = r.dueAt;
            s.pausedAt = null;
            this.addTimers(s, true);
            if (r.warnAt)
              this.timers.push({
                caseId: this.c.id,
                stageId: s.id,
                kind: 'warning',
                fireAt: r.warnAt,
                firedAt: null,
              });
          }
          break;
        }
        case 'extendDispose': {
          const s = this.dispose();
          if (s) {
            s.dueAt = dueOf(this.w.calendar, s.dueAt, { amount: op.amount, unit: op.unit });
            s.extended = true;
            this.cancelTimers(s.id);
            this.addTimers(s);
          }
          break;
        }
        default:
          op satisfies never;
      }
    }
  }

  private applyTasks(ops: readonly TaskOp[], at: Date) {
    for (const op of ops) {
      switch (op.op) {
        case 'create':
          this.tasks.push({
            id: uuidFrom(this.rng),
            caseId: this.c.id,
            kind: op.task,
            districtCode: this.c.districtCode,
            status: 'open',
            createdAt: at,
          });
          break;
        case 'complete':
          for (const task of this.tasks) {
            if (task.kind === op.task && task.status === 'open') {
              task.status = 'done';
              task.completedAt = at;
              task.result = op.result;
              task.assigneeId = op.assigneeId;
            }
          }
          break;
        case 'cancelOpen':
          for (const task of this.tasks) {
            if (task.status === 'open') {
              task.status = 'cancelled';
              task.completedAt = at;
            }
          }
          break;
        default:
          op satisfies never;
      }
    }
  }

  /**
   * A plan (cases/plan.ts, the same the server applies) on the in-memory case: filing under the
   * case's standard, the patch, stages, tasks and the merge. Deliveries to a unit's own system are
   * not simulated (the demo units have no endpoints); notifications are the caller's `note`.
   */
  private applyPlan(plan: Plan, at: Date) {
    const c = this.c;
    if (plan.filing) {
      Object.assign(c, {
        matterKind: 'matter',
        matterCode: plan.filing.matterType,
        standardId: this.standard.id,
        filingConditionId: plan.filing.filingConditionId,
        filedAt: at,
      });
    }
    Object.assign(c, plan.patch);
    this.applyStages(plan.stages, at);
    this.applyTasks(plan.tasks, at);
    if (plan.mergeInto) c.mergedInto = plan.mergeInto;
  }

  /** Case creation as the table declares it (CREATION): its clock; returns whom it tells. */
  create(at: Date): Notify[] {
    const plan = planCreation(CREATION.effects, { now: at, settings: this.w.settings });
    this.applyStages(plan.stages, at);
    return plan.notify;
  }

  /**
   * Moves the clock to the next step: a share of the running stage's remaining time (mostly in
   * time, some late so that lights and overdue marks show), at least a few minutes.
   */
  advance(kind: 'quick' | 'normal' | 'slow' = 'normal') {
    const s = this.current();
    const r = this.rng();
    let dt: number;
    if (s) {
      const left = Math.max(10 * MIN, s.dueAt.getTime() - this.t);
      const share =
        kind === 'quick'
          ? between(this.rng, 0.05, 0.4)
          : r < 0.8
            ? between(this.rng, 0.1, 0.78)
            : r < 0.9
              ? between(this.rng, 0.8, 0.99)
              : between(this.rng, 1.02, kind === 'slow' ? 3 : 1.8);
      dt = left * share;
    } else dt = between(this.rng, 10 * MIN, 3 * HOUR);
    this.t += Math.max(2 * MIN, Math.round(dt));
  }

  /** One action through the transition table; false when the table refuses it (guards). */
  act(action: CaseAction, by: UserRef, input: WorkflowInput = {}, reason?: string): boolean {
    this.fireTimers(this.t);
    const d = this.dispose();
    const result = transition(this.c.state, action, by.roles, {
      actorLevel: by.level,
      caseLevel: this.c.caseLevel ?? 'district',
      overdue: !!d && !d.pausedAt && d.dueAt.getTime() <= this.t,
      pending: {
        extension: !!this.c.pending.extension,
        parking: !!this.c.pending.parking,
        void: !!this.c.pending.void,
      },
      flags: {
        important: !!this.c.important,
        urgent: this.c.urgency === 'urgent',
        act_first: !!this.c.actFirst,
      },
      checkResult: this.c.checkResult ?? null,
      input: { ...input, version: this.c.version, reason },
    });
    if (!result.ok) return false;
    const before = {
      state: this.c.state,
      version: this.c.version,
      unitId: this.c.unitId ?? null,
      pending: this.c.pending,
    };
    const at = new Date(this.t);
    const plan = planEffects(
      {
        state: this.c.state,
        pending: this.c.pending,
        reworkCount: this.c.reworkCount ?? 0,
        urgeCount: this.c.urgeCount ?? 0,
      },
      result.rule,
      { ...input, reason },
      { now: at, settings: this.w.settings },
      { id: by.id, name: by.username },
    );
    this.applyPlan(plan, at);
    this.c.version += 1;
    this.c.updatedAt = new Date(this.t);
    this.events.push({
      at: new Date(this.t),
      actorType: 'user',
      actorId: by.id,
      actorName: by.username,
      actorOrgId: by.orgId,
      action: `case.${action}`,
      entityType: 'case',
      entityId: this.c.id,
      districtCode: this.c.districtCode,
      before,
      after: {
        state: this.c.state,
        version: this.c.version,
        unitId: this.c.unitId ?? null,
        pending: this.c.pending,
        input: {
          note: input.note,
          photos: input.photos
            ? AFTER_PHOTO.has(action)
              ? this.w.photos.fixed(this.reportMatter)
              : this.w.photos.scene(this.reportMatter)
            : undefined,
          unitId: input.unitId,
          matterType: input.matterType,
          filingConditionId: input.filingConditionId,
          extension: input.extension,
          rating: input.rating,
          targetCaseId: input.targetCaseId,
        },
      },
      reason: reason ?? null,
    });
    this.note(at, `case.${action}`, plan.notify, by.id);
    return true;
  }

  must(action: CaseAction, by: UserRef, input: WorkflowInput = {}, reason?: string) {
    if (!this.act(action, by, input, reason))
      throw new Error(`demo cases: ${action} refused in ${this.c.state} for ${this.c.code}`);
  }

  /** Writes the current-stage columns as refreshCurrent does. */
  finish() {
    const cur = this.current();
    this.c.currentStage = cur?.stage ?? null;
    this.c.currentStartedAt = cur?.startedAt ?? null;
    this.c.currentDueAt = cur?.dueAt ?? null;
    this.c.currentLimitUnit = cur?.limitUnit ?? null;
    this.c.currentWarnAt = cur ? currentWarnAt(this.w.calendar, this.w.settings.warnShare, cur) : null;
    // Timers of running stages due before now have fired by now; the rest stay pending.
    this.fireTimers(this.w.now);
  }
}

const PHOTO = ['placeholder'];
const TERMINAL = new Set<CaseState>(['closed', 'rejected', 'voided', 'merged']);

/** Drives one case from its report to the target state along a realistic path. */
function drive(sim: CaseSim, target: Target, w: World, rng: Rng) {
  const c = sim.c;
  const acceptor = sim.centre('acceptor');
  const inspector = sim.centre('inspector');
  const districtLeader = sim.centre('shift_leader');
  const district = sim.centre('dispatcher');
  // Whoever coordinates the case now: the district centre, or the city centre once escalated
  // (its dispatcher and shift leader then decide; checks stay with the district's field staff).
  let dispatcher = district;
  let leader = districtLeader;
  const level = () => {
    const city = sim.c.caseLevel === 'city';
    dispatcher = city ? sim.user('city.dispatcher') : district;
    leader = city ? sim.user('city.shift_leader') : districtLeader;
  };
  const matter = c.matterCode ?? sim.reportMatter;
  const stop = (s: Target) => target === s;

  // 受理 / 核实 / 自处置
  if (stop('reported')) return;
  if (stop('self_disposed') || (stop('closed') && rng() < 0.08)) {
    if (rng() < 0.3) {
      sim.advance('quick');
      sim.must('request_verify', acceptor);
    }
    sim.advance('quick');
    sim.must('self_dispose', inspector, { photos: PHOTO, note: '现场已处理' });
    if (stop('self_disposed')) return;
    sim.advance();
    sim.must('close', leader);
    return;
  }
  const verify = stop('verifying') || rng() < 0.25;
  sim.advance('quick');
  if (verify) {
    sim.must('request_verify', acceptor);
    if (stop('verifying')) return;
    sim.advance();
    if (stop('rejected') && rng() < 0.5) {
      sim.must('verify_deny', inspector, { photos: PHOTO }, '现场核实问题不存在');
    } else {
      sim.must('verify_confirm', inspector, { photos: PHOTO, note: '情况属实' });
    }
  } else if (stop('rejected') && rng() < 0.4) {
    sim.must('reject', acceptor, {}, pick(rng, ['重复上报', '不属于城管受理范围', '信息不全无法核实']));
    return;
  } else if (stop('merged')) {
    sim.must('merge_duplicate', acceptor, { targetCaseId: sim.mergeTarget! });
    return;
  } else {
    sim.must('accept_report', acceptor, { matterType: matter });
  }
  if (stop('merged')) {
    sim.advance('quick');
    sim.must('merge_duplicate', acceptor, { targetCaseId: sim.mergeTarget! });
    return;
  }
  if (stop('pending_filing')) return;
  sim.advance();
  if (stop('rejected')) {
    sim.must('reject', leader, {}, pick(rng, ['不符合立案条件', '核实不属实', '属于其他部门职责']));
    return;
  }
  sim.must('file', leader, { matterType: matter, filingConditionId: sim.standard.filingConditionId });
  if (rng() < 0.06) sim.act('mark_important', leader);
  if (stop('pending_dispatch')) return;

  // 派遣
  sim.advance();
  const routed = w.unitOf(matter, c.gridId);
  const escalateNow = stop('escalated') ? rng() < 0.4 : stop('closed') && rng() < 0.01;
  if (escalateNow || !routed) {
    sim.must('escalate', dispatcher, {}, '涉及多个部门，需市级协调');
    if (stop('escalated')) return;
    sim.advance();
    const city = sim.user('city.dispatcher');
    if (rng() < 0.3) sim.must('city_order', city, { unitId: w.cityUnit(null) }, '先处置后定责');
    else sim.must('city_dispatch', city, { unitId: w.cityUnit(null) });
  } else {
    sim.must('dispatch', dispatcher, { unitId: routed.unitId });
    if (stop('voided') && rng() < 0.5) {
      sim.advance('quick');
      sim.must('request_void', dispatcher, {}, '重复立案');
      sim.advance('quick');
      sim.must('approve_void', leader);
      return;
    }
    // 回退 → 改派 or escalation
    const returns = stop('returned') || stop('escalated') || (stop('closed') && rng() < 0.07);
    if (returns) {
      sim.advance('quick');
      if (rng() < 0.4) sim.must('sign', sim.unitHandler());
      sim.advance('quick');
      sim.must('return', sim.unitHandler(), {}, '不属于本单位职责范围');
      if (stop('returned')) return;
      sim.advance('quick');
      if (stop('escalated')) {
        sim.must('escalate', dispatcher, {}, '责任单位有争议，申请市级协调');
        return;
      }
      if (rng() < 0.3) sim.must('refuse_return', dispatcher, {}, '经核实属于该单位职责');
      else sim.must('re_dispatch', dispatcher, { unitId: w.otherUnit(c.districtCode, c.unitId ?? null) });
    }
  }
  if (stop('dispatched')) return;
  sim.advance('quick');
  sim.must('sign', sim.unitHandler());
  if (stop('voided')) {
    level();
    sim.advance('quick');
    // The city centre has no acceptor: its dispatcher asks for a city-level case's voiding.
    const asker = sim.c.caseLevel === 'city' ? dispatcher : acceptor;
    sim.must('request_void', asker, {}, '问题已由其他案件处理');
    sim.advance('quick');
    sim.must('approve_void', leader);
    return;
  }

  level();
  // 延期 / 挂账 (applications refused or approved; some still pending)
  if (stop('parked') || (stop('closed') && rng() < 0.04)) {
    sim.advance('quick');
    if (sim.act('apply_parking', sim.unitHandler(), {}, '需列入年度改造计划，申请挂账')) {
      sim.advance('quick');
      sim.must('approve_parking', dispatcher);
      if (stop('parked')) return;
      sim.t += between(rng, 5, 20) * DAY;
      sim.must('unpark', dispatcher);
    } else if (stop('parked')) {
      return; // overdue: no parking any more; the case stays in progress
    }
  }
  const ext = rng();
  if (ext < 0.12) {
    sim.advance('quick');
    const applied = sim.act(
      'apply_extension',
      sim.unitHandler(),
      { extension: { amount: pick(rng, [4, 8, 16]), unit: 'work_hour' } },
      pick(rng, ['需要协调物业', '材料采购需要时间', '涉及多部门配合']),
    );
    if (applied && !(stop('in_progress') && rng() < 0.4)) {
      sim.advance('quick');
      if (rng() < 0.7) sim.must('approve_extension', dispatcher);
      else sim.must('refuse_extension', dispatcher, {}, '时限充足，请按期处置');
    }
  } else if (ext < 0.16 && stop('in_progress')) {
    sim.advance('quick');
    sim.act('apply_parking', sim.unitHandler(), {}, '需市级资金支持');
  }
  if (rng() < 0.05) sim.act('urge', sim.user('city.supervisor'), {}, '群众反映强烈，请加快处置');
  if (stop('in_progress')) return;

  // 反馈 → 核查 → 结案 (with rework on a failed check)
  const loops = stop('closed') && rng() < 0.06 ? 2 : 1;
  for (let i = 0; i < loops; i++) {
    const last = i === loops - 1;
    if (i > 0) {
      sim.advance('quick');
      sim.must('sign', sim.unitHandler());
    }
    sim.advance();
    sim.must('feed_back', sim.unitHandler(), { photos: PHOTO, note: '已处置完毕' });
    if (stop('fed_back')) return;
    sim.advance('quick');
    sim.must('request_check', acceptor);
    if (stop('checking')) return;
    sim.advance();
    if (!last || (stop('pending_close') && rng() < 0.3)) {
      sim.must('check_fail', inspector, { photos: PHOTO }, '现场仍有残留，未处置到位');
      if (stop('pending_close')) return;
      sim.advance('quick');
      sim.must('rework', dispatcher, {}, '核查未通过，返工');
      continue;
    }
    sim.must('check_pass', inspector, { photos: PHOTO, note: '已处置到位' });
  }
  if (stop('pending_close')) return;
  sim.advance();
  sim.must('close', leader);
}

// ---------------------------------------------------------------------------------------------
// Loading the demo city and writing

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

/** A time of day when people report: 07:00–21:00 China time, on `daysAgo` days before now. */
function reportTime(rng: Rng, now: number, daysAgo: number): number {
  const t = now - daysAgo * DAY;
  const chinaMidnight = Math.floor((t + 8 * HOUR) / DAY) * DAY - 8 * HOUR;
  const at = chinaMidnight + between(rng, 7, 21) * HOUR;
  return Math.min(at, now - between(rng, 20, 90) * MIN);
}

/**
 * Multi-row insert through one JSON parameter (`jsonb_to_recordset`): thousands of rows per
 * statement without thousands of bind parameters, the fastest bulk path both drivers share. The
 * columns and their SQL types come from the Drizzle table: every column the rows carry (by its
 * property name), and every column without a database default (written null when absent); the
 * others (generated ids, tracking codes) are left to the database.
 */
async function insertJson(
  tx: Db,
  table: PgTable,
  rows: readonly object[],
  overriding = '',
  orderBy?: string,
) {
  if (rows.length === 0) return;
  const carried = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) carried.add(k);
  const cols = Object.entries(getTableColumns(table))
    .filter(([key, c]) => carried.has(key) || !c.hasDefault)
    .map(([key, c]) => ({ key, name: c.name, type: c.getSQLType() }));
  const defs = [...cols.map((c) => `"${c.name}" ${c.type}`), ...(orderBy ? [`"${orderBy}" int`] : [])].join(
    ', ',
  );
  const list = cols.map((c) => `"${c.name}"`).join(', ');
  for (let i = 0; i < rows.length; i += 5000) {
    const batch = rows.slice(i, i + 5000).map((r) => {
      const o: Record<string, unknown> = {};
      for (const c of cols) o[c.name] = (r as Record<string, unknown>)[c.key] ?? null;
      if (orderBy) o[orderBy] = (r as Record<string, unknown>)[orderBy];
      return o;
    });
    await tx.execute(
      sql`INSERT INTO ${sql.raw(`"${getTableName(table)}" (${list}) ${overriding}`)} SELECT ${sql.raw(list)}
        FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) AS x(${sql.raw(defs)})
        ${sql.raw(orderBy ? `ORDER BY "${orderBy}"` : '')}`,
    );
  }
}

/** (photo, case) for every photo a case event names: `after.photos` (a report), `after.input.photos` (a step). */
function stepPhotoLinks(events: readonly EventRow[]) {
  const links = new Map<string, { photoId: string; caseId: string }>();
  for (const e of events) {
    if (e.entityType !== 'case' || !e.entityId) continue;
    const after = (e.after ?? {}) as { photos?: unknown; input?: { photos?: unknown } };
    for (const list of [after.photos, after.input?.photos]) {
      if (!Array.isArray(list)) continue;
      for (const photoId of list)
        links.set(`${photoId}:${e.entityId}`, { photoId: String(photoId), caseId: e.entityId });
    }
  }
  return [...links.values()];
}

/**
 * The inbox rows of the open cases' notes, to the recipients the live loop picks (recipientsOf,
 * memoized for the whole seed: a few queries), each read when the case next moved on.
 */
async function demoInbox(tx: Db, open: readonly CaseSim[]) {
  const cache: RecipientCache = new Map();
  const rows: (ReturnType<typeof notificationRows>[number] & { createdAt: Date; readAt: Date | null })[] = [];
  for (const s of open) {
    for (const n of s.notes) {
      const c = {
        id: s.c.id,
        code: s.c.code,
        state: n.state,
        unitId: n.unitId,
        caseLevel: n.caseLevel,
        districtCode: s.c.districtCode,
      } as CaseRow;
      const users = await recipientsOf(tx, c, new Set(n.who), n.actorId, cache);
      const readAt = s.events.slice(n.next).find((e) => e.actorType === 'user')?.at ?? null;
      for (const row of notificationRows(c, users, n.kind)) rows.push({ ...row, createdAt: n.at, readAt });
    }
  }
  return rows;
}

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
  /** Earlier cases a later report may duplicate. */
  const mergeable: CaseSim[] = [];
  const buildCase = (i: number, extraDays: number): CaseSim => {
    const rng = mulberry32((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
    let target = weighted(rng, TARGETS);
    const district = districts[i % districts.length];
    const g = pick(rng, w.gridsByDistrict.get(district.code)!);
    const age = OPEN_AGE[target];
    let daysAgo = age ? between(rng, age[0], age[1]) : between(rng, 0.5, 91);
    let matterCode = weighted(rng, matterWeights);
    let lng = g.lng + between(rng, -g.dLng, g.dLng);
    let lat = g.lat + between(rng, -g.dLat, g.dLat);
    let gridRef = g;
    let mergeTarget: CaseSim | undefined;
    if (target === 'merged') {
      // A duplicate of an earlier case of the same district: same type, a few metres away, within 24 h.
      mergeTarget = [...mergeable].reverse().find((m) => m.c.districtCode === district.code);
      if (mergeTarget && mergeTarget.c.createdAt!.getTime() < now.getTime() - 85 * DAY)
        mergeTarget = undefined;
      if (!mergeTarget) target = 'rejected';
      else {
        matterCode = mergeTarget.reportMatter;
        gridRef = w.gridsByDistrict.get(district.code)!.find((x) => x.id === mergeTarget!.c.gridId)!;
        lng = mergeTarget.c.lng + between(rng, -0.0002, 0.0002);
        lat = mergeTarget.c.lat + between(rng, -0.0002, 0.0002);
        daysAgo = Math.max(
          0,
          (now.getTime() - mergeTarget.c.createdAt!.getTime()) / DAY - between(rng, 0.05, 0.8),
        );
      }
    }
    const channel =
      matterCode.startsWith('01') && rng() < 0.35 ? ('sensor' as const) : weighted(rng, CHANNELS);
    const withType = channel === 'inspector' || channel === 'hotline' || channel === 'sensor';
    const m = matters.find((x) => x.code === matterCode)!;
    const text = `${pick(rng, STREETS)}附近${pick(rng, m.text)}`;
    // Shifted as a whole when the path must end earlier or later (see the loop below).
    const createdAt = new Date(
      Math.min(
        reportTime(rng, now.getTime(), Math.max(0, daysAgo)) - extraDays * DAY,
        now.getTime() - 20 * MIN,
      ),
    );
    const route = w.unitOf(matterCode, gridRef.id);
    const caseId = uuidFrom(rng);
    const sim = new CaseSim(
      w,
      rng,
      {
        id: caseId,
        code: '',
        state: 'reported',
        channel,
        description: text,
        address: `${district.name}${pick(rng, STREETS)}${1 + Math.floor(rng() * 300)}号附近`,
        lng,
        lat,
        gridId: gridRef.id,
        communityCode: gridRef.communityCode,
        townshipCode: gridRef.townshipCode,
        districtCode: district.code,
        areaClass: gridRef.areaClass,
        matterKind: withType ? 'matter' : null,
        matterCode: withType ? matterCode : null,
        urgency: rng() < 0.05 ? 'urgent' : 'normal',
        suggestedUnitId: route?.unitId ?? null,
        suggestedRuleId: route?.ruleId ?? null,
        createdAt,
        updatedAt: createdAt,
      },
      w.standards.get(matterCode)!,
      district,
    );
    sim.reportMatter = matterCode;
    sim.mergeTarget = mergeTarget?.c.id;
    // The report that opened the case, and its event.
    const reporter =
      channel === 'inspector'
        ? sim.centre('inspector')
        : channel === 'sensor'
          ? null
          : sim.centre('acceptor');
    const crs = channel === 'app' ? 'gcj02' : channel === 'web' ? 'bd09' : 'wgs84';
    const [rawLng, rawLat] = crs === 'wgs84' ? [lng, lat] : convertLngLat(lng, lat, 'wgs84', crs);
    const citizen = channel === 'hotline' || channel === 'app' || channel === 'web';
    // Inspectors photograph what they report; half of the public's app and web reports come with one.
    const photos =
      channel === 'inspector' || ((channel === 'app' || channel === 'web') && i % 2 === 0)
        ? w.photos.scene(matterCode)
        : [];
    const rep = {
      id: uuidFrom(rng),
      submitter: reporter ? reporter.id : 'system:sensor',
      idempotencyKey: `demo-${seed}-${i}`,
      channel,
      description: channel === 'sensor' ? `物联感知告警：${m.text[0]}` : text,
      rawLng,
      rawLat,
      crs,
      lng,
      lat,
      photos,
      reporterName: citizen ? pick(rng, CITIZENS) : null,
      reporterPhone: citizen ? `13${String(Math.floor(rng() * 1e9)).padStart(9, '0')}` : null,
      caseId,
      merged: false,
      createdAt,
    };
    sim.reports.push(rep);
    sim.c.createdBy = rep.submitter;
    sim.events.push({
      at: createdAt,
      actorType: reporter ? 'user' : 'system',
      actorId: reporter?.id ?? null,
      actorName: reporter?.username ?? 'sensor',
      actorOrgId: reporter?.orgId ?? null,
      action: 'case.report',
      entityType: 'case',
      entityId: caseId,
      districtCode: district.code,
      after: {
        reportId: rep.id,
        channel,
        crs,
        location: { lng, lat },
        photos,
        state: 'reported',
        code: '',
      },
    });
    // Intake starts the acceptance clock and tells the acceptors (not the one who took the report).
    sim.note(createdAt, 'case.report', sim.create(createdAt), reporter?.id ?? null);
    drive(sim, target, w, rng);
    if (target === 'merged' && mergeTarget) {
      // Its reporters are kept informed through the surviving case.
      for (const r of sim.reports) {
        r.caseId = mergeTarget.c.id;
        r.merged = true;
      }
    }
    return sim;
  };
  for (let i = 0; i < count; i++) {
    // Every step must lie in the past: a path that runs past now starts earlier and is replayed.
    let extra = 0;
    let sim = buildCase(i, extra);
    const cur = sim.current();
    if (cur && !TERMINAL.has(sim.c.state)) {
      // An open case: place it so its running stage is mostly in time, some warned, some overdue.
      const r = sim.rng();
      const share =
        r < 0.55
          ? between(sim.rng, 0.05, 0.75)
          : r < 0.75
            ? between(sim.rng, 0.82, 0.98)
            : between(sim.rng, 1.1, 4);
      const span = cur.dueAt.getTime() - cur.startedAt.getTime();
      const wanted = cur.startedAt.getTime() + share * span;
      extra = -(now.getTime() - wanted) / DAY;
      if (extra !== 0) sim = buildCase(i, extra);
    }
    for (let k = 0; k < 6 && sim.t > now.getTime() - MIN; k++) {
      extra += (sim.t - now.getTime()) / DAY + 0.2 * (k + 1);
      sim = buildCase(i, extra);
    }
    if (sim.t > now.getTime() - MIN) throw new Error(`demo cases: case ${i} runs past now`);
    sim.finish();
    if (!sim.c.mergedInto) mergeable.push(sim);
    sims.push(sim);
  }

  // Case codes in order of creation: district + China date + sequence.
  const ordered = [...sims].sort((a, b) => a.c.createdAt!.getTime() - b.c.createdAt!.getTime());
  const startRows = (
    (await tx.execute(sql`SELECT nextval(${caseCodeSeq.seqName})::bigint AS n`)) as unknown as {
      rows: { n: string }[];
    }
  ).rows;
  const start = Number(startRows[0].n);
  await tx.execute(sql`SELECT setval(${caseCodeSeq.seqName}, ${start + ordered.length})`);
  ordered.forEach((s, k) => {
    const d = new Date(s.c.createdAt!.getTime() + 8 * HOUR).toISOString().slice(0, 10).replaceAll('-', '');
    s.c.code = `${s.c.districtCode}-${d}-${String(start + k).padStart(6, '0')}`;
  });
  for (const s of sims) {
    for (const e of s.events) {
      const after = e.after as Record<string, unknown> | null;
      if (e.action === 'case.report' && after) after.code = s.c.code;
    }
  }

  // Timer ids are identities: take a block from the sequence so the fired events can name them.
  const timers = sims.flatMap((s) => s.timers);
  const events = sims.flatMap((s) => s.events).sort((a, b) => a.at.getTime() - b.at.getTime());

  const caseRows = sims.map((s) => ({
    important: false,
    actFirst: false,
    caseLevel: 'district',
    reworkCount: 0,
    urgeCount: 0,
    urgency: 'normal',
    ...s.c,
  }));
  await insertJson(tx, caseFile, caseRows);
  await insertJson(
    tx,
    report,
    sims.flatMap((s) => s.reports),
  );
  await insertJson(
    tx,
    caseStage,
    sims.flatMap((s) => s.stages),
  );
  await insertJson(
    tx,
    caseTask,
    sims.flatMap((s) => s.tasks),
  );
  // Timer ids are identities: take a block of them first, so the fired events can name their timer.
  const ids = (
    (await tx.execute(
      sql`SELECT nextval(pg_get_serial_sequence('case_timer', 'id'))::bigint AS id FROM generate_series(1, ${timers.length})`,
    )) as unknown as { rows: { id: string }[] }
  ).rows.map((r) => Number(r.id));
  timers.forEach((x, k) => {
    x.id = ids[k];
    if (x.event) x.event.after.timerId = ids[k];
  });
  await insertJson(tx, caseTimer, timers, 'OVERRIDING SYSTEM VALUE');
  // In time order, so event ids (the timeline's order) follow the story.
  await insertJson(
    tx,
    event,
    events.map((e, ord) => ({ ...e, ord })),
    '',
    'ord',
  );
  // The photos the steps name, attached to their case as act() does (the reports' photos were
  // attached by the trigger on report, on the case each report belongs to in the end).
  await insertCasePhotos(tx, stepPhotoLinks(events));
  const inbox = await demoInbox(
    tx,
    sims.filter((s) => !TERMINAL.has(s.c.state)),
  );
  await insertJson(tx, notification, inbox);

  const byState: Record<string, number> = {};
  for (const s of sims) byState[s.c.state] = (byState[s.c.state] ?? 0) + 1;
  const result: SeedCasesResult = {
    cases: sims.length,
    reports: sims.reduce((n, s) => n + s.reports.length, 0),
    events: events.length,
    timers: timers.length,
    photos: w.photos.count,
    notifications: inbox.length,
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
