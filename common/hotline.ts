/**
 * The hotline's vocabulary (热线受理), shared by the server and the web client. Labels live in the
 * locale files (`hotline.kind.<kind>`, `hotline.status.<status>`).
 */

/** What a call was about: 咨询 / 投诉 / 建议 / 反映问题 (a report that goes to intake). */
export const CALL_KINDS = ['enquiry', 'complaint', 'suggestion', 'report'] as const;
export type CallKind = (typeof CALL_KINDS)[number];

/**
 * 振铃 (posted by the telephony, nobody has taken it), 通话中 (an operator took it), 已办结 (the
 * operator recorded it), 未接 (the caller hung up before anyone took it).
 */
export const CALL_STATUSES = ['ringing', 'answered', 'finished', 'missed'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** What the telephony may send as a caller's number: digits with an optional +, spaces and dashes. */
export const CALLER_NUMBER_PATTERN = '^\\+?[0-9][0-9 \\-]{2,23}$';

/**
 * A phone number as stored and compared: digits only, without China's country code (+86 / 0086)
 * in front of a mobile number. 0574-87654321 → 057487654321; +86 138 1234 5678 → 13812345678.
 */
export function normalisePhone(raw: string): string {
  let digits = raw.replace(/\D/g, '');
  if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return digits;
}

/** The forms a stored report's phone may take for one normalised number (reports keep it as typed). */
export function phoneVariants(normalised: string): string[] {
  const out = new Set([normalised]);
  if (/^1\d{10}$/.test(normalised)) {
    out.add(`+86${normalised}`);
    out.add(`86${normalised}`);
    out.add(`+86 ${normalised}`);
    out.add(`${normalised.slice(0, 3)} ${normalised.slice(3, 7)} ${normalised.slice(7)}`);
    out.add(`${normalised.slice(0, 3)}-${normalised.slice(3, 7)}-${normalised.slice(7)}`);
  } else if (/^0\d{9,11}$/.test(normalised)) {
    // A landline with its area code: 0574-87654321 / 0574 87654321.
    const area = normalised.startsWith('01') || normalised.startsWith('02') ? 3 : 4;
    out.add(`${normalised.slice(0, area)}-${normalised.slice(area)}`);
    out.add(`${normalised.slice(0, area)} ${normalised.slice(area)}`);
  }
  return [...out];
}

/** Longest note of a call, and of a knowledge-base answer. */
export const CALL_NOTE_MAX = 2000;
export const KNOWLEDGE_QUESTION_MAX = 200;
export const KNOWLEDGE_ANSWER_MAX = 4000;
export const KNOWLEDGE_KEYWORDS_MAX = 20;
export const KNOWLEDGE_CATEGORY_MAX = 20;
