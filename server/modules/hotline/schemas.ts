/** The hotline's API shapes: calls, their callers' history, reports made on a call, seats, the knowledge base. */
import { type Static, Type } from 'typebox';
import { CHANNELS } from '../../../common/channels.ts';
import {
  CALL_KINDS,
  CALL_NOTE_MAX,
  CALL_STATUSES,
  CALLER_NUMBER_PATTERN,
  KNOWLEDGE_ANSWER_MAX,
  KNOWLEDGE_CATEGORY_MAX,
  KNOWLEDGE_KEYWORDS_MAX,
  KNOWLEDGE_QUESTION_MAX,
} from '../../../common/hotline.ts';
import { PUBLIC_STATUSES } from '../../../common/public-report.ts';
import { CASE_STATES } from '../../../common/workflow.ts';
import { Nullable, PageQuery, StringEnum } from '../../platform/schemas.ts';

const Uuid = Type.String({ format: 'uuid' });
const Time = Type.String({ format: 'date-time' });
const Line = Type.String({
  pattern: '^\\d{3,20}$',
  description: 'the number called (setting hotline.numbers)',
});
const Seat = Type.String({
  pattern: '^[0-9A-Za-z_-]{1,20}$',
  description: "the seat (agent extension) the telephony routes the call to, e.g. '8001'",
});

// ---------------------------------------------------------------------------------------------
// Calls

export const CallPostBody = Type.Object(
  {
    line: Line,
    callerNumber: Type.String({
      pattern: CALLER_NUMBER_PATTERN,
      description: "the caller's number as the telephony gives it (+86 138 1234 5678, 0574-87654321)",
    }),
    seat: Type.Optional(Seat),
    districtCode: Type.Optional(
      Type.String({
        pattern: '^[0-9]{6}$',
        description:
          "the district whose desk the call is routed to (a district's 12345 queue); absent: the city's queue",
      }),
    ),
    externalId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        pattern: '^[\\x21-\\x7e]+$',
        description:
          "the telephony's own id of the call (FreeSWITCH's call UUID): posting it again is the same call",
      }),
    ),
  },
  { additionalProperties: false },
);
export type CallPostBodyT = Static<typeof CallPostBody>;

export const CallPosted = Type.Object({
  id: Uuid,
  status: StringEnum(CALL_STATUSES),
  line: Type.String(),
  seat: Nullable(Type.String()),
  startedAt: Time,
  routedTo: Type.Integer({
    minimum: 0,
    description: 'operators whose console the call pops (0: nobody signed in at the seat or on the line)',
  }),
  replayed: Type.Boolean({ description: 'the same externalId was posted before: this is that call' }),
});

const CaseRef = Type.Object({
  id: Uuid,
  code: Type.String(),
  state: StringEnum(CASE_STATES),
  publicStatus: StringEnum(PUBLIC_STATUSES),
  closedAt: Nullable(Time),
});

export const HotlineCall = Type.Object({
  id: Uuid,
  line: Type.String(),
  callerNumber: Type.String({
    description: 'in full to the hotline operators, masked (138****5678) to others',
  }),
  callerName: Nullable(Type.String()),
  seat: Nullable(Type.String()),
  districtCode: Nullable(
    Type.String({ description: "the district desk it was routed to; null: the city's" }),
  ),
  status: StringEnum(CALL_STATUSES),
  kind: Nullable(StringEnum(CALL_KINDS)),
  note: Nullable(Type.String()),
  operator: Nullable(Type.Object({ id: Uuid, name: Type.String() })),
  knowledgeEntry: Nullable(Type.Object({ id: Uuid, question: Type.String() })),
  case: Nullable(CaseRef),
  reportId: Nullable(Uuid),
  trackingCode: Nullable(
    Type.String({ description: 'the tracking code of the report made on the call (read out to the caller)' }),
  ),
  startedAt: Time,
  answeredAt: Nullable(Time),
  finishedAt: Nullable(Time),
  hungUpAt: Nullable(Time),
  version: Type.Integer(),
});

