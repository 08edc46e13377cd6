import { commonErrors, IdParams } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import {
  Delivery,
  DeliveryList,
  DeliveryListQuery,
  EndpointListQuery,
  EndpointPut,
  EndpointPutResult,
  OrgIdParams,
  UnitEndpointList,
} from './schemas.ts';
import { listDeliveries, listEndpoints, putEndpoint, replayDelivery } from './service.ts';

const tags = ['endpoints'];

export async function outboxRoutes(app: App) {
  app.get(
    '/api/endpoints',
    {
      config: { operation: 'endpoints.list' },
      schema: {
        tags,
        summary: "Units in scope with their own system's endpoint / 单位对接地址",
        querystring: EndpointListQuery,
        response: { 200: UnitEndpointList, ...commonErrors },
      },
    },
    (request) => listEndpoints(app.db, request.ctx, request.query),
  );

  app.put(
    '/api/endpoints/:orgId',
    {
      config: { operation: 'endpoints.put' },
      schema: {
        tags,
        summary: "Set a unit's endpoint / 设置单位对接地址",
        description:
          "With `sender: open311`, a dispatched case is posted as a service request to the department's " +
          'GeoReport v2 server at `url` (its base, e.g. https://dept.example.cn/open311/v2) with the `open311` ' +
          'settings (its api_key, asked once and never shown again; jurisdiction; xml or json; a service-code ' +
          "table), and the request's status and notes are read back onto the case's timeline. Otherwise " +
          'dispatched cases are POSTed to `url`, signed with the endpoint secret: `X-CityOps-Signature: ' +
          'sha256=<hex HMAC-SHA256 of "<X-CityOps-Timestamp>.<raw body>">`. The secret is generated on ' +
          'the first set and on `rotateSecret: true`, and returned in that response only. The URL must ' +
          'be https:// (http:// only when the city allows it) and reach no internal address (422 ' +
          '`OUTBOUND_URL_REFUSED` names the problem); it is checked again at every delivery, no redirect ' +
          "is followed, and a delivery's `lastError` holds only the status and a class of error.",
        params: OrgIdParams,
        body: EndpointPut,
        response: { 200: EndpointPutResult, ...commonErrors },
      },
    },
    (request) => putEndpoint(app.db, request.ctx, request.params.orgId, request.body, app.outbound),
  );

  app.get(
    '/api/endpoints/:orgId/deliveries',
    {
      config: { operation: 'endpoints.deliveries' },
      schema: {
        tags,
        summary: 'Deliveries to a unit, newest first / 投递记录',
        params: OrgIdParams,
        querystring: DeliveryListQuery,
        response: { 200: DeliveryList, ...commonErrors },
      },
    },
    (request) => listDeliveries(app.db, request.ctx, request.params.orgId, request.query),
  );

  app.post(
    '/api/deliveries/:id/replay',
    {
      config: { operation: 'deliveries.replay' },
      schema: {
        tags,
        summary: 'Send a dead or delivered delivery again / 重新投递',
        params: IdParams,
        response: { 200: Delivery, ...commonErrors },
      },
    },
    (request) => replayDelivery(app.db, request.ctx, request.params.id),
  );
}
