import { describe, expect, it } from 'vitest';
import { addressesOf, allowList, allowsRequest, parseAllowList } from './allow-list.ts';

describe('METRICS_ALLOW parsing and matching', () => {
  it('parses v4/v6 addresses and blocks, with the fallback and "none"', () => {
    expect(parseAllowList('X', undefined, '127.0.0.1/8,::1')).toEqual(['127.0.0.1/8', '::1']);
    expect(parseAllowList('X', ' 10.0.0.0/8 , fd00::/8 ,', 'z')).toEqual(['10.0.0.0/8', 'fd00::/8']);
    expect(parseAllowList('X', 'NONE', 'z')).toEqual([]);
    expect(() => parseAllowList('X', '10.0.0.0/8,example.org', 'z')).toThrow(
      /^X: "example.org" is not an IP/,
    );
    expect(() => parseAllowList('X', '::/129', 'z')).toThrow(/prefix length must be 0–128/);
  });

  it('matches v4, v6 and v4-mapped v6 peers', () => {
    const list = allowList(['127.0.0.1/8', '::1', '192.0.2.0/24']);
    expect(['127.1.2.3', '::ffff:127.0.0.1', '::1', '192.0.2.200'].map((a) => list.allows(a))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['128.0.0.1', '::2', '192.0.3.1', 'unknown', ''].some((a) => list.allows(a))).toBe(false);
  });

  it('collects the peer and every forwarded address; all must be allowed', () => {
    const headers = {
      'x-forwarded-for': '127.0.0.1, 198.51.100.4',
      'x-real-ip': '10.0.0.1',
      forwarded: 'for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711"',
    };
    expect(addressesOf('127.0.0.1', headers)).toEqual([
      '127.0.0.1',
      '127.0.0.1',
      '198.51.100.4',
      '10.0.0.1',
      '192.0.2.60',
      '2001:db8:cafe::17',
    ]);
    const list = allowList(['127.0.0.0/8']);
    expect(allowsRequest(list, '127.0.0.1', {})).toBe(true);
    expect(allowsRequest(list, '127.0.0.1', { 'x-forwarded-for': '127.0.0.2' })).toBe(true);
    expect(allowsRequest(list, '127.0.0.1', { 'x-forwarded-for': '127.0.0.2, 198.51.100.4' })).toBe(false);
    expect(allowsRequest(list, '198.51.100.4', { 'x-forwarded-for': '127.0.0.1' })).toBe(false);
  });
});
