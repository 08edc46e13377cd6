/** The early warning's routes (预警): the list (also the big screen's), acknowledging, a run on demand. */
import { commonErrors, IdParams } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { RunAnswer, Warning, WarningListQuery, WarningPage } from './schemas.ts';
import { acknowledgeWarning, listWarnings, runWarningsNow } from './service.ts';

const tags = ['warning'];

export async function warningRoutes(app: App) {
  app.get(
    '/api/warnings',
    {
      config: { operation: 'warning.list' },
      schema: {
        tags,
        summary: 'Early warnings / 预警',
        description:
          'Unusual rises per grid × type family and per district, and units’ overdue risk, newest first, each with ' +
          'the baseline it departed from and the rule (`evaluation:read`). Default: the live ones (open and ' +
          'acknowledged). A district centre sees its district’s only; a unit none.',
        querystring: WarningListQuery,
        response: { 200: WarningPage, ...commonErrors },
      },
    },
    (request) => listWarnings(app.db, request.ctx, request.query),
  );
  app.post(
    '/api/warnings/:id/acknowledge',
    {
      config: { operation: 'warning.acknowledge' },
      schema: {
        tags,
        summary: 'Acknowledge a warning / 确认预警',
        description: 'Marks a live warning as taken (idempotent). A resolved one is 409.',
        params: IdParams,
        response: { 200: Warning, ...commonErrors },
      },
    },
    (request) => acknowledgeWarning(app.db, request.ctx, request.params.id),
  );
  app.post(
    '/api/warnings/run',
    {
      config: { operation: 'warning.run' },
      schema: {
        tags,
        summary: 'Compute the warnings now / 立即计算预警',
        description:
          'Runs the computation the server runs periodically: new warnings are stored and delivered, live ones ' +
          'updated, those no longer found resolved. The city centre only.',
        response: { 200: RunAnswer, ...commonErrors },
      },
    },
    (request) => runWarningsNow(app.db, request.ctx),
  );
}
