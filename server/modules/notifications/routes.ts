import { Type } from 'typebox';
import { commonErrors, IdParams, NoContent, PageQuery } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { listNotifications, markRead } from './service.ts';

export async function notificationRoutes(app: App) {
  app.get(
    '/api/notifications',
    {
      config: { operation: 'notifications.list' },
      schema: {
        tags: ['notifications'],
        querystring: Type.Object(
          { ...PageQuery, unread: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Any(), ...commonErrors },
      },
    },
    (request) => listNotifications(app.db, request.ctx, request.query),
  );
  app.post(
    '/api/notifications/:id/read',
    {
      config: { operation: 'notifications.read' },
      schema: { tags: ['notifications'], params: IdParams, response: { 204: NoContent, ...commonErrors } },
    },
    async (request, reply) => {
      await markRead(app.db, request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/notifications/read-all',
    {
      config: { operation: 'notifications.readAll' },
      schema: { tags: ['notifications'], response: { 204: NoContent, ...commonErrors } },
    },
    async (request, reply) => {
      await markRead(app.db, request.ctx, 'all');
      return reply.status(204).send(null);
    },
  );
}
