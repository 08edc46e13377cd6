/**
 * Builds the Fastify application: platform plugins first (validation, errors, auth, metrics),
 * then one plugin per module, then the web client. main.ts owns the process; tests build an app
 * directly on an in-memory database.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { auditRoutes } from './modules/audit/index.ts';
import { BaseMapState, basemapRoutes } from './modules/basemap/index.ts';
import { calendarRoutes } from './modules/calendar/index.ts';
import { callbackRoutes, registerCallbackSubscribers } from './modules/callbacks/index.ts';
import { caseLiveTopic, caseRoutes, centreRoutes } from './modules/cases/index.ts';
import { catalogRoutes } from './modules/catalog/index.ts';
import {
  classifierRoutes,
  registerClassifierSubscribers,
  startClassifier,
} from './modules/classifier/index.ts';
import { componentRoutes } from './modules/components/index.ts';
import { decisionRoutes } from './modules/decision/index.ts';
import { evaluationRoutes } from './modules/evaluation/index.ts';
import { geoRoutes, ogcRoutes, SpatialService, TileService } from './modules/geo/index.ts';
import {
  GpsAlarmEngine,
  geofenceRoutes,
  gpsAlarmLiveTopic,
  gpsRoutes,
  LastPositions,
} from './modules/gps/index.ts';
import { hotlineLiveTopic, hotlineRoutes } from './modules/hotline/index.ts';
import {
  authenticateRequest,
  identityRoutes,
  installAuth,
  SESSION_COOKIE,
} from './modules/identity/index.ts';
import { importRoutes, installImportRecovery } from './modules/imports/index.ts';
import { notificationRoutes, registerNotificationSubscribers } from './modules/notifications/index.ts';
import { OPEN311_PREFIX, open311Routes, sendOpen311Error } from './modules/open311/index.ts';
import { opinionRoutes } from './modules/opinion/index.ts';
import { orgRoutes } from './modules/org/index.ts';
import { installFeedbackSignature, outboxRoutes, registerOutboxSubscribers } from './modules/outbox/index.ts';
import { portalRoutes } from './modules/portal/index.ts';
import { routingRoutes } from './modules/routing/index.ts';
import { SensorRuntime, sensorRoutes } from './modules/sensors/index.ts';
import { settingsRoutes } from './modules/settings/index.ts';
import { teamsRoutes } from './modules/teams/index.ts';
import { warningRoutes } from './modules/warning/index.ts';
import { allowList } from './platform/allow-list.ts';
import type { Config } from './platform/config.ts';
import type { Database } from './platform/db.ts';
import { AppError } from './platform/errors.ts';
import type { EventFeed } from './platform/event-feed.ts';
import { installErrorHandler, renderError, toAppError } from './platform/http-errors.ts';
import { installJsonParser } from './platform/json-body.ts';
import { liveStreamRoutes } from './platform/live-stream.ts';
import { loggerOptions } from './platform/logging.ts';
import { installObservability } from './platform/observability.ts';
import { OutboundClient } from './platform/outbound.ts';
import type { App } from './platform/types.ts';
import { installValidation } from './platform/validation.ts';
import { installWebSecurity } from './platform/web-security.ts';

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/dist');

export interface BuildOptions {
  config: Config;
  database: Database;
  feed?: EventFeed;
  /** The in-memory grid index; built here (loaded at ready, rebuilt from `feed`) when absent. */
  spatial?: SpatialService;
  /** Overrides the logger (tests capture log lines through a stream). */
  logger?: FastifyServerOptions['logger'];
  serveWeb?: boolean;
  /** The outbound-HTTP client; built from OUTBOUND_ALLOW when absent (tests give one their resolver). */
  outbound?: OutboundClient;
  /** The built client to serve; WEB_DIST unless a test serves one of its own. */
  webDist?: string;
}

