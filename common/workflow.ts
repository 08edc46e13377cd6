/**
 * The case loop (案件流转) as a declarative transition table, shared by server and web.
 *
 * Pure data and pure functions, no I/O: the server's cases module runs `transition()` inside its
 * transaction (after loading the row and checking scope with policy.ts), applies the declared
 * effects by name and records the audit event; the web client calls `availableActions()` to draw
 * buttons. Chinese labels live in the locale files under the keys `case.state.<state>` and
 * `case.action.<action>`; the short labels below are only for the refusal messages.
 *
 * Design choices
 * - Pending applications (延期 extension, 挂账 parking, 作废 void) are sub-status flags on the case
 *   (`context.pending`), not states: while one waits for approval the case keeps its state and
 *   its clock (domain §5: "the original clock keeps running until approval").
 * - Check results live on the case (`context.checkResult`); `pending_close` holds both outcomes and
 *   the guards `checkPassed` / `checkFailed` choose between close and rework.
 * - The coordinating level (`context.caseLevel`) says which centre dispatches the case: a district
 *   centre by default, the city centre once escalated or ordered by the city. Dispatcher decisions
 *   on a case require the actor's centre to be at that level (guard `actorAtCaseLevel`); the exact
 *   region/unit scope stays with the server's policy functions.
 * - Every action requires the row `version` (optimistic concurrency); the server compares it.
 * - `admin` takes no action in the loop (separation of duties: an administrator configures, the
 *   shift leader voids). `leader` may mark cases and give the city's act-first order.
 */
import type { OrgKind, Role } from './identity.ts';

// ---------------------------------------------------------------------------------------------
// States

