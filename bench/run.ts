/**
 * Benchmark runner: `npm run bench -- <name> [--db pglite|postgres|both] [--option value …]`.
 * Loads bench/<name>.ts, and for each database driver gives its run(ctx) a fresh migrated
 * database (removed afterwards). Figures are printed as JSON lines on stdout, appended to
 * bench/results/<name>.jsonl, and the latest run is summarised in bench/results/<name>.md.
 * Progress and diagnostics go to stderr.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DriverName } from '../server/platform/db.ts';
import type { BenchContext, BenchModule, Figure } from './lib/context.ts';
import { openBenchDatabase } from './lib/databases.ts';
import { describeMachine } from './lib/machine.ts';
import { emitFigure, writeMarkdown } from './lib/results.ts';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const DRIVERS: DriverName[] = ['pglite', 'postgres'];

function availableBenches(): string[] {
  return fs
    .readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'run.ts')
    .map((f) => f.slice(0, -3))
    .sort();
}

function usage(): string {
  const names = availableBenches();
  return (
    'usage: npm run bench -- <name> [--db pglite|postgres|both] [--<option> <number> …]\n' +
    `available benchmarks: ${names.length ? names.join(', ') : '(none)'}`
  );
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

interface Args {
  name: string;
  drivers: DriverName[];
  options: Map<string, string>;
}

function parseArgs(argv: string[]): Args {
  let name: string | undefined;
  let db = 'both';
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      process.stdout.write(`${usage()}\n`);
      process.exit(0);
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) fail(`option --${key} needs a value\n${usage()}`);
      if (key === 'db') db = value;
      else options.set(key, value);
    } else if (name === undefined) {
      name = a;
    } else {
      fail(`unexpected argument "${a}"\n${usage()}`);
    }
  }
  if (!name) fail(`no benchmark named\n${usage()}`);
  if (!availableBenches().includes(name)) fail(`unknown benchmark "${name}"\n${usage()}`);
  const drivers = db === 'both' ? DRIVERS : DRIVERS.filter((d) => d === db);
  if (drivers.length === 0) fail(`--db must be pglite, postgres or both, got "${db}"`);
  return { name, drivers, options };
}

async function main() {
  const { name, drivers, options } = parseArgs(process.argv.slice(2));
  const mod = (await import(pathToFileURL(path.join(BENCH_DIR, `${name}.ts`)).href)) as Partial<BenchModule>;
  if (typeof mod.run !== 'function') fail(`bench/${name}.ts does not export run(ctx)`);
  const machine = describeMachine();
  const log = (message: string) => process.stderr.write(`[bench ${name}] ${message}\n`);
  log(`machine: ${machine}`);
  const figures: Figure[] = [];

  for (const db of drivers) {
    log(`${db}: preparing a fresh database`);
    const opened = await openBenchDatabase(db);
    log(`${db}: ${opened.where}`);
    // Other work on the machine skews figures: each one carries the 1-minute load at its start.
    const load1m = Math.round(os.loadavg()[0] * 100) / 100;
    const ctx: BenchContext = {
      bench: name,
      db,
      database: opened.database,
      machine,
      option(key, fallback) {
        const raw = options.get(key);
        if (raw === undefined) return fallback;
        const n = Number(raw);
        if (!Number.isFinite(n) || n <= 0) fail(`--${key} must be a positive number, got "${raw}"`);
        return n;
      },
      record(metric, value, unit, extra = {}) {
        const figure: Figure = {
          bench: name,
          metric,
          value,
          unit,
          db,
          machine,
          at: new Date().toISOString(),
          ...extra,
          load_1m_at_start: load1m,
        };
        figures.push(figure);
        emitFigure(figure);
      },
      log: (message) => log(`${db}: ${message}`),
    };
    try {
      await mod.run(ctx);
    } finally {
      await opened.dispose();
    }
  }
  const file = writeMarkdown(name, figures, machine);
  log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(
      `bench FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}${err instanceof Error && err.cause ? `\ncause: ${String(err.cause)}` : ''}\n`,
    );
    process.exit(1);
  },
);
