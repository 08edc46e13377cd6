/**
 * Where figures go: one JSON line each on stdout, appended to bench/results/<bench>.jsonl (the
 * history), and bench/results/<bench>.md refreshed with a table of the latest run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figure } from './context.ts';

export const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../results');

const BASE_KEYS = new Set(['bench', 'metric', 'value', 'unit', 'db', 'machine', 'at']);

export function emitFigure(figure: Figure): void {
  const line = JSON.stringify(figure);
  process.stdout.write(`${line}\n`);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.appendFileSync(path.join(RESULTS_DIR, `${figure.bench}.jsonl`), `${line}\n`);
}

function cell(v: unknown): string {
  return String(v).replace(/\|/g, '\\|');
}

/** A table with one row per metric and one column per database, then the run's conditions. */
export function writeMarkdown(bench: string, figures: Figure[], machine: string): string {
  const dbs = [...new Set(figures.map((f) => f.db))];
  const metrics = [...new Set(figures.map((f) => f.metric))];
  const lines = [
    `# Benchmark \`${bench}\` — latest run`,
    '',
    `Machine: ${machine}  `,
    `Recorded: ${figures[0]?.at ?? '—'} → ${figures.at(-1)?.at ?? '—'}  `,
    `Reproduce: \`npm run bench -- ${bench}\` (history of every run in \`${bench}.jsonl\`; see bench/README.md)`,
    '',
    `| metric | unit | ${dbs.join(' | ')} |`,
    `|---|---|${dbs.map(() => '---:').join('|')}|`,
  ];
  for (const metric of metrics) {
    const unit = figures.find((f) => f.metric === metric)?.unit ?? '';
    const values = dbs.map((db) => {
      const f = figures.find((x) => x.metric === metric && x.db === db);
      return f ? cell(f.value) : '—';
    });
    lines.push(`| ${cell(metric)} | ${cell(unit)} | ${values.join(' | ')} |`);
  }
  const conditions = new Map<string, Set<string>>();
  for (const f of figures) {
    for (const [k, v] of Object.entries(f)) {
      if (BASE_KEYS.has(k) || (typeof v === 'object' && v !== null)) continue;
      if (!conditions.has(k)) conditions.set(k, new Set());
      conditions.get(k)!.add(String(v));
    }
  }
  if (conditions.size) {
    lines.push('', 'Conditions:', '');
    for (const [k, vs] of conditions) lines.push(`- ${k}: ${[...vs].join(', ')}`);
  }
  const loads = figures.map((f) => Number(f.load_1m_at_start)).filter(Number.isFinite);
  if (loads.length && Math.max(...loads) > os.cpus().length) {
    lines.push(
      '',
      `Note: the 1-minute load average (up to ${Math.max(...loads)}) exceeded the ${os.cpus().length} CPUs ` +
        'while this ran: other work shared the machine, so absolute figures are low and noisy; ' +
        'ratios measured in the same run are steadier.',
    );
  }
  const file = path.join(RESULTS_DIR, `${bench}.md`);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
