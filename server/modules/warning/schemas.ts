/** The early warning's API shapes (预警): what the warnings page and the big screen read. */
import { type Static, Type } from 'typebox';
import { Nullable, StringEnum } from '../../platform/schemas.ts';
import { WARNING_KINDS, WARNING_STATES, WARNING_SUBJECTS } from './tables.ts';

const Time = Type.String({ format: 'date-time' });

export const WarningListQuery = Type.Object(
  {
    kind: Type.Optional(StringEnum(WARNING_KINDS, 'rise (unusual rise) or overdue_risk (a unit)')),
    state: Type.Optional(StringEnum(WARNING_STATES, 'default: the live ones (open and acknowledged)')),
    districtCode: Type.Optional(Type.String({ pattern: '^\\d{6}$', description: 'a district code' })),
    subjectType: Type.Optional(StringEnum(WARNING_SUBJECTS)),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type WarningListQueryT = Static<typeof WarningListQuery>;

export const Warning = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: StringEnum(WARNING_KINDS),
  subjectType: StringEnum(WARNING_SUBJECTS),
  subjectId: Type.String({ description: 'grid id, district code or unit id' }),
  subjectName: Type.String(),
  districtCode: Type.String({ description: 'the district whose grids, area or cases the warning is about' }),
  family: Nullable(Type.String({ description: 'a rise: the type kind and major category, e.g. matter:06' })),
  observed: Type.Integer({
    description: 'cases in the window (rise); disposals in yellow or overdue (unit)',
  }),
  baseline: Type.Number({ description: 'baseline mean per window (rise); open disposals (unit)' }),
  rule: Type.Object(
    {
      method: StringEnum(['poisson', 'ewma', 'unit_share'] as const),
      windowDays: Type.Optional(Type.Integer()),
      baselinePeriods: Type.Optional(Type.Integer()),
      alpha: Type.Optional(Type.Number()),
      ewmaWeight: Type.Optional(Type.Number()),
      ewmaMultiplier: Type.Optional(Type.Number()),
      minCount: Type.Optional(Type.Integer()),
      minBaselineMean: Type.Optional(Type.Number()),
      unitMinCases: Type.Optional(Type.Integer()),
      unitMinShare: Type.Optional(Type.Number()),
      pValue: Type.Optional(Type.Number({ description: 'Poisson: P(X ≥ observed | baseline)' })),
      ewma: Type.Optional(Type.Number()),
      limit: Type.Optional(Type.Number({ description: 'EWMA: the upper control limit' })),
      share: Type.Optional(Type.Number()),
      near: Type.Optional(Type.Integer()),
      overdue: Type.Optional(Type.Integer()),
    },
    { description: 'the rule and its parameters when the warning was last computed, and what it measured' },
  ),
  explanation: Type.Object({ zh: Type.String(), en: Type.String() }),
  state: StringEnum(WARNING_STATES),
  firstSeenAt: Time,
  lastSeenAt: Time,
  acknowledgedAt: Nullable(Time),
  acknowledgedBy: Nullable(Type.String({ format: 'uuid' })),
  resolvedAt: Nullable(Time),
});

export const WarningPage = Type.Object({
  items: Type.Array(Warning),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const RunAnswer = Type.Object({
  at: Time,
  raised: Type.Integer({ description: 'new warnings (delivered to the inboxes)' }),
  updated: Type.Integer({ description: 'live warnings found again (updated, not repeated)' }),
  resolved: Type.Integer({ description: 'live warnings no longer found' }),
  open: Type.Integer({ description: 'warnings found by this run' }),
});
