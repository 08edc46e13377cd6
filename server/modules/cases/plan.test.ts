/**
 * The plan of every rule of the transition table, and the clock arithmetic the server's stages and
 * the demo seed share. Pure: no database.
 */
import { describe, expect, it } from 'vitest';
import { seedFromChineseDays, WorkCalendar } from '../../../common/calendar/index.ts';
import {
  CASE_ACTIONS,
  CREATION,
  DANGER_ACTIONS,
  NOT_WORK_ACTIONS,
  SIDE_ACTIONS,
  TRANSITIONS,
  type TransitionRule,
  type WorkflowInput,
} from '../../../common/workflow.ts';
import { DEFAULT_CASE_SETTINGS } from './config.ts';
import {
  dueOf,
  filingOutcome,
  type Plan,
  type PlanCase,
  planCreation,
  planEffects,
  resumedDue,
  timersOf,
} from './plan.ts';

const now = new Date('2026-03-02T02:00:00Z'); // Monday 10:00 in China
const clock = { now, settings: DEFAULT_CASE_SETTINGS };
const actor = { id: 'user-1', name: '张三' };
const pendingAll: PlanCase['pending'] = {
  extension: { amount: 2, unit: 'work_day', reason: 'r', at: 'x', by: 'y' },
  parking: { reason: 'p', at: 'x', by: 'y' },
  void: { reason: 'v', at: 'x', by: 'y' },
};
const input: WorkflowInput = {
  version: 0,
  unitId: 'unit-1',
  reason: 'why',
  extension: { amount: 3, unit: 'work_day' },
  rating: 5,
  targetCaseId: 'case-2',
  matterType: 'matter:0101',
  filingConditionId: 'fc-1',
};
const caseIn = (rule: TransitionRule): PlanCase => ({
  state: rule.from[0],
  pending: pendingAll,
  reworkCount: 1,
  urgeCount: 2,
});
const ruleKey = (r: TransitionRule) =>
  `${r.from.length > 3 ? `${r.from.length} states` : r.from.join('/')} × ${r.action}`;

/** One line per plan: stage ops | task ops | who is told | patched columns | references, delivery. */
function summary(p: Plan): string {
  const stages = p.stages
    .map((o) => {
      if (o.op === 'start')
        return `start ${o.stage} ${o.limit === 'disposal' ? 'by standard' : `${o.limit.amount} ${o.limit.unit}`}`;
      if (o.op === 'stop') return `stop ${o.stage ?? 'all'}`;
      if (o.op === 'extendDispose') return `extend ${o.amount} ${o.unit}`;
      return o.op;
    })
    .join(', ');
  const tasks = p.tasks.map((o) => (o.op === 'cancelOpen' ? 'cancel open' : `${o.op} ${o.task}`)).join(', ');
  const patch = Object.keys(p.patch)
    .filter((k) => k !== 'state')
    .sort()
    .join(' ');
  const refs = [p.filing && 'filing', p.mergeInto && 'merge', p.deliver && 'deliver']
    .filter(Boolean)
    .join(' ');
  return [stages, tasks, p.notify.join(' '), patch, refs].join(' | ');
}

