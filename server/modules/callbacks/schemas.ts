/** The call-back queue's API shapes. */

import { type Static, Type } from 'typebox';
import { VISIBLE_TEXT_PATTERN } from '../../../common/blank-text.ts';
import { CHANNELS } from '../../../common/channels.ts';
import {
  CALLBACK_STATUSES,
  SATISFACTION_NOTE_MAX,
  SATISFACTION_RESULTS,
  SATISFACTION_SOURCES,
} from '../../../common/satisfaction.ts';
import { CASE_STATES } from '../../../common/workflow.ts';
import { Nullable, PageQuery, StringEnum } from '../../platform/schemas.ts';
import { FIELD_MESSAGE } from '../../platform/validation-messages.ts';

const Uuid = Type.String({ format: 'uuid' });
const Time = Type.String({ format: 'date-time' });

export const Satisfaction = Type.Object({
  result: StringEnum(SATISFACTION_RESULTS),
  note: Nullable(Type.String()),
  source: StringEnum(SATISFACTION_SOURCES),
  at: Time,
});

const Reporter = Type.Object(
  {
    reportId: Uuid,
    channel: StringEnum(CHANNELS),
    name: Nullable(Type.String()),
    phone: Nullable(
      Type.String({
        description: 'in full to acceptors, shift leaders and hotline operators, masked to others',
      }),
    ),
    description: Type.String({ description: "the reporter's own words" }),
    reportedAt: Time,
    merged: Type.Boolean({
      description: 'the report joined the case as the same problem (not the one that opened it)',
    }),
  },
  { description: 'the reporter to call: this call-back is theirs (one per reporter and closing)' },
);

export const Callback = Type.Object({
  id: Uuid,
  status: StringEnum(CALLBACK_STATUSES),
  case: Type.Object({
    id: Uuid,
    code: Type.String(),
    state: StringEnum(CASE_STATES),
    description: Type.String(),
    address: Nullable(Type.String()),
    matterCode: Nullable(Type.String()),
    districtCode: Type.String(),
  }),
  closedAt: Type.String({ format: 'date-time', description: 'the closing this call-back follows' }),
  channels: Type.Array(StringEnum(CHANNELS)),
  reporter: Reporter,
  reporters: Type.Array(Reporter, {
    description: "every public reporter of the case (hotline, web, app, WeChat), this call-back's among them",
  }),
  attempts: Type.Integer({ description: 'calls that did not reach the reporter' }),
  lastAttemptAt: Nullable(Time),
  lastAttemptNote: Nullable(Type.String()),
  satisfaction: Nullable(Satisfaction),
  reopened: Type.Boolean({ description: 'the satisfaction reopened the case (不满意, setting on)' }),
  createdAt: Time,
  completedAt: Nullable(Time),
});

export const CallbackList = Type.Object({
  items: Type.Array(Callback),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const CallbackListQuery = Type.Object(
  {
    status: Type.Optional(
      StringEnum(CALLBACK_STATUSES, 'default pending (oldest first); done: newest first'),
    ),
    caseCode: Type.Optional(Type.String({ maxLength: 40 })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type CallbackListQueryT = Static<typeof CallbackListQuery>;

export const CallbackResultBody = Type.Object(
  {
    result: StringEnum(SATISFACTION_RESULTS),
    note: Type.Optional(Type.String({ maxLength: SATISFACTION_NOTE_MAX })),
  },
  { additionalProperties: false },
);
export type CallbackResultBodyT = Static<typeof CallbackResultBody>;

export const CallbackResult = Type.Object({
  callback: Callback,
  reopened: Type.Boolean(),
  keptClosed: Nullable(
    StringEnum(
      ['setting_off', 'reopened_once', 'never_filed'] as const,
      'why a 不满意 left the case closed: the setting is off; the source reopened it once already; the case was fixed on the spot and never filed',
    ),
  ),
});

export const CallbackAttemptBody = Type.Object(
  {
    note: Type.String({
      minLength: 1,
      maxLength: SATISFACTION_NOTE_MAX,
      // At least one visible character: a zero-width space alone says nothing.
      pattern: VISIBLE_TEXT_PATTERN,
      [FIELD_MESSAGE]: {
        zh: `请写明未联系上的情况（不超过 ${SATISFACTION_NOTE_MAX} 字）`,
        en: `Say why the reporter was not reached (at most ${SATISFACTION_NOTE_MAX} characters)`,
      },
    }),
  },
  { additionalProperties: false },
);
export type CallbackAttemptBodyT = Static<typeof CallbackAttemptBody>;
