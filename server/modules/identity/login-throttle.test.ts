import { describe, expect, it } from 'vitest';
import { holdAfter, sourceKey } from './login-throttle.ts';

const MIN = 60_000;
const DEFAULTS = { loginMaxFailures: 5, loginLockMinutes: 15 };

describe('holdAfter: how long an address is held back from an account after its n-th failure in a row', () => {
  it.each([
    [DEFAULTS, 1, 0],
    [DEFAULTS, 4, 0],
    [DEFAULTS, 5, 15 * MIN],
    [DEFAULTS, 6, 30 * MIN],
    [DEFAULTS, 7, 60 * MIN],
    [DEFAULTS, 11, 16 * 60 * MIN],
    // At most a day, however long the attack goes on.
    [DEFAULTS, 12, 24 * 60 * MIN],
    [DEFAULTS, 5000, 24 * 60 * MIN],
    [{ loginMaxFailures: 3, loginLockMinutes: 1 }, 3, MIN],
    [{ loginMaxFailures: 3, loginLockMinutes: 1 }, 4, 2 * MIN],
    // A first hold longer than a day is kept, not doubled.
    [{ loginMaxFailures: 5, loginLockMinutes: 2880 }, 5, 2880 * MIN],
    [{ loginMaxFailures: 5, loginLockMinutes: 2880 }, 9, 2880 * MIN],
    // LOGIN_MAX_FAILURES=0: no holds (the per-address rate limit remains).
    [{ loginMaxFailures: 0, loginLockMinutes: 15 }, 100, 0],
  ] as const)('%o, failure %i → %i ms', (settings, failures, expected) => {
    expect(holdAfter(failures, settings)).toBe(expected);
  });
});

describe('sourceKey: what counts as one source address', () => {
  it.each([
    ['198.51.100.7', '198.51.100.7'],
    ['::ffff:198.51.100.7', '198.51.100.7'],
    ['::FFFF:c633:6407', '198.51.100.7'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:0000:0000:0000:0009', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['2001:db8:1:2:3:4:192.0.2.1', '2001:db8:1:2::/64'],
    [null, 'unknown'],
  ] as const)('%s → %s', (ip, key) => {
    expect(sourceKey(ip)).toBe(key);
  });
});
