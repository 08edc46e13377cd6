import { type Static, Type } from 'typebox';
import { Nullable, Page, PageQuery, StringEnum } from '../../platform/schemas.ts';
import { SAMPLE_SOURCES } from './tables.ts';
import { MAX_SUGGEST_TEXT } from './text.ts';

const CrsT = StringEnum(['wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const, 'coordinate system of lng/lat');
const MatterCode = Type.String({ pattern: '^\\d{5}$', description: '5-digit matter type code' });
const Uuid = Type.String({ format: 'uuid' });

export const SuggestBody = Type.Object(
  {
    text: Type.String({
      minLength: 1,
      maxLength: MAX_SUGGEST_TEXT,
      description: `the report's words as the citizen, operator or inspector gave them (at most ${MAX_SUGGEST_TEXT} characters)`,
    }),
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    crs: Type.Optional(CrsT),
  },
  { additionalProperties: false },
);
export type SuggestBodyT = Static<typeof SuggestBody>;

export const SuggestedType = Type.Object({
  code: Type.String(),
  name: Type.String(),
  score: Type.Number({ description: 'share of the classifier’s belief, 0…1' }),
});

export const SuggestedPlace = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String({ description: 'road, poi, building or community' }),
  lng: Type.Number({ description: 'WGS84' }),
  lat: Type.Number({ description: 'WGS84' }),
  gridId: Nullable(Type.String()),
  districtCode: Type.String(),
  generated: Type.Boolean({ description: 'a generated demo entry, not a surveyed place' }),
});

export const Suggestion = Type.Object({
  matterTypes: Type.Array(SuggestedType, { maxItems: 5, description: 'best first' }),
  places: Type.Array(SuggestedPlace, { maxItems: 5, description: 'in the order the text names them' }),
  revision: Type.Integer({ description: 'the classifier revision (labelled texts) the answer used' }),
});
export type SuggestionDto = Static<typeof Suggestion>;

export const SampleSourceT = StringEnum(
  SAMPLE_SOURCES,
  'seed 种子样本 · confirmed 立案确认 · corrected 立案更正',
);

export const Sample = Type.Object({
  id: Uuid,
  source: SampleSourceT,
  matterCode: Type.String(),
  matterName: Nullable(Type.String()),
  text: Type.String(),
  voice: Nullable(Type.String()),
  suggestedCode: Nullable(Type.String()),
  suggestedName: Nullable(Type.String()),
  caseId: Nullable(Uuid),
  districtCode: Nullable(Type.String()),
  createdByName: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  retiredAt: Nullable(Type.String({ format: 'date-time' })),
  retiredReason: Nullable(Type.String()),
  revision: Type.Integer(),
});
export type SampleDto = Static<typeof Sample>;
export const SampleList = Page(Sample);

export const SampleListQuery = Type.Object(
  {
    ...PageQuery,
    source: Type.Optional(SampleSourceT),
    matterCode: Type.Optional(MatterCode),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'part of the text' })),
    retired: Type.Optional(Type.Boolean({ description: 'true: only retired; false (default): only active' })),
  },
  { additionalProperties: false },
);
export type SampleListQueryT = Static<typeof SampleListQuery>;

export const SampleRetire = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500, description: 'why the text is wrong (kept)' }) },
  { additionalProperties: false },
);
export type SampleRetireT = Static<typeof SampleRetire>;

export const ClassifierStatus = Type.Object({
  revision: Type.Integer(),
  types: Type.Integer({ description: 'matter types the model knows' }),
  lexiconTerms: Type.Integer(),
  texts: Type.Object({
    seed: Type.Integer(),
    confirmed: Type.Integer(),
    corrected: Type.Integer(),
    retired: Type.Integer(),
  }),
  inModel: Type.Object({ texts: Type.Integer(), learned: Type.Integer() }),
  learnedCapPerType: Type.Integer(),
  maxLearnText: Type.Integer(),
});
