import { type Static, Type } from 'typebox';
import {
  type PortalReportForm,
  PUBLIC_STATUSES,
  PUBLIC_STEPS,
  TRACKING_CODE_PATTERN,
} from '../../../common/public-report.ts';
import { commonErrors, ErrorBody, Nullable, StringEnum } from '../../platform/schemas.ts';
import { MAX_PHOTOS, NEARBY } from './policy.ts';

/** Errors of public routes: the common ones, a too large body and a wrong content type. */
export const publicErrors = { ...commonErrors, 413: ErrorBody, 415: ErrorBody };

const Crs = StringEnum(['wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const, 'coordinate system of lng/lat');
const MatterCode = Type.String({ pattern: '^[0-9A-Z]{5}$', description: '5-character matter type code' });
/** Digits with an optional leading +, spaces or dashes between them: 7 to 15 digits in all. */
export const PHONE_PATTERN = '^\\+?[0-9][0-9 -]{5,18}[0-9]$';

/**
 * The `report` field of the portal's multipart form, as JSON text. The photos come as the form's
 * `photos` files (at most MAX_PHOTOS).
 */
export const PortalReportFields = Type.Object(
  {
    idempotencyKey: Type.String({
      format: 'uuid',
      description:
        'a random uuid made by the page for this report; sending it again (a retry) answers the same report',
    }),
    description: Type.String({
      minLength: 2,
      maxLength: 1000,
      description: 'what is wrong, in the reporter’s words',
    }),
    location: Type.Object(
      {
        lng: Type.Number({ minimum: -180, maximum: 180 }),
        lat: Type.Number({ minimum: -90, maximum: 90 }),
        crs: Crs,
      },
      { additionalProperties: false },
    ),
    address: Type.Optional(
      Type.String({ maxLength: 200, description: 'the place as the reporter named it' }),
    ),
    matterCode: Type.Optional(MatterCode),
    phone: Type.Optional(
      Type.String({
        pattern: PHONE_PATTERN,
        description: 'optional, for the centre to call back; shown masked to most staff',
      }),
    ),
  },
  { additionalProperties: false },
);
export type PortalReportFieldsT = Static<typeof PortalReportFields>;
/** The web page's type of the field (common/public-report.ts) is this schema's, both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameForm: Same<PortalReportFieldsT, PortalReportForm> = true;
void sameForm;

export const PortalReportResult = Type.Object({
  replayed: Type.Boolean({ description: 'the idempotency key was seen before: this is that report' }),
  trackingCode: Type.String({ pattern: TRACKING_CODE_PATTERN }),
  status: StringEnum(PUBLIC_STATUSES),
  merged: Type.Boolean({ description: 'joined a report of the same problem nearby' }),
  createdAt: Type.String({ format: 'date-time' }),
  photos: Type.Integer({ description: 'photos stored with the report' }),
});

export const TrackParams = Type.Object(
  {
    code: Type.String({
      pattern: '^[0-9A-Za-z]{12}$',
      description: 'the tracking code (查询码); lower case and look-alikes (O/0, I/L/1) are read as meant',
    }),
  },
  { additionalProperties: false },
);

export const PhotoParams = Type.Object(
  {
    code: TrackParams.properties.code,
    id: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  },
  { additionalProperties: false },
);

const Rating = StringEnum(['satisfied', 'basically_satisfied', 'dissatisfied'] as const);

export const PublicTrackView = Type.Object({
  trackingCode: Type.String(),
  status: StringEnum(PUBLIC_STATUSES),
  createdAt: Type.String({ format: 'date-time' }),
  closedAt: Nullable(Type.String({ format: 'date-time' })),
  description: Type.String(),
  address: Nullable(Type.String()),
  location: Type.Object({ lng: Type.Number(), lat: Type.Number(), crs: Type.Literal('wgs84') }),
  merged: Type.Boolean(),
  matterType: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
  photos: Type.Array(Type.String(), { description: 'the report’s own photos (ids)' }),
  afterPhotos: Type.Array(Type.String(), { description: 'the result’s photos, once resolved (ids)' }),
  timeline: Type.Array(
    Type.Object({ at: Type.String({ format: 'date-time' }), step: StringEnum(PUBLIC_STEPS) }),
  ),
  rating: Nullable(Type.Object({ result: Rating, at: Type.String({ format: 'date-time' }) })),
  canRate: Type.Boolean(),
});

export const RatingBody = Type.Object(
  {
    result: Rating,
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type RatingBodyT = Static<typeof RatingBody>;

export const NearbyQuery = Type.Object(
  {
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    radius: Type.Optional(
      Type.Integer({ minimum: 50, maximum: NEARBY.maxRadiusM, default: NEARBY.defaultRadiusM }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: NEARBY.maxLimit, default: NEARBY.defaultLimit }),
    ),
  },
  { additionalProperties: false },
);
export type NearbyQueryT = Static<typeof NearbyQuery>;

export const NearbyList = Type.Object({
  center: Type.Object({ lng: Type.Number(), lat: Type.Number(), crs: Type.Literal('wgs84') }),
  radiusM: Type.Integer(),
  days: Type.Integer({ description: 'how far back the list looks' }),
  items: Type.Array(
    Type.Object({
      ref: Type.String({ description: 'an opaque reference of the item (not the case’s id)' }),
      matterType: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
      status: StringEnum(PUBLIC_STATUSES),
      reportedAt: Type.String({ format: 'date-time' }),
      closedAt: Nullable(Type.String({ format: 'date-time' })),
      location: Type.Object({
        lng: Type.Number(),
        lat: Type.Number(),
        crs: Type.Literal('wgs84'),
        coarse: Type.Literal(true),
      }),
      distanceM: Type.Integer({ description: 'from the centre to the coarse position, to 10 m' }),
    }),
  ),
});

export const SuggestBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 1000, description: 'the description as typed so far' }),
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180, description: 'WGS84, with lat' })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90, description: 'WGS84, with lng' })),
  },
  { additionalProperties: false },
);
export type SuggestBodyT = Static<typeof SuggestBody>;

export const SuggestResult = Type.Object({
  matterTypes: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      majorCode: Type.String(),
      score: Type.Number({ description: 'the classifier’s share of belief, 0…1' }),
    }),
    { maxItems: 5 },
  ),
});

export const PublicTypes = Type.Object({
  majors: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
  items: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), majorCode: Type.String() })),
});

export const PlaceQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 50 }),
    near: Type.Optional(Type.String({ maxLength: 60, description: '"lng,lat" in WGS84: nearer first' })),
  },
  { additionalProperties: false },
);

export const PublicPlaces = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      point: Type.Object({ lng: Type.Number(), lat: Type.Number(), crs: Type.Literal('wgs84') }),
      district: Nullable(Type.String()),
      community: Nullable(Type.String()),
      inside: Type.Boolean({ description: 'inside the managed area (a report there is accepted)' }),
      generated: Type.Boolean({ description: 'a generated demo place' }),
      distanceM: Nullable(Type.Integer()),
    }),
  ),
});

export const LocateQuery = Type.Object(
  {
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
  },
  { additionalProperties: false },
);

export const PublicLocation = Type.Object({
  inside: Type.Boolean({ description: 'inside the managed area: a report there is accepted' }),
  district: Nullable(Type.String()),
  township: Nullable(Type.String()),
  community: Nullable(Type.String()),
});

export const PublicMapInfo = Type.Object({
  bbox: Nullable(Type.Array(Type.Number(), { minItems: 4, maxItems: 4 })),
  center: Nullable(Type.Object({ lng: Type.Number(), lat: Type.Number() })),
  crs: Type.Literal('wgs84'),
  generated: Type.Boolean({ description: 'the demo city: generated divisions over real codes and names' }),
});

export const TileParams = Type.Object(
  {
    z: Type.Integer({ minimum: 0, maximum: 22 }),
    x: Type.Integer({ minimum: 0 }),
    y: Type.String({ pattern: '^\\d{1,8}\\.mvt$', description: 'tile row followed by .mvt' }),
  },
  { additionalProperties: false },
);

export { MAX_PHOTOS };
