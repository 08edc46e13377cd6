import { type Static, Type } from 'typebox';
import { TIME_UNITS } from '../../../common/calendar/index.ts';
import { StringEnum } from '../../platform/schemas.ts';
import { WindowsValue } from '../settings/index.ts';

/** Largest amount the preview accepts (10,000 of any unit). */
export const MAX_AMOUNT = 10000;

export const DueQuery = Type.Object(
  {
    start: Type.String({
      format: 'date-time',
      description: 'ISO 8601 instant with its offset, e.g. 2026-02-13T17:00:00+08:00',
    }),
    amount: Type.Number({ exclusiveMinimum: 0, maximum: MAX_AMOUNT }),
    unit: StringEnum(
      TIME_UNITS,
      '紧急工作时 urgent_hour · 工作时 work_hour · 工作日 work_day · 自然日 natural_day',
    ),
  },
  { additionalProperties: false },
);
export type DueQueryT = Static<typeof DueQuery>;

export const DueResult = Type.Object({
  due: Type.String({ format: 'date-time', description: 'UTC instant (ISO 8601)' }),
});

/** Years an administrator may look at and edit. */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2199;

export const DaysQuery = Type.Object(
  { year: Type.Optional(Type.Integer({ minimum: MIN_YEAR, maximum: MAX_YEAR })) },
  { additionalProperties: false },
);

export const Window = Type.Object({ start: Type.String(), end: Type.String() });

export const CalendarDay = Type.Object({
  date: Type.String({ description: 'YYYY-MM-DD (China date)' }),
  kind: StringEnum(['holiday', 'workday'] as const),
  name: Type.Union([Type.String(), Type.Null()]),
  source: Type.String({ description: 'chinese-days (official schedule) or admin' }),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const DaysResult = Type.Object({
  year: Type.Integer(),
  /** The year's exceptions to Mon–Fri: holidays and make-up working days. */
  days: Type.Array(CalendarDay),
  windows: Type.Array(Window),
  windowsVersion: Type.Integer(),
  workingWeekdays: Type.Array(Type.Integer()),
  /** Years the bundled official schedule (chinese-days) covers. */
  officialYears: Type.Object({ first: Type.Integer(), last: Type.Integer() }),
});

export const DateParams = Type.Object(
  { date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' }) },
  { additionalProperties: false },
);

export const DayPut = Type.Object(
  {
    kind: StringEnum(['holiday', 'workday', 'default'] as const, "'default' removes the exception"),
    name: Type.Optional(Type.Union([Type.String({ maxLength: 50 }), Type.Null()])),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type DayPutT = Static<typeof DayPut>;

export const DayResult = Type.Object({
  date: Type.String(),
  kind: StringEnum(['holiday', 'workday', 'default'] as const),
  name: Type.Union([Type.String(), Type.Null()]),
  source: Type.Union([Type.String(), Type.Null()]),
  /** How the date now counts: holiday, make-up workday, or the Mon–Fri rule. */
  effective: StringEnum(['holiday', 'workday', 'default_working', 'default_rest'] as const),
});

export const WindowsPut = Type.Object(
  {
    windows: WindowsValue,
    version: Type.Integer({ minimum: 0, description: 'The windows version this write replaces' }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type WindowsPutT = Static<typeof WindowsPut>;

export const WindowsResult = Type.Object({ windows: Type.Array(Window), version: Type.Integer() });
