/**
 * The case loop's transition table: one rule per (states × action), and everything about an
 * action is declared on its rules — who may take it and at which level, the fields it needs, its
 * guards and effects, what kind of work it is (and whose), and how the UI shows it.
 */
import {
  ALWAYS_REQUIRED,
  type Application,
  CASE_ACTIONS,
  CASE_STATES,
  type CaseAction,
  type CaseState,
  CENTRES,
  cancelOpenTasks,
  clearPending,
  completeTask,
  createTask,
  deliverToUnit,
  type Effect,
  extendDue,
  FILED_OPEN_STATES,
  type GuardName,
  INITIAL_STATE,
  notify,
  notifyReporters,
  OPEN_STATES,
  type OrgLevel,
  PENDING_GUARD_OF,
  pauseClock,
  type RequiredField,
  recordDispatch,
  restartStage,
  resumeClock,
  type Stage,
  setFlag,
  setPending,
  startStage,
  stopAllStages,
  stopStage,
  TERMINAL_STATES,
  type TextField,
  type WorkflowRole,
} from './workflow-vocabulary.ts';

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
  /**
   * Fields the action may carry without needing them (a comment on acceptance, instructions for
   * the unit): the form offers them, the event records them.
   */
  optional?: readonly RequiredField[];
  /**
   * Free-text fields the form starts with the words of an earlier step: field → the action whose
   * latest event's reason (else note) fills it (the rework order starts with the check's finding).
   */
  prefill?: Partial<Record<TextField, CaseAction>>;
  guards: readonly GuardName[];
  effects: readonly Effect[];
  /** Whose pending work the rule is (the work queues); see `Work`. */
  work: Work;
  /** How the UI draws the action's button. */
  tone: Tone;
  /** Whether the button stands with the main actions or comes after them. */
  placement: Placement;
}

/**
 * What kind of work a rule is. `queue`: the case waits on the rule's `owner` (one of its roles —
 * a shift leader may reject a report the acceptor has not accepted yet, but that report waits on
 * the acceptor). `own_report`: it waits on the owner only for the cases they reported themselves
 * (an inspector fixes on the spot what they just found, not every report). `none`: possible at
 * any time and nobody's pending work (urging, marking, merging, asking to void, re-dispatching a
 * case the unit has not signed for).
 */
export type Work =
  | { kind: 'queue'; owner: WorkflowRole }
  | { kind: 'own_report'; owner: WorkflowRole }
  | { kind: 'none' };
/** `danger`: the action undoes, refuses or ends something. */
export type Tone = 'normal' | 'danger';
/** `side`: flags, urging, applications — shown after the main actions. */
export type Placement = 'main' | 'side';

/**
 * Case creation (a report from any channel, in `INITIAL_STATE`) as a rule of its own: who may
 * create a case, and what creating one does — the acceptance clock starts and the acceptors hear of
 * it. Machines (sensors, apps) report through an API key holding `case:report`, not a role.
 */