export async function buildApp(opts: BuildOptions): Promise<App> {
  const { config, database } = opts;
  const app = Fastify({
    logger: opts.logger ?? loggerOptions(config.logLevel),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    return503OnClosing: true,
    // Errors Fastify raises before routing (bad percent-encoding, overlong URL) use the catalogue too.
    frameworkErrors: (err, request, reply) => {
      const appError =
        toAppError(err) ?? new AppError('BAD_REQUEST', { details: [{ message: err.message }] });
      // Open311 clients read the spec's error shape, whatever went wrong.
      if (request.url.startsWith('/open311/')) sendOpen311Error(request, reply, appError);
      else renderError(request, reply, appError);
    },
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.decorate('db', database.db);
  app.decorate('database', database);
  app.decorate('config', config);
  app.decorate(
    'outbound',
    opts.outbound ?? new OutboundClient({ allow: allowList(config.outboundAllow, 'OUTBOUND_ALLOW') }),
  );

  installValidation(app);
  installErrorHandler(app);
  installJsonParser(app);
  await app.register(cookie);
  // Security headers on every answer and the CSRF guard on cookie writes: before every route
  // (a hook reaches only the routes registered after it) and after the cookie parser.
  // The base map's remote tile origins (天地图 …), which the web client's CSP must allow.
  const baseMap = new BaseMapState(database.db, opts.feed, (err) =>
    app.log.error({ err }, 'base map state reload failed'),
  );
  app.addHook('onReady', () => baseMap.start());
  app.addHook('onClose', async () => baseMap.stop());
  installWebSecurity(app, { sessionCookie: SESSION_COOKIE, mapOrigins: () => baseMap.remoteOrigins() });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: () => new AppError('RATE_LIMITED'),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'CityOps API — 智慧城管',
        version: '0.1.0',
        description:
          'Smart urban management platform. Errors: `{ "error": { "code", "message", "details" } }`; ' +
          'send `Accept-Language: en` for English messages (Chinese by default). Coordinates name their CRS.',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'Session token from /api/auth/login, or an API key (cok_…)',
          },
          cookie: { type: 'apiKey', in: 'cookie', name: 'cityops_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
  });
  // Swagger UI's own routes are public documentation pages.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs')) route.config = { ...(route.config ?? {}), public: true };
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });
  app.get(
    '/api/openapi.json',
    { config: { public: true, operation: 'openapi' }, schema: { hide: true } },
    async () => app.swagger(),
  );

  installAuth(app, opts.feed);
  // Feedback from a unit's own system (API key with case:unit_feedback) must be signed.
  installFeedbackSignature(app);
  installObservability(app, opts.feed, authenticateRequest);
  // What other modules do when the case loop writes an event: subscribers run in the event's
  // transaction (platform/subscribers.ts). Once per process; building another app changes nothing.
  registerOutboxSubscribers();
  registerNotificationSubscribers();
  registerCallbackSubscribers();
  registerClassifierSubscribers();

  await app.register(identityRoutes);
  await app.register(orgRoutes);
  await app.register(auditRoutes);
  await app.register(componentRoutes);
  await app.register(importRoutes);
  // Import jobs a dead process left running are failed at start (their lease ran out).
  installImportRecovery(app);
  const spatial =
    opts.spatial ??
    new SpatialService(database, {
      feed: opts.feed,
      onError: (err) => app.log.error({ err }, 'spatial index rebuild failed'),
    });
  app.decorate('spatial', spatial);
  app.addHook('onReady', () => spatial.start());
  app.addHook('onClose', async () => spatial.stop());
  await app.register(geoRoutes(spatial));
  const tiles = new TileService(database.db, spatial);
  await app.register(ogcRoutes(spatial, tiles));
  await app.register(catalogRoutes);
  await app.register(routingRoutes);
  await app.register(calendarRoutes({ feed: opts.feed }));
  await app.register(settingsRoutes({ feed: opts.feed }));
  await app.register(outboxRoutes);
  await app.register(caseRoutes(spatial));
  await app.register(classifierRoutes(spatial));
  // The classifier's seed texts are loaded and its model built before the first question.
  app.addHook('onReady', () => startClassifier(database.db));
  await app.register(centreRoutes);
  // One live stream, each module's topic on it (platform/live-stream.ts).
  await app.register(liveStreamRoutes(opts.feed, [caseLiveTopic, hotlineLiveTopic, gpsAlarmLiveTopic]));
  await app.register(notificationRoutes);
  await app.register(basemapRoutes(baseMap));
  // Open311 GeoReport v2: its own answers (XML or JSON, the spec's error shape) under its prefix.
  await app.register(open311Routes(spatial), { prefix: OPEN311_PREFIX });
  // This node's sensors: built here for their routes, run by main.ts (or a test) with `start`,
  // stopped when the app closes (before the database does).
  const sensors = new SensorRuntime(database, spatial, app.log, opts.feed);
  app.decorate('sensors', sensors);
  app.addHook('onClose', async () => sensors.close());
  await app.register(sensorRoutes(sensors, spatial));
  // GPS: the registry, tracks and the field app's positions; the node's last positions (the live
  // map's), shared with the JT/T 808 gateway's backend that main.ts starts.
  const gpsLive = new LastPositions();
  app.decorate('gpsLive', gpsLive);
  // The geofences' and terminals' alarms, evaluated on every stored batch (phones here, the
  // gateway's in main.ts).
  const gpsAlarms = new GpsAlarmEngine(database, { log: app.log, spatial, feed: opts.feed });
  app.decorate('gpsAlarms', gpsAlarms);
  app.addHook('onClose', async () => gpsAlarms.close());
  await app.register(gpsRoutes({ live: gpsLive, alarms: gpsAlarms }));
  await app.register(geofenceRoutes());
  // Team management: people, shifts, rosters, attendance, coverage (over the gps tracks).
  await app.register(teamsRoutes());
  // The public portal (/api/public): anonymous, throttled per address, reporting through intake.
  await app.register(portalRoutes(spatial, tiles));
  await app.register(hotlineRoutes(spatial));
  await app.register(callbackRoutes);
  await app.register(evaluationRoutes);
  await app.register(warningRoutes);
  await app.register(decisionRoutes);
  await app.register(opinionRoutes(spatial));

  const webDist = opts.webDist ?? WEB_DIST;
  const serveWeb = (opts.serveWeb ?? true) && fs.existsSync(path.join(webDist, 'index.html'));
  if (serveWeb) {
    // The built client (HTML, JS, CSS, images) is public: the login page must load before a session.
    // The onRoute hook is encapsulated in this plugin, so it marks only the static routes.
    await app.register(async (scope) => {
      scope.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), public: true, operation: 'web.static' };
      });
      await scope.register(fastifyStatic, {
        root: webDist,
        prefix: '/',
        wildcard: false,
        index: false,
        cacheControl: false,
        // Vite names everything under /assets by its content hash: cache it for good. Anything
        // else (sw.js, the manifest, icons) keeps its name across releases: revalidate each time.
        setHeaders(reply, filePath) {
          const rel = path.relative(webDist, filePath).split(path.sep).join('/');
          reply.header(
            'cache-control',
            rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      });
    });
  }
  let indexHtml: string | undefined;
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0];
    const isApi =
      url.startsWith('/api/') ||
      url === '/api' ||
      url.startsWith('/ogc') ||
      url.startsWith('/tiles') ||
      url.startsWith('/open311');
    // A hashed asset that is not there (a tab left open across a release asks for an old chunk)
    // is a 404, not the app's HTML: the client's dynamic import then fails and it reloads.
    const isAsset = url.startsWith('/assets/');
    if (!isApi && !isAsset && serveWeb && (request.method === 'GET' || request.method === 'HEAD')) {
      // The inspectors' app lives at /m/, its service worker's scope (/m would also take /map…).
      if (url === '/m') {
        const query = request.url.slice(url.length);
        return reply.header('cache-control', 'public, max-age=2592000').redirect(`/m/${query}`, 301);
      }
      // Client-side routes (/users, /audit …) all load the single-page app.
      indexHtml ??= fs.readFileSync(path.join(webDist, 'index.html'), 'utf8');
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
    }
    return renderError(
      request,
      reply,
      new AppError('ROUTE_NOT_FOUND', { details: [{ message: `${request.method} ${url}` }] }),
    );
  });
  return app;
}
