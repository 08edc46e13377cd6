import { type Static, type TSchema, Type } from 'typebox';
import { CHANNELS } from '../../../common/channels.ts';
import { ROLES } from '../../../common/identity.ts';
import { PUBLIC_STATUSES, TRACKING_CODE_PATTERN } from '../../../common/public-report.ts';
import { TIME_UNITS } from '../../../common/time-units.ts';
import {
  APPLICATIONS,
  CASE_ACTIONS,
  CASE_STATES,
  OPEN_STATES,
  QUEUE_OWNERS,
  REQUIRED_FIELDS,
  STAGES,
} from '../../../common/workflow.ts';
import { EventSnapshot, Page, PageQuery, StringEnum } from '../../platform/schemas.ts';
import { Specificity } from '../routing/index.ts';

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
    selfDisposal: Type.Optional(
      Type.Object(
        {
          note: Type.String({ minLength: 2, maxLength: 2000, description: 'what was done (处置情况)' }),
          photos: Type.Array(PhotoId, {
            minItems: 1,
            maxItems: 9,
            uniqueItems: true,
            description: 'photos after the fix (处置后照片)',
          }),
        },
        {
          additionalProperties: false,
          description:
            "部门自查、自行处置: a collaborating unit (a person of the unit or its system's key with " +
            '`case:report`) reports, on the channel `department`, a problem it has already fixed. The ' +
            'case is created and self-disposed in one transaction (`case.department_dispose`) and waits ' +
            'on the shift leader, who closes it or files it. Where an open case of the same problem exists, ' +
            'the report joins that case instead and is only noted there (`case.report_merged` with ' +
            "`selfDisposal`, its after photos the case's, the shift leaders told).",
        },
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
          unit: StringEnum(TIME_UNITS),
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
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Str = Type.String();
const Time = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });

/** Who applied, why and when: what effects.ts records with every application. */
const Applied = {
  reason: Type.Optional(Str),
  at: Type.Optional(Time),
  by: Type.Optional(Type.String({ description: 'who applied' })),
};
/**
 * Applications waiting for approval (sub-status flags, domain §5), as `PendingApplications` in
 * tables.ts stores them: the extension carries the amount and unit asked for. The presence of a
 * key is what counts (the case page shows it as a flag), so no detail is required.
 */
export const PendingApplications = Type.Object({
  extension: Type.Optional(
    Type.Object({
      amount: Type.Optional(Type.Number()),
      unit: Type.Optional(StringEnum(TIME_UNITS)),
      ...Applied,
    }),
  ),
  parking: Type.Optional(Type.Object(Applied)),
  void: Type.Optional(Type.Object(Applied)),
});

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
  areaClass: StringEnum(['A', 'B', 'C'] as const),
  matterCode: Nullable(Str),
  urgency: StringEnum(['normal', 'urgent'] as const),
  important: Type.Boolean(),
  actFirst: Type.Boolean(),
  caseLevel: StringEnum(['district', 'city'] as const, 'which centre coordinates the case now'),
  pending: PendingApplications,
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
  dispatchedAt: Nullable(Time),
  closedAt: Nullable(Time),
});

export const CaseList = Page(CaseSummary);

/** How many cases wait on the caller: the totals of "my work" (`GET /api/cases?view=mine`). */
export const WaitingCounts = Type.Object({
  total: Type.Integer({
    description: 'cases waiting on the caller (work given to them), every role of theirs together',
  }),
  own: Type.Integer({
    description:
      "the caller's own reports still open to self-disposal (GET /api/cases?view=own), apart from total",
  }),
  queues: Type.Array(
    Type.Object({
      role: StringEnum(QUEUE_OWNERS, 'a role of the caller with a work queue'),
      total: Type.Integer({ description: 'cases waiting on the caller in this role' }),
    }),
  ),
});

/** A report of the case (the first one and every one merged into it). */
export const CaseReport = Type.Object({
  id: Uuid,
  channel: ChannelT,
  description: Str,
  photos: Type.Array(Str),
  account: Nullable(
    Type.Object(
      {
        kind: StringEnum(['user', 'api_key'] as const),
        name: Type.String({ description: "a user's display name, an API key's name" }),
        login: Nullable(Type.String({ description: "a user's login; null for an API key" })),
      },
      {
        description:
          'the account that submitted the report (an inspector, an acceptor taking a call, a public app key); null when none',
      },
    ),
  ),
  reporterName: Nullable(
    Type.String({
      description:
        'the citizen or caller as they gave their name; masked (张**) unless `contactMasked` is false',
    }),
  ),
  reporterPhone: Nullable(
    Type.String({ description: 'their phone; masked (138****5678) unless `contactMasked` is false' }),
  ),
  contactMasked: Type.Boolean({
    description: 'true unless the caller holds a role that calls reporters back (acceptor, shift leader)',
  }),
  mediaUrl: Nullable(
    Type.String({
      description:
        "a link to the reporter's own picture or video (Open311 `media_url`), never fetched by the server",
    }),
  ),
  merged: Type.Boolean(),
  createdAt: Time,
});

