import { type Static, Type } from 'typebox';
import { EventSnapshot, Page, PageQuery } from '../../platform/schemas.ts';

export const AuditEvent = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorType: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  actorOrgId: Type.Union([Type.String(), Type.Null()], {
    description: 'the organisation the actor acted for',
  }),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.Union([Type.String(), Type.Null()]),
  districtCode: Type.Union([Type.String(), Type.Null()]),
  before: EventSnapshot,
  after: EventSnapshot,
  reason: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  sourceIp: Type.Union([Type.String(), Type.Null()]),
});

export const AuditList = Page(AuditEvent);

export const AuditQuery = Type.Object(
  {
    ...PageQuery,
    actorId: Type.Optional(Type.String({ maxLength: 64 })),
    actorName: Type.Optional(
      Type.String({
        maxLength: 100,
        description: "part of the actor's name as recorded (a login or display name)",
      }),
    ),
    caseCode: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 40,
        description: "a case's code: that case's events (its id need not be known)",
      }),
    ),
    entityType: Type.Optional(Type.String({ maxLength: 64 })),
    entityId: Type.Optional(Type.String({ maxLength: 64 })),
    action: Type.Optional(
      Type.String({ maxLength: 64, description: 'an action code (see common/audit-vocabulary.ts)' }),
    ),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type AuditQueryT = Static<typeof AuditQuery>;
