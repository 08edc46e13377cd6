/**
 * Public interface of the early warning module (预警): unusual rises of reports per grid × type
 * family and per district against their baseline, and units' overdue risk; stored, delivered to
 * leaders' inboxes, computed periodically (`startWarningLoop`) and on demand; its routes.
 */
export { warningRoutes } from './routes.ts';
export { runWarnings, startWarningLoop } from './service.ts';