/** One timed stage (环节) of the case: its limit, its marks and its light now. */
export const CaseStage = Type.Object({
  id: Uuid,
  stage: Str,
  startedAt: Time,
  dueAt: Time,
  limit: Type.Object({ amount: Type.Number(), unit: StringEnum(TIME_UNITS) }),
  pausedAt: Nullable(Time),
  stoppedAt: Nullable(Time),
  warnedAt: Nullable(Time),
  overdueAt: Nullable(Time),
  extended: Type.Boolean(),
  light: Type.Union([Light, Type.Null()]),
});

/** A field task (verification or check) of the district's inspectors. */
export const CaseTask = Type.Object({
  id: Uuid,
  kind: StringEnum(['verify', 'check'] as const),
  status: StringEnum(['open', 'done', 'cancelled'] as const),
  result: Nullable(Str),
  createdAt: Time,
});

/** One event of the case, as the case page's history shows it. */
export const TimelineEntry = Type.Object({
  id: Type.Integer(),
  at: Time,
  action: Str,
  actorName: Nullable(Str),
  actorType: Str,
  actorDisplayName: Nullable(
    Type.String({ description: "a user's display name or an API key's name; null: system, anonymous" }),
  ),
  reason: Nullable(Str),
  before: EventSnapshot,
  after: EventSnapshot,
});

/** A deadline an action would set if taken now, computed as the action computes it. */
export const ActionClock = Type.Object({
  stage: StringEnum(STAGES),
  kind: StringEnum(
    ['start', 'extend'] as const,
    'start: a clock the action starts; extend: the running one moved',
  ),
  limit: Type.Object({ amount: Type.Number(), unit: StringEnum(TIME_UNITS) }),
  dueAt: Time,
});

/** An action the caller may take now, with the fields it needs (the case page draws its buttons from these). */
export const AvailableAction = Type.Object({
  action: StringEnum(CASE_ACTIONS),
  to: StringEnum(CASE_STATES),
  fields: Type.Array(StringEnum(REQUIRED_FIELDS), { description: 'required, `version` first' }),
  optional: Type.Array(StringEnum(REQUIRED_FIELDS), { description: 'offered, not required' }),
  decides: Type.Optional(
    StringEnum(APPLICATIONS, 'the pending application the action approves or refuses (case.pending.<it>)'),
  ),
  prefill: Type.Optional(
    Type.Object(
      { reason: Type.Optional(Str), note: Type.Optional(Str) },
      {
        description:
          "what the form starts with: an earlier step's words (a rework order: the check's finding)",
      },
    ),
  ),
  clocks: Type.Array(ActionClock, { description: 'deadlines the action would set if taken now' }),
});

/** `GET /api/cases/:id`: the case page. */
export const CaseDetail = Type.Object({
  case: CaseSummary,
  reports: Type.Array(CaseReport),
  stages: Type.Array(CaseStage),
  tasks: Type.Array(CaseTask),
  timeline: Type.Array(TimelineEntry),
  actions: Type.Array(AvailableAction),
});

/** What intake suggests for a new report: matter types from its words, the unit routing picks. */
export const ReportSuggestions = Type.Object({
  matterTypes: Type.Array(Type.Object({ code: Str, name: Str })),
  unit: Nullable(
    Type.Object(
      { id: Uuid, ruleId: Uuid, specificity: Specificity },
      { description: "null unless the reporter may open the case (routing is the centre's business)" },
    ),
  ),
});

/** An open case of the same type near the point (GET /api/reports/duplicates). */
export const DuplicateCandidate = Type.Object({
  distanceM: Type.Integer({ description: 'metres from the point' }),
  case: CaseSummary,
});
export const DuplicateList = Type.Object({ items: Type.Array(DuplicateCandidate) });

const TransitionEffect = Type.Object(
  {
    type: Str,
    stage: Type.Optional(Str),
    task: Type.Optional(Str),
    application: Type.Optional(Str),
    flag: Type.Optional(Str),
    level: Type.Optional(Str),
    result: Type.Optional(Type.Union([Type.Boolean(), Str])),
    who: Type.Optional(Str),
  },
  { description: 'what the server does when the rule applies, by name' },
);

// The table's lists are readonly in common/workflow.ts: served as they are, not copied.
const List = <T extends TSchema>(item: T) => Type.Immutable(Type.Array(item));

/** `GET /api/workflow`: the transition table as common/workflow.ts declares it. */
export const Workflow = Type.Object({
  states: List(StringEnum(CASE_STATES)),
  actions: List(StringEnum(CASE_ACTIONS)),
  transitions: List(
    Type.Object({
      from: List(StringEnum(CASE_STATES)),
      action: StringEnum(CASE_ACTIONS),
      roles: List(Str),
      to: Type.Optional(StringEnum(CASE_STATES, 'absent: the state does not change')),
      levels: Type.Optional(List(Str)),
      fields: List(StringEnum(REQUIRED_FIELDS)),
      optional: Type.Optional(List(StringEnum(REQUIRED_FIELDS))),
      prefill: Type.Optional(
        Type.Object(
          { reason: Type.Optional(StringEnum(CASE_ACTIONS)), note: Type.Optional(StringEnum(CASE_ACTIONS)) },
          { description: "field → the action whose latest event's reason (else note) the form starts with" },
        ),
      ),
      guards: List(Str),
      effects: List(TransitionEffect),
      work: Type.Union([
        Type.Object({ kind: StringEnum(['queue', 'own_report'] as const), owner: Str }),
        Type.Object({ kind: Type.Literal('none') }),
      ]),
      tone: StringEnum(['normal', 'danger'] as const),
      placement: StringEnum(['main', 'side'] as const),
    }),
  ),
});

