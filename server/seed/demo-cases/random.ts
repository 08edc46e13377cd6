/**
 * Deterministic randomness: the demo cases are the same on every start with the same seed (and
 * clock), so a change to the seed's code can be checked row for row (scripts/seed-fingerprint.ts).
 * Never Math.random or crypto.randomUUID here: ids come from the same generator as everything else.
 */

export type Rng = () => number;

/** A small, fast 32-bit generator; plenty for demo data, and identical on every platform. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

export const between = (rng: Rng, lo: number, hi: number) => lo + rng() * (hi - lo);

/** A key drawn in proportion to its weight. */
export function weighted<T extends string>(rng: Rng, w: Record<T, number>): T {
  const entries = Object.entries(w) as [T, number][];
  let r = rng() * entries.reduce((s, [, v]) => s + v, 0);
  for (const [k, v] of entries) {
    r -= v;
    if (r <= 0) return k;
  }
  return entries[entries.length - 1][0];
}

/** A version-4-shaped UUID from the generator (the database would draw a random one). */
export function uuidFrom(rng: Rng): string {
  const h: string[] = [];
  for (let i = 0; i < 16; i++) {
    let b = Math.floor(rng() * 256);
    if (i === 6) b = (b & 0x0f) | 0x40;
    if (i === 8) b = (b & 0x3f) | 0x80;
    h.push(b.toString(16).padStart(2, '0'));
  }
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
