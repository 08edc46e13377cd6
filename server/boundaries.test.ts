/**
 * Module boundaries, read from the source (scripts/lib/module-graph.ts): code outside a module
 * reaches it only through its index.ts, and the module → module graph has no cycle. The map
 * itself: `npx tsx scripts/deps.ts`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  boundaryViolations,
  type ImportEdge,
  moduleCycles,
  moduleGraph,
  moduleOf,
  ROOT,
  readImports,
  SCHEMA_REGISTRY,
  sourceFiles,
  specifiersOf,
} from '../scripts/lib/module-graph.ts';

/**
 * Reaches past an index.ts that are still to be removed, each with the way out. The list only
 * shrinks: an entry no longer needed fails the test until it is deleted here. Empty today (org's
 * joins and scope columns go through its read-only relation, `orgRelation`); kept so that a new
 * reach fails until it is either removed or listed here with its way out.
 */
const PENDING: Record<string, string> = {};

/**
 * Module dependencies that must never exist, in any file of the module (tests and type-only
 * imports included, through an index.ts too) nor through another module, each with the reason.
 */
const NEVER: Record<string, Record<string, string>> = {
  cases: {
    notifications: 'the inbox subscribes to case events (platform/subscribers.ts)',
    outbox: 'the outbox subscribes to case events and reads cases through cases/index.ts',
    callbacks: 'the call-back queue subscribes to case.close and reopens through cases/index.ts',
    hotline: 'the hotline reports through cases/index.ts (createReport); the loop knows no channel',
  },
};

/** The read-only relations a module publishes for others' joins: module → exported name. */
const READ_ONLY: Record<string, string> = { org: 'orgRelation' };