export const CASE_STATES = [
  /** 待受理 `case.state.reported` — a report from any channel, waiting for the acceptor. */
  'reported',
  /** 核实中 `case.state.verifying` — an inspector has been asked to verify on site. */
  'verifying',
  /** 待立案 `case.state.pending_filing` — accepted (and possibly verified), waiting for the shift leader. */
  'pending_filing',
  /** 自处置待确认 `case.state.self_disposed` — fixed on the spot by the inspector, waiting for the shift leader. */
  'self_disposed',
  /** 待派遣 `case.state.pending_dispatch` — filed (立案), waiting for a dispatcher. */
  'pending_dispatch',
  /** 已派遣/待签收 `case.state.dispatched` — sent to a unit, waiting for it to sign for it. */
  'dispatched',
  /** 处置中 `case.state.in_progress` — the unit signed for it and is working on it. */
  'in_progress',
  /** 回退待处理 `case.state.returned` — the unit says "not ours"; the dispatcher re-dispatches, refuses or escalates. */
  'returned',
  /** 上报市级协调 `case.state.escalated` — the district cannot dispatch it; the city centre decides. */
  'escalated',
  /** 已反馈/待核查派发 `case.state.fed_back` — the unit reported it fixed; the acceptor sends a check. */
  'fed_back',
  /** 核查中 `case.state.checking` — an inspector checks the result on site. */
  'checking',
  /** 待结案 `case.state.pending_close` — check done: close if passed, rework if failed. */
  'pending_close',
  /** 挂账 `case.state.parked` — approved long-term case: clock stopped, out of the filed count. */
  'parked',
  /** 已结案 `case.state.closed` — terminal; the public may still rate, the acceptor call back. */
  'closed',
  /** 不予立案 `case.state.rejected` — terminal: not a case (invalid, out of scope, not true). */
  'rejected',
  /** 已作废 `case.state.voided` — terminal: a filed case annulled; counts against filing accuracy. */
  'voided',
  /** 已合并 `case.state.merged` — terminal: a duplicate merged into another case, its reporters kept informed. */
  'merged',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const INITIAL_STATE: CaseState = 'reported';
export const TERMINAL_STATES: readonly CaseState[] = ['closed', 'rejected', 'voided', 'merged'];
export const OPEN_STATES: readonly CaseState[] = CASE_STATES.filter((s) => !TERMINAL_STATES.includes(s));
/** Filed and not finished: where a void can be requested. */
export const FILED_OPEN_STATES: readonly CaseState[] = [
  'pending_dispatch',
  'dispatched',
  'in_progress',
  'returned',
  'escalated',
  'fed_back',
  'checking',
  'pending_close',
  'parked',
];

export const caseStateLabelKey = (s: CaseState) => `case.state.${s}` as const;

// ---------------------------------------------------------------------------------------------
// Actors

/**
 * Who acts: the staff roles of common/identity.ts plus the public and the system itself.
 * `system` is an internal process of the server (a scheduled resume, an automatic reminder or
 * duplicate sweep), never a caller: no API key or session acts as it (the server's
 * `workflowRolesOf`). Machines that report — sensors, video analytics, the public's app — do so
 * with an API key holding `case:report`, which creates reports and acts in no role of this table.
 */
export type WorkflowRole = Role | 'citizen' | 'system';
export const WORKFLOW_ROLES: readonly WorkflowRole[] = [
  'inspector',
  'acceptor',
  'shift_leader',
  'dispatcher',
  'unit_handler',
  'supervisor',
  'leader',
  'admin',
  'citizen',
  'system',
];
/** Roles without an organisation: org-level requirements do not apply to them. */
const LEVELLESS_ROLES: readonly WorkflowRole[] = ['citizen', 'system'];

/**
 * Who may create a case (in `INITIAL_STATE`): inspectors, acceptors (hotline), units'
 * self-inspection, the public, the system itself. Machines (sensors, apps) report through an API
 * key holding `case:report`, not through a role.
 */
export const CREATE_ROLES: readonly WorkflowRole[] = [
  'inspector',
  'acceptor',
  'unit_handler',
  'citizen',
  'system',
];

export type OrgLevel = OrgKind;
const CENTRES: readonly OrgLevel[] = ['city_center', 'district_center'];

// ---------------------------------------------------------------------------------------------
// Actions

export const CASE_ACTIONS = [
  'accept_report', // 受理
  'request_verify', // 派发核实
  'verify_confirm', // 核实属实
  'verify_deny', // 核实不属实
  'self_dispose', // 自处置
  'file', // 立案
  'reject', // 不予立案 / 不予受理
  'merge_duplicate', // 合并重复案件
  'dispatch', // 派遣
  're_dispatch', // 重新派遣 / 改派
  'refuse_return', // 不同意回退
  'sign', // 签收
  'return', // 回退
  'feed_back', // 处置反馈
  'escalate', // 上报市级协调
  'city_dispatch', // 市级派遣
  'city_order', // 先处置后定责
  'apply_extension', // 申请延期
  'approve_extension', // 同意延期
  'refuse_extension', // 不同意延期
  'apply_parking', // 申请挂账
  'approve_parking', // 同意挂账
  'refuse_parking', // 不同意挂账
  'unpark', // 解除挂账
  'request_void', // 申请作废
  'approve_void', // 同意作废
  'refuse_void', // 不同意作废
  'request_check', // 派发核查
  'check_pass', // 核查通过
  'check_fail', // 核查未通过
  'close', // 结案
  'rework', // 返工
  'urge', // 督办
  'mark_important', // 标记重点
  'mark_urgent', // 标记紧急
  'rate', // 公众评价
  'record_callback', // 回访
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export const caseActionLabelKey = (a: CaseAction) => `case.action.${a}` as const;

// ---------------------------------------------------------------------------------------------
// Effects (applied by the server, by name)

/** Time-limited stages (each has its own limit and light). */
export type Stage =
  | 'accept'
  | 'verify'
  | 'filing'
  | 'dispatch'
  | 'coordinate'
  | 'dispose'
  | 'check'
  | 'close';
export type Application = 'extension' | 'parking' | 'void';
export type CaseFlag = 'important' | 'urgent' | 'act_first';
export type TaskKind = 'verify' | 'check';
export type Notify =
  | 'reporters'
  | 'unit'
  | 'dispatcher'
  | 'shift_leader'
  | 'acceptor'
  | 'city_center'
  | 'handler';

export type Effect =
  | { type: 'startStage'; stage: Stage }
  | { type: 'stopStage'; stage: Stage }
  /** Stop the stage and start it again with a fresh limit (new dispatch, rework). */
  | { type: 'restartStage'; stage: Stage }
  | { type: 'stopAllStages' }
  /** Parking: stop the disposal clock, keep the remaining time. */
  | { type: 'pauseClock' }
  /** Un-parking: restart the disposal clock with the remaining time (calendar `dueAfterPause`). */
  | { type: 'resumeClock' }
  /** Approved extension: move the disposal due time by the applied amount. */
  | { type: 'extendDue' }
  | { type: 'createTask'; task: TaskKind }
  | { type: 'completeTask'; task: TaskKind }
  | { type: 'cancelOpenTasks' }
  | { type: 'setPending'; application: Application }
  | { type: 'clearPending'; application: Application }
  | { type: 'setFlag'; flag: CaseFlag }
  | { type: 'setCaseLevel'; level: 'district' | 'city' }
  | { type: 'recordVerification'; result: boolean }
  | { type: 'recordCheckResult'; result: 'pass' | 'fail' }
  | { type: 'recordFiling' }
  | { type: 'recordSelfDisposal' }
  | { type: 'recordSignedFor' }
  | { type: 'recordRework' }
  | { type: 'recordUrge' }
  | { type: 'recordSatisfaction' }
  | { type: 'recordCallback' }
  | { type: 'scheduleCallback' }
  /** Duplicate: attach this case and its reporters to `input.targetCaseId`. */
  | { type: 'mergeInto' }
  /** Put the case in the inbox of `input.unitId` (or the current unit when absent). */
  | { type: 'deliverToUnit' }
  | { type: 'notify'; who: Notify };

export const startStage = (stage: Stage): Effect => ({ type: 'startStage', stage });
export const stopStage = (stage: Stage): Effect => ({ type: 'stopStage', stage });
export const restartStage = (stage: Stage): Effect => ({ type: 'restartStage', stage });
export const createTask = (task: TaskKind): Effect => ({ type: 'createTask', task });
export const completeTask = (task: TaskKind): Effect => ({ type: 'completeTask', task });
export const setPending = (application: Application): Effect => ({ type: 'setPending', application });
export const clearPending = (application: Application): Effect => ({ type: 'clearPending', application });
export const setFlag = (flag: CaseFlag): Effect => ({ type: 'setFlag', flag });
export const notify = (who: Notify): Effect => ({ type: 'notify', who });
const fx = <T extends Effect['type']>(type: T) => ({ type }) as Extract<Effect, { type: T }>;
export const pauseClock = fx('pauseClock');
export const resumeClock = fx('resumeClock');
export const stopAllStages = fx('stopAllStages');
export const cancelOpenTasks = fx('cancelOpenTasks');
export const extendDue = fx('extendDue');
export const deliverToUnit = fx('deliverToUnit');
export const notifyReporters = notify('reporters');

// ---------------------------------------------------------------------------------------------
// Context, inputs, guards

/** Facts about the case and the actor that guards read. */
export interface WorkflowContext {
  /** Level of the actor's organisation (absent for citizens and the system). */
  actorLevel?: OrgLevel;
  /** Which centre coordinates the case now; default `district`. */
  caseLevel?: 'district' | 'city';
  /** The running disposal limit has passed. */
  overdue?: boolean;
  /** Applications waiting for approval (sub-status flags). */
  pending?: Partial<Record<Application, boolean>>;
  flags?: Partial<Record<CaseFlag, boolean>>;
  /** Result of the latest check. */
  checkResult?: 'pass' | 'fail' | null;
  /** What the actor submits with the action. */
  input?: WorkflowInput;
}

export interface WorkflowInput {
  /** Row version read by the actor (optimistic concurrency). */
  version?: number;
  reason?: string;
  note?: string;
  /** Photo / attachment ids. */
  photos?: readonly string[];
  unitId?: string;
  /** Matter or component type, `kind:code` or the catalogue id. */
  matterType?: string;
  filingConditionId?: string;
  targetCaseId?: string;
  extension?: { amount: number; unit: string };
  /** Satisfaction 1–5. */
  rating?: number;
}

export const REQUIRED_FIELDS = [
  'version',
  'reason',
  'note',
  'photos',
  'unitId',
  'matterType',
  'filingConditionId',
  'targetCaseId',
  'extension',
  'rating',
] as const;
export type RequiredField = (typeof REQUIRED_FIELDS)[number];

const nonEmpty = (v: unknown) => typeof v === 'string' && v.trim().length > 0;
const FIELD_PRESENT: Record<RequiredField, (i: WorkflowInput) => boolean> = {
  version: (i) => Number.isInteger(i.version) && (i.version as number) >= 0,
  reason: (i) => nonEmpty(i.reason),
  note: (i) => nonEmpty(i.note),
  photos: (i) => Array.isArray(i.photos) && i.photos.length > 0 && i.photos.every(nonEmpty),
  unitId: (i) => nonEmpty(i.unitId),
  matterType: (i) => nonEmpty(i.matterType),
  filingConditionId: (i) => nonEmpty(i.filingConditionId),
  targetCaseId: (i) => nonEmpty(i.targetCaseId),
  extension: (i) =>
    !!i.extension &&
    Number.isFinite(i.extension.amount) &&
    i.extension.amount > 0 &&
    nonEmpty(i.extension.unit),
  rating: (i) => Number.isInteger(i.rating) && (i.rating as number) >= 1 && (i.rating as number) <= 5,
};
const FIELD_LABELS: Record<RequiredField, [zh: string, en: string]> = {
  version: ['版本号', 'version'],
  reason: ['原因', 'reason'],
  note: ['说明', 'note'],
  photos: ['照片', 'photos'],
  unitId: ['处置单位', 'unit'],
  matterType: ['案件类型', 'matter type'],
  filingConditionId: ['立案条件', 'filing condition'],
  targetCaseId: ['合并目标案件', 'target case'],
  extension: ['延期时长', 'extension'],
  rating: ['满意度评价', 'rating'],
};
/** Fields every action needs. */
export const ALWAYS_REQUIRED: readonly RequiredField[] = ['version'];

export const GUARD_NAMES = [
  'notOverdue',
  'hasPendingExtension',
  'noPendingExtension',
  'hasPendingParking',
  'noPendingParking',
  'hasPendingVoid',
  'noPendingVoid',
  'notActFirst',
  'checkPassed',
  'checkFailed',
  'caseAtDistrict',
  'actorAtCaseLevel',
] as const;
export type GuardName = (typeof GUARD_NAMES)[number];

type GuardFn = (ctx: WorkflowContext, acting: readonly WorkflowRole[]) => boolean;
export const GUARDS: Record<GuardName, GuardFn> = {
  notOverdue: (c) => !c.overdue,
  hasPendingExtension: (c) => !!c.pending?.extension,
  noPendingExtension: (c) => !c.pending?.extension,
  hasPendingParking: (c) => !!c.pending?.parking,
  noPendingParking: (c) => !c.pending?.parking,
  hasPendingVoid: (c) => !!c.pending?.void,
  noPendingVoid: (c) => !c.pending?.void,
  notActFirst: (c) => !c.flags?.act_first,
  checkPassed: (c) => c.checkResult === 'pass',
  checkFailed: (c) => c.checkResult === 'fail',
  caseAtDistrict: (c) => (c.caseLevel ?? 'district') === 'district',
  actorAtCaseLevel: (c, acting) =>
    acting.some((r) => LEVELLESS_ROLES.includes(r)) ||
    c.actorLevel === ((c.caseLevel ?? 'district') === 'city' ? 'city_center' : 'district_center'),
};
const GUARD_MESSAGES: Record<GuardName, [zh: string, en: string]> = {
  notOverdue: ['案件已超期，不能申请', 'the case is overdue'],
  hasPendingExtension: ['没有待审批的延期申请', 'no extension application is pending'],
  noPendingExtension: ['已有待审批的延期申请', 'an extension application is already pending'],
  hasPendingParking: ['没有待审批的挂账申请', 'no parking application is pending'],
  noPendingParking: ['已有待审批的挂账申请', 'a parking application is already pending'],
  hasPendingVoid: ['没有待审批的作废申请', 'no void application is pending'],
  noPendingVoid: ['已有待审批的作废申请', 'a void application is already pending'],
  notActFirst: ['先处置后定责的案件不能回退', 'an act-first case cannot be returned'],
  checkPassed: ['核查未通过，不能结案', 'the check did not pass'],
  checkFailed: ['核查已通过，无需返工', 'the check passed'],
  caseAtDistrict: ['案件已在市级协调', 'the case is already coordinated by the city centre'],
  actorAtCaseLevel: ['案件由另一级中心办理', "the case is handled by the other level's centre"],
};

// ---------------------------------------------------------------------------------------------
// The table

export interface TransitionRule {
  from: readonly CaseState[];
  action: CaseAction;
  roles: readonly WorkflowRole[];
  /** Target state; absent = the state does not change. */
  to?: CaseState;
  /** Levels the actor's organisation must be at (not checked for citizen/system). */
  levels?: readonly OrgLevel[];
  /** Required input fields besides `ALWAYS_REQUIRED`. */
  fields: readonly RequiredField[];
  guards: readonly GuardName[];
  effects: readonly Effect[];
}

const UNIT: readonly OrgLevel[] = ['unit'];
const CITY: readonly OrgLevel[] = ['city_center'];
const DISTRICT: readonly OrgLevel[] = ['district_center'];
const MARKERS: readonly WorkflowRole[] = ['acceptor', 'shift_leader', 'dispatcher', 'supervisor', 'leader'];

export const TRANSITIONS: readonly TransitionRule[] = [
  // 信息收集 → 受理 / 核实
  {
    from: ['reported'],
    action: 'accept_report',
    roles: ['acceptor'],
    to: 'pending_filing',
    levels: CENTRES,
    fields: ['matterType'],
    guards: ['actorAtCaseLevel'],
    effects: [stopStage('accept'), startStage('filing')],
  },
  {
    from: ['reported'],
    action: 'request_verify',
    roles: ['acceptor'],
    to: 'verifying',
    levels: CENTRES,
    fields: [],
    guards: ['actorAtCaseLevel'],
    effects: [stopStage('accept'), createTask('verify'), startStage('verify')],
  },
  {
    from: ['verifying'],
    action: 'verify_confirm',
    roles: ['inspector'],
    to: 'pending_filing',
    levels: CENTRES,
    fields: ['photos'],
    guards: ['actorAtCaseLevel'],
    effects: [
      completeTask('verify'),
      stopStage('verify'),
      { type: 'recordVerification', result: true },
      startStage('filing'),
    ],
  },
  {
    // Not true / not found: the shift leader still decides (normally 不予立案).
    from: ['verifying'],
    action: 'verify_deny',
    roles: ['inspector'],
    to: 'pending_filing',
    levels: CENTRES,
    fields: ['reason', 'photos'],
    guards: ['actorAtCaseLevel'],
    effects: [
      completeTask('verify'),
      stopStage('verify'),
      { type: 'recordVerification', result: false },
      startStage('filing'),
    ],
  },
  {
    from: ['reported', 'verifying'],
    action: 'self_dispose',
    roles: ['inspector'],
    to: 'self_disposed',
    levels: CENTRES,
    fields: ['photos'],
    guards: ['actorAtCaseLevel'],
    effects: [stopAllStages, cancelOpenTasks, { type: 'recordSelfDisposal' }, startStage('close')],
  },
  {
    // By the centre's staff, or by an internal duplicate sweep (`system`). Intake's joining of a
    // new report to an open case nearby is not this action: it closes nothing.
    from: ['reported', 'verifying', 'pending_filing'],
    action: 'merge_duplicate',
    roles: ['acceptor', 'shift_leader', 'system'],
    to: 'merged',
    levels: CENTRES,
    fields: ['targetCaseId'],
    guards: ['actorAtCaseLevel'],
    effects: [stopAllStages, cancelOpenTasks, { type: 'mergeInto' }, notifyReporters],
  },
  // 案卷建立
  {
    from: ['reported'],
    action: 'reject',
    roles: ['acceptor', 'shift_leader'],
    to: 'rejected',
    levels: CENTRES,
    fields: ['reason'],
    guards: ['actorAtCaseLevel'],
    effects: [stopAllStages, notifyReporters],
  },
  {
    from: ['pending_filing'],
    action: 'reject',
    roles: ['shift_leader'],
    to: 'rejected',
    levels: CENTRES,
    fields: ['reason'],
    guards: ['actorAtCaseLevel'],
    effects: [stopAllStages, notifyReporters],
  },
  {
    from: ['pending_filing'],
    action: 'file',
    roles: ['shift_leader'],
    to: 'pending_dispatch',
    levels: CENTRES,
    fields: ['matterType', 'filingConditionId'],
    guards: ['actorAtCaseLevel'],
    effects: [stopStage('filing'), { type: 'recordFiling' }, startStage('dispatch')],
  },
  {
    // The on-the-spot fix is not good enough: file it as a normal case.
    from: ['self_disposed'],
    action: 'file',
    roles: ['shift_leader'],
    to: 'pending_dispatch',
    levels: CENTRES,
    fields: ['matterType', 'filingConditionId'],
    guards: ['actorAtCaseLevel'],
    effects: [stopStage('close'), { type: 'recordFiling' }, startStage('dispatch')],
  },
  {
    from: ['self_disposed'],
    action: 'close',
    roles: ['shift_leader'],
    to: 'closed',
    levels: CENTRES,
    fields: [],
    guards: ['actorAtCaseLevel'],
    effects: [stopStage('close'), notifyReporters, { type: 'scheduleCallback' }],
  },
  // 任务派遣
  {
    from: ['pending_dispatch'],
    action: 'dispatch',
    roles: ['dispatcher'],
    to: 'dispatched',
    levels: CENTRES,
    fields: ['unitId'],
    guards: ['actorAtCaseLevel'],
    effects: [stopStage('dispatch'), startStage('dispose'), deliverToUnit, notify('unit')],
  },
  {
    // 改派 before sign-for, or after a return was accepted: a new unit gets a fresh limit.
    from: ['dispatched', 'returned'],
    action: 're_dispatch',
    roles: ['dispatcher'],
    to: 'dispatched',
    levels: CENTRES,
    fields: ['unitId'],
    guards: ['actorAtCaseLevel'],
    effects: [restartStage('dispose'), deliverToUnit, notify('unit')],
  },
  {
    // The return is unfounded: back to the same unit, its original clock still running.
    from: ['returned'],
    action: 'refuse_return',
    roles: ['dispatcher'],
    to: 'dispatched',
    levels: CENTRES,
    fields: ['reason'],
    guards: ['actorAtCaseLevel'],
    effects: [deliverToUnit, notify('unit')],
  },
  {
    from: ['pending_dispatch'],
    action: 'escalate',
    roles: ['dispatcher'],
    to: 'escalated',
    levels: DISTRICT,
    fields: ['reason'],
    guards: ['caseAtDistrict'],
    effects: [
      stopStage('dispatch'),
      { type: 'setCaseLevel', level: 'city' },
      startStage('coordinate'),
      notify('city_center'),
    ],
  },
  {
    from: ['returned'],
    action: 'escalate',
    roles: ['dispatcher'],
    to: 'escalated',
    levels: DISTRICT,
    fields: ['reason'],
    guards: ['caseAtDistrict'],
    effects: [
      stopStage('dispose'),
      { type: 'setCaseLevel', level: 'city' },
      startStage('coordinate'),
      notify('city_center'),
    ],
  },
  {
    from: ['escalated'],
    action: 'city_dispatch',
    roles: ['dispatcher'],
    to: 'dispatched',
    levels: CITY,
    fields: ['unitId'],
    guards: [],
    effects: [stopStage('coordinate'), startStage('dispose'), deliverToUnit, notify('unit')],
  },
  {
    // 先处置后定责: act at once, settle cost and responsibility afterwards.
    from: ['escalated'],
    action: 'city_order',
    roles: ['dispatcher', 'leader'],
    to: 'dispatched',
    levels: CITY,
    fields: ['unitId', 'reason'],
    guards: [],
    effects: [
      stopStage('coordinate'),
      setFlag('act_first'),
      startStage('dispose'),
      deliverToUnit,
      notify('unit'),
    ],
  },
  {
    from: ['returned'],
    action: 'city_order',
    roles: ['dispatcher', 'leader'],
    to: 'dispatched',
    levels: CITY,
    fields: ['unitId', 'reason'],
    guards: [],
    effects: [
      { type: 'setCaseLevel', level: 'city' },
      setFlag('act_first'),
      restartStage('dispose'),
      deliverToUnit,
      notify('unit'),
    ],
  },
  // 任务处理
  {
    from: ['dispatched'],
    action: 'sign',
    roles: ['unit_handler'],
    to: 'in_progress',
    levels: UNIT,
    fields: [],
    guards: [],
    effects: [{ type: 'recordSignedFor' }],
  },
  {
    from: ['dispatched', 'in_progress'],
    action: 'return',
    roles: ['unit_handler'],
    to: 'returned',
    levels: UNIT,
    fields: ['reason'],
    guards: ['notActFirst'],
    effects: [clearPending('extension'), clearPending('parking'), notify('dispatcher')],
  },
  {
    from: ['in_progress'],
    action: 'feed_back',
    roles: ['unit_handler'],
    to: 'fed_back',
    levels: UNIT,
    fields: ['photos'],
    guards: [],
    effects: [
      stopStage('dispose'),
      clearPending('extension'),
      clearPending('parking'),
      // 核查: the centre checks the result (the acceptor's request and the inspector's visit)
      // within the check limit; the close stage starts only with the check's outcome, so the
      // shift leader's clock never carries the inspector's time.
      startStage('check'),
      notify('acceptor'),
    ],
  },
  {
    from: ['in_progress'],
    action: 'apply_extension',
    roles: ['unit_handler'],
    levels: UNIT,
    fields: ['reason', 'extension'],
    guards: ['notOverdue', 'noPendingExtension', 'noPendingParking'],
    effects: [setPending('extension'), notify('dispatcher')],
  },
  {
    from: ['in_progress'],
    action: 'approve_extension',
    roles: ['dispatcher'],
    levels: CENTRES,
    fields: [],
    guards: ['hasPendingExtension', 'actorAtCaseLevel'],
    effects: [clearPending('extension'), extendDue, notify('unit')],
  },
  {
    from: ['in_progress'],
    action: 'refuse_extension',
    roles: ['dispatcher'],
    levels: CENTRES,
    fields: ['reason'],
    guards: ['hasPendingExtension', 'actorAtCaseLevel'],
    effects: [clearPending('extension'), notify('unit')],
  },
  {
    from: ['in_progress'],
    action: 'apply_parking',
    roles: ['unit_handler'],
    levels: UNIT,
    fields: ['reason'],
    guards: ['notOverdue', 'noPendingParking', 'noPendingExtension'],
    effects: [setPending('parking'), notify('dispatcher')],
  },
  {
    from: ['in_progress'],
    action: 'approve_parking',
    roles: ['dispatcher'],
    to: 'parked',
    levels: CENTRES,
    fields: [],
    guards: ['hasPendingParking', 'actorAtCaseLevel'],
    effects: [clearPending('parking'), pauseClock, notify('unit')],
  },
  {
    from: ['in_progress'],
    action: 'refuse_parking',
    roles: ['dispatcher'],
    levels: CENTRES,
    fields: ['reason'],
    guards: ['hasPendingParking', 'actorAtCaseLevel'],
    effects: [clearPending('parking'), notify('unit')],
  },
  {
    // By the dispatcher, or by the system (an internal process) at the planned resume date.
    from: ['parked'],
    action: 'unpark',
    roles: ['dispatcher', 'system'],
    to: 'in_progress',
    levels: CENTRES,
    fields: [],
    guards: ['actorAtCaseLevel'],
    effects: [resumeClock, notify('unit')],
  },
  // 作废 (filed cases only; before filing it is 不予立案)
  {
    from: FILED_OPEN_STATES,
    action: 'request_void',
    roles: ['acceptor', 'dispatcher'],
    levels: CENTRES,
    fields: ['reason'],
    guards: ['noPendingVoid', 'actorAtCaseLevel'],
    effects: [setPending('void'), notify('shift_leader')],
  },
  {
    from: FILED_OPEN_STATES,
    action: 'approve_void',
    roles: ['shift_leader'],
    to: 'voided',
    levels: CENTRES,
    fields: [],
    guards: ['hasPendingVoid', 'actorAtCaseLevel'],
    effects: [clearPending('void'), stopAllStages, cancelOpenTasks, notify('unit')],
  },
  {
    from: FILED_OPEN_STATES,
    action: 'refuse_void',
    roles: ['shift_leader'],
    levels: CENTRES,
    fields: ['reason'],
    guards: ['hasPendingVoid', 'actorAtCaseLevel'],
    effects: [clearPending('void')],
  },
  // 核查结案
  {
    from: ['fed_back'],
    action: 'request_check',
    roles: ['acceptor'],
    to: 'checking',
    levels: CENTRES,
    fields: [],
    guards: [],
    effects: [createTask('check')],
  },
  {
    from: ['checking'],
    action: 'check_pass',
    roles: ['inspector'],
    to: 'pending_close',
    levels: CENTRES,
    fields: ['photos'],
    guards: [],
    effects: [
      completeTask('check'),
      stopStage('check'),
      { type: 'recordCheckResult', result: 'pass' },
      startStage('close'),
    ],
  },
  {
    from: ['checking'],
    action: 'check_fail',
    roles: ['inspector'],
    to: 'pending_close',
    levels: CENTRES,
    fields: ['photos', 'reason'],
    guards: [],
    effects: [
      completeTask('check'),
      stopStage('check'),
      { type: 'recordCheckResult', result: 'fail' },
      // The decision on a failed check (rework) is timed like closing a passed one.
      startStage('close'),
    ],
  },
  {
    from: ['pending_close'],
    action: 'close',
    roles: ['shift_leader'],
    to: 'closed',
    levels: CENTRES,
    fields: [],
    guards: ['checkPassed', 'actorAtCaseLevel'],
    effects: [stopStage('close'), notifyReporters, { type: 'scheduleCallback' }],
  },
  {
    from: ['pending_close'],
    action: 'rework',
    roles: ['dispatcher'],
    to: 'dispatched',
    levels: CENTRES,
    fields: ['reason'],
    guards: ['checkFailed', 'actorAtCaseLevel'],
    effects: [
      { type: 'recordRework' },
      stopStage('close'),
      restartStage('dispose'),
      deliverToUnit,
      notify('unit'),
    ],
  },
  // Side actions that do not change the state
  {
    // By the city's supervisor, or by the system (an internal reminder).
    from: OPEN_STATES,
    action: 'urge',
    roles: ['supervisor', 'system'],
    levels: CENTRES,
    fields: ['reason'],
    guards: [],
    effects: [{ type: 'recordUrge' }, notify('handler')],
  },
  {
    from: OPEN_STATES,
    action: 'mark_important',
    roles: MARKERS,
    levels: CENTRES,
    fields: [],
    guards: [],
    effects: [setFlag('important')],
  },
  {
    from: OPEN_STATES,
    action: 'mark_urgent',
    roles: MARKERS,
    levels: CENTRES,
    fields: [],
    guards: [],
    effects: [setFlag('urgent')],
  },
  // After the end
  {
    from: ['closed'],
    action: 'rate',
    roles: ['citizen'],
    fields: ['rating'],
    guards: [],
    effects: [{ type: 'recordSatisfaction' }],
  },
  {
    from: ['closed', 'rejected'],
    action: 'record_callback',
    roles: ['acceptor'],
    levels: CENTRES,
    fields: ['note'],
    guards: [],
    effects: [{ type: 'recordCallback' }],
  },
];

/** state → action → rule; built once, rejects a table with two rules for one (state, action). */
const INDEX: ReadonlyMap<CaseState, ReadonlyMap<CaseAction, TransitionRule>> = (() => {
  const index = new Map<CaseState, Map<CaseAction, TransitionRule>>();
  for (const s of CASE_STATES) index.set(s, new Map());
  for (const rule of TRANSITIONS) {
    for (const s of rule.from) {
      const byAction = index.get(s)!;
      if (byAction.has(rule.action)) throw new Error(`workflow: two rules for ${s} × ${rule.action}`);
      byAction.set(rule.action, rule);
    }
  }
  return index;
})();

/** The rule for (state, action), if the action exists in that state at all. */
export function ruleFor(state: CaseState, action: CaseAction): TransitionRule | undefined {
  return INDEX.get(state)?.get(action);
}

/** Required fields of a rule, `version` first. */
export function requiredFields(rule: TransitionRule): RequiredField[] {
  return [...ALWAYS_REQUIRED, ...rule.fields.filter((f) => !ALWAYS_REQUIRED.includes(f))];
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export const WORKFLOW_ERROR_CODES = [
  'WORKFLOW_ACTION_NOT_ALLOWED',
  'WORKFLOW_ROLE_NOT_ALLOWED',
  'WORKFLOW_ORG_LEVEL_NOT_ALLOWED',
  'WORKFLOW_GUARD_FAILED',
  'WORKFLOW_FIELD_REQUIRED',
] as const;
export type WorkflowErrorCode = (typeof WORKFLOW_ERROR_CODES)[number];

export interface WorkflowRefusal {
  ok: false;
  code: WorkflowErrorCode;
  message_zh: string;
  message_en: string;
  details: {
    state: string;
    action: string;
    guard?: GuardName;
    field?: RequiredField;
    /** Roles or levels that would be allowed. */
    allowed?: readonly string[];
  };
}

export interface WorkflowSuccess {
  ok: true;
  from: CaseState;
  action: CaseAction;
  to: CaseState;
  /** Whether the state changes (false for urge, flags, applications…). */
  changed: boolean;
  effects: readonly Effect[];
  rule: TransitionRule;
}

export type WorkflowResult = WorkflowSuccess | WorkflowRefusal;

export interface AvailableAction {
  action: CaseAction;
  to: CaseState;
  fields: RequiredField[];
}

function refuse(
  code: WorkflowErrorCode,
  zh: string,
  en: string,
  details: WorkflowRefusal['details'],
): WorkflowRefusal {
  return { ok: false, code, message_zh: zh, message_en: en, details };
}

/** Checks everything except the input fields; returns the rule or a refusal. */
function authorise(
  state: CaseState,
  action: CaseAction,
  roles: readonly WorkflowRole[],
  ctx: WorkflowContext,
): TransitionRule | WorkflowRefusal {
  const details = { state: String(state), action: String(action) };
  const rule = ruleFor(state, action);
  if (!rule) {
    return refuse(
      'WORKFLOW_ACTION_NOT_ALLOWED',
      `案件当前状态（${state}）不能执行该操作（${action}）`,
      `action ${action} is not allowed in state ${state}`,
      details,
    );
  }
  const acting = roles.filter((r) => rule.roles.includes(r));
  if (!acting.length) {
    return refuse(
      'WORKFLOW_ROLE_NOT_ALLOWED',
      '当前角色无权执行该操作',
      `no role of the actor may ${action}`,
      {
        ...details,
        allowed: rule.roles,
      },
    );
  }
  if (
    rule.levels &&
    !acting.some((r) => LEVELLESS_ROLES.includes(r)) &&
    !(ctx.actorLevel && rule.levels.includes(ctx.actorLevel))
  ) {
    return refuse(
      'WORKFLOW_ORG_LEVEL_NOT_ALLOWED',
      '所在机构层级无权执行该操作',
      `the actor's organisation level may not ${action}`,
      { ...details, allowed: rule.levels },
    );
  }
  for (const guard of rule.guards) {
    if (!GUARDS[guard](ctx, acting)) {
      const [zh, en] = GUARD_MESSAGES[guard];
      return refuse('WORKFLOW_GUARD_FAILED', zh, en, { ...details, guard });
    }
  }
  return rule;
}

/**
 * Decide an action: the target state and the effects to apply, or a typed refusal.
 * Order of checks: action exists in the state → role → org level → guards → required fields.
 */
export function transition(
  state: CaseState,
  action: CaseAction,
  roles: readonly WorkflowRole[],
  context: WorkflowContext = {},
): WorkflowResult {
  const rule = authorise(state, action, roles, context);
  if ('ok' in rule) return rule;
  const input = context.input ?? {};
  for (const field of requiredFields(rule)) {
    if (!FIELD_PRESENT[field](input)) {
      const [zh, en] = FIELD_LABELS[field];
      return refuse('WORKFLOW_FIELD_REQUIRED', `缺少必填项：${zh}`, `missing required field: ${en}`, {
        state,
        action,
        field,
      });
    }
  }
  const to = rule.to ?? state;
  return { ok: true, from: state, action, to, changed: to !== state, effects: rule.effects, rule };
}

/** Actions the actor may take now (roles, level and guards pass; fields are not checked): the UI's buttons. */
export function availableActions(
  state: CaseState,
  roles: readonly WorkflowRole[],
  context: WorkflowContext = {},
): AvailableAction[] {
  const out: AvailableAction[] = [];
  for (const [action, rule] of INDEX.get(state) ?? []) {
    const r = authorise(state, action, roles, context);
    if ('ok' in r) continue;
    out.push({ action, to: rule.to ?? state, fields: requiredFields(rule) });
  }
  return out;
}

export function isTerminal(state: CaseState): boolean {
  return TERMINAL_STATES.includes(state);
}
