import { commonErrors, IdParams } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import {
  CatalogType,
  CatalogTypeList,
  MatterParams,
  Standard,
  StandardUpdate,
  StandardVersions,
  TypeCreate,
  TypeListQuery,
  TypeParams,
  TypeUpdate,
} from './schemas.ts';
import * as service from './service.ts';
import * as standards from './standards-service.ts';

export async function catalogRoutes(app: App) {
  const tags = ['catalog'];
  app.get(
    '/api/catalog/types',
    {
      config: { operation: 'catalog.types.list' },
      schema: { tags, querystring: TypeListQuery, response: { 200: CatalogTypeList, ...commonErrors } },
    },
    (request) => service.listTypes(app.db, request.ctx, request.query),
  );
  app.post(
    '/api/catalog/types',
    {
      config: { operation: 'catalog.types.create' },
      schema: { tags, body: TypeCreate, response: { 201: CatalogType, ...commonErrors } },
    },
    async (request, reply) =>
      reply.status(201).send(await service.createLocalType(app.db, request.ctx, request.body)),
  );
  app.get(
    '/api/catalog/types/:kind/:code',
    {
      config: { operation: 'catalog.types.get' },
      schema: { tags, params: TypeParams, response: { 200: CatalogType, ...commonErrors } },
    },
    (request) => service.getType(app.db, request.ctx, request.params.kind, request.params.code),
  );
  app.patch(
    '/api/catalog/types/:kind/:code',
    {
      config: { operation: 'catalog.types.update' },
      schema: { tags, params: TypeParams, body: TypeUpdate, response: { 200: CatalogType, ...commonErrors } },
    },
    (request) =>
      service.updateType(app.db, request.ctx, request.params.kind, request.params.code, request.body),
  );

  app.get(
    '/api/catalog/standards/by-id/:id',
    {
      config: { operation: 'catalog.standards.byId' },
      schema: { tags, params: IdParams, response: { 200: Standard, ...commonErrors } },
    },
    (request) => standards.getStandardVersion(app.db, request.ctx, request.params.id),
  );
  app.get(
    '/api/catalog/standards/:matterCode',
    {
      config: { operation: 'catalog.standards.current' },
      schema: { tags, params: MatterParams, response: { 200: Standard, ...commonErrors } },
    },
    (request) => standards.getCurrentStandard(app.db, request.ctx, request.params.matterCode),
  );
  app.get(
    '/api/catalog/standards/:matterCode/versions',
    {
      config: { operation: 'catalog.standards.versions' },
      schema: { tags, params: MatterParams, response: { 200: StandardVersions, ...commonErrors } },
    },
    (request) => standards.listStandardVersions(app.db, request.ctx, request.params.matterCode),
  );
  app.put(
    '/api/catalog/standards/:matterCode',
    {
      config: { operation: 'catalog.standards.update' },
      schema: {
        tags,
        params: MatterParams,
        body: StandardUpdate,
        response: { 200: Standard, ...commonErrors },
      },
    },
    (request) => standards.updateStandard(app.db, request.ctx, request.params.matterCode, request.body),
  );
}
