/**
 * Idempotency keys with content: a retry sent with a key answers what the key's first request
 * made, but only when it says what that request said. Another request under a used key (a client
 * bug, or a key learnt by someone else) is refused with 409 rather than answered with the first —
 * it neither replaces the first nor learns what it made. What a request said is kept as its
 * fingerprint: SHA-256 of its canonical JSON (object keys sorted, undefined members left out), so
 * the order of a JSON body's keys does not matter and nothing readable is kept twice.
 *
 * Used by intake (`POST /api/reports`, Open311 `POST requests`, the public portal). The hotline's
 * `externalId` compares the call's own columns instead (they are what it keeps), with the same kind
 * of answer.
 */
import { createHash } from 'node:crypto';
import { AppError } from './errors.ts';

/** JSON with object keys in code-point order and undefined members dropped: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** What a request said, as kept beside what it made: SHA-256 (hex) of its canonical JSON. */
export function requestFingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export interface KeyReuse {
  /** The field that carried the key, as error details name fields (`body.idempotencyKey`, `headers.idempotency-key`). */
  field: string;
  /** What the caller should do, when the channel knows better than "use a new key". */
  hint?: { zh: string; en: string };
}

/** 409: the key was used before for a request that said something else. */
export function keyReusedError(reuse: KeyReuse): AppError {
  const hint = reuse.hint ?? {
    zh: '重发请求须与首次内容完全相同；新的内容请使用新的幂等键',
    en: 'a retry must send exactly what was sent first; send new content with a new key',
  };
  return new AppError('IDEMPOTENCY_KEY_REUSED', {
    zh: `该幂等键已用于内容不同的另一次请求：${hint.zh}`,
    en: `This idempotency key was already used for a request with different content: ${hint.en}`,
    details: [{ field: reuse.field, message: 'used before for a request with different content' }],
  });
}

/**
 * Refuses a replay whose request differs from the one the key first came with. `kept` null: the
 * first request was made before its fingerprint was kept (or by a channel that keeps none), and
 * is answered as before.
 */
export function assertSameRequest(kept: string | null | undefined, now: string, reuse: KeyReuse): void {
  if (kept != null && kept !== now) throw keyReusedError(reuse);
}
