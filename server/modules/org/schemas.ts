import { type Static, Type } from 'typebox';
import { ORG_KINDS } from '../../../common/identity.ts';
import { Page, PageQuery, StringEnum } from '../../platform/schemas.ts';

export const OrgKind = StringEnum(ORG_KINDS);
export const DistrictCode = Type.String({
  pattern: '^\\d{6}$',
  description: '6-digit district code (GB/T 2260)',
});
export const Uscc = Type.String({
  minLength: 18,
  maxLength: 18,
  description: '18-character unified social credit code (统一社会信用代码)',
});

export const Org = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: OrgKind,
  name: Type.String(),
  code: Type.String(),
  parentId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  districtCode: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
});
export type OrgDto = Static<typeof Org>;

export const OrgList = Page(Org);

export const OrgListQuery = Type.Object(
  {
    ...PageQuery,
    q: Type.Optional(Type.String({ maxLength: 100 })),
    kind: Type.Optional(OrgKind),
    districtCode: Type.Optional(DistrictCode),
  },
  { additionalProperties: false },
);
export type OrgListQueryT = Static<typeof OrgListQuery>;

export const OrgCreate = Type.Object(
  {
    kind: OrgKind,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    code: Uscc,
    parentId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    districtCode: Type.Optional(Type.Union([DistrictCode, Type.Null()])),
  },
  { additionalProperties: false },
);
export type OrgCreateT = Static<typeof OrgCreate>;

export const OrgUpdate = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    code: Type.Optional(Uscc),
    parentId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type OrgUpdateT = Static<typeof OrgUpdate>;
