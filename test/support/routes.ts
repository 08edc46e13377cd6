/**
 * The routes an application really serves, read from Fastify itself (its router's tree), so a
 * test can insist that every write route is covered by a scenario, including routes added later
 * and routes hidden from the OpenAPI document.
 */
import type { HTTPMethods } from 'fastify';
import type { App } from '../../server/platform/types.ts';

export const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type WriteMethod = (typeof WRITE_METHODS)[number];

export interface RouteRef {
  method: string;
  url: string;
}

const BRANCH = /[├└]── /;

/**
 * Parses `printRoutes({ method, commonPrefix: false })`: one node a line, four columns of
 * indentation per level, a child's text continuing its parent's path, methods in brackets.
 */
export function parseRouteTree(tree: string): RouteRef[] {
  const out: RouteRef[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = BRANCH.exec(line);
    if (!m) continue;
    const depth = Math.round(m.index / 4);
    const text = line.slice(m.index + m[0].length).trimEnd();
    const parts = /^(.*?)(?: \(([^)]*)\))?$/.exec(text);
    if (!parts) continue;
    const full = (depth > 0 ? (stack[depth - 1] ?? '') : '') + parts[1];
    stack[depth] = full;
    stack.length = depth + 1;
    if (parts[2]) {
      for (const method of parts[2].split(',').map((s) => s.trim())) out.push({ method, url: full });
    }
  }
  return out;
}

/** Every route registered for these methods, checked against the router one by one. */
export function listRoutes(app: App, methods: readonly string[]): RouteRef[] {
  const found: RouteRef[] = [];
  for (const method of methods) {
    const tree = app.printRoutes({ method: method as HTTPMethods, commonPrefix: false });
    for (const r of parseRouteTree(tree)) {
      if (r.method !== method) continue;
      // A mis-parsed line would name a route the router does not know: fail loudly, not silently.
      if (!app.hasRoute({ method: r.method as HTTPMethods, url: r.url })) {
        throw new Error(`route tree parsed to an unknown route: ${r.method} ${r.url}\n${tree}`);
      }
      found.push(r);
    }
  }
  return found;
}

/** POST/PUT/PATCH/DELETE routes under /api, as `METHOD /url` keys. */
export function apiWriteRoutes(app: App): string[] {
  return listRoutes(app, WRITE_METHODS)
    .filter((r) => r.url === '/api' || r.url.startsWith('/api/'))
    .map((r) => `${r.method} ${r.url}`)
    .sort();
}

/** `/api/users/{id}` (OpenAPI) → `/api/users/:id` (Fastify). */
export const fromOpenApiPath = (p: string) => p.replace(/\{([^}]+)\}/g, ':$1');
