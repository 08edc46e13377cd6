import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  availableActions,
  CASE_ACTIONS,
  CASE_STATES,
  type CaseAction,
  type CaseState,
  decidedApplication,
  type Effect,
  FILED_OPEN_STATES,
  GUARD_NAMES,
  type GuardName,
  INITIAL_STATE,
  OPEN_STATES,
  type OrgLevel,
  optionalFields,
  QUEUE_OWNERS,
  REQUIRED_FIELDS,
  requiredFields,
  ruleFor,
  SIDE_ACTIONS,
  STAGE_TIMER_NOTIFY,
  stagesStarted,
  TERMINAL_STATES,
  TRANSITIONS,
  type TransitionRule,
  transition,
  WORKFLOW_ERROR_CODES,
  WORKFLOW_ROLES,
  type WorkflowContext,
  type WorkflowInput,
  type WorkflowResult,
  type WorkflowRole,
  waitingOn,
} from './workflow.ts';

const LEVELS: Array<OrgLevel | undefined> = ['city_center', 'district_center', 'unit', undefined];
const LEVELLESS: WorkflowRole[] = ['citizen', 'system'];

/** Every field present and valid. */
const FULL_INPUT: Required<WorkflowInput> = {
  version: 3,
  reason: '不属于本单位职责',
  note: '已电话回访',
  photos: ['photo-1'],
  unitId: 'unit-42',
  matterType: 'matter:06001',
  filingConditionId: 'cond-1',
  targetCaseId: 'case-7',
  extension: { amount: 2, unit: 'work_day' },
  rating: 5,
};

/** A context in which every guard of `rule` holds for an actor at `level`. */
function satisfying(rule: TransitionRule, level: OrgLevel | undefined): WorkflowContext {
  const ctx: WorkflowContext = { actorLevel: level, input: { ...FULL_INPUT }, pending: {}, flags: {} };
  for (const g of rule.guards) {
    switch (g) {
      case 'notOverdue':
        ctx.overdue = false;
        break;
      case 'hasPendingExtension':
        ctx.pending!.extension = true;
        break;
      case 'hasPendingParking':
        ctx.pending!.parking = true;
        break;
      case 'hasPendingVoid':
        ctx.pending!.void = true;
        break;
      case 'noPendingExtension':
      case 'noPendingParking':
      case 'noPendingVoid':
      case 'notActFirst':
        break;
      case 'checkPassed':
        ctx.checkResult = 'pass';
        break;
      case 'checkFailed':
        ctx.checkResult = 'fail';
        break;
      case 'caseAtDistrict':
        ctx.caseLevel = 'district';
        break;
      case 'actorAtCaseLevel':
        ctx.caseLevel = level === 'city_center' ? 'city' : 'district';
        break;
      case 'notFromPublic':
        ctx.channel = 'hotline';
        break;
      case 'wasFiled':
        ctx.filed = true;
        break;
      case 'ownReport':
        ctx.ownReport = true;
        break;
    }
  }
  return ctx;
}

/** The same context with one guard broken (undefined when the guard cannot fail for this actor). */
function violating(
  rule: TransitionRule,
  guard: GuardName,
  role: WorkflowRole,
  level: OrgLevel | undefined,
): WorkflowContext | undefined {
  const ctx = satisfying(rule, level);
  switch (guard) {
    case 'notOverdue':
      return { ...ctx, overdue: true };
    case 'hasPendingExtension':
      return { ...ctx, pending: { ...ctx.pending, extension: false } };
    case 'hasPendingParking':
      return { ...ctx, pending: { ...ctx.pending, parking: false } };
    case 'hasPendingVoid':
      return { ...ctx, pending: { ...ctx.pending, void: false } };
    case 'noPendingExtension':
      return { ...ctx, pending: { ...ctx.pending, extension: true } };
    case 'noPendingParking':
      return { ...ctx, pending: { ...ctx.pending, parking: true } };
    case 'noPendingVoid':
      return { ...ctx, pending: { ...ctx.pending, void: true } };
    case 'notActFirst':
      return { ...ctx, flags: { act_first: true } };
    case 'checkPassed':
      return { ...ctx, checkResult: 'fail' };
    case 'checkFailed':
      return { ...ctx, checkResult: 'pass' };
    case 'caseAtDistrict':
      return { ...ctx, caseLevel: 'city' };
    case 'actorAtCaseLevel':
      if (LEVELLESS.includes(role)) return undefined;
      return { ...ctx, caseLevel: ctx.caseLevel === 'city' ? 'district' : 'city' };
    case 'notFromPublic':
      return { ...ctx, channel: 'web' };
    case 'wasFiled':
      return { ...ctx, filed: false };
    case 'ownReport':
      return { ...ctx, ownReport: false };
  }
}

function expectRefusal(r: WorkflowResult, code: string): void {
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.code).toBe(code);
  expect(r.message_zh.length).toBeGreaterThan(0);
  expect(r.message_en.length).toBeGreaterThan(0);
}

