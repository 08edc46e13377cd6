import { type Static, Type } from 'typebox';

export const SettingKeyParams = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 64, description: 'e.g. case.warnShare' }) },
  { additionalProperties: false },
);

export const Setting = Type.Object({
  key: Type.String(),
  value: Type.Any(),
  version: Type.Integer({ description: '0 while the default applies (never written)' }),
  description: Type.String(),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const SettingList = Type.Object({ items: Type.Array(Setting) });

export const SettingPut = Type.Object(
  {
    value: Type.Unknown({ description: 'The new value; its shape depends on the key' }),
    version: Type.Integer({ minimum: 0, description: 'The version this write replaces (0: never written)' }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false, required: ['value', 'version'] },
);
export type SettingPutT = Static<typeof SettingPut>;
