import { commonErrors } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import {
  Component,
  ComponentCreate,
  ComponentIdParams,
  ComponentList,
  ComponentListQuery,
  ComponentUpdate,
} from './schemas.ts';
import * as service from './service.ts';

export async function componentRoutes(app: App) {
  app.get(
    '/api/components',
    {
      config: { operation: 'components.list' },
      schema: {
        tags: ['components'],
        description:
          'Search the inventory by ID prefix/name (`q`), type, grid, district, state, or distance from a ' +
          'point (`near=lng,lat` in `crs`, within `radius` m, nearest first, with `distanceM`).',
        querystring: ComponentListQuery,
        response: { 200: ComponentList, ...commonErrors },
      },
    },
    (request) => service.listComponents(app.db, request.ctx, request.query),
  );
  app.post(
    '/api/components',
    {
      config: { operation: 'components.create' },
      schema: { tags: ['components'], body: ComponentCreate, response: { 201: Component, ...commonErrors } },
    },
    async (request, reply) =>
      reply.status(201).send(await service.createComponent(app.db, request.ctx, request.body)),
  );
  app.get(
    '/api/components/:id',
    {
      config: { operation: 'components.get' },
      schema: {
        tags: ['components'],
        params: ComponentIdParams,
        response: { 200: Component, ...commonErrors },
      },
    },
    (request) => service.getComponent(app.db, request.ctx, request.params.id),
  );
  app.patch(
    '/api/components/:id',
    {
      config: { operation: 'components.update' },
      schema: {
        tags: ['components'],
        params: ComponentIdParams,
        body: ComponentUpdate,
        response: { 200: Component, ...commonErrors },
      },
    },
    (request) => service.updateComponent(app.db, request.ctx, request.params.id, request.body),
  );
}