describe('the table', () => {
  it('uses only known states, actions, roles, guards and fields', () => {
    for (const rule of TRANSITIONS) {
      expect(CASE_ACTIONS).toContain(rule.action);
      for (const s of rule.from) expect(CASE_STATES).toContain(s);
      if (rule.to) expect(CASE_STATES).toContain(rule.to);
      expect(rule.roles.length).toBeGreaterThan(0);
      for (const r of rule.roles) expect(WORKFLOW_ROLES).toContain(r);
      for (const g of rule.guards) expect(GUARD_NAMES).toContain(g);
      for (const f of rule.fields) expect(REQUIRED_FIELDS).toContain(f);
    }
  });

  it('uses every action and gives admin no action in the loop', () => {
    const used = new Set(TRANSITIONS.map((r) => r.action));
    for (const a of CASE_ACTIONS) expect(used.has(a)).toBe(true);
    for (const rule of TRANSITIONS) expect(rule.roles).not.toContain('admin');
  });

  it('requires the version on every action', () => {
    for (const rule of TRANSITIONS) expect(requiredFields(rule)[0]).toBe('version');
  });

  it('reaches every state from reported', () => {
    const seen = new Set<CaseState>([INITIAL_STATE]);
    const queue: CaseState[] = [INITIAL_STATE];
    while (queue.length) {
      const s = queue.shift()!;
      for (const a of CASE_ACTIONS) {
        const to = ruleFor(s, a)?.to;
        if (to && !seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    expect([...seen].sort()).toEqual([...CASE_STATES].sort());
  });

  it('lets every open state reach a terminal state', () => {
    for (const start of OPEN_STATES) {
      const seen = new Set<CaseState>([start]);
      const queue: CaseState[] = [start];
      while (queue.length) {
        const s = queue.shift()!;
        for (const a of CASE_ACTIONS) {
          const to = ruleFor(s, a)?.to;
          if (to && !seen.has(to)) {
            seen.add(to);
            queue.push(to);
          }
        }
      }
      expect(TERMINAL_STATES.some((t) => seen.has(t))).toBe(true);
    }
  });

  it('keeps terminal states terminal except for explicitly allowed actions', () => {
    const allowed: Record<string, CaseAction[]> = {
      closed: ['rate', 'record_callback', 'reopen'],
      rejected: ['record_callback'],
      voided: [],
      merged: [],
    };
    // The one way out of a terminal state: the system reopens a closed case after a dissatisfied
    // reporter (setting callback.reopenOnDissatisfied), back to the dispatcher.
    const leaves: Record<string, CaseState> = { 'closed × reopen': 'pending_dispatch' };
    for (const s of TERMINAL_STATES) {
      const actions = CASE_ACTIONS.filter((a) => ruleFor(s, a));
      expect(actions.sort()).toEqual([...allowed[s]].sort());
      for (const a of actions) expect(ruleFor(s, a)!.to ?? s).toBe(leaves[`${s} × ${a}`] ?? s);
      expect(ruleFor('closed', 'reopen')!.roles).toEqual(['system']);
      for (const a of CASE_ACTIONS.filter((x) => !allowed[s].includes(x))) {
        for (const role of WORKFLOW_ROLES) {
          expectRefusal(
            transition(s, a, [role], { actorLevel: 'city_center', input: FULL_INPUT }),
            'WORKFLOW_ACTION_NOT_ALLOWED',
          );
        }
      }
    }
  });

  it('pauses and resumes the clock only when parking', () => {
    const with_ = (t: Effect['type']) => TRANSITIONS.filter((r) => r.effects.some((e) => e.type === t));
    expect(with_('pauseClock').map((r) => r.action)).toEqual(['approve_parking']);
    expect(with_('resumeClock').map((r) => r.action)).toEqual(['unpark']);
    expect(with_('extendDue').map((r) => r.action)).toEqual(['approve_extension']);
  });
});

describe('exhaustive walk: states × actions × roles × org levels', () => {
  it('allows exactly the declared combinations and refuses the rest with the right code', () => {
    let allowedCount = 0;
    let refusedCount = 0;
    for (const state of CASE_STATES) {
      for (const action of CASE_ACTIONS) {
        const rule = TRANSITIONS.find((r) => r.action === action && r.from.includes(state));
        for (const role of WORKFLOW_ROLES) {
          for (const level of LEVELS) {
            const ctx: WorkflowContext = rule
              ? satisfying(rule, level)
              : { actorLevel: level, input: { ...FULL_INPUT } };
            const r = transition(state, action, [role], ctx);
            if (!rule) {
              expectRefusal(r, 'WORKFLOW_ACTION_NOT_ALLOWED');
            } else if (!rule.roles.includes(role)) {
              expectRefusal(r, 'WORKFLOW_ROLE_NOT_ALLOWED');
            } else if (rule.levels && !LEVELLESS.includes(role) && !(level && rule.levels.includes(level))) {
              expectRefusal(r, 'WORKFLOW_ORG_LEVEL_NOT_ALLOWED');
            } else {
              expect(r.ok, `${state} × ${action} × ${role}@${level}`).toBe(true);
              if (!r.ok) continue;
              expect(r.to).toBe(rule.to ?? state);
              expect(r.changed).toBe((rule.to ?? state) !== state);
              expect(r.effects).toEqual(rule.effects);
              allowedCount++;
              // Each guard, broken alone, refuses with its name.
              for (const guard of rule.guards) {
                const bad = violating(rule, guard, role, level);
                if (!bad) continue;
                const g = transition(state, action, [role], bad);
                expectRefusal(g, 'WORKFLOW_GUARD_FAILED');
                if (!g.ok) expect(g.details.guard).toBe(guard);
              }
              // Each required field, missing alone, refuses with its name.
              for (const field of requiredFields(rule)) {
                const input: WorkflowInput = { ...FULL_INPUT };
                delete input[field];
                const f = transition(state, action, [role], { ...ctx, input });
                expectRefusal(f, 'WORKFLOW_FIELD_REQUIRED');
                if (!f.ok) expect(f.details.field).toBe(field);
              }
              continue;
            }
            refusedCount++;
          }
        }
      }
    }
    expect(allowedCount).toBeGreaterThan(100);
    expect(refusedCount).toBeGreaterThan(allowedCount);
  });

  it('availableActions lists exactly the actions transition() would accept with full input', () => {
    const contexts: WorkflowContext[] = [
      {},
      { caseLevel: 'city' },
      { overdue: true },
      { pending: { extension: true } },
      { pending: { parking: true, void: true } },
      { checkResult: 'pass' },
      { checkResult: 'fail', caseLevel: 'city' },
      { flags: { act_first: true } },
    ];
    for (const state of CASE_STATES) {
      for (const role of WORKFLOW_ROLES) {
        for (const level of LEVELS) {
          for (const base of contexts) {
            const ctx = { ...base, actorLevel: level };
            const listed = availableActions(state, [role], ctx);
            const expected = CASE_ACTIONS.filter(
              (a) => transition(state, a, [role], { ...ctx, input: FULL_INPUT }).ok,
            );
            expect(listed.map((x) => x.action).sort()).toEqual([...expected].sort());
            for (const x of listed) expect(x.to).toBe(ruleFor(state, x.action)!.to ?? state);
          }
        }
      }
    }
  });

  it('uses the union of an actor’s roles', () => {
    const ctx = { actorLevel: 'district_center' as const };
    const both = availableActions('pending_filing', ['acceptor', 'shift_leader'], ctx).map((a) => a.action);
    expect(both).toEqual(expect.arrayContaining(['file', 'reject', 'merge_duplicate', 'mark_important']));
  });

  it('refuses unknown states and actions from untyped callers', () => {
    expectRefusal(
      transition('nonsense' as CaseState, 'file', ['shift_leader']),
      'WORKFLOW_ACTION_NOT_ALLOWED',
    );
    expectRefusal(
      transition('reported', 'fly' as CaseAction, ['shift_leader']),
      'WORKFLOW_ACTION_NOT_ALLOWED',
    );
    expect(availableActions('nonsense' as CaseState, ['admin'])).toEqual([]);
  });

  it('only returns stable codes', () => {
    const r = transition('reported', 'file', ['shift_leader'], { actorLevel: 'district_center' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(WORKFLOW_ERROR_CODES).toContain(r.code);
  });
});

// ---------------------------------------------------------------------------------------------
// Scenarios: a small simulator applies the effects that change guard facts.

interface Actor {
  roles: WorkflowRole[];
  level?: OrgLevel;
}
const acceptor: Actor = { roles: ['acceptor'], level: 'district_center' };
const inspector: Actor = { roles: ['inspector'], level: 'district_center' };
const shiftLeader: Actor = { roles: ['shift_leader'], level: 'district_center' };
const dispatcher: Actor = { roles: ['dispatcher'], level: 'district_center' };
const cityDispatcher: Actor = { roles: ['dispatcher'], level: 'city_center' };
const cityLeader: Actor = { roles: ['leader'], level: 'city_center' };
const handler: Actor = { roles: ['unit_handler'], level: 'unit' };
const supervisor: Actor = { roles: ['supervisor'], level: 'city_center' };
const system: Actor = { roles: ['system'] };
const citizen: Actor = { roles: ['citizen'] };

class SimCase {
  state: CaseState = INITIAL_STATE;
  version = 0;
  facts: WorkflowContext = { caseLevel: 'district', pending: {}, flags: {}, checkResult: null };
  log: Effect[][] = [];

  try(actor: Actor, action: CaseAction, input: WorkflowInput = {}): WorkflowResult {
    return transition(this.state, action, actor.roles, {
      ...this.facts,
      actorLevel: actor.level,
      input: { version: this.version, ...input },
    });
  }

  do(actor: Actor, action: CaseAction, input: WorkflowInput = {}): this {
    const r = this.try(actor, action, input);
    if (!r.ok) throw new Error(`${this.state} × ${action}: ${r.code} ${r.message_en}`);
    for (const e of r.effects) {
      if (e.type === 'setPending') this.facts.pending![e.application] = true;
      if (e.type === 'clearPending') this.facts.pending![e.application] = false;
      if (e.type === 'setFlag') this.facts.flags![e.flag] = true;
      if (e.type === 'setCaseLevel') this.facts.caseLevel = e.level;
      if (e.type === 'recordCheckResult') this.facts.checkResult = e.result;
    }
    this.log.push([...r.effects]);
    this.state = r.to;
    this.version++;
    return this;
  }

  lastEffects(): Effect[] {
    return this.log[this.log.length - 1];
  }
}

const photos = ['p1', 'p2'];
const filed = () =>
  new SimCase()
    .do(acceptor, 'accept_report', { matterType: 'matter:06001' })
    .do(shiftLeader, 'file', { matterType: 'matter:06001', filingConditionId: 'c1' });
const working = () => filed().do(dispatcher, 'dispatch', { unitId: 'u1' }).do(handler, 'sign');

describe('scenarios', () => {
  it('happy path: report → verify → file → dispatch → sign → feed back → check → close', () => {
    const c = new SimCase();
    const states: CaseState[] = [c.state];
    const step = (a: Actor, action: CaseAction, input: WorkflowInput = {}) => {
      c.do(a, action, input);
      states.push(c.state);
    };
    step(acceptor, 'request_verify');
    expect(c.lastEffects()).toContainEqual({ type: 'createTask', task: 'verify' });
    step(inspector, 'verify_confirm', { photos });
    step(shiftLeader, 'file', { matterType: 'matter:06001', filingConditionId: 'c1' });
    step(dispatcher, 'dispatch', { unitId: 'u1' });
    expect(c.lastEffects()).toContainEqual({ type: 'startStage', stage: 'dispose' });
    expect(c.lastEffects()).toContainEqual({ type: 'deliverToUnit' });
    step(handler, 'sign');
    step(handler, 'feed_back', { photos, note: '已清理' });
    expect(c.lastEffects()).toContainEqual({ type: 'stopStage', stage: 'dispose' });
    step(acceptor, 'request_check');
    expect(c.lastEffects()).toContainEqual({ type: 'createTask', task: 'check' });
    step(inspector, 'check_pass', { photos });
    step(shiftLeader, 'close');
    expect(c.lastEffects()).toContainEqual({ type: 'notify', who: 'reporters' });
    expect(states).toEqual([
      'reported',
      'verifying',
      'pending_filing',
      'pending_dispatch',
      'dispatched',
      'in_progress',
      'fed_back',
      'checking',
      'pending_close',
      'closed',
    ]);
    expect(c.try(citizen, 'rate', { rating: 4 }).ok).toBe(true);
    expect(c.try(acceptor, 'record_callback', { note: '满意' }).ok).toBe(true);
    expectRefusal(c.try(supervisor, 'urge', { reason: 'slow' }), 'WORKFLOW_ACTION_NOT_ALLOWED');
  });

  it('the disposal steps belong to the unit, not the centre', () => {
    const c = filed().do(dispatcher, 'dispatch', { unitId: 'u1' });
    expectRefusal(c.try(dispatcher, 'sign'), 'WORKFLOW_ROLE_NOT_ALLOWED');
    expectRefusal(
      c.try({ roles: ['unit_handler'], level: 'district_center' }, 'sign'),
      'WORKFLOW_ORG_LEVEL_NOT_ALLOWED',
    );
    expectRefusal(c.try(handler, 'feed_back', { photos, note: '已清理' }), 'WORKFLOW_ACTION_NOT_ALLOWED');
    c.do(handler, 'sign');
    expectRefusal(c.try(handler, 'feed_back'), 'WORKFLOW_FIELD_REQUIRED');
    expectRefusal(c.try(handler, 'feed_back', { photos: [], note: '已清理' }), 'WORKFLOW_FIELD_REQUIRED');
    // Feedback says what was done: photos alone are not enough, nor blank words.
    for (const note of [undefined, '', '   ']) {
      const r = c.try(handler, 'feed_back', { photos, note });
      expectRefusal(r, 'WORKFLOW_FIELD_REQUIRED');
      if (!r.ok) expect(r.details.field).toBe('note');
    }
  });

  it('return → escalate → city dispatch, and the city keeps the case', () => {
    const c = working().do(handler, 'return', { reason: '不属于本单位' });
    expect(c.state).toBe('returned');
    expectRefusal(c.try(handler, 'return', { reason: 'x' }), 'WORKFLOW_ACTION_NOT_ALLOWED');
    expectRefusal(c.try(dispatcher, 'escalate'), 'WORKFLOW_FIELD_REQUIRED');
    expectRefusal(c.try(cityDispatcher, 'escalate', { reason: 'x' }), 'WORKFLOW_ORG_LEVEL_NOT_ALLOWED');
    c.do(dispatcher, 'escalate', { reason: '责任不清' });
    expect(c.state).toBe('escalated');
    expect(c.facts.caseLevel).toBe('city');
    expectRefusal(c.try(dispatcher, 'city_dispatch', { unitId: 'u2' }), 'WORKFLOW_ORG_LEVEL_NOT_ALLOWED');
    c.do(cityDispatcher, 'city_dispatch', { unitId: 'u2' });
    expect(c.state).toBe('dispatched');
    // The new unit returns it too: now only the city decides, and it cannot go higher.
    c.do(handler, 'return', { reason: '也不属于本单位' });
    const refused = c.try(dispatcher, 're_dispatch', { unitId: 'u3' });
    expectRefusal(refused, 'WORKFLOW_GUARD_FAILED');
    if (!refused.ok) expect(refused.details.guard).toBe('actorAtCaseLevel');
    const up = c.try({ roles: ['dispatcher'], level: 'district_center' }, 'escalate', { reason: 'x' });
    if (!up.ok) expect(up.details.guard).toBe('caseAtDistrict');
    expectRefusal(up, 'WORKFLOW_GUARD_FAILED');
    c.do(cityDispatcher, 're_dispatch', { unitId: 'u3' });
    expect(c.state).toBe('dispatched');
  });

  it('the district re-dispatches or refuses a return', () => {
    const c = working().do(handler, 'return', { reason: 'x' });
    c.do(dispatcher, 'refuse_return', { reason: '属于贵单位职责' });
    expect(c.state).toBe('dispatched');
    c.do(handler, 'return', { reason: 'x' }).do(dispatcher, 're_dispatch', { unitId: 'u9' });
    expect(c.state).toBe('dispatched');
    expect(c.lastEffects()).toContainEqual({ type: 'restartStage', stage: 'dispose' });
  });

  it('escalates straight from pending dispatch', () => {
    const c = filed().do(dispatcher, 'escalate', { reason: '无法确定责任单位' });
    expect(c.state).toBe('escalated');
  });

  it('city act-first order (先处置后定责): the unit cannot return it', () => {
    const c = filed().do(dispatcher, 'escalate', { reason: 'x' });
    expectRefusal(c.try(cityDispatcher, 'city_order', { unitId: 'u1' }), 'WORKFLOW_FIELD_REQUIRED');
    c.do(cityLeader, 'city_order', { unitId: 'u1', reason: '紧急，先处置' });
    expect(c.facts.flags?.act_first).toBe(true);
    const r = c.try(handler, 'return', { reason: 'not ours' });
    expectRefusal(r, 'WORKFLOW_GUARD_FAILED');
    if (!r.ok) expect(r.details.guard).toBe('notActFirst');
    c.do(handler, 'sign').do(handler, 'feed_back', { photos, note: '已处置' });
    expect(c.state).toBe('fed_back');
  });

  it('the city may order action on a case a unit returned to a district', () => {
    const c = working().do(handler, 'return', { reason: 'x' });
    c.do(cityDispatcher, 'city_order', { unitId: 'u5', reason: 'now' });
    expect(c.state).toBe('dispatched');
    expect(c.facts.caseLevel).toBe('city');
  });

  it('extension: apply → approve, apply → refuse, never once overdue', () => {
    const c = working();
    expectRefusal(c.try(dispatcher, 'approve_extension'), 'WORKFLOW_GUARD_FAILED');
    expectRefusal(c.try(handler, 'apply_extension', { reason: '需采购材料' }), 'WORKFLOW_FIELD_REQUIRED');
    c.do(handler, 'apply_extension', { reason: '需采购材料', extension: { amount: 2, unit: 'work_day' } });
    expect(c.state).toBe('in_progress');
    expect(c.facts.pending?.extension).toBe(true);
    expectRefusal(
      c.try(handler, 'apply_extension', { reason: 'again', extension: { amount: 1, unit: 'work_day' } }),
      'WORKFLOW_GUARD_FAILED',
    );
    expectRefusal(c.try(handler, 'apply_parking', { reason: 'x' }), 'WORKFLOW_GUARD_FAILED');
    c.do(dispatcher, 'approve_extension');
    expect(c.lastEffects()).toContainEqual({ type: 'extendDue' });
    expect(c.facts.pending?.extension).toBe(false);
    c.do(handler, 'apply_extension', { reason: 'more', extension: { amount: 1, unit: 'work_day' } });
    expectRefusal(c.try(dispatcher, 'refuse_extension'), 'WORKFLOW_FIELD_REQUIRED');
    c.do(dispatcher, 'refuse_extension', { reason: '理由不充分' });
    expect(c.lastEffects()).not.toContainEqual({ type: 'extendDue' });
    expect(c.state).toBe('in_progress');

    c.facts.overdue = true;
    const r = c.try(handler, 'apply_extension', {
      reason: 'late',
      extension: { amount: 1, unit: 'work_day' },
    });
    expectRefusal(r, 'WORKFLOW_GUARD_FAILED');
    if (!r.ok) expect(r.details.guard).toBe('notOverdue');
    expect(
      availableActions('in_progress', handler.roles, { ...c.facts, actorLevel: 'unit' }).map((a) => a.action),
    ).not.toContain('apply_extension');
  });

  it('parking: apply → approve (clock paused) → unpark (clock resumed); refuse keeps it running', () => {
    const c = working().do(handler, 'apply_parking', { reason: '需列入年度计划' });
    expect(c.state).toBe('in_progress');
    c.do(dispatcher, 'approve_parking');
    expect(c.state).toBe('parked');
    expect(c.lastEffects()).toContainEqual({ type: 'pauseClock' });
    expectRefusal(c.try(handler, 'feed_back', { photos }), 'WORKFLOW_ACTION_NOT_ALLOWED');
    expect(c.try(supervisor, 'urge', { reason: 'follow up' }).ok).toBe(true);
    c.do(system, 'unpark');
    expect(c.state).toBe('in_progress');
    expect(c.lastEffects()).toContainEqual({ type: 'resumeClock' });
    c.do(handler, 'apply_parking', { reason: 'again' }).do(dispatcher, 'refuse_parking', { reason: 'no' });
    expect(c.state).toBe('in_progress');
    c.do(handler, 'apply_parking', { reason: 'again' })
      .do(dispatcher, 'approve_parking')
      .do(dispatcher, 'unpark');
    expect(c.state).toBe('in_progress');
  });

  it('void: request → refuse, request → approve', () => {
    const c = working();
    expectRefusal(c.try(shiftLeader, 'approve_void'), 'WORKFLOW_GUARD_FAILED');
    expectRefusal(c.try(handler, 'request_void', { reason: 'x' }), 'WORKFLOW_ROLE_NOT_ALLOWED');
    c.do(dispatcher, 'request_void', { reason: '重复立案' });
    expect(c.state).toBe('in_progress');
    expectRefusal(c.try(acceptor, 'request_void', { reason: 'x' }), 'WORKFLOW_GUARD_FAILED');
    expectRefusal(c.try(dispatcher, 'approve_void'), 'WORKFLOW_ROLE_NOT_ALLOWED');
    c.do(shiftLeader, 'refuse_void', { reason: '不是重复' });
    expect(c.state).toBe('in_progress');
    c.do(acceptor, 'request_void', { reason: '重复立案' }).do(shiftLeader, 'approve_void');
    expect(c.state).toBe('voided');
    expect(c.lastEffects()).toContainEqual({ type: 'cancelOpenTasks' });
    expect(availableActions('voided', WORKFLOW_ROLES, { actorLevel: 'city_center' })).toEqual([]);
    // Before filing there is nothing to void: it is rejected instead.
    expectRefusal(
      new SimCase().try(acceptor, 'request_void', { reason: 'x' }),
      'WORKFLOW_ACTION_NOT_ALLOWED',
    );
    for (const s of FILED_OPEN_STATES) expect(ruleFor(s, 'request_void')).toBeDefined();
  });

  it('a failed check waits on the dispatcher in a state and a stage of its own; rework then close', () => {
    const c = working().do(handler, 'feed_back', { photos, note: '已处置' }).do(acceptor, 'request_check');
    expectRefusal(c.try(inspector, 'check_fail', { photos }), 'WORKFLOW_FIELD_REQUIRED');
    c.do(inspector, 'check_fail', { photos, reason: '井盖仍未更换' });
    // 待返工, not 待结案: the rework stage is timed and the dispatcher is told.
    expect(c.state).toBe('check_failed');
    expect(c.lastEffects()).toContainEqual({ type: 'startStage', stage: 'rework' });
    expect(c.lastEffects()).not.toContainEqual({ type: 'startStage', stage: 'close' });
    expect(c.lastEffects()).toContainEqual({ type: 'notify', who: 'dispatcher' });
    expect(STAGE_TIMER_NOTIFY.rework).toEqual(['dispatcher']);
    // Nothing to close, and only the dispatcher acts (besides the side actions).
    expectRefusal(c.try(shiftLeader, 'close'), 'WORKFLOW_ACTION_NOT_ALLOWED');
    const ctx = { actorLevel: 'district_center' as const, checkResult: 'fail' as const };
    const main = (role: WorkflowRole) =>
      availableActions('check_failed', [role], ctx)
        .filter((a) => !SIDE_ACTIONS.has(a.action))
        .map((a) => a.action);
    expect(main('dispatcher')).toEqual(['rework']);
    for (const role of ['shift_leader', 'acceptor', 'inspector'] as const) expect(main(role)).toEqual([]);
    // The rework order starts with the inspector's finding (the table's prefill).
    expect(ruleFor('check_failed', 'rework')!.prefill).toEqual({ reason: 'check_fail' });
    c.do(dispatcher, 'rework', { reason: '未处置到位' });
    expect(c.state).toBe('dispatched');
    expect(c.lastEffects()).toContainEqual({ type: 'recordRework' });
    expect(c.lastEffects()).toContainEqual({ type: 'stopStage', stage: 'rework' });
    c.do(handler, 'sign')
      .do(handler, 'feed_back', { photos, note: '已更换井盖' })
      .do(acceptor, 'request_check')
      .do(inspector, 'check_pass', { photos });
    expect(c.state).toBe('pending_close');
    // A passed check has no rework to order.
    expectRefusal(c.try(dispatcher, 'rework', { reason: 'x' }), 'WORKFLOW_ACTION_NOT_ALLOWED');
    c.do(shiftLeader, 'close');
    expect(c.state).toBe('closed');
  });

  it('forms offer optional fields, decided applications and prefills as the table declares them', () => {
    const district = { actorLevel: 'district_center' as const };
    const accept = availableActions('reported', ['acceptor'], district).find(
      (a) => a.action === 'accept_report',
    )!;
    expect(accept.fields).toEqual(['version', 'matterType']);
    expect(accept.optional).toEqual(['note']);
    const dispatch = availableActions('pending_dispatch', ['dispatcher'], district).find(
      (a) => a.action === 'dispatch',
    )!;
    expect(dispatch.optional).toEqual(['note']);
    expect(stagesStarted(ruleFor('pending_dispatch', 'dispatch')!)).toEqual(['dispose']);
    const pendingExt = { ...district, pending: { extension: true } };
    const decided = availableActions('in_progress', ['dispatcher'], pendingExt).filter((a) => a.decides);
    expect(decided.map((a) => [a.action, a.decides])).toEqual([
      ['approve_extension', 'extension'],
      ['refuse_extension', 'extension'],
    ]);
    expect(decidedApplication(ruleFor('in_progress', 'apply_extension')!)).toBeUndefined();
    // A prefill names a field the rule's form has, and an action of the table.
    for (const rule of TRANSITIONS) {
      for (const [field, from] of Object.entries(rule.prefill ?? {})) {
        expect([...rule.fields, ...(rule.optional ?? [])]).toContain(field);
        expect(CASE_ACTIONS).toContain(from);
      }
      for (const f of optionalFields(rule)) expect(rule.fields).not.toContain(f);
    }
  });

  it('verification denied, then rejected; rejected cases only get a call-back', () => {
    const c = new SimCase()
      .do(acceptor, 'request_verify')
      .do(inspector, 'verify_deny', { reason: '现场无此问题', photos });
    expect(c.state).toBe('pending_filing');
    expectRefusal(c.try(acceptor, 'reject', { reason: 'x' }), 'WORKFLOW_ROLE_NOT_ALLOWED');
    c.do(shiftLeader, 'reject', { reason: '不属实' });
    expect(c.state).toBe('rejected');
    expect(c.lastEffects()).toContainEqual({ type: 'notify', who: 'reporters' });
    expect(
      availableActions('rejected', ['acceptor'], { actorLevel: 'district_center' }).map((a) => a.action),
    ).toEqual(['record_callback']);
  });

  it('the public’s own reports are verified on site before filing; other channels may be accepted', () => {
    const at = { actorLevel: 'district_center' as const, input: { version: 1, matterType: '06002' } };
    for (const channel of ['web', 'app', 'wechat'] as const) {
      const r = transition('reported', 'accept_report', ['acceptor'], { ...at, channel });
      expectRefusal(r, 'WORKFLOW_GUARD_FAILED');
      if (!r.ok) expect(r.details.guard).toBe('notFromPublic');
      expect(transition('reported', 'request_verify', ['acceptor'], { ...at, channel }).ok).toBe(true);
      const offered = availableActions('reported', ['acceptor'], { ...at, channel }).map((a) => a.action);
      expect(offered).toContain('request_verify');
      expect(offered).not.toContain('accept_report');
    }
    for (const channel of ['hotline', 'inspector', 'sensor', 'department', 'opinion'] as const) {
      expect(transition('reported', 'accept_report', ['acceptor'], { ...at, channel }).ok).toBe(true);
    }
  });

  it('self-disposal is confirmed by the shift leader (or filed if not good enough)', () => {
    const c = new SimCase().do(inspector, 'self_dispose', { photos });
    expect(c.state).toBe('self_disposed');
    expectRefusal(c.try(inspector, 'close'), 'WORKFLOW_ROLE_NOT_ALLOWED');
    c.do(shiftLeader, 'close');
    expect(c.state).toBe('closed');
    const d = new SimCase().do(acceptor, 'request_verify').do(inspector, 'self_dispose', { photos });
    d.do(shiftLeader, 'file', { matterType: 'm', filingConditionId: 'c' });
    expect(d.state).toBe('pending_dispatch');
  });

  it('duplicates merge before filing, by people or by the system', () => {
    const c = new SimCase();
    expectRefusal(c.try(system, 'merge_duplicate'), 'WORKFLOW_FIELD_REQUIRED');
    c.do(system, 'merge_duplicate', { targetCaseId: 'case-1' });
    expect(c.state).toBe('merged');
    expect(c.lastEffects()).toContainEqual({ type: 'mergeInto' });
    expect(c.lastEffects()).toContainEqual({ type: 'notify', who: 'reporters' });
    expectRefusal(
      working().try(acceptor, 'merge_duplicate', { targetCaseId: 'x' }),
      'WORKFLOW_ACTION_NOT_ALLOWED',
    );
  });

  it('urging and flags work in every open state without changing it', () => {
    for (const s of OPEN_STATES) {
      const u = transition(s, 'urge', ['supervisor'], {
        actorLevel: 'city_center',
        input: { version: 1, reason: '加快' },
      });
      expect(u.ok && u.to === s && !u.changed).toBe(true);
      const sys = transition(s, 'urge', ['system'], { input: { version: 1, reason: '即将超期' } });
      expect(sys.ok).toBe(true);
      for (const a of ['mark_important', 'mark_urgent'] as const) {
        const r = transition(s, a, ['leader'], { actorLevel: 'city_center', input: { version: 1 } });
        expect(r.ok && r.to === s).toBe(true);
      }
      expectRefusal(
        transition(s, 'urge', ['unit_handler'], { actorLevel: 'unit', input: { version: 1, reason: 'x' } }),
        'WORKFLOW_ROLE_NOT_ALLOWED',
      );
    }
  });

  it('a reason of only zero-width or format characters is missing, like a blank one', () => {
    for (const reason of ['\u200b', ' \u200b\u200c\u200d ', '\ufeff', '\u2060', '\u3164']) {
      const r = transition('dispatched', 'urge', ['supervisor'], {
        actorLevel: 'city_center',
        input: { version: 1, reason },
      });
      expectRefusal(r, 'WORKFLOW_FIELD_REQUIRED');
    }
    const visible = transition('dispatched', 'urge', ['supervisor'], {
      actorLevel: 'city_center',
      input: { version: 1, reason: '\u200b加快' },
    });
    expect(visible.ok).toBe(true);
  });

  it('every action needs the row version', () => {
    const r = transition('reported', 'accept_report', ['acceptor'], {
      actorLevel: 'district_center',
      input: { matterType: 'matter:06001' },
    });
    expectRefusal(r, 'WORKFLOW_FIELD_REQUIRED');
    if (!r.ok) expect(r.details.field).toBe('version');
    expectRefusal(
      transition('reported', 'accept_report', ['acceptor'], {
        actorLevel: 'district_center',
        input: { version: -1, matterType: 'm' },
      }),
      'WORKFLOW_FIELD_REQUIRED',
    );
  });

  it('citizens rate closed cases and nothing else', () => {
    for (const s of CASE_STATES) {
      const actions = availableActions(s, ['citizen']).map((a) => a.action);
      expect(actions).toEqual(s === 'closed' ? ['rate'] : []);
    }
    expectRefusal(
      transition('closed', 'rate', ['citizen'], { input: { version: 1, rating: 6 } }),
      'WORKFLOW_FIELD_REQUIRED',
    );
  });
});

describe('portability', () => {
  it('imports nothing Node-only or browser-only', () => {
    // workflow.ts re-exports its three parts; together they import only each other, identity,
    // blank-text and channels (pure vocabularies).
    const files = [
      'workflow.ts',
      'workflow-vocabulary.ts',
      'workflow-table.ts',
      'workflow-engine.ts',
      'blank-text.ts',
    ];
    const imports = new Set<string>();
    for (const f of files) {
      const src = readFileSync(new URL(`./${f}`, import.meta.url), 'utf8');
      for (const m of src.matchAll(/^(?:import|export)[^'"]*from ['"]([^'"]+)['"]/gm)) imports.add(m[1]);
    }
    expect([...imports].sort()).toEqual([
      './blank-text.ts',
      './channels.ts',
      './identity.ts',
      './workflow-engine.ts',
      './workflow-table.ts',
      './workflow-vocabulary.ts',
    ]);
  });
});

describe('whom a case waits on (stage warnings go there, as the work queues count)', () => {
  const who = (c: Parameters<typeof waitingOn>[0]) =>
    waitingOn(c)
      .map((w) => `${w.role}@${w.at}`)
      .sort();

  it('each state of the loop waits on its queue owner, at the right place', () => {
    expect(who({ state: 'reported' })).toEqual(['acceptor@district']);
    expect(who({ state: 'verifying' })).toEqual(['inspector@district']);
    expect(who({ state: 'pending_filing' })).toEqual(['shift_leader@district']);
    expect(who({ state: 'pending_dispatch' })).toEqual(['dispatcher@district']);
    expect(who({ state: 'escalated', caseLevel: 'city' })).toEqual(['dispatcher@city']);
    expect(who({ state: 'dispatched' })).toEqual(['unit_handler@unit']);
    // The extension and parking decisions are side work, not what the disposal clock waits on.
    expect(who({ state: 'in_progress' })).toEqual(['unit_handler@unit']);
    expect(who({ state: 'returned' })).toEqual(['dispatcher@district']);
    expect(who({ state: 'returned', caseLevel: 'city' })).toEqual(['dispatcher@city']);
    // The check: the acceptor sends it, the inspector does it — never the unit.
    expect(who({ state: 'fed_back', caseLevel: 'city' })).toEqual(['acceptor@district']);
    expect(who({ state: 'checking' })).toEqual(['inspector@district']);
    expect(who({ state: 'pending_close', checkResult: 'pass' })).toEqual(['shift_leader@district']);
    expect(who({ state: 'pending_close', caseLevel: 'city', checkResult: 'pass' })).toEqual([
      'shift_leader@city',
    ]);
    expect(who({ state: 'check_failed', checkResult: 'fail' })).toEqual(['dispatcher@district']);
    expect(who({ state: 'check_failed', checkResult: 'pass' })).toEqual([]);
    expect(who({ state: 'closed' })).toEqual([]);
  });

  it('the stages name whoever the case waits on; only disposal has a follower (its dispatcher)', () => {
    for (const [stage, notify] of Object.entries(STAGE_TIMER_NOTIFY)) {
      if (stage === 'dispose') expect(notify).toEqual(['handler', 'dispatcher']);
      else if (stage === 'rework') expect(notify).toEqual(['dispatcher']);
      else expect(notify, stage).toEqual(['handler']);
    }
    expect([...QUEUE_OWNERS].sort()).toEqual([
      'acceptor',
      'dispatcher',
      'inspector',
      'shift_leader',
      'unit_handler',
    ]);
  });
});
