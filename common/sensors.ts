/**
 * The sensors' shared words (传感器): how a rule compares a reading with its threshold, the states
 * a device and an alarm go through, what the offline sweep does, and why a telemetry message was
 * refused. Pure data, shared by the server (the rule engine, the API's schemas) and the web client
 * (labels, the chart's threshold lines).
 */

/** How a rule compares a reading's field with its threshold: the reading breaches when `value <op> threshold`. */
export const COMPARISONS = ['gt', 'gte', 'lt', 'lte'] as const;
export type Comparison = (typeof COMPARISONS)[number];

/**
 * A device's link state: `never` until its first reading, `online` while it reports, `offline`
 * once it has been silent longer than its silence limit (the offline sweep).
 */
export const DEVICE_STATES = ['never', 'online', 'offline'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

/**
 * One condition of one device: `normal`; `pending` from the first reading beyond the threshold
 * until the breach has lasted the rule's duration (a shorter spike goes back to `normal`);
 * `active` from then until a reading crosses the clear level (hysteresis).
 */
export const ALARM_STATES = ['normal', 'pending', 'active'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/**
 * What became of an alarm's report: `due` (to be raised), `reported` (a report through intake:
 * a new case or one merged into an open case), `noted` (the condition's previous case was still
 * open: the new breach is noted on it), `failed` (intake refused it: the error code is kept),
 * `none` (nothing to raise: a device offline without an offline matter type, or the offline
 * setting only marks or notes).
 */
export const ALARM_REPORTS = ['due', 'reported', 'noted', 'failed', 'none'] as const;
export type AlarmReport = (typeof ALARM_REPORTS)[number];

/** The condition name an offline alarm carries (rules name their own conditions). */
export const OFFLINE_CONDITION = 'offline';

/**
 * What the offline sweep does besides marking a device offline (setting `sensors.offline`):
 * `mark` only; `note` also notes it on the device's open alarm cases; `report` also raises a
 * report of the kind's offline matter type (kinds without one are noted).
 */
export const OFFLINE_ACTIONS = ['mark', 'note', 'report'] as const;
export type OfflineAction = (typeof OFFLINE_ACTIONS)[number];

/** Why a telemetry message was not stored: counted per reason and shown per device. */
export const REJECT_REASONS = [
  'bad_topic',
  'too_large',
  'not_json',
  'not_object',
  'bad_ts',
  'ts_future',
  'ts_too_old',
  'no_values',
  'too_many_fields',
  'bad_field',
  'bad_value',
  'unknown_device',
  'disabled_device',
  'store_failed',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** What a sensor note on a case says happened (common/events.ts `case.note`). */
export const SENSOR_NOTE_EVENTS = ['cleared', 'breach_again', 'offline', 'online'] as const;
export type SensorNoteEvent = (typeof SENSOR_NOTE_EVENTS)[number];

/** A device's code as it appears in the topic `…/{deviceId}/telemetry`. */
export const DEVICE_CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';
/** A kind's code, a condition's name and a reading's field name. */
export const KIND_CODE_PATTERN = '^[a-z][a-z0-9_]{1,31}$';
export const CONDITION_PATTERN = '^[a-z][a-z0-9_]{0,31}$';
export const FIELD_PATTERN = '^[A-Za-z][A-Za-z0-9_]{0,31}$';

/** Does `value` breach `threshold` under `op`? */
export function breaches(op: Comparison, value: number, threshold: number): boolean {
  switch (op) {
    case 'gt':
      return value > threshold;
    case 'gte':
      return value >= threshold;
    case 'lt':
      return value < threshold;
    case 'lte':
      return value <= threshold;
  }
}

/**
 * Does `value` clear an active alarm? The clear level lies on the safe side of the threshold
 * (below it for `gt`/`gte`, above it for `lt`/`lte`); a reading between the two keeps the alarm.
 */
export function clears(op: Comparison, value: number, clearLevel: number): boolean {
  return op === 'gt' || op === 'gte' ? value <= clearLevel : value >= clearLevel;
}

/** Is the clear level on the safe side of the threshold for this comparison? */
export function clearLevelFits(op: Comparison, threshold: number, clearLevel: number): boolean {
  return op === 'gt' || op === 'gte' ? clearLevel <= threshold : clearLevel >= threshold;
}

/** The comparison as a sign, for labels and the chart (`>`, `≥`, `<`, `≤`). */
export const COMPARISON_SIGNS: Record<Comparison, string> = { gt: '>', gte: '≥', lt: '<', lte: '≤' };
