/**
 * The Open311 GeoReport v2 routes' parameters and answers as TypeBox schemas: what validates each
 * request and what the OpenAPI document (`/api/docs`) shows. Every parameter arrives as text
 * (query strings and form bodies), so numbers and dates are strings here and are read by the
 * service, which names the parameter when one is wrong. Answers come in two forms; the JSON form
 * is typed below, the XML form is the same document as text (format.ts).
 */
import { type Static, type TSchema, Type } from 'typebox';
import { StringEnum } from '../../platform/schemas.ts';
import { FORMATS } from './format.ts';

const Text = (maxLength: number, description?: string) =>
  Type.String({ maxLength, ...(description ? { description } : {}) });

const format = StringEnum(
  FORMATS,
  "the answer's form, as the resource's suffix: `xml` (the spec's mandatory form) or `json`",
);

export const FormatParams = Type.Object({ format }, { additionalProperties: false });

export const ServiceParams = Type.Object(
  { service_code: Text(40, 'a matter type code (事项类型编码), as `services` lists it'), format },
  { additionalProperties: false },
);

export const RequestParams = Type.Object(
  { service_request_id: Text(100, 'as `POST requests` answered it'), format },
  { additionalProperties: false },
);

export const TokenParams = Type.Object(
  { token: Text(40, "a report's tracking code (查询码), from any channel"), format },
  { additionalProperties: false },
);

const jurisdiction = {
  jurisdiction_id: Type.Optional(
    Text(100, "this city's jurisdiction (OPEN311_JURISDICTION_ID; optional, this server serves one city)"),
  ),
};
export const JurisdictionQuery = Type.Object({ ...jurisdiction }, { additionalProperties: false });

export const RequestListQuery = Type.Object(
  {
    ...jurisdiction,
    service_request_id: Type.Optional(
      Text(4000, 'comma-separated ids; when given, every other filter is ignored (as the spec says)'),
    ),
    service_code: Type.Optional(Text(1000, 'comma-separated service codes')),
    start_date: Type.Optional(
      Text(40, 'earliest requested_datetime, W3C date and time with a zone (e.g. 2026-04-01T00:00:00+08:00)'),
    ),
    end_date: Type.Optional(
      Text(40, 'latest requested_datetime, with a zone; the range spans at most 90 days'),
    ),
    status: Type.Optional(Text(20, '`open`, `closed` or both, comma-separated')),
  },
  { additionalProperties: false },
);
export type RequestListQueryT = Static<typeof RequestListQuery>;

/** `POST requests`: the spec's arguments, form-encoded (application/x-www-form-urlencoded; UTF-8). */
export const RequestCreateBody = Type.Object(
  {
    api_key: Type.Optional(
      Text(200, 'a platform API key (cok_…) holding `case:report`; missing or bad: 403'),
    ),
    ...jurisdiction,
    service_code: Text(40, 'the matter type, as `services` lists it'),
    lat: Type.Optional(
      Type.String({ pattern: '^[+-]?\\d{1,3}(\\.\\d{1,15})?$', description: 'WGS84 latitude, with `long`' }),
    ),
    long: Type.Optional(
      Type.String({ pattern: '^[+-]?\\d{1,3}(\\.\\d{1,15})?$', description: 'WGS84 longitude, with `lat`' }),
    ),
    address_string: Type.Optional(
      Text(200, "the place in words; without lat/long it is looked up in the city's gazetteer (地名地址)"),
    ),
    address_id: Type.Optional(Text(100, 'a place ID of the gazetteer (GET /api/geo/places)')),
    email: Type.Optional(Text(254, 'accepted, not stored')),
    device_id: Type.Optional(Text(100, 'accepted, not stored')),
    account_id: Type.Optional(Text(100, 'accepted, not stored; echoed in the answer')),
    first_name: Type.Optional(Text(50)),
    last_name: Type.Optional(Text(50)),
    phone: Type.Optional(Type.String({ pattern: '^[0-9+\\- ]{5,20}$', description: 'for a call back' })),
    description: Type.Optional(Text(4000, 'plain text, no HTML, at most 4,000 characters')),
    media_url: Type.Optional(
      Text(2000, "a link (http/https) to the reporter's picture or video: kept as a link, never fetched"),
    ),
  },
  { additionalProperties: false },
);
export type RequestCreateBodyT = Static<typeof RequestCreateBody>;

