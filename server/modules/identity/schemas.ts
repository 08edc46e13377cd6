import { type Static, Type } from 'typebox';
import { LOCALES, MENU_KEYS, PERMISSIONS, ROLES } from '../../../common/identity.ts';
import { Page, PageQuery, StringEnum } from '../../platform/schemas.ts';
import { Org } from '../org/index.ts';

export const RoleT = StringEnum(ROLES);
export const PermissionT = StringEnum(PERMISSIONS);
export const LocaleT = StringEnum(LOCALES);

export const Username = Type.String({
  minLength: 3,
  maxLength: 64,
  pattern: '^[a-z0-9][a-z0-9._-]*$',
  description: 'lower-case letters, digits, dot, dash, underscore',
});
export const Password = Type.String({ minLength: 1, maxLength: 128 });

export const User = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  displayName: Type.String(),
  orgId: Type.String({ format: 'uuid' }),
  orgName: Type.String(),
  roles: Type.Array(RoleT),
  phone: Type.Union([Type.String(), Type.Null()]),
  locale: LocaleT,
  disabled: Type.Boolean(),
  lockedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
});
export type UserDto = Static<typeof User>;

/** What the caller may read (common/identity.ts `Scope`): the city, one district, or one unit. */
export const ScopeT = Type.Union([
  Type.Object({ kind: Type.Literal('city') }),
  Type.Object({ kind: Type.Literal('district'), districtCode: Type.String() }),
  Type.Object({
    kind: Type.Literal('unit'),
    orgId: Type.String(),
    districtCode: Type.Union([Type.String(), Type.Null()]),
  }),
]);

export const Me = Type.Object({
  user: User,
  org: Org,
  scope: ScopeT,
  permissions: Type.Array(PermissionT),
  menu: Type.Array(StringEnum(MENU_KEYS)),
});
export type MeDto = Static<typeof Me>;

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Password },
  { additionalProperties: false },
);
export const LoginResult = Type.Object({ token: Type.String(), user: Me });

export const PreferencesBody = Type.Object({ locale: LocaleT }, { additionalProperties: false });
export const ChangePasswordBody = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);

export const UserList = Page(User);
export const UserListQuery = Type.Object(
  {
    ...PageQuery,
    q: Type.Optional(Type.String({ maxLength: 64 })),
    orgId: Type.Optional(Type.String({ format: 'uuid' })),
    role: Type.Optional(RoleT),
  },
  { additionalProperties: false },
);
export type UserListQueryT = Static<typeof UserListQuery>;

export const UserCreate = Type.Object(
  {
    username: Username,
    displayName: Type.String({ minLength: 1, maxLength: 64 }),
    orgId: Type.String({ format: 'uuid' }),
    roles: Type.Array(RoleT, { minItems: 1, maxItems: 8, uniqueItems: true }),
    password: Password,
    phone: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9+\\- ]{5,20}$' }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type UserCreateT = Static<typeof UserCreate>;

export const UserUpdate = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    orgId: Type.Optional(Type.String({ format: 'uuid' })),
    roles: Type.Optional(Type.Array(RoleT, { minItems: 1, maxItems: 8, uniqueItems: true })),
    phone: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9+\\- ]{5,20}$' }), Type.Null()])),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UserUpdateT = Static<typeof UserUpdate>;

export const ResetPasswordBody = Type.Object({ newPassword: Password }, { additionalProperties: false });

export const ApiKey = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  orgId: Type.String({ format: 'uuid' }),
  orgName: Type.String(),
  prefix: Type.String(),
  permissions: Type.Array(PermissionT),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type ApiKeyDto = Static<typeof ApiKey>;
export const ApiKeyList = Type.Object({ items: Type.Array(ApiKey), total: Type.Integer() });
export const ApiKeyListQuery = Type.Object(
  { orgId: Type.Optional(Type.String({ format: 'uuid' })) },
  { additionalProperties: false },
);
export const ApiKeyCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    orgId: Type.String({ format: 'uuid' }),
    permissions: Type.Array(PermissionT, { minItems: 1, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type ApiKeyCreateT = Static<typeof ApiKeyCreate>;
export const ApiKeyCreated = Type.Object({ secret: Type.String(), key: ApiKey });