export interface CreationRule {
  roles: readonly WorkflowRole[];
  to: CaseState;
  effects: readonly Effect[];
}
export const CREATION: CreationRule = {
  roles: ['inspector', 'acceptor', 'unit_handler', 'hotline_operator', 'citizen', 'system'],
  to: INITIAL_STATE,
  effects: [startStage('accept'), notify('acceptor')],
};
/** Who may create a case: the creation rule's roles. */
export const CREATE_ROLES: readonly WorkflowRole[] = CREATION.roles;

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
    work: { kind: 'queue', owner: 'acceptor' },
    tone: 'normal',
    placement: 'main',
    to: 'pending_filing',
    levels: CENTRES,
    fields: ['matterType'],
    optional: ['note'],
    // The public's own reports are verified on site first (request_verify), never accepted blind.
    guards: ['actorAtCaseLevel', 'notFromPublic'],
    // Arrival: the report now waits on the shift leaders of its centre (whoever it waits on).
    effects: [stopStage('accept'), startStage('filing'), notify('handler')],
  },
  {
    from: ['reported'],
    action: 'request_verify',
    roles: ['acceptor'],
    work: { kind: 'queue', owner: 'acceptor' },
    tone: 'normal',
    placement: 'main',
    to: 'verifying',
    levels: CENTRES,
    fields: [],
    guards: ['actorAtCaseLevel'],
    effects: [stopStage('accept'), createTask('verify'), startStage('verify'), notify('inspector')],
  },
  {
    from: ['verifying'],
    action: 'verify_confirm',
    roles: ['inspector'],
    work: { kind: 'queue', owner: 'inspector' },
    tone: 'normal',
    placement: 'main',
    to: 'pending_filing',
    levels: CENTRES,
    fields: ['photos'],
    guards: ['actorAtCaseLevel'],
    effects: [
      completeTask('verify'),
      stopStage('verify'),
      { type: 'recordVerification', result: true },
      startStage('filing'),
      notify('handler'),
    ],
  },
  {
    // Not true / not found: the shift leader still decides (normally 不予立案).
    from: ['verifying'],
    action: 'verify_deny',
    roles: ['inspector'],
    work: { kind: 'queue', owner: 'inspector' },
    tone: 'danger',
    placement: 'main',
    to: 'pending_filing',
    levels: CENTRES,
    fields: ['reason', 'photos'],
    guards: ['actorAtCaseLevel'],
    effects: [
      completeTask('verify'),
      stopStage('verify'),
      { type: 'recordVerification', result: false },
      startStage('filing'),
      notify('handler'),
    ],
  },
  {
    from: ['reported', 'verifying'],
    action: 'self_dispose',
    roles: ['inspector'],
    work: { kind: 'own_report', owner: 'inspector' },
    tone: 'normal',
    placement: 'main',
    to: 'self_disposed',
    levels: CENTRES,
    fields: ['photos'],
    guards: ['actorAtCaseLevel'],
    effects: [stopAllStages, cancelOpenTasks, { type: 'recordSelfDisposal' }, startStage('close')],
  },
  {
    // 部门自查、自行处置: a collaborating unit reports a problem in its remit that it has already
    // fixed, with the after photos and what was done. Taken by intake in the report's own
    // transaction (the unit never sees a case that is not dispatched to it), so it is nobody's
    // pending work; the case then waits, like an inspector's on-the-spot fix, on the shift
    // leader, who closes it or files it as an ordinary case.
    from: ['reported'],
    action: 'department_dispose',
    roles: ['department'],
    work: { kind: 'none' },
    tone: 'normal',
    placement: 'main',
    to: 'self_disposed',
    levels: UNIT,
    fields: ['photos', 'note'],
    guards: ['ownReport'],
    effects: [stopAllStages, { type: 'recordSelfDisposal' }, startStage('close'), notify('shift_leader')],
  },
  {
    // By the centre's staff, or by an internal duplicate sweep (`system`). Intake's joining of a
    // new report to an open case nearby is not this action: it closes nothing.
    from: ['reported', 'verifying', 'pending_filing'],
    action: 'merge_duplicate',
    roles: ['acceptor', 'shift_leader', 'system'],
    work: { kind: 'none' },
    tone: 'normal',
    placement: 'side',
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
    work: { kind: 'queue', owner: 'acceptor' },
    tone: 'danger',
    placement: 'main',
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
    work: { kind: 'queue', owner: 'shift_leader' },
    tone: 'danger',
    placement: 'main',
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
    work: { kind: 'queue', owner: 'shift_leader' },
    tone: 'normal',
    placement: 'main',
    to: 'pending_dispatch',
    levels: CENTRES,
    fields: ['matterType', 'filingConditionId'],
    guards: ['actorAtCaseLevel'],
    effects: [stopStage('filing'), { type: 'recordFiling' }, startStage('dispatch'), notify('handler')],
  },
  {
    // The on-the-spot fix is not good enough: file it as a normal case.
    from: ['self_disposed'],
    action: 'file',
    roles: ['shift_leader'],
    work: { kind: 'queue', owner: 'shift_leader' },
    tone: 'normal',
    placement: 'main',
    to: 'pending_dispatch',
    levels: CENTRES,
    fields: ['matterType', 'filingConditionId'],
    guards: ['actorAtCaseLevel'],
    effects: [stopStage('close'), { type: 'recordFiling' }, startStage('dispatch'), notify('handler')],
  },
  {
    // A new report joined a case fixed on the spot (by an inspector, or a unit's own word at
    // intake) while it waited on the shift leader's confirmation: someone still sees the problem,
    // so the case may no longer be closed on the fixer's word alone. Intake takes this as the
    // system in the report's transaction; the case goes on to the shift leader's filing decision
    // (立案 / 不予立案) like any accepted report, and from there through dispatch and an on-site
    // check. The reason says which report moved it.
    from: ['self_disposed'],
    action: 'refer_to_filing',
    roles: ['system'],
    work: { kind: 'none' },
    tone: 'normal',
    placement: 'side',
    to: 'pending_filing',
    fields: ['reason'],
    guards: [],
    effects: [stopStage('close'), startStage('filing'), notify('handler')],
  },
  {
    from: ['self_disposed'],
    action: 'close',
    roles: ['shift_leader'],
    work: { kind: 'queue', owner: 'shift_leader' },
    tone: 'normal',
    placement: 'main',
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
    work: { kind: 'queue', owner: 'dispatcher' },
    tone: 'normal',
    placement: 'main',
    to: 'dispatched',
    levels: CENTRES,
    fields: ['unitId'],
    // Instructions for the unit (派遣意见).
    optional: ['note'],
    guards: ['actorAtCaseLevel'],
    effects: [stopStage('dispatch'), startStage('dispose'), deliverToUnit, recordDispatch, notify('unit')],
  },
  {
    // 改派 before sign-for, or after a return was accepted: a new unit gets a fresh limit.
    from: ['dispatched', 'returned'],
    action: 're_dispatch',
    roles: ['dispatcher'],
    work: { kind: 'none' },
    tone: 'normal',
    placement: 'main',
    to: 'dispatched',
    levels: CENTRES,
    fields: ['unitId'],
    optional: ['note'],
    guards: ['actorAtCaseLevel'],
    effects: [restartStage('dispose'), deliverToUnit, notify('unit')],
  },
  {
    // The return is unfounded: back to the same unit, its original clock still running.
    from: ['returned'],
    action: 'refuse_return',
    roles: ['dispatcher'],
    work: { kind: 'queue', owner: 'dispatcher' },
    tone: 'danger',
    placement: 'main',
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
    work: { kind: 'queue', owner: 'dispatcher' },
    tone: 'normal',
    placement: 'main',
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
    work: { kind: 'queue', owner: 'dispatcher' },
    tone: 'normal',
    placement: 'main',
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
    work: { kind: 'queue', owner: 'dispatcher' },
    tone: 'normal',
    placement: 'main',
    to: 'dispatched',
    levels: CITY,
    fields: ['unitId'],
    optional: ['note'],
    guards: [],
    effects: [stopStage('coordinate'), startStage('dispose'), deliverToUnit, recordDispatch, notify('unit')],
  },
  {
    // 先处置后定责: act at once, settle cost and responsibility afterwards.
    from: ['escalated'],
    action: 'city_order',
    roles: ['dispatcher', 'leader'],
    work: { kind: 'queue', owner: 'dispatcher' },
    tone: 'normal',
    placement: 'main',
    to: 'dispatched',
    levels: CITY,
    fields: ['unitId', 'reason'],
    optional: ['note'],
    guards: [],
    effects: [
      stopStage('coordinate'),
      setFlag('act_first'),
      startStage('dispose'),
      deliverToUnit,
      recordDispatch,
      notify('unit'),
    ],
  },
  {
    from: ['returned'],
    action: 'city_order',
    roles: ['dispatcher', 'leader'],
    work: { kind: 'queue', owner: 'dispatcher' },
    tone: 'normal',
    placement: 'main',
    to: 'dispatched',
    levels: CITY,
    fields: ['unitId', 'reason'],
    optional: ['note'],
    guards: [],
    effects: [
      { type: 'setCaseLevel', level: 'city' },
      setFlag('act_first'),
      restartStage('dispose'),
      deliverToUnit,
      recordDispatch,
      notify('unit'),
    ],
  },
  // 任务处理
  {
    from: ['dispatched'],
    action: 'sign',
    roles: ['unit_handler'],
    work: { kind: 'queue', owner: 'unit_handler' },
    tone: 'normal',
    placement: 'main',
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
    work: { kind: 'queue', owner: 'unit_handler' },
    tone: 'danger',
    placement: 'main',
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
    work: { kind: 'queue', owner: 'unit_handler' },
    tone: 'normal',
    placement: 'main',
    to: 'fed_back',
    levels: UNIT,
    // What was done (处置情况), with the photos of the result.
    fields: ['note', 'photos'],
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
    work: { kind: 'queue', owner: 'unit_handler' },
    tone: 'normal',
    placement: 'side',
    levels: UNIT,
    fields: ['reason', 'extension'],
    guards: ['notOverdue', 'noPendingExtension', 'noPendingParking'],
    effects: [setPending('extension'), notify('dispatcher')],
  },
  {
    from: ['in_progress'],
    action: 'approve_extension',
    roles: ['dispatcher'],
    work: { kind: 'queue', owner: 'dispatcher' },
    tone: 'normal',
    placement: 'main',
    levels: CENTRES,
    fields: [],
    guards: ['hasPendingExtension', 'actorAtCaseLevel'],
    effects: [clearPending('extension'), extendDue, notify('unit')],
  },
  {
    from: ['in_progress'],
    action: 'refuse_extension',
    roles: ['dispatcher'],
    work: { kind: 'queue', owner: 'dispatcher' },
    tone: 'danger',
    placement: 'main',
    levels: CENTRES,
    fields: ['reason'],
    guards: ['hasPendingExtension', 'actorAtCaseLevel'],
    effects: [clearPending('extension'), notify('unit')],
  },
  {
    from: ['in_progress'],
    action: 'apply_parking',
    roles: ['unit_handler'],
    work: { kind: 'queue', owner: 'unit_handler' },
    tone: 'normal',
    placement: 'side',
    levels: UNIT,
    fields: ['reason'],
    guards: ['notOverdue', 'noPendingParking', 'noPendingExtension'],
    effects: [setPending('parking'), notify('dispatcher')],
  },
  {
    from: ['in_progress'],
    action: 'approve_parking',
    roles: ['dispatcher'],
    work: { kind: 'queue', owner: 'dispatcher' },
    tone: 'normal',
    placement: 'main',
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
    work: { kind: 'queue', owner: 'dispatcher' },
    tone: 'danger',
    placement: 'main',
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
    work: { kind: 'queue', owner: 'dispatcher' },
    tone: 'normal',
    placement: 'main',
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
    work: { kind: 'none' },
    tone: 'danger',
    placement: 'side',
    levels: CENTRES,
    fields: ['reason'],
    guards: ['noPendingVoid', 'actorAtCaseLevel'],
    effects: [setPending('void'), notify('shift_leader')],
  },
  {
    from: FILED_OPEN_STATES,
    action: 'approve_void',
    roles: ['shift_leader'],
    work: { kind: 'queue', owner: 'shift_leader' },
    tone: 'danger',
    placement: 'main',
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
    work: { kind: 'queue', owner: 'shift_leader' },
    tone: 'danger',
    placement: 'main',
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
    work: { kind: 'queue', owner: 'acceptor' },
    tone: 'normal',
    placement: 'main',
    to: 'checking',
    levels: CENTRES,
    fields: [],
    guards: [],
    effects: [createTask('check'), notify('inspector')],
  },
  {
    from: ['checking'],
    action: 'check_pass',
    roles: ['inspector'],
    work: { kind: 'queue', owner: 'inspector' },
    tone: 'normal',
    placement: 'main',
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
    work: { kind: 'queue', owner: 'inspector' },
    tone: 'danger',
    placement: 'main',
    to: 'check_failed',
    levels: CENTRES,
    fields: ['photos', 'reason'],
    guards: [],
    effects: [
      completeTask('check'),
      stopStage('check'),
      { type: 'recordCheckResult', result: 'fail' },
      // The case waits on the dispatcher's rework order, timed as a stage of its own.
      startStage('rework'),
      notify('dispatcher'),
    ],
  },
  {
    from: ['pending_close'],
    action: 'close',
    roles: ['shift_leader'],
    work: { kind: 'queue', owner: 'shift_leader' },
    tone: 'normal',
    placement: 'main',
    to: 'closed',
    levels: CENTRES,
    fields: [],
    guards: ['checkPassed', 'actorAtCaseLevel'],
    effects: [stopStage('close'), notifyReporters, { type: 'scheduleCallback' }],
  },
  {
    from: ['check_failed'],
    action: 'rework',
    roles: ['dispatcher'],
    work: { kind: 'queue', owner: 'dispatcher' },
    tone: 'danger',
    placement: 'main',
    to: 'dispatched',
    levels: CENTRES,
    fields: ['reason'],
    optional: ['note'],
    // The order starts with what the inspector found.
    prefill: { reason: 'check_fail' },
    guards: ['checkFailed', 'actorAtCaseLevel'],
    effects: [
      { type: 'recordRework' },
      stopStage('rework'),
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
    work: { kind: 'none' },
    tone: 'normal',
    placement: 'side',
    levels: CENTRES,
    fields: ['reason'],
    guards: [],
    effects: [{ type: 'recordUrge' }, notify('handler')],
  },
  {
    from: OPEN_STATES,
    action: 'mark_important',
    roles: MARKERS,
    work: { kind: 'none' },
    tone: 'normal',
    placement: 'side',
    levels: CENTRES,
    fields: [],
    guards: [],
    effects: [setFlag('important')],
  },
  {
    from: OPEN_STATES,
    action: 'mark_urgent',
    roles: MARKERS,
    work: { kind: 'none' },
    tone: 'normal',
    placement: 'side',
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
    work: { kind: 'none' },
    tone: 'normal',
    placement: 'main',
    fields: ['rating'],
    guards: [],
    effects: [{ type: 'recordSatisfaction' }],
  },
  {
    from: ['closed', 'rejected'],
    action: 'record_callback',
    roles: ['acceptor'],
    work: { kind: 'none' },
    tone: 'normal',
    placement: 'side',
    levels: CENTRES,
    fields: ['note'],
    guards: [],
    effects: [{ type: 'recordCallback' }],
  },
  {
    // 不满意重办: a reporter was not satisfied with a closed case and the city setting
    // `callback.reopenOnDissatisfied` is on. Nobody presses this: the call-back (or the portal's
    // rating) that records the dissatisfaction takes it as the system, with the reporter's words as
    // the reason. The case goes back to the dispatcher, who sends it to the same unit or another;
    // it is closed again only after a new check. A case closed after a fix on the spot was never
    // filed (no disposal limit to dispatch with), so it is not reopened.
    from: ['closed'],
    action: 'reopen',
    roles: ['system'],
    work: { kind: 'none' },
    tone: 'danger',
    placement: 'side',
    to: 'pending_dispatch',
    fields: ['reason'],
    guards: ['wasFiled'],
    effects: [{ type: 'recordReopen' }, startStage('dispatch'), notify('dispatcher')],
  },
];

