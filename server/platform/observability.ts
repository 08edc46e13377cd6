/**
 * What operators expect: /healthz (process up), /readyz (database reachable, migrations done),
 * /metrics (Prometheus text: requests and latencies per route, database pool, event lag).
 *
 * /healthz and /readyz are public. /metrics answers only (a) a request whose every address is in
 * METRICS_ALLOW (default loopback; see allow-list.ts for why forwarding headers cannot widen it)
 * or (b) an API key or session holding `metrics:read`. Everyone else gets exactly what an
 * unknown URL gets — 404 ROUTE_NOT_FOUND — so the internet cannot even tell the endpoint exists
 * (the same "as if it did not exist" rule as records outside a caller's scope). That includes
 * a wrong, expired or under-privileged credential.
 */

import { sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import client from 'prom-client';
import { allowList, allowsRequest } from './allow-list.ts';
import type { Actor } from './context.ts';
import { AppError } from './errors.ts';
import type { EventFeed } from './event-feed.ts';
import type { App } from './types.ts';

/**
 * Who sent a request, from its credential (null: it carries none; AppError: a bad one). Passed in
 * by server/app.ts from the identity module: the platform depends on no module.
 */
export type RequestAuthenticator = (app: App, request: FastifyRequest) => Promise<Actor | null>;

export function installObservability(
  app: App,
  feed: EventFeed | undefined,
  authenticateRequest: RequestAuthenticator,
) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'cityops_' });
  const requests = new client.Counter({
    name: 'cityops_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new client.Histogram({
    name: 'cityops_http_request_duration_seconds',
    help: 'HTTP request latency by route and method',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new client.Gauge({
    name: 'cityops_db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const s = app.database.poolStats();
      this.set({ state: 'total' }, s.total);
      this.set({ state: 'idle' }, s.idle);
      this.set({ state: 'waiting' }, s.waiting);
    },
  });
  new client.Gauge({
    name: 'cityops_event_lag_seconds',
    help: 'Age of the oldest event not yet delivered to live subscribers',
    registers: [registry],
    async collect() {
      this.set(feed ? await feed.lagSeconds().catch(() => -1) : 0);
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    // Unknown URLs share one label so a scanner cannot blow up the metric's cardinality.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  const hidden = { hide: true };
  app.get('/healthz', { config: { public: true, operation: 'healthz' }, schema: hidden }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    { config: { public: true, operation: 'readyz' }, schema: hidden },
    async (_request, reply) => {
      try {
        await app.database.query(sql`SELECT 1`);
        if (!(await app.database.migrationsApplied())) {
          return reply.status(503).send({ status: 'migrating' });
        }
        return { status: 'ready', driver: app.database.driver };
      } catch {
        return reply.status(503).send({ status: 'database unreachable' });
      }
    },
  );
  const allowed = allowList(app.config.metricsAllow, 'METRICS_ALLOW');
  const mayRead = async (request: FastifyRequest): Promise<boolean> => {
    if (allowsRequest(allowed, request.socket.remoteAddress, request.headers)) return true;
    try {
      const actor = await authenticateRequest(app, request);
      if (!actor) return false;
      request.ctx.actor = actor;
      return actor.permissions.includes('metrics:read');
    } catch (err) {
      if (err instanceof AppError) return false;
      throw err;
    }
  };
  // Public to the auth hook (an allowed scraper carries no credential); the handler decides.
  app.get(
    '/metrics',
    { config: { public: true, operation: 'metrics' }, schema: hidden },
    async (request, reply) => {
      if (!(await mayRead(request))) {
        throw new AppError('ROUTE_NOT_FOUND', {
          details: [{ message: `${request.method} ${request.url.split('?')[0]}` }],
        });
      }
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    },
  );
}
