/**
 * Schemas every module shares: paging, ids, the error body, GeoJSON geometry. Every route's
 * response is one of these or a module's TypeBox schema: the OpenAPI document is built from them
 * and the web client's types are generated from that document (scripts/gen-api-types.ts), and
 * Fastify serialises each answer through its schema — a field a schema does not name is dropped.
 */
import { type TSchema, Type } from 'typebox';

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
};

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  });

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/**
 * One entry of an error's `details`: the field it is about and what is wrong, plus the facts some
 * errors add (the validation keyword, when a lock ends, the rule a duplicate clashes with, the
 * point outside the managed area). Open to further facts so a new one is never silently lost.
 */
export const ErrorDetail = Type.Object(
  {
    field: Type.Optional(Type.String({ description: 'e.g. `body.roles[0]`, `querystring.bbox`' })),
    message: Type.String(),
    rule: Type.Optional(Type.String({ description: 'the validation keyword broken' })),
    lockedUntil: Type.Optional(Type.String({ format: 'date-time' })),
    ruleId: Type.Optional(Type.String({ description: 'the routing rule a new one duplicates' })),
    lng: Type.Optional(Type.Number()),
    lat: Type.Optional(Type.Number()),
    crs: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Array(ErrorDetail),
  }),
});

/** Error responses every authenticated route may give (documented once, reused). */
export const commonErrors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
  429: ErrorBody,
};

export const NoContent = Type.Null({ description: 'No content' });

/** A string enum whose static type is the union of its values (TypeBox's Union of a mapped array loses it). */
export const StringEnum = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

/** [lng, lat] (or [lng, lat, height]) in WGS84. */
const Position = Type.Array(Type.Number(), { description: '[lng, lat] or [lng, lat, height]' });
const Positions = Type.Array(Position);

/**
 * A GeoJSON geometry (RFC 7946) in WGS84 (CRS84), as stored for divisions, grids and components
 * and served by the API and `/ogc`: every type the imports accept (no GeometryCollection).
 */
export const GeoJsonGeometry = Type.Union(
  [
    Type.Object({ type: Type.Literal('Point'), coordinates: Position }),
    Type.Object({ type: Type.Literal('MultiPoint'), coordinates: Positions }),
    Type.Object({ type: Type.Literal('LineString'), coordinates: Positions }),
    Type.Object({ type: Type.Literal('MultiLineString'), coordinates: Type.Array(Positions) }),
    Type.Object({ type: Type.Literal('Polygon'), coordinates: Type.Array(Positions) }),
    Type.Object({ type: Type.Literal('MultiPolygon'), coordinates: Type.Array(Type.Array(Positions)) }),
  ],
  { description: 'GeoJSON geometry in WGS84 (CRS84, [lng, lat])' },
);

/**
 * A snapshot kept in the event table (an event's `before` / `after`): a JSON object whose keys
 * depend on the entity and the action, recorded as it was when the event happened (so older
 * events keep older shapes). The one deliberately open shape of the contract; the OpenAPI test
 * (test/integration/api-contract.test.ts) names every place it may appear.
 */
export const EventSnapshot = Type.Unsafe<unknown>(
  Type.Union(
    [
      Type.Object(
        {},
        { additionalProperties: true, description: 'the entity or the change, as recorded at the time' },
      ),
      Type.Null(),
    ],
    { description: 'JSON object recorded with the event (null: none)' },
  ),
);
