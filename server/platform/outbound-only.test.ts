/**
 * One way out: no server or common code outside platform/outbound.ts may call out over the
 * network by itself — no node:http/https/http2 or undici import, no global fetch (or WebSocket,
 * EventSource, XMLHttpRequest), no socket from node:net/tls/dgram. A module that needs to call a
 * URL uses the OutboundClient (app.outbound), which applies the SSRF rules; a new transport (a
 * message queue client, say) goes into platform/ beside it, with the same checks.
 *
 * Type-only imports (`import type { IncomingHttpHeaders } from 'node:http'`), the pure helpers
 * of node:net (isIP, BlockList…) and its `createServer` (a listener, inbound only) are fine. The scan reads the syntax tree, so a local function
 * that happens to be called `fetch` is not mistaken for the global one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The one file allowed to open outbound connections. */
const THE_CLIENT = 'server/platform/outbound.ts';

/** Modules that open connections: nothing but types may be imported from them. */
const NETWORK_MODULES = new Set(
  ['http', 'https', 'http2', 'undici', 'net', 'tls', 'dgram'].flatMap((m) =>
    m === 'undici' ? [m] : [m, `node:${m}`],
  ),
);
/**
 * What may be imported from node:net at run time: helpers that open nothing, and `createServer` —
 * a listener takes connections in (the JT/T 808 gateway's terminals dial the platform); it cannot
 * dial out. `connect`, `Socket` and `createConnection` stay flagged.
 */
const NET_HARMLESS = ['isIP', 'isIPv4', 'isIPv6', 'BlockList', 'SocketAddress', 'createServer'];
const HARMLESS = new Map([
  ['net', new Set(NET_HARMLESS)],
  ['node:net', new Set(NET_HARMLESS)],
]);
/** Globals that call out. */
const NETWORK_GLOBALS = new Set(['fetch', 'WebSocket', 'EventSource', 'XMLHttpRequest']);
const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);

/** The names a file declares itself (functions, variables, parameters, imports, classes). */
function localNames(sf: ts.SourceFile): Set<string> {
  const out = new Set<string>();
  const visit = (node: ts.Node) => {
    if (
      (ts.isFunctionDeclaration(node) ||
        ts.isVariableDeclaration(node) ||
        ts.isParameter(node) ||
        ts.isClassDeclaration(node) ||
        ts.isImportSpecifier(node) ||
        ts.isImportClause(node) ||
        ts.isNamespaceImport(node)) &&
      node.name &&
      ts.isIdentifier(node.name)
    ) {
      out.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Is this identifier a use of a value (not a property name, a declaration's name or a type)? */
function isValueUse(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if (
    (ts.isPropertyAssignment(p) || ts.isPropertySignature(p) || ts.isPropertyDeclaration(p)) &&
    p.name === id
  )
    return false;
  if ((ts.isMethodDeclaration(p) || ts.isMethodSignature(p)) && p.name === id) return false;
  for (let n: ts.Node = id; n.parent; n = n.parent) {
    if (ts.isTypeNode(n)) return false;
  }
  return true;
}

/** Every way this source calls out by itself, as "line: what". */
function outboundViolations(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const declared = localNames(sf);
  const out: string[] = [];
  const at = (node: ts.Node, what: string) =>
    out.push(`${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${what}`);

  const checkImport = (node: ts.ImportDeclaration | ts.ExportDeclaration) => {
    const spec = node.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || !NETWORK_MODULES.has(spec.text)) return;
    const module = spec.text;
    if (ts.isExportDeclaration(node)) {
      if (!node.isTypeOnly) at(node, `re-exports from ${module}`);
      return;
    }
    const clause = node.importClause;
    if (!clause) return at(node, `imports ${module}`);
    if (clause.isTypeOnly) return;
    if (clause.name) at(node, `imports ${module} (default)`);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) at(node, `imports * from ${module}`);
    if (bindings && ts.isNamedImports(bindings)) {
      for (const el of bindings.elements) {
        const name = (el.propertyName ?? el.name).text;
        if (!el.isTypeOnly && !HARMLESS.get(module)?.has(name)) at(el, `imports ${name} from ${module}`);
      }
    }
  };

  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) checkImport(node);
    else if (ts.isCallExpression(node)) {
      const [arg] = node.arguments;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      if ((isRequire || isImport) && arg && ts.isStringLiteral(arg) && NETWORK_MODULES.has(arg.text)) {
        at(node, `loads ${arg.text}`);
      }
    } else if (ts.isIdentifier(node) && NETWORK_GLOBALS.has(node.text)) {
      if (isValueUse(node) && !declared.has(node.text)) at(node, `uses the global ${node.text}`);
    } else if (
      ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      GLOBAL_OBJECTS.has(node.expression.text) &&
      NETWORK_GLOBALS.has(node.name.text)
    ) {
      at(node, `uses ${node.expression.text}.${node.name.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(rel);
  }
  return out;
}

describe('the outbound-only scan', () => {
  it('finds each way of calling out, and leaves types, helpers and local names alone', () => {
    const flagged = [
      "import http from 'node:http';",
      "import * as https from 'https';",
      "import { request } from 'undici';",
      "import { request as r } from 'node:http';",
      "import { connect } from 'node:net';",
      "import net from 'node:net';",
      "import tls from 'node:tls';",
      "import { createSocket } from 'dgram';",
      "export { request } from 'node:https';",
      "const h = require('http');",
      "const h = await import('node:https');",
      'const r = await fetch(url);',
      'const r = await (opts.fetch ?? fetch)(url, { method: "POST" });',
      'const f = fetch; f(url);',
      'globalThis.fetch(url);',
      'const ws = new WebSocket(url);',
      'const es = new EventSource(url);',
      'const x = new XMLHttpRequest();',
      'const o = { fetch };',
    ];
    for (const src of flagged) expect(outboundViolations('x.ts', src), src).not.toEqual([]);
    const fine = [
      "import type { IncomingHttpHeaders } from 'node:http';",
      "import { type IncomingHttpHeaders } from 'node:http';",
      "import { BlockList, isIP } from 'node:net';",
      "import { createServer, type Server, type Socket } from 'node:net';",
      "export type { Server } from 'node:http';",
      'function fetch(limit: number, offset: number) { return limit + offset; }\nfetch(1, 2);',
      'const rows = await repo.fetch(1);',
      'const o = { fetch: 1 };',
      'interface Opts { fetch?: typeof fetch }',
      'class C { fetch() {} }',
      "import fs from 'node:fs';",
    ];
    for (const src of fine) expect(outboundViolations('x.ts', src), src).toEqual([]);
  });

  it('finds no module calling out except through platform/outbound.ts', () => {
    const files = [...sourceFiles('server'), ...sourceFiles('common')];
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain(THE_CLIENT);
    const violations = files
      .filter((f) => f !== THE_CLIENT)
      .flatMap((f) =>
        outboundViolations(f, fs.readFileSync(path.join(ROOT, f), 'utf8')).map((v) => `${f}:${v}`),
      );
    expect(violations, 'call out through app.outbound (server/platform/outbound.ts) instead').toEqual([]);
    // The client itself is what the scan would catch anywhere else.
    expect(outboundViolations(THE_CLIENT, fs.readFileSync(path.join(ROOT, THE_CLIENT), 'utf8'))).not.toEqual(
      [],
    );
  });
});
