/** How many demo cases a first start writes. */

export const DEFAULT_DEMO_CASES = 3_000;

/**
 * DEMO_CASES, or 3,000. Under the test runner (VITEST set) the default is 0: test files seed the
 * demo city for every file and count their own cases; a test that wants demo cases sets DEMO_CASES.
 */
export function demoCaseCount(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DEMO_CASES;
  const fallback = env.VITEST ? 0 : DEFAULT_DEMO_CASES;
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`DEMO_CASES must be a non-negative integer: ${raw}`);
  return n;
}