// What each rule does, written out: a change to an effect, a limit or the order shows here.
const EXPECTED: Record<string, string> = {
  'reported × accept_report': 'stop accept, start filing 1 work_hour |  | handler |  | ',
  'reported × request_verify': 'stop accept, start verify 24 urgent_hour | create verify | inspector |  | ',
  'verifying × verify_confirm': 'stop verify, start filing 1 work_hour | complete verify | handler |  | ',
  'verifying × verify_deny': 'stop verify, start filing 1 work_hour | complete verify | handler |  | ',
  'reported/verifying × self_dispose': 'stop all, start close 1 work_hour | cancel open |  |  | ',
  'reported × department_dispose': 'stop all, start close 1 work_hour |  | shift_leader |  | ',
  'reported/verifying/pending_filing × merge_duplicate':
    'stop all | cancel open | reporters | closedAt | merge',
  'reported × reject': 'stop all |  | reporters | closedAt | ',
  'pending_filing × reject': 'stop all |  | reporters | closedAt | ',
  'pending_filing × file': 'stop filing, start dispatch 1 work_hour |  | handler |  | filing',
  'self_disposed × file': 'stop close, start dispatch 1 work_hour |  | handler |  | filing',
  'self_disposed × refer_to_filing': 'stop close, start filing 1 work_hour |  | handler |  | ',
  'self_disposed × close': 'stop close |  | reporters | closedAt | ',
  'pending_dispatch × dispatch':
    'stop dispatch, start dispose by standard |  | unit | dispatchedAt unitId | deliver',
  'dispatched/returned × re_dispatch': 'stop dispose, start dispose by standard |  | unit | unitId | deliver',
  'returned × refuse_return': ' |  | unit | unitId | deliver',
  'pending_dispatch × escalate': 'stop dispatch, start coordinate 1 work_day |  | city_center | caseLevel | ',
  'returned × escalate': 'stop dispose, start coordinate 1 work_day |  | city_center | caseLevel | ',
  'escalated × city_dispatch':
    'stop coordinate, start dispose by standard |  | unit | dispatchedAt unitId | deliver',
  'escalated × city_order':
    'stop coordinate, start dispose by standard |  | unit | actFirst dispatchedAt unitId | deliver',
  'returned × city_order':
    'stop dispose, start dispose by standard |  | unit | actFirst caseLevel dispatchedAt unitId | deliver',
  'dispatched × sign': ' |  |  |  | ',
  'dispatched/in_progress × return': ' |  | dispatcher | pending | ',
  'in_progress × feed_back': 'stop dispose, start check 2 work_hour |  | acceptor | pending | ',
  'in_progress × apply_extension': ' |  | dispatcher | pending | ',
  'in_progress × approve_extension': 'extend 2 work_day |  | unit | pending | ',
  'in_progress × refuse_extension': ' |  | unit | pending | ',
  'in_progress × apply_parking': ' |  | dispatcher | pending | ',
  'in_progress × approve_parking': 'pauseDispose |  | unit | pending | ',
  'in_progress × refuse_parking': ' |  | unit | pending | ',
  'parked × unpark': 'resumeDispose |  | unit |  | ',
  '10 states × request_void': ' |  | shift_leader | pending | ',
  '10 states × approve_void': 'stop all | cancel open | unit | closedAt pending | ',
  '10 states × refuse_void': ' |  |  | pending | ',
  'fed_back × request_check': ' | create check | inspector |  | ',
  'checking × check_pass': 'stop check, start close 1 work_hour | complete check |  | checkResult | ',
  'checking × check_fail':
    'stop check, start rework 1 work_hour | complete check | dispatcher | checkResult | ',
  'pending_close × close': 'stop close |  | reporters | closedAt | ',
  'check_failed × rework':
    'stop rework, stop dispose, start dispose by standard |  | unit | checkResult reworkCount unitId | deliver',
  '14 states × urge': ' |  | handler | urgeCount | ',
  '14 states × mark_important': ' |  |  | important | ',
  '14 states × mark_urgent': ' |  |  | urgency | ',
  'closed × rate': ' |  |  | rating | ',
  'closed/rejected × record_callback': ' |  |  |  | ',
  'closed × reopen': 'start dispatch 1 work_hour |  | dispatcher | checkResult closedAt | ',
};

