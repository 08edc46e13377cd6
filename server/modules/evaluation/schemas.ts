/** The evaluation's API shapes. */
import { type Static, Type } from 'typebox';
import { GRADES, SCORE_KINDS } from '../../../common/evaluation-template.ts';
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
    part: Type.Optional(
      StringEnum(
        ['numerator', 'denominator', 'unmet'] as const,
        'default: denominator; `unmet`: due but not met (a rate only: e.g. the overdue of an on-time rate)',
      ),
    ),
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
  part: StringEnum(['numerator', 'denominator', 'unmet'] as const),
  items: Type.Array(DrillItem),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

// ---- templates (考核模板)

const ScoreKind = StringEnum(SCORE_KINDS, '`rate` ×100, `inverse` (1 − rate) ×100, `bands` by count');
export const TemplateDefinitionSchema = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          indicator: Type.String({ minLength: 1, maxLength: 64 }),
          weight: Type.Number({ description: 'percent; the items add up to 100' }),
          score: ScoreKind,
          bands: Type.Optional(
            Type.Array(
              Type.Object(
                { upTo: Type.Integer({ minimum: 0 }), score: Type.Number({ minimum: 0, maximum: 100 }) },
                { additionalProperties: false },
              ),
              { maxItems: 20 },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      { maxItems: 30 },
    ),
    grades: Type.Array(
      Type.Object(
        { grade: StringEnum(GRADES), min: Type.Number({ minimum: 0, maximum: 100 }) },
        { additionalProperties: false },
      ),
      { maxItems: 5 },
    ),
  },
  { additionalProperties: false },
);
export const TemplateView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  subjectType: StringEnum(SUBJECT_TYPES),
  version: Type.Integer(),
  current: Type.Boolean(),
  isDefault: Type.Boolean(),
  definition: TemplateDefinitionSchema,
  note: Nullable(Type.String()),
  createdBy: Nullable(Type.String()),
  createdAt: Time,
});
export const TemplateList = Type.Object({ items: Type.Array(TemplateView) });
export const SubjectTypeParams = Type.Object(
  { subjectType: StringEnum(SUBJECT_TYPES) },
  { additionalProperties: false },
);
export const TemplateSaveBody = Type.Object(
  {
    baseVersion: Type.Integer({
      minimum: 1,
      description: 'the version the edit started from (409 if another was saved since)',
    }),
    definition: TemplateDefinitionSchema,
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type TemplateSaveBodyT = Static<typeof TemplateSaveBody>;

// ---- rankings (排名)

const ItemScoreSchema = Type.Object({
  indicator: Type.String(),
  weight: Type.Number(),
  score: Nullable(Type.Number()),
});
export const RankingLineSchema = Type.Object({
  subject: Type.String(),
  label: Type.String(),
  districtCode: Nullable(Type.String()),
  figures: Type.Array(Figure),
  items: Type.Array(ItemScoreSchema),
  score: Nullable(Type.Number()),
  grade: Nullable(StringEnum(GRADES)),
  rank: Nullable(Type.Integer()),
  previousRank: Nullable(Type.Integer()),
  movement: Nullable(Type.Integer({ description: 'previousRank − rank: positive is up' })),
});
const RankingSummaryFields = {
  id: Type.String({ format: 'uuid' }),
  subjectType: StringEnum(SUBJECT_TYPES),
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  version: Type.Integer(),
  templateId: Type.String({ format: 'uuid' }),
  templateVersion: Type.Integer(),
  state: StringEnum(['draft', 'published'] as const),
  subjects: Type.Integer({ description: 'lines the caller may read' }),
  previousFrom: Type.String({ format: 'date' }),
  previousTo: Type.String({ format: 'date' }),
  previousSource: StringEnum(['published', 'computed'] as const),
  computedBy: Type.String(),
  computedAt: Time,
  publishedBy: Nullable(Type.String()),
  publishedAt: Nullable(Time),
  note: Nullable(Type.String()),
};
export const RankingSummary = Type.Object(RankingSummaryFields);
export const RankingList = Type.Object({ items: Type.Array(RankingSummary) });
export const RankingView = Type.Object({ ...RankingSummaryFields, lines: Type.Array(RankingLineSchema) });
export const RankingListQuery = Type.Object(
  {
    subjectType: Type.Optional(StringEnum(SUBJECT_TYPES)),
    state: Type.Optional(StringEnum(['draft', 'published'] as const)),
    from: Type.Optional(Type.String({ format: 'date' })),
  },
  { additionalProperties: false },
);
export const RankingComputeBody = Type.Object(
  {
    subjectType: StringEnum(SUBJECT_TYPES),
    ...PeriodQuery,
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type RankingComputeBodyT = Static<typeof RankingComputeBody>;

export const PublicRankingQuery = Type.Object(
  {
    subjectType: StringEnum(['district', 'unit'] as const),
    from: Type.Optional(
      Type.String({ format: 'date', description: 'the period to show; default the newest' }),
    ),
  },
  { additionalProperties: false },
);
export const PublicRanking = Type.Object({
  subjectType: StringEnum(['district', 'unit'] as const),
  periods: Type.Array(Type.Object({ from: Type.String(), to: Type.String(), publishedAt: Time })),
  ranking: Nullable(
    Type.Object({
      from: Type.String(),
      to: Type.String(),
      version: Type.Integer(),
      templateVersion: Type.Integer(),
      publishedAt: Time,
      lines: Type.Array(
        Type.Object({
          label: Type.String(),
          score: Nullable(Type.Number()),
          grade: Nullable(StringEnum(GRADES)),
          rank: Nullable(Type.Integer()),
          previousRank: Nullable(Type.Integer()),
          movement: Nullable(Type.Integer()),
          items: Type.Array(ItemScoreSchema),
        }),
      ),
    }),
  ),
});
