/**
 * Opaque bearer tokens. The client holds the random token; the server stores only its SHA-256,
 * so a copy of the database does not give anyone a working session.
 */
import { createHash, randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'cityops_session';
export const API_KEY_PREFIX = 'cok_';

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** API key: `cok_<prefix>_<secret>`; the prefix finds the row, the secret's hash proves it. */
export function newApiKey(): { prefix: string; secret: string; full: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { prefix, secret, full: `${API_KEY_PREFIX}${prefix}_${secret}` };
}

export function parseApiKey(full: string): { prefix: string; secret: string } | null {
  if (!full.startsWith(API_KEY_PREFIX)) return null;
  const rest = full.slice(API_KEY_PREFIX.length);
  const i = rest.indexOf('_');
  if (i <= 0) return null;
  return { prefix: rest.slice(0, i), secret: rest.slice(i + 1) };
}
