/** Decision support's API shapes (决策辅助): trends, hotspots and recurrence, overdue drivers, heat. */
import { type Static, Type } from 'typebox';
import { Nullable, StringEnum } from '../../platform/schemas.ts';

const Text = Type.Object({ zh: Type.String(), en: Type.String() });

const PeriodQuery = {
  from: Type.String({ format: 'date', description: 'first China day of the period (inclusive)' }),
  to: Type.String({ format: 'date', description: 'China day the period ends before (exclusive)' }),
  districtCode: Type.Optional(
    Type.String({ minLength: 1, maxLength: 12, description: 'one district only (its cases)' }),
  ),
  family: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 4,
      description: 'one matter-type family only: the catalogue’s major class (`01` … `10`, `99` local)',
    }),
  ),
};

export const GRANULARITIES = ['week', 'month'] as const;
export const TREND_DIMENSIONS = ['family', 'district', 'township'] as const;

export const TrendQuery = Type.Object(
  {
    ...PeriodQuery,
    granularity: Type.Optional(StringEnum(GRANULARITIES, 'default: month')),
    by: Type.Optional(StringEnum(TREND_DIMENSIONS, 'default: family')),
  },
  { additionalProperties: false },
);
export type TrendQueryT = Static<typeof TrendQuery>;

export const TrendSeries = Type.Object({
  key: Nullable(Type.String({ description: 'family code, district or township code; null: no type yet' })),
  label: Type.String(),
  counts: Type.Array(Type.Integer(), { description: 'cases reported in each bucket' }),
  lastYear: Type.Array(Type.Integer(), { description: 'cases reported in the same bucket a year earlier' }),
});
export const TrendAnswer = Type.Object({
  from: Type.String(),
  to: Type.String(),
  granularity: StringEnum(GRANULARITIES),
  by: StringEnum(TREND_DIMENSIONS),
  buckets: Type.Array(Type.String({ description: 'each bucket’s first China day (a Monday, or the 1st)' })),
  lastYearBuckets: Type.Array(
    Type.String({ description: 'the first day of the bucket a year earlier (52 weeks for weeks)' }),
  ),
  series: Type.Array(TrendSeries),
  total: Type.Object({ counts: Type.Array(Type.Integer()), lastYear: Type.Array(Type.Integer()) }),
  definition: Text,
});

export const HotspotQuery = Type.Object(
  {
    ...PeriodQuery,
    threshold: Type.Optional(
      Type.Integer({ minimum: 2, maximum: 10000, description: 'cases at least (default 3)' }),
    ),
    recurrenceDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 365,
        description: 'a case reported within this many days after an earlier one closed (default 30)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type HotspotQueryT = Static<typeof HotspotQuery>;

const CaseRef = Type.Object({ id: Type.String({ format: 'uuid' }), code: Type.String() });

export const GridHotspot = Type.Object({
  gridId: Type.String(),
  districtCode: Type.String(),
  count: Type.Integer(),
  types: Type.Integer({ description: 'distinct matter types among them' }),
  topMatterCode: Nullable(Type.String()),
  topMatterName: Nullable(Type.String()),
  topCount: Type.Integer({ description: 'cases of the leading type' }),
  lng: Type.Number(),
  lat: Type.Number(),
});
export const ComponentHotspot = Type.Object({
  componentId: Type.String(),
  gridId: Type.String(),
  districtCode: Type.String(),
  count: Type.Integer(),
  topMatterCode: Nullable(Type.String()),
  topMatterName: Nullable(Type.String()),
  lng: Type.Number(),
  lat: Type.Number(),
});
export const Recurrence = Type.Object({
  earlier: CaseRef,
  later: CaseRef,
  matterCode: Type.String(),
  matterName: Nullable(Type.String()),
  gridId: Type.String(),
  componentId: Nullable(Type.String({ description: 'set when both cases are about this component' })),
  earlierClosedAt: Type.String({ format: 'date-time' }),
  laterReportedAt: Type.String({ format: 'date-time' }),
  daysAfter: Type.Number({ description: 'days from the earlier closing to the later report' }),
});
export const HotspotAnswer = Type.Object({
  from: Type.String(),
  to: Type.String(),
  threshold: Type.Integer(),
  recurrenceDays: Type.Integer(),
  grids: Type.Array(GridHotspot),
  components: Type.Array(ComponentHotspot),
  recurrences: Type.Array(Recurrence),
});

export const OverdueQuery = Type.Object({ ...PeriodQuery }, { additionalProperties: false });
export type OverdueQueryT = Static<typeof OverdueQuery>;

export const OverdueRow = Type.Object({
  key: Nullable(Type.String({ description: 'unit id or matter code' })),
  label: Type.String(),
  overdue: Type.Integer({ description: 'cases with a disposal stage past its due time' }),
  share: Nullable(Type.Number({ description: 'of all overdue cases in the answer (0…1)' })),
  due: Type.Integer({ description: 'cases dispatched in the period (due for disposal)' }),
  onTime: Type.Integer({ description: 'disposed with every disposal stage on time' }),
  onTimeRate: Nullable(Type.Number({ description: 'onTime / due' })),
});
export const OverdueAnswer = Type.Object({
  from: Type.String(),
  to: Type.String(),
  totalOverdue: Type.Integer(),
  totalDue: Type.Integer(),
  totalOnTime: Type.Integer(),
  units: Type.Array(OverdueRow),
  types: Type.Array(OverdueRow),
  definitions: Type.Object({ overdue: Text, onTime: Text }),
});

export const HeatQuery = Type.Object(
  {
    ...PeriodQuery,
    precision: Type.Optional(
      Type.Integer({
        minimum: 2,
        maximum: 4,
        description: 'decimal places of the cells’ lng/lat (3 ≈ 100 m, the default)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type HeatQueryT = Static<typeof HeatQuery>;

export const HeatAnswer = Type.Object({
  from: Type.String(),
  to: Type.String(),
  precision: Type.Integer(),
  total: Type.Integer(),
  max: Type.Integer(),
  cells: Type.Array(Type.Object({ lng: Type.Number(), lat: Type.Number(), count: Type.Integer() })),
});
