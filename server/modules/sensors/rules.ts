/**
 * The rule engine (pure): one condition of one device, its state before a batch of readings, the
 * readings in time order → its state after and what happened (alarms raised, alarms cleared).
 *
 * - normal → pending at the first reading beyond the threshold (or straight to active when the
 *   rule's duration is 0);
 * - pending → active at a reading beyond the threshold at least `durationS` after the breach began
 *   (the breach is sustained: every reading in between was beyond it too); any reading that is not
 *   beyond the threshold ends the pending breach (a spike shorter than the duration raises nothing);
 * - active → normal at a reading beyond the clear level on the safe side (hysteresis: a reading
 *   between the threshold and the clear level keeps the alarm, so a value wavering around the
 *   threshold raises one alarm, not one per wave).
 *
 * Time is the readings' own (`at`): a device that buffered readings while its link was down is
 * judged on when they were measured. A reading no newer than the device's newest reading judged
 * before (late: a shared subscription can hand two readings of one burst to two connections, and
 * the later may be stored first) is stored but not judged, as is one without the rule's field.
 */
import { type AlarmState, breaches, clears } from '../../../common/sensors.ts';
import type { KindRule } from './tables.ts';

export interface ConditionState {
  state: AlarmState;
  /** pending: when the breach began; active: when the alarm was raised. */
  since: Date | null;
}

export interface Reading {
  at: Date;
  values: Record<string, number>;
}

export type Transition =
  | { kind: 'raise'; startedAt: Date; at: Date; value: number }
  /** `peak`: the extreme value of the cleared alarm within this batch (null: none before the clear). */
  | { kind: 'clear'; at: Date; value: number; peak: number | null };

export interface Evaluation {
  next: ConditionState;
  transitions: Transition[];
  /** The extreme value, within this batch, of the alarm still active at its end (null: none). */
  openPeak: number | null;
  /** Whether the state changed (state or since): only then is its row written. */
  changed: boolean;
}

export const NORMAL: ConditionState = { state: 'normal', since: null };

type Rule = Pick<KindRule, 'field' | 'comparison' | 'threshold' | 'clearLevel' | 'durationS'>;

/** The further of two values in the direction of the breach (higher for gt/gte, lower for lt/lte). */
export function extreme(rule: Pick<Rule, 'comparison'>, a: number | null, b: number): number {
  if (a === null) return b;
  return rule.comparison === 'gt' || rule.comparison === 'gte' ? Math.max(a, b) : Math.min(a, b);
}

/**
 * `lastAt`: the newest reading of the device judged before this batch (its status row's); readings
 * no newer are skipped.
 */
export function evaluate(
  rule: Rule,
  prior: ConditionState,
  lastAt: Date | null,
  readings: readonly Reading[],
): Evaluation {
  let { state, since } = prior;
  const transitions: Transition[] = [];
  let peak: number | null = null;
  const durationMs = rule.durationS * 1000;
  let newest = lastAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  for (const r of readings) {
    const v = r.values[rule.field];
    if (v === undefined || !Number.isFinite(v)) continue;
    if (r.at.getTime() <= newest) continue;
    newest = r.at.getTime();
    const beyond = breaches(rule.comparison, v, rule.threshold);
    if (state === 'normal') {
      if (!beyond) continue;
      if (durationMs === 0) {
        transitions.push({ kind: 'raise', startedAt: r.at, at: r.at, value: v });
        state = 'active';
        since = r.at;
        peak = v;
      } else {
        state = 'pending';
        since = r.at;
      }
    } else if (state === 'pending') {
      if (!beyond) {
        state = 'normal';
        since = null;
      } else if (r.at.getTime() - since!.getTime() >= durationMs) {
        transitions.push({ kind: 'raise', startedAt: since!, at: r.at, value: v });
        state = 'active';
        since = r.at;
        peak = v;
      }
    } else if (clears(rule.comparison, v, rule.clearLevel)) {
      transitions.push({ kind: 'clear', at: r.at, value: v, peak });
      state = 'normal';
      since = null;
      peak = null;
    } else {
      peak = extreme(rule, peak, v);
    }
  }
  const changed = state !== prior.state || (since?.getTime() ?? null) !== (prior.since?.getTime() ?? null);
  return { next: { state, since }, transitions, openPeak: state === 'active' ? peak : null, changed };
}
