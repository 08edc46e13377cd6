/**
 * The module graph of the server, read from the source: every import, export-from and dynamic
 * import() of every TypeScript file, resolved to the module it reaches. Shared by the boundary
 * test (server/boundaries.test.ts) and `npx tsx scripts/deps.ts`, so the map in the docs and the
 * rule the test enforces are computed by the same code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

export const ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..');

/** Folders whose files must respect module boundaries (the web reaches the server only over HTTP). */
const SCANNED = ['server', 'scripts', 'common', 'bench'];

/**
 * The schema registry gathers every module's tables for Drizzle and drizzle-kit; it is the one
 * file allowed to import them directly. Code outside the modules that writes rows of many of
 * them in bulk (the demo seed) reads the table definitions through it; no module may
 * (server/boundaries.test.ts), or it would be a back door into the others' tables.
 */
export const SCHEMA_REGISTRY = 'server/db-schema.ts';

export interface ImportEdge {
  /** Importing file, repository-relative with forward slashes. */
  from: string;
  /** Imported file, repository-relative (the specifier resolved against the importer). */
  to: string;
  /** Source line of the import, 1-based. */
  line: number;
}

function walk(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The relative specifiers a source text imports, with their lines (package imports cross no module line). */
export function specifiersOf(fileName: string, text: string): { specifier: string; line: number }[] {
  // preProcessFile is the compiler's own import scanner: static imports (type-only included),
  // export … from, import('…') and import x = require('…'); comments and strings are skipped.
  const info = ts.preProcessFile(text, true, true);
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest);
  return info.importedFiles
    .filter((ref) => ref.fileName.startsWith('.'))
    .map((ref) => ({
      specifier: ref.fileName,
      line: source.getLineAndCharacterOfPosition(ref.pos).line + 1,
    }));
}

/** The TypeScript files under `dirs` (repository-relative), the scanned folders by default. */
export function sourceFiles(dirs: readonly string[] = SCANNED): string[] {
  return dirs.flatMap((dir) => walk(dir, []));
}

/** Every relative import of every scanned file. */
export function readImports(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles()) {
    for (const { specifier, line } of specifiersOf(file, readFileSync(join(ROOT, file), 'utf8'))) {
      const to = relative(ROOT, join(ROOT, dirname(file), specifier))
        .split(sep)
        .join('/');
      edges.push({ from: file, to, line });
    }
  }
  return edges;
}

/** The module a file belongs to: a folder under server/modules, `platform`, or null (app, seed, scripts…). */
export function moduleOf(file: string): string | null {
  const m = /^server\/modules\/([^/]+)\//.exec(file);
  if (m) return m[1];
  if (file.startsWith('server/platform/')) return 'platform';
  return null;
}

export const isTestFile = (file: string) => /\.test\.tsx?$/.test(file);

/**
 * Imports that reach into another module past its public interface: anything under
 * server/modules/<m>/ other than server/modules/<m>/index.ts, imported from outside <m>. Exempt:
 * the schema registry, and a tables.ts importing another module's tables.ts (foreign keys).
 */
export function boundaryViolations(edges: ImportEdge[]): ImportEdge[] {
  return edges.filter((e) => {
    const target = /^server\/modules\/([^/]+)\/(.+)$/.exec(e.to);
    if (!target) return false;
    if (moduleOf(e.from) === target[1]) return false;
    if (target[2] === 'index.ts') return false;
    if (e.from === SCHEMA_REGISTRY) return false;
    // A table may reference another module's table in a foreign key: the database couples them
    // already, and table files hold nothing but definitions.
    return !(e.from.endsWith('/tables.ts') && target[2] === 'tables.ts');
  });
}

/** Module → modules it imports, from the non-test files of each module (platform included). */
export function moduleGraph(edges: ImportEdge[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const from = moduleOf(e.from);
    const to = moduleOf(e.to);
    if (!from || isTestFile(e.from)) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    if (to && to !== from) graph.get(from)?.add(to);
  }
  return graph;
}

/** Every elementary cycle's strongly connected component with more than one module (Tarjan). */
export function moduleCycles(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components;
}
