/**
 * The case loop's engine: evaluates the transition table (workflow-table.ts) for a state, an
 * action, the actor's roles and the case's facts — the decision and its refusals, and the actions
 * the UI offers. Pure functions, no I/O.
 */
import { isBlankText } from './blank-text.ts';
import { verifiesFirst } from './channels.ts';
import {
  decidedApplication,
  optionalFields,
  requiredFields,
  ruleFor,
  rulesIn,
  type TransitionRule,
} from './workflow-table.ts';
import {
  type Application,
  type CaseAction,
  type CaseState,
  type Effect,
  type GuardName,
  LEVELLESS_ROLES,
  type RequiredField,
  TERMINAL_STATES,
  type WorkflowContext,
  type WorkflowInput,
  type WorkflowRole,
} from './workflow-vocabulary.ts';

// A required text of only white space or zero-width/format characters is missing.
const nonEmpty = (v: unknown) => typeof v === 'string' && !isBlankText(v);
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
  // Both callers (the case loop and the demo seed) say the channel; a context without one is a
  // unit test of another rule.
  notFromPublic: (c) => c.channel === undefined || !verifiesFirst(c.channel),
  wasFiled: (c) => c.filed === true,
  ownReport: (c) => c.ownReport === true,
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
  notFromPublic: [
    '公众自行上报的问题须先派监督员现场核实，不能直接受理',
    'a report from the public must be verified on site by an inspector first',
  ],
  wasFiled: [
    '案件未立案（现场自处置后结案），不能重新派遣',
    'the case was never filed (closed after a fix on the spot)',
  ],
  ownReport: ['只能处理本单位自己上报的案件', "only the case's own reporter may do this"],
};

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
  /** Required fields, `version` first. */
  fields: RequiredField[];
  /** Fields the form offers without requiring them. */
  optional: RequiredField[];
  /** The pending application the action approves or refuses (its amount and reason are shown). */
  decides?: Application;
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
  for (const [action, rule] of rulesIn(state)) {
    const r = authorise(state, action, roles, context);
    if ('ok' in r) continue;
    const decides = decidedApplication(rule);
    out.push({
      action,
      to: rule.to ?? state,
      fields: requiredFields(rule),
      optional: optionalFields(rule),
      ...(decides ? { decides } : {}),
    });
  }
  return out;
}

export function isTerminal(state: CaseState): boolean {
  return TERMINAL_STATES.includes(state);
}
