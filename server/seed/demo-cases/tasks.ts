/**
 * A simulated case's field tasks (核实 verify, 核查 check), kept in memory as the server's effects.ts
 * `applyTasks` keeps them: the same task operations of the same plan.
 */
import type { caseTask } from '../../db-schema.ts';
import type { TaskOp } from '../../modules/cases/index.ts';
import { type Rng, uuidFrom } from './random.ts';

export type TaskRow = typeof caseTask.$inferInsert;

/** Applies a plan's task operations at `at` to the case's task rows. */
export function applyTasks(
  tasks: TaskRow[],
  ops: readonly TaskOp[],
  at: Date,
  c: { id: string; districtCode: string },
  rng: Rng,
) {
  for (const op of ops) {
    switch (op.op) {
      case 'create':
        tasks.push({
          id: uuidFrom(rng),
          caseId: c.id,
          kind: op.task,
          districtCode: c.districtCode,
          status: 'open',
          createdAt: at,
        });
        break;
      case 'complete':
        for (const task of tasks) {
          if (task.kind === op.task && task.status === 'open') {
            task.status = 'done';
            task.completedAt = at;
            task.result = op.result;
            task.assigneeId = op.assigneeId;
          }
        }
        break;
      case 'cancelOpen':
        for (const task of tasks) {
          if (task.status === 'open') {
            task.status = 'cancelled';
            task.completedAt = at;
          }
        }
        break;
      default:
        op satisfies never;
    }
  }
}
