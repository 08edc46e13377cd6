/**
 * Login throttling, with its state in the database so every node sees the same counts:
 *
 * - per source address: at most LOGIN_RATE_LIMIT_PER_MINUTE attempts a minute (429 RATE_LIMITED,
 *   before any password work), whatever the account;
 * - per (account name, source address): after LOGIN_MAX_FAILURES failures in a row that address is
 *   held back from that account for LOGIN_LOCK_MINUTES, and every further failure from it doubles
 *   the hold (up to a day). A hold answers exactly like a wrong password. The owner signing in from
 *   another address is not held back by an attacker's failures: the account itself is never locked.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Config } from '../../platform/config.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { appUser, loginRate, loginThrottle } from './tables.ts';

export type ThrottleSettings = Pick<
  Config,
  'loginMaxFailures' | 'loginLockMinutes' | 'loginRateLimitPerMinute'
>;

/**
 * The "source address" throttles count by: an IPv4 address as it is (also when it arrives
 * IPv4-mapped, ::ffff:a.b.c.d), an IPv6 address by its /64 — one subscriber line or host gets a
 * whole /64, so counting single IPv6 addresses would hand an attacker 2^64 fresh starts.
 */
export function sourceKey(ip: string | null): string {
  if (!ip) return 'unknown';
  const address = ip.split('%')[0];
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return address;
  const groups = ipv6Groups(address);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing IPv4 split in two). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[2].split('.').map(Number);
    text = `${v4[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...zeros, ...t].map((g) => Number.parseInt(g, 16));
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** A pair's failures are forgotten a day after its last one (unless a hold still runs). */
export const FORGET_AFTER_MS = DAY;

/**
 * How long a pair is held back after its `failures`-th failure in a row: nothing before
 * LOGIN_MAX_FAILURES, then LOGIN_LOCK_MINUTES, doubling with each further failure, at most a day
 * (or LOGIN_LOCK_MINUTES when that is longer). LOGIN_MAX_FAILURES=0 turns holds off.
 */
export function holdAfter(
  failures: number,
  s: Pick<ThrottleSettings, 'loginMaxFailures' | 'loginLockMinutes'>,
) {
  if (s.loginMaxFailures <= 0 || failures < s.loginMaxFailures) return 0;
  const first = s.loginLockMinutes * MINUTE;
  const cap = Math.max(DAY, first);
  // 2^n grows past any cap long before it overflows; stop the exponent there.
  const doublings = Math.min(failures - s.loginMaxFailures, 40);
  return Math.min(first * 2 ** doublings, cap);
}

/**
 * Counts one attempt from this address in the current minute, across nodes; over the limit it
 * answers 429 with the seconds until the window ends. LOGIN_RATE_LIMIT_PER_MINUTE=0 turns it off.
 */
export async function countAttempt(db: Db, sourceIp: string, limit: number): Promise<void> {
  if (limit <= 0) return;
  const [row] = await db
    .insert(loginRate)
    .values({ sourceIp, windowStart: sql`date_trunc('minute', now())`, attempts: 1 })
    .onConflictDoUpdate({
      target: [loginRate.sourceIp, loginRate.windowStart],
      set: { attempts: sql`${loginRate.attempts} + 1` },
    })
    .returning({
      attempts: loginRate.attempts,
      secondsLeft: sql<number>`ceil(extract(epoch FROM ${loginRate.windowStart} + interval '1 minute' - now()))::int`,
    });
  if (row.attempts > limit) {
    const retryAfter = Math.max(1, Number(row.secondsLeft));
    throw new AppError('RATE_LIMITED', {
      details: [{ message: `retry after ${retryAfter} s`, retryAfter }],
    });
  }
}

export interface PairState {
  failures: number;
  heldUntil: Date | null;
  /** The database's clock, so every node measures holds by one clock. */
  now: Date;
}

/**
 * Locks the (account name, address) row for this transaction, creating it when absent, so
 * concurrent attempts from one address are decided one after another: only attempts seen while
 * the pair is not held get an honest answer.
 */
export async function lockPair(tx: Db, username: string, sourceIp: string): Promise<PairState> {
  const [row] = await tx
    .insert(loginThrottle)
    .values({ username, sourceIp })
    // A no-op update takes the row lock and returns the row in one statement.
    .onConflictDoUpdate({
      target: [loginThrottle.username, loginThrottle.sourceIp],
      set: { username: sql`excluded.username` },
    })
    .returning({
      failures: loginThrottle.failures,
      heldUntil: loginThrottle.heldUntil,
      updatedAt: loginThrottle.updatedAt,
      nowMs: sql<number>`(extract(epoch FROM now()) * 1000)::float8`,
    });
  const now = new Date(Number(row.nowMs));
  const held = row.heldUntil !== null && row.heldUntil > now;
  const stale = !held && now.getTime() - row.updatedAt.getTime() > FORGET_AFTER_MS;
  return { failures: stale ? 0 : row.failures, heldUntil: held ? row.heldUntil : null, now };
}

/**
 * One more failure for the pair; returns the hold it starts, if any. An attempt during a hold is
 * not counted (the hold does not grow from it) but writes the same row, so it costs the same.
 */
export async function recordFailure(
  tx: Db,
  username: string,
  sourceIp: string,
  state: PairState,
  s: ThrottleSettings,
): Promise<{ failures: number; heldUntil: Date | null; started: boolean }> {
  const counted = !state.heldUntil;
  const failures = counted ? state.failures + 1 : state.failures;
  const hold = counted ? holdAfter(failures, s) : 0;
  const heldUntil = hold > 0 ? new Date(state.now.getTime() + hold) : state.heldUntil;
  await tx
    .update(loginThrottle)
    .set({ failures, heldUntil, updatedAt: state.now })
    .where(and(eq(loginThrottle.username, username), eq(loginThrottle.sourceIp, sourceIp)));
  if (hold > 0 && heldUntil) {
    // Shown to administrators on the account (no row for an unknown name: same statement, no effect).
    await tx
      .update(appUser)
      .set({ lockedUntil: sql`greatest(${appUser.lockedUntil}, ${heldUntil.toISOString()}::timestamptz)` })
      .where(eq(appUser.username, username));
  }
  return { failures, heldUntil, started: hold > 0 };
}

/** A success from this address: its failures are forgiven (other addresses keep theirs). */
export async function forgetPair(tx: Db, username: string, sourceIp: string): Promise<void> {
  await tx
    .delete(loginThrottle)
    .where(and(eq(loginThrottle.username, username), eq(loginThrottle.sourceIp, sourceIp)));
}

/** An administrator reset the password or re-enabled the account: every address starts afresh. */
export async function forgetAccount(tx: Db, username: string): Promise<void> {
  await tx.delete(loginThrottle).where(eq(loginThrottle.username, username));
  await tx.update(appUser).set({ lockedUntil: null }).where(eq(appUser.username, username));
}

/** Last sweep per database handle: old rows go at most once a minute per node. */
const lastSweep = new WeakMap<Db, number>();

/** Deletes finished rate windows and forgotten pairs, so attackers cannot grow the tables for ever. */
export async function sweep(db: Db, now = Date.now()): Promise<void> {
  if (now - (lastSweep.get(db) ?? 0) < MINUTE) return;
  lastSweep.set(db, now);
  await db.delete(loginRate).where(lt(loginRate.windowStart, sql`now() - interval '2 minutes'`));
  await db
    .delete(loginThrottle)
    .where(
      and(
        lt(loginThrottle.updatedAt, sql`now() - interval '1 day'`),
        or(isNull(loginThrottle.heldUntil), lt(loginThrottle.heldUntil, sql`now()`)),
      ),
    );
}
