/**
 * Public interface of the outbox module: enqueueing a delivery (the case loop), the worker that
 * sends them, the signed feedback route, and the port through which it reads cases.
 */
export { type CaseSummaries, provideCaseSummaries } from './case-summaries.ts';
export { enqueueDelivery } from './enqueue.ts';
export { installFeedbackSignature } from './incoming.ts';
export { outboxRoutes } from './routes.ts';
export { OutboxWorker } from './worker.ts';
