import { type Static, Type } from 'typebox';
import { TIME_UNITS } from '../../../common/calendar/work-calendar.ts';
import { Page, StringEnum } from '../../platform/schemas.ts';
import { CATALOG_KINDS } from './reference.ts';

export const Kind = StringEnum(CATALOG_KINDS, 'component (部件) or matter (事项)');
const TypeCode = Type.String({ pattern: '^\\d{5}$', description: '5-digit type code: 2 major + 3 minor' });
const Major = Type.String({ pattern: '^\\d{2}$', description: '2-digit major class' });
const LegacyCode = Type.Union([
  Type.String({ pattern: '^\\d{4}$', description: '4-digit code of CJ/T 214 / GB/T 30428.2' }),
  Type.Null(),
]);
const Name = Type.String({ minLength: 1, maxLength: 100 });

export const CatalogType = Type.Object({
  kind: Kind,
  code: Type.String(),
  name: Type.String(),
  majorCode: Type.String(),
  majorName: Type.Union([Type.String(), Type.Null()]),
  legacyCode: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  local: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
});
export type CatalogTypeDto = Static<typeof CatalogType>;

export const CatalogTypeList = Type.Object({
  ...Page(CatalogType).properties,
  majors: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
});

export const TypeListQuery = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    kind: Type.Optional(Kind),
    major: Type.Optional(Major),
    q: Type.Optional(
      Type.String({ maxLength: 100, description: 'name (contains), code or legacy code (prefix)' }),
    ),
    enabled: Type.Optional(Type.Boolean()),
    local: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type TypeListQueryT = Static<typeof TypeListQuery>;

export const TypeParams = Type.Object({ kind: Kind, code: TypeCode }, { additionalProperties: false });

export const TypeCreate = Type.Object(
  {
    kind: Kind,
    code: Type.Optional(
      Type.String({ pattern: '^99\\d{3}$', description: 'local code 99001–99999; assigned when omitted' }),
    ),
    name: Name,
    legacyCode: Type.Optional(LegacyCode),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type TypeCreateT = Static<typeof TypeCreate>;

export const TypeUpdate = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    enabled: Type.Optional(Type.Boolean()),
    name: Type.Optional(Name),
    legacyCode: Type.Optional(LegacyCode),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type TypeUpdateT = Static<typeof TypeUpdate>;

// ---------------------------------------------------------------------------------------------
// Disposal standards

const Condition = Type.Object({ id: Type.String(), text: Type.String() });
const ConditionInput = Type.Object(
  { id: Type.Optional(Type.String({ maxLength: 20 })), text: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
const Urgent = Type.Boolean({
  description: '立即按紧急案件处理: a case filed under this condition becomes urgent (urgent time limits)',
});
const FilingCondition = Type.Object({
  id: Type.String(),
  text: Type.String(),
  urgent: Type.Optional(Urgent),
});
const FilingConditionInput = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 20 })),
    text: Type.String({ minLength: 1, maxLength: 500 }),
    urgent: Type.Optional(Urgent),
  },
  { additionalProperties: false },
);
export const TimeLimitSchema = Type.Object(
  {
    areaClass: StringEnum(['A', 'B', 'C'] as const),
    urgency: StringEnum(['normal', 'urgent'] as const),
    amount: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
    unit: StringEnum(
      TIME_UNITS,
      'urgent_hour 紧急工作时 · work_hour 工作时 · work_day 工作日 · natural_day 自然日',
    ),
  },
  { additionalProperties: false },
);

export const Standard = Type.Object({
  id: Type.String({ format: 'uuid' }),
  matterCode: Type.String(),
  matterName: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer(),
  current: Type.Boolean(),
  isDefault: Type.Boolean(),
  filingConditions: Type.Array(FilingCondition),
  timeLimits: Type.Array(TimeLimitSchema),
  closingConditions: Type.Array(Condition),
  defaultUnitType: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type StandardDto = Static<typeof Standard>;
export const StandardVersions = Type.Object({ items: Type.Array(Standard) });

export const MatterParams = Type.Object({ matterCode: TypeCode }, { additionalProperties: false });

export const StandardUpdate = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'the version this edit starts from (409 when stale)' }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    filingConditions: Type.Array(FilingConditionInput, { minItems: 1, maxItems: 20 }),
    timeLimits: Type.Array(TimeLimitSchema, {
      minItems: 6,
      maxItems: 6,
      description: 'A/B/C × normal/urgent',
    }),
    closingConditions: Type.Array(ConditionInput, { minItems: 1, maxItems: 20 }),
    defaultUnitType: Type.Union([Type.String({ minLength: 1, maxLength: 50 }), Type.Null()]),
    note: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type StandardUpdateT = Static<typeof StandardUpdate>;