/**
 * state → action → rule; built once, rejects a table with two rules for one (state, action), or a
 * prefill of a field the rule's form does not have.
 */
const INDEX: ReadonlyMap<CaseState, ReadonlyMap<CaseAction, TransitionRule>> = (() => {
  const index = new Map<CaseState, Map<CaseAction, TransitionRule>>();
  for (const s of CASE_STATES) index.set(s, new Map());
  for (const rule of TRANSITIONS) {
    for (const f of Object.keys(rule.prefill ?? {}) as TextField[]) {
      if (!rule.fields.includes(f) && !rule.optional?.includes(f))
        throw new Error(`workflow: ${rule.action} prefills ${f}, which its form does not have`);
    }
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

/** The rules that apply in a state, by action, in the table's order. */
export function rulesIn(state: CaseState): ReadonlyMap<CaseAction, TransitionRule> {
  return INDEX.get(state) ?? new Map();
}

/** Required fields of a rule, `version` first. */
export function requiredFields(rule: TransitionRule): RequiredField[] {
  return [...ALWAYS_REQUIRED, ...rule.fields.filter((f) => !ALWAYS_REQUIRED.includes(f))];
}

/** Fields a rule's form offers without requiring them (never one it requires). */
export function optionalFields(rule: TransitionRule): RequiredField[] {
  return (rule.optional ?? []).filter((f) => !rule.fields.includes(f) && !ALWAYS_REQUIRED.includes(f));
}

/** The application a rule decides (approves or refuses): the one its guard says is pending. */
export function decidedApplication(rule: TransitionRule): Application | undefined {
  return (Object.keys(PENDING_GUARD_OF) as Application[]).find((a) =>
    rule.guards.includes(PENDING_GUARD_OF[a]),
  );
}

/** The stages a rule starts (or restarts) a clock for, in the order its effects name them. */
export function stagesStarted(rule: TransitionRule): Stage[] {
  return rule.effects.flatMap((e) => (e.type === 'startStage' || e.type === 'restartStage' ? [e.stage] : []));
}

/** Whether a rule ends the case (its target is terminal): the case's `closedAt` is set. */
export const endsCase = (rule: TransitionRule): boolean => !!rule.to && TERMINAL_STATES.includes(rule.to);

/** Whether a rule sends the case to a unit that the input may name (`deliverToUnit`). */
export const deliversToUnit = (rule: TransitionRule): boolean =>
  rule.effects.some((e) => e.type === 'deliverToUnit');

/**
 * Per action, what all its rules declare alike: the kind of work, the tone and the placement. The
 * UI and the queues read these by action, so the table is rejected at load when two rules of one
 * action disagree, when a work owner is not one of its rule's roles, or when an action has no rule.
 */
export interface ActionTraits {
  work: Work['kind'];
  tone: Tone;
  placement: Placement;
}
export const ACTION_TRAITS: Readonly<Record<CaseAction, ActionTraits>> = (() => {
  const out = new Map<CaseAction, ActionTraits>();
  for (const rule of TRANSITIONS) {
    const traits: ActionTraits = { work: rule.work.kind, tone: rule.tone, placement: rule.placement };
    if (rule.work.kind !== 'none' && !rule.roles.includes(rule.work.owner))
      throw new Error(`workflow: ${rule.action} is owned by ${rule.work.owner}, not one of its roles`);
    const seen = out.get(rule.action);
    if (seen && JSON.stringify(seen) !== JSON.stringify(traits))
      throw new Error(`workflow: the rules of ${rule.action} disagree on work, tone or placement`);
    out.set(rule.action, traits);
  }
  for (const a of CASE_ACTIONS) if (!out.has(a)) throw new Error(`workflow: no rule for ${a}`);
  return Object.fromEntries(out) as Record<CaseAction, ActionTraits>;
})();

const actionsWhere = (pred: (t: ActionTraits) => boolean): ReadonlySet<CaseAction> =>
  new Set(CASE_ACTIONS.filter((a) => pred(ACTION_TRAITS[a])));
/** Actions that are nobody's pending work (`work: none`). */
export const NOT_WORK_ACTIONS = actionsWhere((t) => t.work === 'none');
/** Buttons drawn as "danger": the action undoes, refuses or ends something. */
export const DANGER_ACTIONS = actionsWhere((t) => t.tone === 'danger');
/** Buttons that come after the main ones: flags, urging, applications. */
export const SIDE_ACTIONS = actionsWhere((t) => t.placement === 'side');

/** Roles with a work queue: the owners the table declares for some rule's work. */
export const QUEUE_OWNERS: readonly WorkflowRole[] = [
  ...new Set(TRANSITIONS.flatMap((r) => (r.work.kind === 'none' ? [] : [r.work.owner]))),
];

/**
 * Roles with own-report work: the owners of `own_report` rules (an inspector fixes on the spot what
 * they reported). Their own open reports are a part of "my work" apart from the work given to them.
 */
export const OWN_REPORT_OWNERS: readonly WorkflowRole[] = [
  ...new Set(TRANSITIONS.flatMap((r) => (r.work.kind === 'own_report' ? [r.work.owner] : []))),
];

/** Where the people a case waits on sit: the case's unit, its district centre, or the city centre. */
export type WaiterPlace = 'unit' | 'district' | 'city';
export interface Waiter {
  role: WorkflowRole;
  at: WaiterPlace;
}

/**
 * Whom a case waits on now, from the table alone, by the same reading as the work queues
 * (server cases/queue.ts): the declared owners of the `queue` rules of its state whose check
 * guard and level fit the case. Decisions on a pending application (an extension, a void) are
 * side work, not what the case's running stage waits on, so they are left out; so is
 * `own_report` work (only the reporter's own). Level: a rule open to the city centre alone waits
 * on the city, one guarded by `caseAtDistrict` on the district (each only while the case is at
 * that level), one guarded by `actorAtCaseLevel` on the centre coordinating the case, a unit's
 * rule on the case's unit, and field work (no level guard) on the case's district.
 */
export function waitingOn(c: {
  state: CaseState;
  caseLevel?: 'district' | 'city' | null;
  checkResult?: 'pass' | 'fail' | null;
}): Waiter[] {
  const level = c.caseLevel ?? 'district';
  const out = new Map<string, Waiter>();
  for (const rule of rulesIn(c.state).values()) {
    if (rule.work.kind !== 'queue') continue;
    if (decidedApplication(rule)) continue;
    if (c.checkResult !== undefined) {
      if (rule.guards.includes('checkPassed') && c.checkResult !== 'pass') continue;
      if (rule.guards.includes('checkFailed') && c.checkResult !== 'fail') continue;
    }
    const only = rule.levels?.length === 1 ? rule.levels[0] : undefined;
    let at: WaiterPlace;
    if (only === 'unit') at = 'unit';
    else if (only === 'city_center') {
      if (level !== 'city') continue;
      at = 'city';
    } else if (rule.guards.includes('caseAtDistrict')) {
      if (level !== 'district') continue;
      at = 'district';
    } else if (rule.guards.includes('actorAtCaseLevel')) at = level;
    else at = 'district';
    out.set(`${rule.work.owner}@${at}`, { role: rule.work.owner, at });
  }
  return [...out.values()];
}
