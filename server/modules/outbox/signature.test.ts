import { describe, expect, it } from 'vitest';
import { MAX_SKEW_SECONDS, newEndpointSecret, sign, signedHeaders, verify } from './signature.ts';

describe('endpoint signatures', () => {
  const secret = newEndpointSecret();
  const body = '{"version":3}';
  const now = Date.parse('2026-03-02T08:00:00Z');

  it('signs "<timestamp>.<raw body>" with HMAC-SHA256 and verifies it', () => {
    const h = signedHeaders(secret, body, now);
    expect(h['x-cityops-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verify(secret, h['x-cityops-timestamp'], h['x-cityops-signature'], body, now)).toEqual({
      ok: true,
    });
    // A known vector keeps the format stable for units' implementers.
    expect(sign('k', '1', 'x')).toBe(
      'sha256=976cb87e4f568d1c0f03f32859e90af8597cf00b978ba37c229c97d3a15b8449',
    );
  });

  it('refuses a missing, altered, foreign or stale signature', () => {
    const h = signedHeaders(secret, body, now);
    const ts = h['x-cityops-timestamp'];
    const sig = h['x-cityops-signature'];
    expect(verify(secret, undefined, sig, body, now).ok).toBe(false);
    expect(verify(secret, ts, undefined, body, now).ok).toBe(false);
    expect(verify(secret, ts, sig, '{"version":4}', now).ok).toBe(false);
    expect(verify(newEndpointSecret(), ts, sig, body, now).ok).toBe(false);
    expect(verify(secret, ts, `${sig}0`, body, now).ok).toBe(false);
    expect(verify(secret, 'yesterday', sig, body, now).ok).toBe(false);
    expect(verify(secret, ts, sig, body, now + (MAX_SKEW_SECONDS + 1) * 1000).ok).toBe(false);
    expect(verify(secret, ts, sig, body, now + (MAX_SKEW_SECONDS - 1) * 1000).ok).toBe(true);
  });
});