/** Columns the case list sorts on (server-side; each has an index or a small range to sort). */
export const CASE_SORT_COLUMNS = [
  'code',
  'state',
  'createdAt',
  'filedAt',
  'dispatchedAt',
  'closedAt',
  'currentDueAt',
  'updatedAt',
  'urgeCount',
] as const;
/** Dates a range filters on: reported, filed, dispatched or closed. */
export const CASE_DATE_FIELDS = ['createdAt', 'filedAt', 'dispatchedAt', 'closedAt'] as const;
const ChinaDate = (description: string) =>
  Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: `${description} (YYYY-MM-DD, a China day)` });

/** What filters and orders the case list: the list, its export and a saved filter share it. */
export const CaseFilterFields = {
  view: Type.Optional(
    StringEnum(
      ['mine', 'own', 'all'] as const,
      "mine: the work given to the caller (their 待办); own: the caller's own reports still open to self-disposal (自处置); all: everything in scope",
    ),
  ),
  queue: Type.Optional(
    StringEnum(ROLES, "with view=mine or own: only the work of this role (one of the caller's roles)"),
  ),
  state: Type.Optional(Type.Array(StringEnum(CASE_STATES), { maxItems: 20 })),
  matterCode: Type.Optional(MatterCode),
  gridId: Type.Optional(Type.String({ maxLength: 15 })),
  componentId: Type.Optional(
    Type.String({ pattern: '^\\d{17}$', description: 'cases reported on this component (部件)' }),
  ),
  districtCode: Type.Optional(Type.String({ pattern: '^\\d{6}$' })),
  unitId: Type.Optional(Type.String({ format: 'uuid' })),
  channel: Type.Optional(ChannelT),
  light: Type.Optional(Light),
  q: Type.Optional(Type.String({ maxLength: 100 })),
  dateField: Type.Optional(
    StringEnum(CASE_DATE_FIELDS, 'which date dateFrom/dateTo apply to (default createdAt)'),
  ),
  dateFrom: Type.Optional(ChinaDate('first day, inclusive')),
  dateTo: Type.Optional(ChinaDate('last day, inclusive')),
  sort: Type.Optional(
    StringEnum(CASE_SORT_COLUMNS, 'column to sort on (default: by deadline for mine, newest first for all)'),
  ),
  order: Type.Optional(StringEnum(['asc', 'desc'] as const)),
};

export const CaseListQuery = Type.Object(
  { ...PageQuery, ...CaseFilterFields },
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

/** The answer to POST /api/reports. */
export const ReportResult = Type.Object({
  replayed: Type.Boolean(),
  merged: Type.Boolean(),
  reportId: Uuid,
  /** The public view of the report: for every reporter. */
  report: PublicReport,
  /** The case: only for a reporter who may open it; null for anyone else. */
  case: Type.Union([CaseSummary, Type.Null()]),
  suggestions: ReportSuggestions,
});

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

/** Bounds of `GET /api/cases/map`: a map draws at most this many points per request. */
export const CASE_MAP_MAX_LIMIT = 5000;
export const CASE_MAP_DEFAULT_LIMIT = 2000;

export const CaseMapQuery = Type.Object(
  {
    bbox: Type.Optional(
      Type.String({
        maxLength: 200,
        description: "west,south,east,north in WGS84 degrees; absent: everywhere in the caller's scope",
      }),
    ),
    state: Type.Optional(
      Type.Array(StringEnum(OPEN_STATES), { maxItems: 20, description: 'open states only' }),
    ),
    matterCode: Type.Optional(MatterCode),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: CASE_MAP_MAX_LIMIT,
        default: CASE_MAP_DEFAULT_LIMIT,
        description: `at most ${CASE_MAP_MAX_LIMIT}, default ${CASE_MAP_DEFAULT_LIMIT}`,
      }),
    ),
  },
  { additionalProperties: false },
);
export type CaseMapQueryT = Static<typeof CaseMapQuery>;

/** One open case as a point on the map, with the light of its current deadline. */
export const CaseMapPoint = Type.Object({
  id: Uuid,
  code: Str,
  state: StringEnum(CASE_STATES),
  light: Type.Union([Light, Type.Null()]),
  matterCode: Nullable(Str),
  lng: Type.Number(),
  lat: Type.Number(),
});

export const CaseMap = Type.Object({
  items: Type.Array(CaseMapPoint, { description: 'newest first' }),
  total: Type.Integer({ description: 'open cases in scope matching the filters (may exceed items)' }),
  truncated: Type.Boolean({ description: 'true when `limit` cut the list' }),
});
