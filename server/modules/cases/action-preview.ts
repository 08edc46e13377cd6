/**
 * What the case page shows with each action the caller may take, besides its fields — all read
 * from the transition table, none from an action's name:
 * - `clocks`: the deadlines the action would set if taken now, computed as the action itself
 *   computes them (the rule's plan, the limit resolved as the applier resolves it, the same
 *   calendar): the disposal deadline a dispatch gives the unit, the new due time an extension
 *   approval gives, the rework order's limit after a failed check;
 * - `prefill`: the words an earlier step wrote that the form starts with (`rule.prefill`: the
 *   rework order starts with the inspector's finding).
 */
import type { TimeUnit } from '../../../common/calendar/index.ts';
import {
  type AvailableAction,
  type CaseAction,
  ruleFor,
  type Stage,
  stagesStarted,
  type TextField,
  type TransitionRule,
} from '../../../common/workflow.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { resolveLimit } from './effects.ts';
import { dueOf, planEffects } from './plan.ts';
import type * as repo from './repository.ts';
import type { Clock, StageRow } from './stages.ts';

export interface ActionClock {
  stage: Stage;
  /** `start`: a clock the action starts (or restarts); `extend`: the running one moved. */
  kind: 'start' | 'extend';
  limit: { amount: number; unit: TimeUnit };
  dueAt: string;
}

export type PreviewedAction = AvailableAction & {
  clocks: ActionClock[];
  prefill?: Partial<Record<TextField, string>>;
};

interface TimelineEvent {
  action: string;
  reason: string | null;
  after: unknown;
}

/** The clocks `rule` would start or move on `c` now, by its plan. */
async function clocksOf(
  db: Db,
  c: repo.CaseRow,
  rule: TransitionRule,
  clock: Clock,
  running: readonly StageRow[],
): Promise<ActionClock[]> {
  const plannable = stagesStarted(rule).length > 0 || rule.effects.some((e) => e.type === 'extendDue');
  if (!plannable) return [];
  const plan = planEffects(c, rule, {}, clock, { id: null, name: '' });
  const after = { ...c, ...plan.patch } as repo.CaseRow;
  const out: ActionClock[] = [];
  for (const op of plan.stages) {
    if (op.op === 'start') {
      // A case without a disposal limit (not filed under a standard) has no deadline to show.
      const limit = await resolveLimit(db, after, op.limit).catch((err: unknown) => {
        if (err instanceof AppError) return null;
        throw err;
      });
      if (limit)
        out.push({
          stage: op.stage,
          kind: 'start',
          limit,
          dueAt: dueOf(clock.calendar, clock.now, limit).toISOString(),
        });
    } else if (op.op === 'extendDispose') {
      const dispose = running.find((s) => s.stage === 'dispose' && !s.stoppedAt);
      if (dispose)
        out.push({
          stage: 'dispose',
          kind: 'extend',
          limit: { amount: op.amount, unit: op.unit },
          dueAt: clock.calendar.addTime(dispose.dueAt, op.amount, op.unit).toISOString(),
        });
    }
  }
  return out;
}

/** The latest words of an action in the case's history: its reason, else its note. */
function wordsOf(timeline: readonly TimelineEvent[], action: CaseAction): string | undefined {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const e = timeline[i];
    if (e.action !== `case.${action}`) continue;
    const note = (e.after as { input?: { note?: string } } | null)?.input?.note;
    return e.reason ?? note ?? undefined;
  }
  return undefined;
}

export async function previewActions(
  db: Db,
  c: repo.CaseRow,
  actions: readonly AvailableAction[],
  clock: Clock,
  stageRows: readonly StageRow[],
  timeline: readonly TimelineEvent[],
): Promise<PreviewedAction[]> {
  return Promise.all(
    actions.map(async (a) => {
      const rule = ruleFor(c.state, a.action);
      if (!rule) return { ...a, clocks: [] };
      const prefill: Partial<Record<TextField, string>> = {};
      for (const [field, from] of Object.entries(rule.prefill ?? {}) as [TextField, CaseAction][]) {
        const words = wordsOf(timeline, from);
        if (words) prefill[field] = words;
      }
      return {
        ...a,
        clocks: await clocksOf(db, c, rule, clock, stageRows),
        ...(Object.keys(prefill).length ? { prefill } : {}),
      };
    }),
  );
}
