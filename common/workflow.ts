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
 * - Check results live on the case (`context.checkResult`) and in its state: a passed check waits
 *   in `pending_close` on the shift leader (close), a failed one in `check_failed` on the
 *   dispatcher (rework) with its own timed stage; the guards `checkPassed` / `checkFailed` hold
 *   the same fact for the case row.
 * - The coordinating level (`context.caseLevel`) says which centre dispatches the case: a district
 *   centre by default, the city centre once escalated or ordered by the city. Dispatcher decisions
 *   on a case require the actor's centre to be at that level (guard `actorAtCaseLevel`); the exact
 *   region/unit scope stays with the server's policy functions.
 * - Every action requires the row `version` (optimistic concurrency); the server compares it.
 * - `admin` takes no action in the loop (separation of duties: an administrator configures, the
 *   shift leader voids). `leader` may mark cases and give the city's act-first order.
 *
 * Split in three files: workflow-vocabulary.ts (the words), workflow-table.ts (the rules and what
 * is derived from them), workflow-engine.ts (evaluation); this file re-exports them.
 */
export * from './workflow-engine.ts';
export * from './workflow-table.ts';
export * from './workflow-vocabulary.ts';
