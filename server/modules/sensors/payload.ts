/**
 * Telemetry as it arrives from the broker: the topic `<prefix>/{deviceId}/telemetry` and a JSON
 * payload. Outside input, so every step is bounded and nothing here throws: the answer is a
 * reading or the reason it was refused (common/sensors.ts `REJECT_REASONS`).
 *
 * The payload is a JSON object, at most `MAX_PAYLOAD_BYTES`, either
 *   { "ts": "2026-05-01T08:00:00Z" | 1777622400000, "values": { "level": 12.5, "battery": 87 } }
 * or the same fields flat: { "ts": …, "level": 12.5, "battery": 87 }.
 * `ts` (optional: the time received) is an RFC 3339 instant with a zone or epoch milliseconds,
 * no later than `MAX_FUTURE_MS` ahead of the server's clock and no older than `MAX_AGE_MS`. At most
 * `MAX_FIELDS` values, each named by FIELD_PATTERN and a finite number within ±`MAX_ABS_VALUE`
 * (true/false count as 1/0). Anything else refuses the whole message: a half-read reading would
 * drive the rules on values the device never sent together.
 */
import { FIELD_PATTERN, type RejectReason } from '../../../common/sensors.ts';

export const MAX_PAYLOAD_BYTES = 4096;
export const MAX_FIELDS = 16;
export const MAX_ABS_VALUE = 1e9;
/** Device clocks drift; more than this ahead is a wrong clock, not a reading from the future. */
export const MAX_FUTURE_MS = 5 * 60_000;
/** Readings buffered on a device for longer are refused (the partitions kept ahead and behind, partitions.ts). */
export const MAX_AGE_MS = 48 * 3600_000;

const FIELD = new RegExp(FIELD_PATTERN);
const DEVICE_LEVEL = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** RFC 3339 with a zone (Z or ±hh:mm); fractions to nanoseconds. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const RESERVED = new Set(['ts', 'values', 'seq']);

export interface ParsedReading {
  at: Date;
  values: Record<string, number>;
}

export type ParseResult = { ok: true; reading: ParsedReading } | { ok: false; reason: RejectReason };

const refuse = (reason: RejectReason): ParseResult => ({ ok: false, reason });

/** The device code of a telemetry topic under `prefix`, or null when the topic is not one. */
export function deviceOfTopic(topic: string, prefix: string): string | null {
  if (topic.length > prefix.length + 80 || !topic.startsWith(`${prefix}/`)) return null;
  const rest = topic.slice(prefix.length + 1);
  const slash = rest.indexOf('/');
  if (slash < 0 || rest.slice(slash) !== '/telemetry') return null;
  const code = rest.slice(0, slash);
  return DEVICE_LEVEL.test(code) ? code : null;
}

function parseTs(raw: unknown, now: Date): Date | RejectReason {
  let ms: number;
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 0 || raw > 8.64e15) return 'bad_ts';
    ms = raw;
  } else if (typeof raw === 'string') {
    if (raw.length > 40 || !RFC3339.test(raw)) return 'bad_ts';
    ms = Date.parse(raw.replace(' ', 'T'));
    if (!Number.isFinite(ms)) return 'bad_ts';
    // Date.parse rolls 2024-02-30 over to March: only an instant that reads back the same is real.
    const day = raw.slice(0, 10);
    const offset = raw.match(/([+-])(\d{2}):(\d{2})$/);
    const shift = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
    if (new Date(ms + shift * 60_000).toISOString().slice(0, 10) !== day) return 'bad_ts';
  } else {
    return 'bad_ts';
  }
  if (ms > now.getTime() + MAX_FUTURE_MS) return 'ts_future';
  if (ms < now.getTime() - MAX_AGE_MS) return 'ts_too_old';
  return new Date(ms);
}

function numberOf(v: unknown): number | null {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > MAX_ABS_VALUE) return null;
  // -0 and 0 are one value in JSON and in the database.
  return v === 0 ? 0 : v;
}

/** Parses one payload received at `now`. Never throws. */
export function parseTelemetry(payload: Uint8Array, now: Date): ParseResult {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) return refuse('too_large');
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return refuse('not_json');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return refuse('not_object');
  const obj = doc as Record<string, unknown>;
  const at = obj.ts === undefined || obj.ts === null ? now : parseTs(obj.ts, now);
  if (typeof at === 'string') return refuse(at);

  let source: Record<string, unknown>;
  if (Object.hasOwn(obj, 'values')) {
    const v = obj.values;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return refuse('bad_value');
    source = v as Record<string, unknown>;
  } else {
    source = obj;
  }
  const keys = Object.keys(source).filter((k) => source !== obj || !RESERVED.has(k));
  if (keys.length === 0) return refuse('no_values');
  if (keys.length > MAX_FIELDS) return refuse('too_many_fields');
  // Own data properties only: FIELD_PATTERN has no `__proto__`, and `constructor` is a plain key here.
  const values: Record<string, number> = {};
  for (const k of keys) {
    if (!FIELD.test(k)) return refuse('bad_field');
    const n = numberOf(source[k]);
    if (n === null) return refuse('bad_value');
    values[k] = n;
  }
  return { ok: true, reading: { at, values } };
}