describe('planEffects', () => {
  it('plans every rule of the table as written out', () => {
    const got = Object.fromEntries(
      TRANSITIONS.map((r) => [ruleKey(r), summary(planEffects(caseIn(r), r, input, clock, actor))]),
    );
    expect(got).toEqual(EXPECTED);
  });

  it('sets the target state, and closedAt exactly when the target is terminal', () => {
    for (const r of TRANSITIONS) {
      const p = planEffects(caseIn(r), r, input, clock, actor);
      expect(p.patch.state, ruleKey(r)).toBe(r.to ?? r.from[0]);
      const terminal = ['closed', 'rejected', 'voided', 'merged'].includes(r.to ?? '');
      // Reopening a closed case clears it.
      const reopens = r.action === 'reopen';
      expect(p.patch.closedAt, ruleKey(r)).toEqual(terminal ? now : reopens ? null : undefined);
    }
  });

  const rule = (action: string, from?: string) =>
    TRANSITIONS.find((r) => r.action === action && (!from || r.from.includes(from as never)))!;

  it('an extension application carries the amount, reason, time and applicant', () => {
    const r = rule('apply_extension');
    const p = planEffects({ ...caseIn(r), pending: {} }, r, input, clock, actor);
    expect(p.patch.pending).toEqual({
      extension: { amount: 3, unit: 'work_day', reason: 'why', at: now.toISOString(), by: '张三' },
    });
  });

  it('clearing one application keeps the others; the case row is not mutated', () => {
    const r = rule('refuse_void');
    const c = caseIn(r);
    const p = planEffects(c, r, input, clock, actor);
    expect(Object.keys(p.patch.pending!).sort()).toEqual(['extension', 'parking']);
    expect(Object.keys(c.pending).sort()).toEqual(['extension', 'parking', 'void']);
  });

  it('an approved extension moves the due time by the amount applied for, not the input', () => {
    const r = rule('approve_extension');
    const p = planEffects(caseIn(r), r, { version: 0, extension: { amount: 9, unit: 'day' } }, clock, actor);
    expect(p.stages).toEqual([{ op: 'extendDispose', amount: 2, unit: 'work_day' }]);
  });

  it('counts rework and urges from the case, and forgets the failed check on rework', () => {
    const rw = planEffects(caseIn(rule('rework')), rule('rework'), input, clock, actor);
    expect(rw.patch).toMatchObject({ reworkCount: 2, checkResult: null });
    const ur = planEffects(caseIn(rule('urge')), rule('urge'), input, clock, actor);
    expect(ur.patch.urgeCount).toBe(3);
  });

  it('a delivery names the unit only when the input does; the unit is then to be checked', () => {
    const r = rule('refuse_return');
    const without = planEffects(caseIn(r), r, { version: 0, reason: 'x' }, clock, actor);
    expect(without.deliver).toBe(true);
    expect(without.unitNamed).toBeUndefined();
    expect(without.patch.unitId).toBeUndefined();
    const named = planEffects(caseIn(r), r, input, clock, actor);
    expect(named).toMatchObject({ deliver: true, unitNamed: 'unit-1', patch: { unitId: 'unit-1' } });
  });

  it('completing a task records the action and who did it; filing and merging name their references', () => {
    const check = planEffects(caseIn(rule('check_fail')), rule('check_fail'), input, clock, actor);
    expect(check.tasks).toEqual([
      { op: 'complete', task: 'check', result: 'check_fail', assigneeId: 'user-1' },
    ]);
    const file = planEffects(caseIn(rule('file')), rule('file'), input, clock, actor);
    expect(file.filing).toEqual({ matterType: 'matter:0101', filingConditionId: 'fc-1' });
    const merge = planEffects(caseIn(rule('merge_duplicate')), rule('merge_duplicate'), input, clock, actor);
    expect(merge.mergeInto).toBe('case-2');
  });

  it('filing under an urgent condition makes the case urgent and records the condition in its words', () => {
    const std = {
      id: 'std-1',
      version: 3,
      filingConditions: [
        { id: 'f1', text: '井盖破损' },
        { id: 'f2', text: '井盖缺失或塌陷的，立即按紧急案件处理', urgent: true },
      ],
    };
    const normal = filingOutcome(std, { matterType: '01001', filingConditionId: 'f1' }, now)!;
    expect(normal.patch).toEqual({
      matterKind: 'matter',
      matterCode: '01001',
      standardId: 'std-1',
      filingConditionId: 'f1',
      filedAt: now,
    });
    expect(normal.record).toEqual({
      standardId: 'std-1',
      standardVersion: 3,
      conditionId: 'f1',
      text: '井盖破损',
      urgent: false,
    });
    const urgent = filingOutcome(std, { matterType: '01001', filingConditionId: 'f2' }, now)!;
    expect(urgent.patch.urgency).toBe('urgent');
    expect(urgent.record).toMatchObject({ conditionId: 'f2', urgent: true });
    expect(filingOutcome(std, { matterType: '01001', filingConditionId: 'f9' }, now)).toBeUndefined();
  });

  it('case creation starts the acceptance clock and tells the acceptors', () => {
    const p = planCreation(CREATION.effects, clock);
    expect(summary(p)).toBe('start accept 1 work_hour |  | acceptor |  | ');
    expect(() => planCreation([{ type: 'mergeInto' }], clock)).toThrow(/creation cannot mergeInto/);
  });
});

