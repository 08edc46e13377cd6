import { commonErrors, IdParams } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { Org, OrgCreate, OrgList, OrgListQuery, OrgUpdate } from './schemas.ts';
import * as service from './service.ts';

export async function orgRoutes(app: App) {
  app.get(
    '/api/orgs',
    {
      config: { operation: 'orgs.list' },
      schema: { tags: ['orgs'], querystring: OrgListQuery, response: { 200: OrgList, ...commonErrors } },
    },
    (request) => service.listOrgs(app.db, request.ctx, request.query),
  );
  app.post(
    '/api/orgs',
    {
      config: { operation: 'orgs.create' },
      schema: { tags: ['orgs'], body: OrgCreate, response: { 201: Org, ...commonErrors } },
    },
    async (request, reply) =>
      reply.status(201).send(await service.createOrg(app.db, request.ctx, request.body)),
  );
  app.get(
    '/api/orgs/:id',
    {
      config: { operation: 'orgs.get' },
      schema: { tags: ['orgs'], params: IdParams, response: { 200: Org, ...commonErrors } },
    },
    (request) => service.getOrg(app.db, request.ctx, request.params.id),
  );
  app.patch(
    '/api/orgs/:id',
    {
      config: { operation: 'orgs.update' },
      schema: { tags: ['orgs'], params: IdParams, body: OrgUpdate, response: { 200: Org, ...commonErrors } },
    },
    (request) => service.updateOrg(app.db, request.ctx, request.params.id, request.body),
  );
}
