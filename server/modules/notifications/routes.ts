import { Type } from 'typebox';
import { PUBLIC_STATUSES } from '../../../common/public-report.ts';
import {
  commonErrors,
  IdParams,
  NoContent,
  Nullable,
  PageQuery,
  StringEnum,
} from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { listNotifications, markRead } from './service.ts';

/** One inbox entry: what happened to which case (the web words it from `kind` and `params`). */
const Notification = Type.Object({
  id: Type.String({ format: 'uuid' }),
  caseId: Nullable(Type.String({ format: 'uuid' })),
  kind: Type.String({ description: 'the event action, e.g. case.dispatch, case.stage_overdue' }),
  params: Type.Object({
    code: Type.Optional(Type.String({ description: 'case code' })),
    state: Type.Optional(Type.String({ description: 'case state when it was sent' })),
    // A `report.status` notice to a reporter who may not open the case: their report, not the case.
    reportId: Type.Optional(Type.String({ format: 'uuid', description: "the reporter's own report" })),
    trackingCode: Type.Optional(Type.String({ description: "the report's public tracking code" })),
    status: Type.Optional(StringEnum(PUBLIC_STATUSES, 'public status of the report')),
    // A `warning.raised` notice (early warning, 预警): the warning and what it says.
    warningId: Type.Optional(Type.String({ format: 'uuid', description: 'the early warning' })),
    text: Type.Optional(
      Type.Object({ zh: Type.String(), en: Type.String() }, { description: "the warning's explanation" }),
    ),
  }),
  count: Type.Integer({
    minimum: 1,
    description: 'notices counted on this entry: repeated warnings of one case count on one unread entry',
  }),
  readAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  lastAt: Type.String({ format: 'date-time', description: 'when the latest notice counted here came' }),
});
const NotificationList = Type.Object({
  items: Type.Array(Notification),
  total: Type.Integer(),
  unread: Type.Integer({ description: 'unread notifications of the caller, on every page' }),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

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
        response: { 200: NotificationList, ...commonErrors },
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
