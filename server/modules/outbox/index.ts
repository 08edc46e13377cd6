/**
 * Public interface of the outbox module: the subscriber that queues a delivery when the case loop
 * sends a case to a unit, the worker that sends them, the poller that reads back what departments'
 * Open311 servers say of the cases forwarded to them, and the signed feedback route.
 */
export { ForwardPoller } from './forward-poller.ts';
export { installFeedbackSignature } from './incoming.ts';
export { outboxRoutes } from './routes.ts';
export { registerOutboxSubscribers } from './subscribers.ts';
export { OutboxWorker } from './worker.ts';
