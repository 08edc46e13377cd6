/** The evaluation's API shapes. */
import { type Static, Type } from 'typebox';
import { CASE_STATES } from '../../../common/workflow.ts';
import { Nullable, PageQuery, StringEnum } from '../../platform/schemas.ts';
import { SUBJECT_TYPES } from './indicators.ts';

const Text = Type.Object({ zh: Type.String(), en: Type.String() });
const Time = Type.String({ format: 'date-time' });

export const IndicatorDef = Type.Object({
  key: Type.String(),
  kind: StringEnum(['count', 'rate', 'average'] as const),
  name: Text,
  description: Text,
  counts: Text,
  countsIn: Text,
  clock: Nullable(Type.String({ description: 'the stage whose clock the indicator reads' })),
  subjects: Type.Array(StringEnum(SUBJECT_TYPES)),
  post: Nullable(Text),
  unit: Nullable(Type.String({ description: '`hours` for an average in working hours' })),
  lacks: Nullable(Text),
});
export const IndicatorList = Type.Object({ items: Type.Array(IndicatorDef) });

const PeriodQuery = {
  from: Type.String({ format: 'date', description: 'first China day of the period (inclusive)' }),
  to: Type.String({ format: 'date', description: 'China day the period ends before (exclusive)' }),
};

export const FiguresQuery = Type.Object(
  {
    subjectType: StringEnum(SUBJECT_TYPES),
    ...PeriodQuery,
    indicator: Type.Optional(
      Type.String({ description: 'one indicator only; default every one of the subject type' }),
    ),
  },
  { additionalProperties: false },
);
export type FiguresQueryT = Static<typeof FiguresQuery>;

export const Figure = Type.Object({
  indicator: Type.String(),
  numerator: Type.Integer({
    description: 'rows meeting the indicator (rates); the count (counts and averages)',
  }),
  denominator: Type.Integer({
    description: 'rows due (rates); the count (counts); rows averaged (averages)',
  }),
  value: Nullable(Type.Number({ description: 'the rate (0…1), the count, or the average' })),
});
export const SubjectFigures = Type.Object({
  subject: Type.String({ description: 'division code, grid id, unit id or user id' }),
  label: Type.String(),
  figures: Type.Array(Figure),
});
export const FiguresAnswer = Type.Object({
  subjectType: StringEnum(SUBJECT_TYPES),
  from: Type.String(),
  to: Type.String(),
  indicators: Type.Array(Type.String()),
  subjects: Type.Array(SubjectFigures),
});

export const DrillQuery = Type.Object(
  {
    indicator: Type.String(),
    subjectType: StringEnum(SUBJECT_TYPES),
    subject: Type.String({ minLength: 1, maxLength: 64 }),
    ...PeriodQuery,
    part: Type.Optional(StringEnum(['numerator', 'denominator'] as const, 'default: denominator')),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type DrillQueryT = Static<typeof DrillQuery>;

export const DrillItem = Type.Object({
  caseId: Type.String({ format: 'uuid' }),
  code: Type.String(),
  state: StringEnum(CASE_STATES),
  description: Type.String(),
  districtCode: Type.String(),
  item: Type.String({ description: 'the row counted: the case, report, stage or satisfaction id' }),
  at: Time,
  value: Nullable(Type.Number()),
});
export const DrillAnswer = Type.Object({
  indicator: Type.String(),
  subject: Type.String(),
  part: StringEnum(['numerator', 'denominator'] as const),
  items: Type.Array(DrillItem),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
