import { describe, expect, it } from 'vitest';
import { holdAfter } from './login-throttle.ts';

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
