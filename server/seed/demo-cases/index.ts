/**
 * Demo cases on first start: a few thousand cases (DEMO_CASES, default 3,000; 0 skips) over the
 * last three months in every state and side path, so that queues, maps and dashboards have life
 * in them. Deterministic from a seed and a clock (scripts/seed-fingerprint.ts checks a change).
 *
 * Each case is driven in memory through the real transition table and the server's own plan of
 * effects, with the real working calendar, stage limits and disposal standards, then written with
 * multi-row inserts (never through the HTTP API): the case row with its denormalised current
 * stage, its reports, stages, timers, field tasks and one event per step (actor = the demo
 * account, time in the past), so the case page, timelines and work queues read them like any
 * other case.
 *
 * Timers: a timer whose time came before the stage stopped (or before now, for a running stage)
 * is written already fired, with its stage mark and its `case.stage_warning`/`case.stage_overdue`
 * event at that time; a running stage's future timers are written pending. So nothing piles up for
 * the sweeper at first start. (Timers a stopped stage withdrew are not written: they never fire.)
 *
 * Photos: with a DATA_DIR (every real start) two pictures per matter type are drawn and stored
 * through the upload path; inspectors' reports and half of the app/web reports carry the scene,
 * and every step the transition table asks a photo for (verification, self-disposal, feedback,
 * check) names the scene or the after picture in its event. Each photo is attached to the cases
 * that name it, so whoever may see a case may read its photos, as in the live loop.
 *
 * Inbox: for the cases still open, the notifications the live loop would have written on the way,
 * to the same recipients at the time of their cause, read once the case moved past them.
 *
 * One file per job:
 *   seed.ts          seedCases: the run from start to end
 *   count.ts         how many (DEMO_CASES)
 *   random.ts        the deterministic generator and draws
 *   time.ts          durations, the hours people report at
 *   mix.ts           the case mix: matter types, channels, final states and their shares
 *   world.ts         accounts, grids, standards, routing read from the seeded city
 *   scenario.ts      one case's draws: where, what, who reported, the report; then its path
 *   paths.ts         the steps from report to the target state
 *   placement.ts     placing a case's story in time (replayed earlier or later)
 *   case-sim.ts      one case in memory, each step through the table and the shared plan
 *   clock.ts         its stages and timers;  tasks.ts  its field tasks;  rows.ts  their shapes
 *   codes.ts         case codes in order of creation
 *   write.ts         writing a run;  bulk-insert.ts  the JSON multi-row insert
 *   photos.ts        drawing and storing the demo photos;  photo-links.ts  attaching them
 *   inbox.ts         the open cases' notifications
 */
export { CaseSim } from './case-sim.ts';
export { DEFAULT_DEMO_CASES, demoCaseCount } from './count.ts';
export { type SeedCasesResult, seedCases } from './seed.ts';
export { loadWorld, type UserRef, type World } from './world.ts';
