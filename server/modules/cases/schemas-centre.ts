/** Schemas of the command centre's desk: the workbench, saved filters, batch urging and the export. */
import { type Static, Type } from 'typebox';
import { VISIBLE_TEXT_PATTERN } from '../../../common/blank-text.ts';
import { ROLES } from '../../../common/identity.ts';
import { CASE_ACTIONS, CASE_STATES } from '../../../common/workflow.ts';
import { StringEnum } from '../../platform/schemas.ts';
import { FIELD_MESSAGE } from '../../platform/validation-messages.ts';
import { CaseFilterFields, CaseSummary, ChannelT } from './schemas.ts';

const Count = Type.Integer({ minimum: 0 });

/** `GET /api/workbench`. */
export const Workbench = Type.Object({
  now: Type.String({ format: 'date-time' }),
  today: Type.Object(
    {
      date: Type.String({ description: 'the China day (Asia/Shanghai), YYYY-MM-DD' }),
      reported: Count,
      filed: Count,
      dispatched: Count,
      closed: Count,
      overdue: Type.Integer({ minimum: 0, description: 'open cases past their current deadline now' }),
    },
    { description: "the caller's scope: the city, a district, or the unit's cases" },
  ),
  queues: Type.Array(
    Type.Object({
      role: StringEnum(ROLES),
      total: Type.Integer({ minimum: 0, description: '= GET /api/cases?view=mine&queue=<role> total' }),
      overdue: Type.Integer({ minimum: 0, description: 'of them, light red' }),
      warning: Type.Integer({ minimum: 0, description: 'of them, light yellow' }),
      actions: Type.Array(StringEnum(CASE_ACTIONS), { description: "the queue's actions (shortcuts)" }),
    }),
    { description: 'one per role of the caller that has work given to it in the transition table' },
  ),
  own: Type.Union(
    [
      Type.Object({
        total: Type.Integer({ minimum: 0, description: '= GET /api/cases?view=own total' }),
        overdue: Type.Integer({ minimum: 0, description: 'of them, light red' }),
        warning: Type.Integer({ minimum: 0, description: 'of them, light yellow' }),
        actions: Type.Array(StringEnum(CASE_ACTIONS), {
          description: 'what may be done on them (self-disposal)',
        }),
      }),
      Type.Null(),
    ],
    {
      description:
        "the caller's own reports still open to self-disposal (我的上报待处置), apart from the queues; null for roles without such work",
    },
  ),
});

/** `GET /api/cases/stats/today`: the command big screen's numbers of the day. */
export const TodayStats = Type.Object({
  now: Type.String({ format: 'date-time' }),
  date: Type.String({ description: 'the China day (Asia/Shanghai), YYYY-MM-DD' }),
  reported: Type.Integer({ minimum: 0, description: "cases reported today in the caller's area" }),
  byState: Type.Array(Type.Object({ state: StringEnum(CASE_STATES), count: Count }), {
    description: "today's cases by their state now (states with none left out)",
  }),
  byChannel: Type.Array(Type.Object({ channel: ChannelT, count: Count }), {
    description: "today's cases by the channel they came on (channels with none left out)",
  }),
  overdue: Type.Integer({ minimum: 0, description: 'open cases past their current deadline now (any day)' }),
  urged: Type.Integer({ minimum: 0, description: 'open cases urged at least once (any day)' }),
});

/** The list's filter as a saved filter keeps it (no paging). */
export const SavedFilterQuery = Type.Object({ ...CaseFilterFields }, { additionalProperties: false });
export type SavedFilterQueryT = Static<typeof SavedFilterQuery>;

export const SavedFilterBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 50, pattern: '\\S' }), query: SavedFilterQuery },
  { additionalProperties: false },
);
export type SavedFilterBodyT = Static<typeof SavedFilterBody>;

export const SavedFilter = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  query: SavedFilterQuery,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export const SavedFilterList = Type.Object({ items: Type.Array(SavedFilter) });

/** `POST /api/cases/batch-urge`. */
export const BatchUrgeBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        { id: Type.String({ format: 'uuid' }), version: Type.Integer({ minimum: 1 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 200 },
    ),
    reason: Type.String({
      minLength: 1,
      maxLength: 1000,
      // At least one visible character: a zero-width space alone is blank.
      pattern: VISIBLE_TEXT_PATTERN,
      [FIELD_MESSAGE]: {
        zh: '请填写督办理由（不超过 1000 字）',
        en: 'Enter a reason for urging (at most 1000 characters)',
      },
    }),
  },
  { additionalProperties: false },
);
export type BatchUrgeBodyT = Static<typeof BatchUrgeBody>;

export const BatchUrgeResult = Type.Object({
  urged: Count,
  refused: Count,
  results: Type.Array(
    Type.Object({
      id: Type.String({ format: 'uuid' }),
      ok: Type.Boolean(),
      case: Type.Union([CaseSummary, Type.Null()], {
        description: 'the case after urging; null when refused',
      }),
      error: Type.Union([
        Type.Object({ code: Type.String(), status: Type.Integer(), message: Type.String() }),
        Type.Null(),
      ]),
    }),
  ),
});

/** `GET /api/cases/export`: the list's filter and sort, every row (up to the limit). */
export const CaseExportQuery = Type.Object({ ...CaseFilterFields }, { additionalProperties: false });
