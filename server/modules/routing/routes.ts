import { commonErrors, IdParams } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import * as query from './query-service.ts';
import {
  HistoryList,
  HistoryQuery,
  Resolution,
  ResolveQuery,
  Rule,
  RuleCreate,
  RuleDeactivate,
  RuleList,
  RuleListQuery,
  RuleUpdate,
} from './schemas.ts';
import * as service from './service.ts';

export async function routingRoutes(app: App) {
  const tags = ['routing'];
  app.get(
    '/api/routing/resolve',
    {
      config: { operation: 'routing.resolve' },
      schema: { tags, querystring: ResolveQuery, response: { 200: Resolution, ...commonErrors } },
    },
    // The geo module decorates `spatial` (its point → grid index) when it is installed.
    (request) =>
      query.resolveForCaller(
        app.db,
        request.ctx,
        request.query,
        (app as unknown as { spatial?: query.PointLookup }).spatial,
      ),
  );
  app.get(
    '/api/routing/rules',
    {
      config: { operation: 'routing.rules.list' },
      schema: { tags, querystring: RuleListQuery, response: { 200: RuleList, ...commonErrors } },
    },
    (request) => service.listRules(app.db, request.ctx, request.query),
  );
  app.post(
    '/api/routing/rules',
    {
      config: { operation: 'routing.rules.create' },
      schema: { tags, body: RuleCreate, response: { 201: Rule, ...commonErrors } },
    },
    async (request, reply) =>
      reply.status(201).send(await service.createRule(app.db, request.ctx, request.body)),
  );
  app.get(
    '/api/routing/rules/:id',
    {
      config: { operation: 'routing.rules.get' },
      schema: { tags, params: IdParams, response: { 200: Rule, ...commonErrors } },
    },
    (request) => service.getRule(app.db, request.ctx, request.params.id),
  );
  app.patch(
    '/api/routing/rules/:id',
    {
      config: { operation: 'routing.rules.update' },
      schema: { tags, params: IdParams, body: RuleUpdate, response: { 200: Rule, ...commonErrors } },
    },
    (request) => service.updateRule(app.db, request.ctx, request.params.id, request.body),
  );
  app.delete(
    '/api/routing/rules/:id',
    {
      config: { operation: 'routing.rules.deactivate' },
      schema: {
        tags,
        description:
          'Deactivates the rule (it stays in the history); the body gives the version and the reason.',
        params: IdParams,
        body: RuleDeactivate,
        response: { 200: Rule, ...commonErrors },
      },
    },
    (request) => service.deactivateRule(app.db, request.ctx, request.params.id, request.body),
  );
  app.get(
    '/api/routing/rules/:id/history',
    {
      config: { operation: 'routing.rules.history' },
      schema: {
        tags,
        params: IdParams,
        querystring: HistoryQuery,
        response: { 200: HistoryList, ...commonErrors },
      },
    },
    (request) => query.ruleHistory(app.db, request.ctx, request.params.id, request.query),
  );
  app.get(
    '/api/routing/history',
    {
      config: { operation: 'routing.history' },
      schema: { tags, querystring: HistoryQuery, response: { 200: HistoryList, ...commonErrors } },
    },
    (request) => query.districtHistory(app.db, request.ctx, request.query),
  );
}