const key = (e: ImportEdge) => `${e.from} -> ${e.to}`;
const edges = readImports();
const modules = readdirSync(join(ROOT, 'server/modules'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** Modules `from` depends on, directly or through others (the module graph of non-test files). */
function reachable(graph: Map<string, Set<string>>, from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(graph.get(from) ?? [])];
  while (stack.length) {
    const m = stack.pop() as string;
    if (seen.has(m)) continue;
    seen.add(m);
    stack.push(...(graph.get(m) ?? []));
  }
  return seen;
}

/** Direct imports from any file of module `from` (tests included) into module `to`. */
const importsBetween = (all: ImportEdge[], from: string, to: string) =>
  all.filter((e) => moduleOf(e.from) === from && moduleOf(e.to) === to);

const WRITES = new Set(['insert', 'update', 'delete']);

/**
 * Lines of `file` that write through `name` exported by `index` (a repository-relative index.ts):
 * `.insert(x)`, `.update(x)` or `.delete(x)` where `x` is the name as imported (renamed or through
 * a namespace import), however cast or parenthesised. The compiler already refuses such a write on
 * a view; this catches one forced past it.
 */
function writesThrough(file: string, text: string, index: string, name: string): number[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const locals = new Set<string>();
  const namespaces = new Set<string>();
  const resolves = (specifier: string) =>
    specifier.startsWith('.') && posix.join(posix.dirname(file), specifier) === index;
  for (const st of source.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    if (!resolves(st.moduleSpecifier.text)) continue;
    const bindings = st.importClause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
    else if (bindings)
      for (const el of bindings.elements)
        if ((el.propertyName ?? el.name).text === name) locals.add(el.name.text);
  }
  const unwrap = (e: ts.Expression): ts.Expression =>
    ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isTypeAssertionExpression(e) ||
    ts.isNonNullExpression(e) ||
    ts.isSatisfiesExpression(e)
      ? unwrap(e.expression)
      : e;
  const isRelation = (e: ts.Expression) => {
    const x = unwrap(e);
    if (ts.isIdentifier(x)) return locals.has(x.text);
    return (
      ts.isPropertyAccessExpression(x) &&
      ts.isIdentifier(x.expression) &&
      namespaces.has(x.expression.text) &&
      x.name.text === name
    );
  };
  const lines: number[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      WRITES.has(node.expression.name.text) &&
      node.arguments.length > 0 &&
      isRelation(node.arguments[0])
    ) {
      lines.push(source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return lines;
}

describe('the import scanner', () => {
  it('sees static, type-only, re-exported and dynamic imports, and skips comments', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../b/tables.ts';",
      "export * from './c.ts';",
      "export { d } from './d.ts';",
      "const e = await import('./e.ts');",
      "// import { f } from './f.ts';",
      "import { g } from 'package';",
    ].join('\n');
    expect(specifiersOf('x.ts', text)).toEqual([
      { specifier: './a.ts', line: 1 },
      { specifier: '../b/tables.ts', line: 2 },
      { specifier: './c.ts', line: 3 },
      { specifier: './d.ts', line: 4 },
      { specifier: './e.ts', line: 5 },
    ]);
  });

  it('reads the whole tree (every module, app, seed and scripts)', () => {
    const importers = new Set(edges.map((e) => e.from));
    for (const file of ['server/app.ts', 'server/main.ts', 'server/seed/index.ts', 'scripts/import.ts']) {
      expect(importers).toContain(file);
    }
    for (const m of modules)
      expect([...importers].some((f) => f.startsWith(`server/modules/${m}/`))).toBe(true);
  });

  it('flags a reach into another module and a cycle (the checks below can fail)', () => {
    const reach: ImportEdge = {
      from: 'server/modules/cases/x.ts',
      to: 'server/modules/org/tables.ts',
      line: 1,
    };
    const own: ImportEdge = {
      from: 'server/modules/org/x.test.ts',
      to: 'server/modules/org/tables.ts',
      line: 1,
    };
    const viaIndex: ImportEdge = { from: 'server/seed/x.ts', to: 'server/modules/org/index.ts', line: 1 };
    const registry: ImportEdge = { from: SCHEMA_REGISTRY, to: 'server/modules/org/tables.ts', line: 1 };
    const foreignKey: ImportEdge = {
      from: 'server/modules/cases/tables.ts',
      to: 'server/modules/org/tables.ts',
      line: 1,
    };
    expect(boundaryViolations([reach, own, viaIndex, registry, foreignKey])).toEqual([reach]);
    const back: ImportEdge = {
      from: 'server/modules/org/y.ts',
      to: 'server/modules/cases/index.ts',
      line: 1,
    };
    expect(moduleCycles(moduleGraph([reach, back]))).toEqual([['cases', 'org']]);
  });
});

describe('module boundaries', () => {
  it('every module has a public interface (index.ts)', () => {
    expect(modules.filter((m) => !existsSync(join(ROOT, 'server/modules', m, 'index.ts')))).toEqual([]);
  });

  it('nothing imports another module past its index.ts (schema registry and foreign keys aside)', () => {
    const found = boundaryViolations(edges);
    const unexpected = found.filter((e) => !(key(e) in PENDING)).map((e) => `${e.from}:${e.line} -> ${e.to}`);
    expect(unexpected).toEqual([]);
    // The allow-list shrinks: delete an entry once its import is gone.
    const stale = Object.keys(PENDING).filter((k) => !found.some((e) => key(e) === k));
    expect(stale).toEqual([]);
  });

  it('no module reads the schema registry (a back door to every table)', () => {
    const through = edges.filter(
      (e) => e.to === SCHEMA_REGISTRY && e.from.startsWith('server/modules/') && !e.from.endsWith('.test.ts'),
    );
    expect(through.map(key)).toEqual([]);
  });

  it('the module graph has no cycle', () => {
    expect(moduleCycles(moduleGraph(edges))).toEqual([]);
  });

  it('modules never depend on what NEVER lists (no import at all, nor through another module)', () => {
    const graph = moduleGraph(edges);
    const found: string[] = [];
    for (const [from, banned] of Object.entries(NEVER)) {
      const through = reachable(graph, from);
      for (const to of Object.keys(banned)) {
        for (const e of importsBetween(edges, from, to)) found.push(`${e.from}:${e.line} -> ${e.to}`);
        if (through.has(to)) found.push(`${from} reaches ${to} through the module graph`);
      }
    }
    expect(found).toEqual([]);
  });

  it('docs/ARCHITECTURE.md shows the module map as it is (the map in the docs went stale before)', () => {
    const graph = moduleGraph(readImports());
    const width = Math.max(...[...graph.keys()].map((m) => m.length));
    const lines = [...graph.keys()].sort().map((module) => {
      const targets = [...(graph.get(module) ?? [])].sort();
      return `${module.padEnd(width)} → ${targets.length ? targets.join(', ') : '(none)'}`;
    });
    const doc = readFileSync(join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
    const block = doc.match(/The map, from `npx tsx scripts\/deps.ts`:\s*```\n([\s\S]*?)\n\n/);
    expect(
      block?.[1]?.split('\n'),
      'update the map in docs/ARCHITECTURE.md: npx tsx scripts/deps.ts',
    ).toEqual(lines);
  });

  it('nothing outside a module writes through its read-only relation', () => {
    const found: string[] = [];
    for (const [owner, name] of Object.entries(READ_ONLY)) {
      const index = `server/modules/${owner}/index.ts`;
      expect(readFileSync(join(ROOT, index), 'utf8')).toContain(name);
      for (const file of sourceFiles(['server', 'scripts', 'common', 'bench', 'test'])) {
        if (moduleOf(file) === owner) continue;
        const text = readFileSync(join(ROOT, file), 'utf8');
        if (!text.includes(name)) continue;
        for (const line of writesThrough(file, text, index, name)) found.push(`${file}:${line}`);
      }
    }
    expect(found).toEqual([]);
  });
});

describe('the rules above can fail', () => {
  it('NEVER: a type-only import through an index, and a dependency through another module', () => {
    const typeOnly: ImportEdge = {
      from: 'server/modules/cases/x.test.ts',
      to: 'server/modules/outbox/index.ts',
      line: 3,
    };
    expect(importsBetween([typeOnly], 'cases', 'outbox')).toEqual([typeOnly]);
    const hop = (from: string, to: string): ImportEdge => ({
      from: `server/modules/${from}/a.ts`,
      to: `server/modules/${to}/index.ts`,
      line: 1,
    });
    const graph = moduleGraph([hop('cases', 'routing'), hop('routing', 'notifications')]);
    expect([...reachable(graph, 'cases')].sort()).toEqual(['notifications', 'routing']);
  });

  it('a write through the read-only relation, renamed, through a namespace, or cast', () => {
    const file = 'server/modules/identity/x.ts';
    const text = [
      "import { orgRelation, orgRelation as o } from '../org/index.ts';",
      "import * as orgs from '../org/index.ts';",
      "import { orgRelation as other } from '../elsewhere/index.ts';",
      'await db.select().from(orgRelation).innerJoin(o, eq(o.id, x));',
      "await db.insert(orgRelation).values({ name: 'x' });",
      "await tx.update(o as never).set({ name: 'x' });",
      'await tx.delete((orgs.orgRelation as unknown) as never);',
      'await tx.delete(other);',
      '// await tx.delete(orgRelation);',
    ].join('\n');
    expect(writesThrough(file, text, 'server/modules/org/index.ts', 'orgRelation')).toEqual([5, 6, 7]);
  });
});
