import { type Static, Type } from 'typebox';
import { Page, PageQuery, StringEnum } from '../../platform/schemas.ts';
import { SENDER_KINDS } from './senders/sender.ts';

const Time = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;

export const OrgIdParams = Type.Object(
  { orgId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

const Sender = StringEnum(
  SENDER_KINDS,
  "how deliveries reach the unit's system: `webhook` (signed JSON POST) or `open311` (a service request on the department's GeoReport v2 server); kept when omitted",
);

const ServiceCodes = Type.Record(Type.String(), Type.String({ minLength: 1, maxLength: 40 }), {
  description:
    "our matter type code (5 digits) → the department's service code; a type not listed goes as `defaultServiceCode`, or as our own code when that is empty",
});

/** An Open311 endpoint's settings as shown: never the key, only whether one is set. */
export const Open311View = Type.Object({
  apiKeySet: Type.Boolean(),
  jurisdictionId: Nullable(Type.String()),
  format: StringEnum(['xml', 'json'] as const),
  serviceCodes: ServiceCodes,
  defaultServiceCode: Nullable(Type.String()),
});

export const Endpoint = Type.Object({
  url: Type.String(),
  sender: Sender,
  enabled: Type.Boolean(),
  version: Type.Integer(),
  updatedAt: Time,
  open311: Type.Union([Open311View, Type.Null()], {
    description: "for the `open311` sender: how the department's server is spoken to; null otherwise",
  }),
});

export const UnitEndpoint = Type.Object({
  orgId: Type.String({ format: 'uuid' }),
  orgName: Type.String(),
  districtCode: Nullable(Type.String()),
  endpoint: Type.Union([Endpoint, Type.Null()]),
  deliveries: Type.Object({ pending: Type.Integer(), delivered: Type.Integer(), dead: Type.Integer() }),
});
export type UnitEndpointDto = Static<typeof UnitEndpoint>;
export const UnitEndpointList = Page(UnitEndpoint);

export const EndpointListQuery = Type.Object(
  { ...PageQuery, q: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false },
);
export type EndpointListQueryT = Static<typeof EndpointListQuery>;

export const EndpointPut = Type.Object(
  {
    url: Type.String({
      format: 'uri',
      maxLength: 2000,
      description:
        "https:// URL the unit's system receives dispatched cases at — for `open311`, its GeoReport v2 base (http:// only when the city " +
        'setting `outbound.allowHttp` allows it). Its host must resolve to public addresses only ' +
        '(or to ones the operator lists in OUTBOUND_ALLOW): loopback, private, link-local, CGNAT, ' +
        'multicast, unspecified, IPv4-mapped, ULA and cloud metadata addresses are refused (422 ' +
        'OUTBOUND_URL_REFUSED), now and again at every delivery.',
    }),
    sender: Type.Optional(Sender),
    open311: Type.Optional(
      Type.Object(
        {
          apiKey: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 200,
              description:
                "the `api_key` the department's server issued: needed the first time, kept when omitted, never shown again",
            }),
          ),
          jurisdictionId: Type.Optional(
            Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()], {
              description: 'its `jurisdiction_id`, when the server serves several',
            }),
          ),
          format: Type.Optional(
            StringEnum(['xml', 'json'] as const, 'the form to speak: xml (every server has it) or json'),
          ),
          serviceCodes: Type.Optional(ServiceCodes),
          defaultServiceCode: Type.Optional(
            Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Null()]),
          ),
        },
        {
          additionalProperties: false,
          description:
            "for `sender: open311`: how to reach the department's GeoReport v2 server (`url` is its base, e.g. https://dept.example.cn/open311/v2)",
        },
      ),
    ),
    enabled: Type.Boolean(),
    rotateSecret: Type.Optional(
      Type.Boolean({ description: 'generate a new signing secret (returned once in the response)' }),
    ),
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: 'the version being changed (409 when stale)' }),
    ),
  },
  { additionalProperties: false },
);
export type EndpointPutT = Static<typeof EndpointPut>;

export const EndpointPutResult = Type.Object({
  ...UnitEndpoint.properties,
  secret: Type.Optional(
    Type.String({ description: 'only when a secret was generated (first set or rotateSecret): shown once' }),
  ),
});

export const Delivery = Type.Object({
  id: Type.String({ format: 'uuid' }),
  eventId: Type.Integer(),
  orgId: Type.String({ format: 'uuid' }),
  caseId: Nullable(Type.String()),
  caseCode: Nullable(Type.String()),
  status: StringEnum(DELIVERY_STATUSES),
  attempts: Type.Integer(),
  nextAttemptAt: Time,
  lastError: Nullable(Type.String()),
  deliveredAt: Nullable(Time),
  createdAt: Time,
});
export type DeliveryDto = Static<typeof Delivery>;
export const DeliveryList = Page(Delivery);

export const DeliveryListQuery = Type.Object(
  { ...PageQuery, status: Type.Optional(StringEnum(DELIVERY_STATUSES)) },
  { additionalProperties: false },
);
export type DeliveryListQueryT = Static<typeof DeliveryListQuery>;