export const CallList = Type.Object({
  items: Type.Array(HotlineCall),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const CallListQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(CALL_STATUSES)),
    line: Type.Optional(Line),
    caller: Type.Optional(
      Type.String({ pattern: CALLER_NUMBER_PATTERN, description: "the caller's number (any form)" }),
    ),
    mine: Type.Optional(Type.Boolean({ description: 'only the calls the caller took' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type CallListQueryT = Static<typeof CallListQuery>;

/** A report of the caller (any channel, found by their phone number) with its case's status now. */
const CallerReport = Type.Object({
  reportId: Uuid,
  trackingCode: Type.String(),
  channel: StringEnum(CHANNELS),
  description: Type.String(),
  createdAt: Time,
  case: CaseRef,
});

export const CallDetail = Type.Object({
  call: HotlineCall,
  history: Type.Object({
    calls: Type.Array(HotlineCall, {
      description: 'earlier calls from the same number, newest first (at most 10)',
    }),
    reports: Type.Array(CallerReport, {
      description: "the caller's reports on any channel (by phone number), newest first (at most 10)",
    }),
  }),
});

export const VersionBody = Type.Object(
  { version: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
export type VersionBodyT = Static<typeof VersionBody>;

export const CallReportBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    description: Type.String({ minLength: 2, maxLength: 2000 }),
    address: Type.Optional(
      Type.String({
        maxLength: 200,
        description:
          'the address as the caller says it; without `location` it places the report: an open case of the type at the same address (normalised), else the gazetteer',
      }),
    ),
    location: Type.Optional(
      Type.Object(
        {
          lng: Type.Number({ minimum: -180, maximum: 180 }),
          lat: Type.Number({ minimum: -90, maximum: 90 }),
          crs: StringEnum(['wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const, 'coordinate system of lng/lat'),
        },
        {
          additionalProperties: false,
          description:
            'where the problem is (a map point); may be left out when `address` is given: 422 when the address cannot be placed',
        },
      ),
    ),
    matterCode: Type.Optional(Type.String({ pattern: '^[0-9A-Z]{2}[0-9A-Z]{3}$' })),
    photos: Type.Optional(
      Type.Array(Type.String({ pattern: '^[0-9a-f]{64}$' }), { maxItems: 9, uniqueItems: true }),
    ),
    callerName: Type.Optional(Type.String({ maxLength: 50 })),
  },
  { additionalProperties: false },
);
export type CallReportBodyT = Static<typeof CallReportBody>;

export const CallReportResult = Type.Object({
  call: HotlineCall,
  report: Type.Object({
    reportId: Uuid,
    trackingCode: Type.String({ description: 'read out to the caller: they follow the report with it' }),
    merged: Type.Boolean({ description: 'joined an open case of the same problem nearby' }),
    replayed: Type.Boolean(),
    status: StringEnum(PUBLIC_STATUSES),
    caseCode: Nullable(
      Type.String({
        description: 'the case the report is on, when the operator may open it (the merged one too)',
      }),
    ),
    locatedBy: StringEnum(
      ['point', 'case_address', 'gazetteer'] as const,
      'how the report was placed: the map point; an open case at the same address (joined); the gazetteer place of the address',
    ),
    place: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  }),
});

export const CallFinishBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    kind: StringEnum(CALL_KINDS),
    note: Type.Optional(Type.String({ maxLength: CALL_NOTE_MAX })),
    callerName: Type.Optional(Type.String({ maxLength: 50 })),
    knowledgeEntryId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type CallFinishBodyT = Static<typeof CallFinishBody>;

// ---------------------------------------------------------------------------------------------
// Seats

export const SeatBody = Type.Object(
  {
    seat: Seat,
    lines: Type.Array(Line, { minItems: 1, maxItems: 21, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type SeatBodyT = Static<typeof SeatBody>;

export const MySeat = Type.Object({
  seat: Nullable(Type.Object({ seat: Type.String(), lines: Type.Array(Type.String()), signedInAt: Time })),
  lines: Type.Array(Type.String(), {
    description: 'the hotline numbers a seat may answer (setting hotline.numbers)',
  }),
});

// ---------------------------------------------------------------------------------------------
// Knowledge base

export const KnowledgeEntry = Type.Object({
  id: Uuid,
  question: Type.String(),
  answer: Type.String(),
  keywords: Type.Array(Type.String()),
  category: Type.String(),
  enabled: Type.Boolean(),
  generated: Type.Boolean({
    description: 'a demo entry written by the seed: made up, not the city’s policy',
  }),
  answeredCount: Type.Integer({ description: 'enquiries answered from it' }),
  version: Type.Integer(),
  updatedAt: Time,
  score: Nullable(Type.Number({ description: 'the match with q (null without q)' })),
});

export const KnowledgeList = Type.Object({
  items: Type.Array(KnowledgeEntry),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  categories: Type.Array(Type.Object({ category: Type.String(), count: Type.Integer() })),
});

export const KnowledgeListQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({ maxLength: KNOWLEDGE_QUESTION_MAX, description: "the caller's question: ranked search" }),
    ),
    category: Type.Optional(Type.String({ maxLength: KNOWLEDGE_CATEGORY_MAX })),
    includeDisabled: Type.Optional(Type.Boolean({ description: 'editors (knowledge:manage) only' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type KnowledgeListQueryT = Static<typeof KnowledgeListQuery>;

const knowledgeFields = {
  question: Type.String({ minLength: 1, maxLength: KNOWLEDGE_QUESTION_MAX }),
  answer: Type.String({ minLength: 1, maxLength: KNOWLEDGE_ANSWER_MAX }),
  keywords: Type.Array(Type.String({ maxLength: 20 }), { maxItems: KNOWLEDGE_KEYWORDS_MAX }),
  category: Type.String({ minLength: 1, maxLength: KNOWLEDGE_CATEGORY_MAX }),
  enabled: Type.Optional(Type.Boolean()),
};
export const KnowledgeBody = Type.Object(knowledgeFields, { additionalProperties: false });
export type KnowledgeBodyT = Static<typeof KnowledgeBody>;
export const KnowledgeUpdateBody = Type.Object(
  { ...knowledgeFields, version: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
export type KnowledgeUpdateBodyT = Static<typeof KnowledgeUpdateBody>;
