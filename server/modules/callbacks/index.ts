/**
 * Public interface of the callbacks module (回访 and satisfaction): recording a reporter's
 * satisfaction with a closed case from any source — the hotline's call-back, the public portal,
 * an Open311 client — and reading it back; the subscriber that queues a call-back when a case with
 * public reporters is closed; the call-back queue's routes.
 */
import { satisfaction } from './tables.ts';

export type { SatisfactionResult, SatisfactionSource } from '../../../common/satisfaction.ts';
export { callbackRoutes } from './routes.ts';
export { recordSatisfaction, type SatisfactionInput, satisfactionOf } from './service.ts';
export { registerCallbackSubscribers } from './subscribers.ts';

/**
 * The satisfactions the evaluation (综合评价) counts in SQL, READ-ONLY (docs/ARCHITECTURE.md,
 * "Module boundaries"); written only by this module's `recordSatisfaction`.
 */
export const evaluationReads = { satisfaction } as const;
