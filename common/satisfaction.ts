/**
 * Call-back (回访) and satisfaction (满意度) vocabulary, shared by the server and the web client.
 * Labels live in the locale files (`callback.result.<result>`, `callback.source.<source>`).
 */
import type { Channel } from './channels.ts';

/** 满意 / 基本满意 / 不满意. */
export const SATISFACTION_RESULTS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type SatisfactionResult = (typeof SATISFACTION_RESULTS)[number];

/** Where a reporter's satisfaction was heard: a call-back, the public portal, an Open311 client. */
export const SATISFACTION_SOURCES = ['phone', 'portal', 'open311'] as const;
export type SatisfactionSource = (typeof SATISFACTION_SOURCES)[number];

/**
 * The channels whose reporters are called back once their case is closed: the hotline and the
 * public's own channels. Inspectors, sensors, video, departments and opinion monitoring have no
 * citizen waiting for an answer.
 */
export const CALLBACK_CHANNELS: readonly Channel[] = ['hotline', 'web', 'app', 'wechat'];

export const CALLBACK_STATUSES = ['pending', 'done'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** A satisfaction's note (the reporter's words) at most this long. */
export const SATISFACTION_NOTE_MAX = 500;
