/**
 * Prints which module imports which (server/modules/* and platform), from the source, and any
 * cycle among them. `npx tsx scripts/deps.ts`; the same graph the boundary test checks.
 */
import { moduleCycles, moduleGraph, readImports } from './lib/module-graph.ts';

const graph = moduleGraph(readImports());
const width = Math.max(...[...graph.keys()].map((m) => m.length));
for (const module of [...graph.keys()].sort()) {
  const targets = [...(graph.get(module) ?? [])].sort();
  console.log(`${module.padEnd(width)} → ${targets.length ? targets.join(', ') : '(none)'}`);
}
const cycles = moduleCycles(graph);
console.log(cycles.length ? `\ncycles: ${cycles.map((c) => c.join(' ⇄ ')).join('; ')}` : '\nno cycles');