describe('what the table declares about each action', () => {
  it('derives the queues, tones and placements the UI and the queues read', () => {
    expect([...NOT_WORK_ACTIONS].sort()).toEqual(
      [
        'urge',
        'mark_important',
        'mark_urgent',
        'rate',
        'record_callback',
        'reopen',
        'request_void',
        're_dispatch',
        'merge_duplicate',
        'department_dispose',
        'refer_to_filing',
      ].sort(),
    );
    expect([...DANGER_ACTIONS].sort()).toEqual(
      [
        'reject',
        'return',
        'verify_deny',
        'check_fail',
        'request_void',
        'approve_void',
        'refuse_extension',
        'refuse_parking',
        'refuse_void',
        'refuse_return',
        'rework',
        'reopen',
      ].sort(),
    );
    expect([...SIDE_ACTIONS].sort()).toEqual(
      [
        'mark_important',
        'mark_urgent',
        'urge',
        'apply_extension',
        'apply_parking',
        'request_void',
        'record_callback',
        'merge_duplicate',
        'reopen',
        'refer_to_filing',
      ].sort(),
    );
  });

  it('every rule owns its work as one of its roles; only self-disposal is own-report work', () => {
    for (const r of TRANSITIONS) {
      if (r.work.kind !== 'none') expect(r.roles, r.action).toContain(r.work.owner);
      expect(r.work.kind === 'own_report', r.action).toBe(r.action === 'self_dispose');
    }
    expect(new Set(TRANSITIONS.map((r) => r.action))).toEqual(new Set(CASE_ACTIONS));
  });
});

describe('clock arithmetic shared by the server and the seed', () => {
  const cal = new WorkCalendar(seedFromChineseDays());

  it('a stage is due after its limit on the working calendar; it warns at the share, never after due', () => {
    const limit = { amount: 1, unit: 'work_day' as const };
    const dueAt = dueOf(cal, now, limit);
    expect(dueAt).toEqual(cal.addTime(now, 1, 'work_day'));
    const stage = { startedAt: now, dueAt, limitAmount: 1, limitUnit: 'work_day' };
    expect(timersOf(cal, 0.8, stage)).toEqual([
      { kind: 'overdue', fireAt: dueAt },
      { kind: 'warning', fireAt: cal.addTime(now, 0.8, 'work_day') },
    ]);
    expect(timersOf(cal, 1.5, stage)[1].fireAt).toEqual(dueAt);
    expect(timersOf(cal, 0.8, { ...stage, warnedAt: now })).toHaveLength(1);
    expect(timersOf(cal, 0.8, stage, true)).toHaveLength(1);
  });

  it('un-parking carries the remaining time over and warns again at the share of what is left', () => {
    const dueAt = dueOf(cal, now, { amount: 2, unit: 'work_day' });
    const pausedAt = cal.addTime(now, 1, 'work_day');
    const resumeAt = new Date(pausedAt.getTime() + 7 * 86_400_000);
    const r = resumedDue(cal, 0.8, { dueAt, pausedAt, limitUnit: 'work_day' }, resumeAt);
    expect(r.dueAt).toEqual(cal.dueAfterPause(dueAt, pausedAt, resumeAt, 'work_day'));
    expect(r.dueAt > resumeAt).toBe(true);
    expect(r.warnAt).toEqual(new Date(resumeAt.getTime() + (r.dueAt.getTime() - resumeAt.getTime()) * 0.8));
    expect(
      resumedDue(cal, 0.8, { dueAt, pausedAt, limitUnit: 'work_day', warnedAt: now }, resumeAt).warnAt,
    ).toBeNull();
  });
});