/** An optional header for safe retries of `POST requests` (not in the spec; our own client sends it). */
export const RequestCreateHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      pattern: '^[\\x21-\\x7e]{8,100}$',
      description:
        'the same key from the same API key never makes a second request: the first is answered again',
    }),
  ),
});

// ---------------------------------------------------------------------------------------------
// Answers (the JSON form)

const Str = Type.String();

export const Service = Type.Object({
  service_code: Str,
  service_name: Str,
  description: Str,
  metadata: Type.Boolean(),
  type: StringEnum(['realtime', 'batch', 'blackbox'] as const),
  keywords: Str,
  group: Str,
});
export const ServiceList = Type.Array(Service);

export const ServiceDefinition = Type.Object({
  service_code: Str,
  attributes: Type.Array(
    Type.Object({
      variable: Type.Boolean(),
      code: Str,
      datatype: StringEnum([
        'string',
        'number',
        'datetime',
        'text',
        'singlevaluelist',
        'multivaluelist',
      ] as const),
      required: Type.Boolean(),
      datatype_description: Str,
      order: Type.Integer({ minimum: 1 }),
      description: Str,
      values: Type.Optional(Type.Array(Type.Object({ key: Str, name: Str }))),
    }),
  ),
});

export const ServiceRequest = Type.Object({
  service_request_id: Str,
  status: StringEnum(['open', 'closed'] as const),
  status_notes: Type.Optional(Str),
  service_name: Type.Optional(Str),
  service_code: Str,
  description: Type.Optional(Str),
  agency_responsible: Type.Optional(Str),
  service_notice: Type.Optional(Str),
  requested_datetime: Str,
  updated_datetime: Type.Optional(Str),
  expected_datetime: Type.Optional(Str),
  address: Type.Optional(Str),
  lat: Type.Number(),
  long: Type.Number(),
  media_url: Type.Optional(Str),
});
export const ServiceRequestList = Type.Array(ServiceRequest);

export const RequestCreated = Type.Array(
  Type.Object({
    service_request_id: Str,
    service_notice: Type.Optional(Str),
    account_id: Type.Optional(Str),
  }),
);

export const TokenAnswer = Type.Array(Type.Object({ service_request_id: Str, token: Str }));

export const Discovery = Type.Object({
  changeset: Str,
  contact: Str,
  key_service: Str,
  endpoints: Type.Array(
    Type.Object({
      specification: Str,
      url: Str,
      changeset: Str,
      type: StringEnum(['production', 'test'] as const),
      formats: Type.Array(Str),
    }),
  ),
});

export const ErrorList = Type.Array(Type.Object({ code: Type.Integer(), description: Str }));

const XML_TEXT = Type.String({ description: 'the same document as XML (text/xml; charset=utf-8)' });

/** An answer in both forms, for the OpenAPI document. */
export function bothForms(description: string, json: TSchema) {
  return {
    description,
    content: { 'application/json': { schema: json }, 'text/xml': { schema: XML_TEXT } },
  };
}

/** The error answers every route may give, in both forms. */
export const errorAnswers = (statuses: readonly number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      bothForms(
        {
          400: 'bad input: the description names each parameter at fault',
          403: 'missing or bad api_key, or a key that may not report',
          404: 'no such service, request, token, jurisdiction or format',
          409: 'the Idempotency-Key was used before with a different request',
          429: 'too many calls from this address; Retry-After says when to try again',
        }[s] ?? 'error',
        ErrorList,
      ),
    ]),
  );
