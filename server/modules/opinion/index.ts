/**
 * Public interface of the opinion module (网络舆情): the feeds polled on a schedule, the
 * moderation queue of their posts and its routes, and the poller main.ts starts on every node.
 */
export { type PollerDeps, pollDue, startOpinionPoller } from './poller.ts';
export { opinionRoutes } from './routes.ts';
