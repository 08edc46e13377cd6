/**
 * What a benchmark module receives: a fresh migrated database of one driver, a way to record a
 * figure, options from the command line, and a log that goes to stderr (stdout carries only the
 * figures, one JSON line each).
 */
import type { Database, DriverName } from '../../server/platform/db.ts';

export interface Figure {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  db: DriverName;
  machine: string;
  at: string;
  [extra: string]: unknown;
}

export interface BenchContext {
  /** The benchmark's name (its file under bench/). */
  bench: string;
  /** Which driver this run uses. */
  db: DriverName;
  /** A fresh, migrated, empty database; the runner disposes of it after run() returns. */
  database: Database;
  machine: string;
  /** A numeric option from `--name value` on the command line, or the fallback. */
  option(name: string, fallback: number): number;
  /** Records one figure: printed as a JSON line and appended to bench/results/<bench>.jsonl. */
  record(metric: string, value: number, unit: string, extra?: Record<string, unknown>): void;
  log(message: string): void;
}

export interface BenchModule {
  run(ctx: BenchContext): Promise<void>;
}
