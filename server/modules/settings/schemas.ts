import { type Static, Type } from 'typebox';
import { SETTING_KEYS, SETTINGS } from './registry.ts';

export const SettingKeyParams = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 64, description: 'e.g. case.warnShare' }) },
  { additionalProperties: false },
);

const Meta = {
  version: Type.Integer({ description: '0 while the default applies (never written)' }),
  description: Type.String(),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
};

/**
 * One setting: its value has the shape its key declares in the registry (one alternative per
 * key), which is also the only shape a write accepts. The server's own type stays the registry's
 * (`SettingDto`, value checked per key in service.ts).
 */
export const Setting = Type.Unsafe<{
  key: string;
  value: unknown;
  version: number;
  description: string;
  updatedBy: string | null;
  updatedAt: string | null;
}>(
  Type.Union(
    SETTING_KEYS.map((key) => Type.Object({ key: Type.Literal(key), value: SETTINGS[key].schema, ...Meta })),
    { description: 'a city setting; `value` has the shape of its `key`' },
  ),
);

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
