/**
 * The case loop's vocabulary (案件流转): states, actors, actions, effects, inputs and guard names —
 * the words the transition table (workflow-table.ts) and its engine (workflow-engine.ts) are
 * written in. Pure data, shared by server and web. Chinese labels live in the locale files under
 * `case.state.<state>` and `case.action.<action>`.
 */
import type { Channel } from './channels.ts';
import { type OrgKind, ROLES, type Role } from './identity.ts';

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
  /** 待返工 `case.state.check_failed` — the check found it not fixed; the dispatcher sends it back (返工). */
  'check_failed',
  /** 待结案 `case.state.pending_close` — the check passed; the shift leader closes. */
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
  'check_failed',
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
 * `department` (部门自查) is whoever reports for a collaborating unit — its handlers, or its own
 * system's key holding `case:report`: the one thing it may do is to report a problem it has
 * already fixed itself (`department_dispose`, on its own report only).
 */
export type WorkflowRole = Role | 'citizen' | 'system' | 'department';
export const WORKFLOW_ROLES: readonly WorkflowRole[] = [...ROLES, 'citizen', 'system', 'department'];
/** Roles without an organisation: org-level requirements do not apply to them. */
export const LEVELLESS_ROLES: readonly WorkflowRole[] = ['citizen', 'system'];

export type OrgLevel = OrgKind;
export const CENTRES: readonly OrgLevel[] = ['city_center', 'district_center'];

// ---------------------------------------------------------------------------------------------
// Actions

export const CASE_ACTIONS = [
  'accept_report', // 受理
  'request_verify', // 派发核实
  'verify_confirm', // 核实属实
  'verify_deny', // 核实不属实
  'self_dispose', // 自处置
  'department_dispose', // 部门自行处置
  'refer_to_filing', // 转立案审核（自处置待确认期间又有新上报）
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
  'reopen', // 重新办理（回访不满意）
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
  /** The dispatcher's decision after a failed check (返工): timed like a dispatch. */
  | 'rework'
  | 'close';
export const STAGES: readonly Stage[] = [
  'accept',
  'verify',
  'filing',
  'dispatch',
  'coordinate',
  'dispose',
  'check',
  'rework',
  'close',
];
export const APPLICATIONS = ['extension', 'parking', 'void'] as const;
export type Application = (typeof APPLICATIONS)[number];
export type CaseFlag = 'important' | 'urgent' | 'act_first';
export type TaskKind = 'verify' | 'check';
export type Notify =
  | 'reporters'
  | 'unit'
  | 'dispatcher'
  | 'shift_leader'
  | 'acceptor'
  | 'city_center'
  /** Whoever the case waits on now (the work-queue owners of its state, `waitingOn`). */
  | 'handler'
  /**
   * The inspector a field task (verify, check) goes to: the one who last worked the case in the
   * field (its latest verification or check), else its reporter when an inspector of the case's
   * district; only when the case has no inspector of its own, the district's inspectors (whose
   * pool the task is). Never an inspector of another district.
   */
  | 'inspector';

/**
 * Who hears a stage's warning and overdue (the timer sweeper): `handler`, whoever the case waits
 * on now — the work-queue owners of its state, derived from the transition table
 * (workflow-table.ts `waitingOn`): the acceptor for acceptance, the inspector for a verification
 * or a check in the field, the shift leader for filing and closing, the dispatcher for dispatching
 * and rework, the unit for its disposal. A stage may name followers besides (local
 * configuration): the dispatcher follows the unit's disposal clock. Nobody else hears of it — a
 * check's warning never reaches the unit, a filing's never the dispatcher.
 */
export const STAGE_TIMER_NOTIFY: Readonly<Record<Stage, readonly Notify[]>> = {
  accept: ['handler'],
  verify: ['handler'],
  filing: ['handler'],
  dispatch: ['handler'],
  coordinate: ['handler'],
  dispose: ['handler', 'dispatcher'],
  check: ['handler'],
  rework: ['dispatcher'],
  close: ['handler'],
};

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
  /**
   * A closed case is taken up again (a reporter was not satisfied and the city setting
   * `callback.reopenOnDissatisfied` says so): it is no longer closed and needs a new check.
   */
  | { type: 'recordReopen' }
  /** Duplicate: attach this case and its reporters to `input.targetCaseId`. */
  | { type: 'mergeInto' }
  /** Put the case in the inbox of `input.unitId` (or the current unit when absent). */
  | { type: 'deliverToUnit' }
  /** A dispatch (not a re-dispatch or rework): the case's dispatch time is recorded. */
  | { type: 'recordDispatch' }
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
export const recordDispatch = fx('recordDispatch');
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
  /** The channel the case came in by (its first report's). */
  channel?: Channel;
  /** The case was filed (立案) under a disposal standard: it has a disposal limit to dispatch with. */
  filed?: boolean;
  /** The actor made the case's report (intake's submitter is the actor). */
  ownReport?: boolean;
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
  'notFromPublic',
  'wasFiled',
  'ownReport',
] as const;
export type GuardName = (typeof GUARD_NAMES)[number];

/** The guard saying an application waits for a decision: an action guarded by it decides that application. */
export const PENDING_GUARD_OF: Readonly<Record<Application, GuardName>> = {
  extension: 'hasPendingExtension',
  parking: 'hasPendingParking',
  void: 'hasPendingVoid',
};

/** Free-text fields a form may start filled with an earlier step's words (`TransitionRule.prefill`). */
export type TextField = 'reason' | 'note';
