/**
 * HMAC-SHA256 signatures shared by both directions between CityOps and a unit's own system:
 * `X-CityOps-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` keyed with the
 * endpoint secret, `X-CityOps-Timestamp: <Unix seconds>`. The timestamp is inside the signed text,
 * so an old request cannot be re-dated; one older (or newer) than five minutes is refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const HEADER_DELIVERY = 'x-cityops-delivery';
export const HEADER_TIMESTAMP = 'x-cityops-timestamp';
export const HEADER_SIGNATURE = 'x-cityops-signature';
export const MAX_SKEW_SECONDS = 5 * 60;

/** A new endpoint secret: 32 random bytes, base64url. */
export const newEndpointSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

export function sign(secret: string, timestamp: string, body: string | Buffer): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`);
  mac.update(body);
  return `sha256=${mac.digest('hex')}`;
}

/** The headers a signed request carries; `now` in milliseconds. */
export function signedHeaders(secret: string, body: string | Buffer, now = Date.now()) {
  const timestamp = String(Math.floor(now / 1000));
  return { [HEADER_TIMESTAMP]: timestamp, [HEADER_SIGNATURE]: sign(secret, timestamp, body) };
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export function verify(
  secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  body: string | Buffer,
  now = Date.now(),
): VerifyResult {
  if (!timestamp) return { ok: false, reason: `missing ${HEADER_TIMESTAMP}` };
  if (!signature) return { ok: false, reason: `missing ${HEADER_SIGNATURE}` };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: `${HEADER_TIMESTAMP} must be Unix seconds` };
  if (Math.abs(now / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) {
    return { ok: false, reason: `${HEADER_TIMESTAMP} is more than ${MAX_SKEW_SECONDS} s away from now` };
  }
  const expected = Buffer.from(sign(secret, timestamp, body));
  const actual = Buffer.from(signature.trim());
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    return { ok: false, reason: `${HEADER_SIGNATURE} does not match` };
  }
  return { ok: true };
}
