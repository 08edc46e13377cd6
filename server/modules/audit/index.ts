/** Public interface of the audit module: the audit log's routes (the event table is the platform's). */
export { auditRoutes } from './routes.ts';
