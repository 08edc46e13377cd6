/**
 * Placing a case's story in time. A path's length is only known once it has run, so a case is
 * built, looked at, and rebuilt from the same draws at another start time: an open case so that
 * its running stage is mostly in time (some warned, some overdue, as in a real queue), and any
 * case whose last step would lie after now, earlier — every step of the demo is in the past.
 */
import type { CaseSim } from './case-sim.ts';
import { TERMINAL } from './mix.ts';
import { between } from './random.ts';
import { buildCase, type Run } from './scenario.ts';
import { DAY, MIN } from './time.ts';

/** Case `i` of the run, placed in time and finished (current stage set, due timers fired). */
export function placeCase(run: Run, i: number): CaseSim {
  const now = run.now;
  let extra = 0;
  let sim = buildCase(run, i, extra);
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
    if (extra !== 0) sim = buildCase(run, i, extra);
  }
  // Earlier and earlier until the story ends before now. A story's span is not fixed: its steps
  // take shares of their stages' working-time limits, so an earlier start can end later (a weekend
  // more in a limit), and at some hours of the night six small steps were not enough (a start at
  // 00:45 China time failed the first start of the platform). After six steps the step grows.
  for (let k = 0; k < 24 && sim.t > now.getTime() - MIN; k++) {
    extra += (sim.t - now.getTime()) / DAY + (k < 6 ? 0.2 * (k + 1) : 0.5 * (k - 4) ** 2);
    sim = buildCase(run, i, extra);
  }
  if (sim.t > now.getTime() - MIN) throw new Error(`demo cases: case ${i} runs past now`);
  sim.finish();
  return sim;
}
