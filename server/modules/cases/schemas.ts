import { type Static, Type } from 'typebox';
import { PUBLIC_STATUSES, TRACKING_CODE_PATTERN } from '../../../common/public-report.ts';
import { CASE_ACTIONS, CASE_STATES } from '../../../common/workflow.ts';
import { Page, PageQuery, StringEnum } from '../../platform/schemas.ts';

export const CHANNELS = [
  'inspector',
  'hotline',
  'web',
  'app',
  'wechat',
  'sensor',
  'video',
  'department',
  'opinion',
] as const;
export const ChannelT = StringEnum(CHANNELS);
export const CrsT = StringEnum(
  ['wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const,
  'coordinate system of lng/lat',
);
const MatterCode = Type.String({
  pattern: '^[0-9A-Z]{2}[0-9A-Z]{3}$',
  description: '5-character matter type code',
});
const PhotoId = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'id returned by POST /api/photos' });

export const ReportCreate = Type.Object(
  {
    idempotencyKey: Type.String({
      minLength: 8,
      maxLength: 100,
      description: 'client-generated; the same key never makes two reports',
    }),
    channel: ChannelT,
    description: Type.String({ minLength: 2, maxLength: 2000 }),
    address: Type.Optional(Type.String({ maxLength: 200 })),
    location: Type.Object(
      {
        lng: Type.Number({ minimum: -180, maximum: 180 }),
        lat: Type.Number({ minimum: -90, maximum: 90 }),
        crs: CrsT,
      },
      { additionalProperties: false },
    ),
    matterCode: Type.Optional(MatterCode),
    componentId: Type.Optional(Type.String({ pattern: '^\\d{17}$' })),
    photos: Type.Optional(Type.Array(PhotoId, { maxItems: 9, uniqueItems: true })),
    reporter: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.String({ maxLength: 50 })),
          phone: Type.Optional(Type.String({ pattern: '^[0-9+\\- ]{5,20}$' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ReportCreateT = Static<typeof ReportCreate>;

export const ActionBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    reason: Type.Optional(Type.String({ maxLength: 1000 })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    photos: Type.Optional(Type.Array(PhotoId, { maxItems: 9, uniqueItems: true })),
    unitId: Type.Optional(Type.String({ format: 'uuid' })),
    matterType: Type.Optional(MatterCode),
    filingConditionId: Type.Optional(Type.String({ maxLength: 40 })),
    targetCaseId: Type.Optional(Type.String({ format: 'uuid' })),
    extension: Type.Optional(
      Type.Object(
        {
          amount: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
          unit: StringEnum(['urgent_hour', 'work_hour', 'work_day', 'natural_day'] as const),
        },
        { additionalProperties: false },
      ),
    ),
    rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
  },
  { additionalProperties: false },
);
export type ActionBodyT = Static<typeof ActionBody>;

export const ActionParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), action: StringEnum(CASE_ACTIONS) },
  { additionalProperties: false },
);

const Light = StringEnum(['green', 'yellow', 'red'] as const);
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Str = Type.String();
const Time = Type.String({ format: 'date-time' });

export const CaseSummary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Str,
  state: StringEnum(CASE_STATES),
  version: Type.Integer(),
  channel: ChannelT,
  description: Str,
  address: Nullable(Str),
  location: Type.Object({ lng: Type.Number(), lat: Type.Number(), crs: Type.Literal('wgs84') }),
  gridId: Str,
  communityCode: Str,
  townshipCode: Str,
  districtCode: Str,
  areaClass: Str,
  matterCode: Nullable(Str),
  urgency: Str,
  important: Type.Boolean(),
  actFirst: Type.Boolean(),
  caseLevel: Str,
  pending: Type.Record(Type.String(), Type.Any()),
  unitId: Nullable(Str),
  suggestedUnitId: Nullable(Str),
  currentStage: Nullable(Str),
  currentDueAt: Nullable(Time),
  light: Type.Union([Light, Type.Null()]),
  reworkCount: Type.Integer(),
  urgeCount: Type.Integer(),
  createdAt: Time,
  updatedAt: Time,
  filedAt: Nullable(Time),
  closedAt: Nullable(Time),
});

export const CaseList = Page(CaseSummary);

export const CaseListQuery = Type.Object(
  {
    ...PageQuery,
    view: Type.Optional(
      StringEnum(['mine', 'all'] as const, 'mine: what the caller can act on now; all: everything in scope'),
    ),
    state: Type.Optional(Type.Array(StringEnum(CASE_STATES), { maxItems: 20 })),
    matterCode: Type.Optional(MatterCode),
    gridId: Type.Optional(Type.String({ maxLength: 15 })),
    districtCode: Type.Optional(Type.String({ pattern: '^\\d{6}$' })),
    unitId: Type.Optional(Type.String({ format: 'uuid' })),
    channel: Type.Optional(ChannelT),
    light: Type.Optional(Light),
    q: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type CaseListQueryT = Static<typeof CaseListQuery>;

/**
 * The public view of a report (common/public-report.ts): the reporter's own report, its tracking
 * code and its public status — never the case behind it. What a reporter who cannot open the case
 * gets, and what the public portal will show.
 */
export const PublicReport = Type.Object({
  reportId: Type.String({ format: 'uuid' }),
  trackingCode: Type.String({ pattern: TRACKING_CODE_PATTERN, description: 'public tracking code (查询码)' }),
  createdAt: Time,
  channel: ChannelT,
  description: Str,
  location: Type.Object({ lng: Type.Number(), lat: Type.Number(), crs: Type.Literal('wgs84') }),
  photos: Type.Array(Str),
  /** True when the report joined an open case of the same type nearby (or was merged later). */
  merged: Type.Boolean(),
  status: StringEnum(
    PUBLIC_STATUSES,
    '待受理 submitted / 已受理 accepted / 处理中 in_progress / 已办结 resolved / 不予受理 declined',
  ),
  closedAt: Nullable(Time),
});

/**
 * A report as its submitter follows it: the public view, and the case behind it only when the
 * submitter may open that case now (null otherwise — a unit, a sensor's key, a person moved to
 * another district, after a merge into a case outside their scope). The same shape for one report
 * (GET /api/reports/:id) and for the list (GET /api/reports/mine).
 */
export const OwnReport = Type.Object({
  ...PublicReport.properties,
  case: Type.Union([
    Type.Object({
      id: Type.String({ format: 'uuid' }),
      code: Str,
      state: StringEnum(CASE_STATES),
      closedAt: Nullable(Time),
      updatedAt: Time,
    }),
    Type.Null(),
  ]),
});
export type OwnReportDto = Static<typeof OwnReport>;

export const OwnReportList = Page(OwnReport);

export const OwnReportListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type OwnReportListQueryT = Static<typeof OwnReportListQuery>;

export const DuplicateQuery = Type.Object(
  {
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    crs: CrsT,
    matterCode: MatterCode,
  },
  { additionalProperties: false },
);
