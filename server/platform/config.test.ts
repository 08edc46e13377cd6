import { describe, expect, it } from 'vitest';
import { loadConfig, parseTrustProxy } from './config.ts';

describe('TRUST_PROXY', () => {
  it('is off unless set, takes proxy addresses or blocks, or true', () => {
    for (const off of [undefined, '', '0', 'false', 'OFF', 'no']) expect(parseTrustProxy(off)).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('10.0.0.5, 10.1.0.0/16,::1')).toEqual(['10.0.0.5', '10.1.0.0/16', '::1']);
  });

  it('refuses what it cannot mean, naming the variable', () => {
    expect(() => parseTrustProxy('proxy.example.org')).toThrow(/^TRUST_PROXY: "proxy.example.org"/);
    // Fastify ignores X-Forwarded-For under a hop count (it cannot check the peer): refused
    // rather than silently logging the proxy's address for every client.
    expect(() => parseTrustProxy('1')).toThrow(/TRUST_PROXY: a hop count \("1"\) cannot be checked/);
    expect(() => parseTrustProxy('10.0.0.0/40')).toThrow(/TRUST_PROXY/);
  });
});

describe('switches', () => {
  it('accept true/false spellings and stop on a typo instead of guessing', () => {
    expect(loadConfig({ COOKIE_SECURE: 'yes' }).cookieSecure).toBe(true);
    expect(loadConfig({ COOKIE_SECURE: '0' }).cookieSecure).toBe(false);
    expect(() => loadConfig({ COOKIE_SECURE: 'ture' })).toThrow(
      'COOKIE_SECURE must be true or false, got "ture"',
    );
  });
});
