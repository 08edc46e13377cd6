import { commonErrors } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { AuditList, AuditQuery } from './schemas.ts';
import { listEvents } from './service.ts';

export async function auditRoutes(app: App) {
  app.get(
    '/api/audit',
    {
      config: { operation: 'audit.list' },
      schema: { tags: ['audit'], querystring: AuditQuery, response: { 200: AuditList, ...commonErrors } },
    },
    (request) => listEvents(app.db, request.ctx, request.query),
  );
}
