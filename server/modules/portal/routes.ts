/**
 * The public portal's API under /api/public: no session, no cookie (`config.public`). Each route
 * is throttled per source address (Fastify's `request.ip`, so TRUST_PROXY decides whom a proxy's
 * X-Forwarded-For names; IPv6 per /64) before its body is read: reports by PORTAL_REPORTS_PER_HOUR,
 * the rest by PORTAL_REQUESTS_PER_MINUTE (in memory, per node). The refusal is a 429 with
 * Retry-After and a sentence that says how long to wait.
 */
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../platform/errors.ts';
import { GeoJsonGeometry } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { PHOTO_HEADERS, type Spatial } from '../cases/index.ts';
import { PublicRanking, PublicRankingQuery, publicRankings } from '../evaluation/index.ts';
import type { SpatialService, TileService } from '../geo/index.ts';
import { FORM_LIMITS, readSubmission } from './multipart.ts';
import {
  LocateQuery,
  NearbyList,
  NearbyQuery,
  PhotoParams,
  PlaceQuery,
  PortalReportFields,
  type PortalReportFieldsT,
  PortalReportResult,
  PublicLocation,
  PublicMapInfo,
  PublicPlaces,
  PublicTrackView,
  PublicTypes,
  publicErrors,
  RatingBody,
  SuggestBody,
  SuggestResult,
  TileParams,
  TrackParams,
} from './schemas.ts';
import * as service from './service.ts';

const tags = ['portal'];
const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

/** How long to wait, said as people say it. */
function waitWords(seconds: number): { zh: string; en: string } {
  if (seconds < 90) return { zh: `${seconds} 秒`, en: `${seconds} seconds` };
  const minutes = Math.ceil(seconds / 60);
  return { zh: `${minutes} 分钟`, en: `${minutes} minutes` };
}

/** A route's throttle per source address, or none when its limit is 0. */
function throttle(max: number, timeWindow: number, what: 'reports' | 'requests') {
  if (max <= 0) return {};
  return {
    rateLimit: {
      max,
      timeWindow,
      ipv6Subnet: 64,
      errorResponseBuilder: (_req: FastifyRequest, ctx: { ttl: number }) => {
        const seconds = Math.max(1, Math.ceil(ctx.ttl / 1000));
        const wait = waitWords(seconds);
        return what === 'reports'
          ? new AppError('RATE_LIMITED', {
              zh: `您所在的网络提交上报过于频繁，请 ${wait.zh}后再试；紧急情况请拨打城管热线`,
              en: `Too many reports from your network; try again in ${wait.en}, or call the city hotline if it is urgent`,
              details: [{ message: `retry after ${seconds} s`, retryAfter: seconds }],
            })
          : new AppError('RATE_LIMITED', {
              zh: `请求过于频繁，请 ${wait.zh}后再试`,
              en: `Too many requests; try again in ${wait.en}`,
              details: [{ message: `retry after ${seconds} s`, retryAfter: seconds }],
            });
      },
    },
  };
}

const Outlines = Type.Object({
  type: Type.Literal('FeatureCollection'),
  crs: Type.Literal('wgs84'),
  source: Type.String(),
  license: Type.String(),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.String(),
      properties: Type.Object({ code: Type.String(), name: Type.String() }),
      geometry: GeoJsonGeometry,
    }),
  ),
});

export const portalRoutes = (spatial: SpatialService & Spatial, tiles: TileService) =>
  async function portalRoutesPlugin(app: App) {
    await app.register(multipart, { limits: FORM_LIMITS });
    const { config } = app;
    const reports = throttle(config.portalReportsPerHour, 3_600_000, 'reports');
    const reads = throttle(config.portalRequestsPerMinute, 60_000, 'requests');
    const checkFields = app.validatorCompiler!({
      schema: PortalReportFields,
      method: 'POST',
      url: '/api/public/reports',
      httpPart: 'body',
    });

    app.post(
      '/api/public/reports',
      {
        config: { public: true, operation: 'portal.report', ...reports },
        schema: {
          tags,
          summary: 'Report a problem as a member of the public / 市民上报',
          description:
            'multipart/form-data: `report` — JSON text of `PortalReportFields` (idempotencyKey, description, ' +
            `location with its CRS, optional address, matterCode and phone) — and up to ${FORM_LIMITS.files} ` +
            `\`photos\` files (JPEG, PNG, WebP or HEIF, at most ${FORM_LIMITS.fileSize / 1024 / 1024} MB each; ` +
            're-encoded, their metadata including GPS dropped). The report arrives at the district centre ' +
            'on the channel `web` and is verified on site before it can be filed. 201 with the tracking ' +
            'code; 200 when the idempotency key was seen before. 429 past the per-address or per-phone limit.',
          consumes: ['multipart/form-data'],
          response: { 200: PortalReportResult, 201: PortalReportResult, ...publicErrors },
        },
      },
      async (request, reply) => {
        const form = await readSubmission(request);
        if (!checkFields(form.report)) {
          // Rendered as any other body's validation failure (platform/http-errors.ts).
          throw Object.assign(new Error('report field invalid'), {
            validation: (checkFields as unknown as { errors: unknown[] }).errors,
            validationContext: 'body.report',
          });
        }
        const res = await service.submitReport(
          app.db,
          request.ctx,
          { dataDir: config.dataDir, spatial, perPhonePerDay: config.portalReportsPerPhonePerDay },
          form.report as PortalReportFieldsT,
          form.photos,
        );
        return reply.status(res.replayed ? 200 : 201).send(res);
      },
    );

    app.get(
      '/api/public/reports/:code',
      {
        config: { public: true, operation: 'portal.track', ...reads },
        schema: {
          tags,
          summary: 'Follow a report by its tracking code / 查询办理进度',
          description:
            'The public view of one report: its own words, place and photos, the public status and ' +
            'its steps with their times (never who acted or another reporter’s anything); the photos of ' +
            'the result and the satisfaction rating once it is resolved.',
          params: TrackParams,
          response: { 200: PublicTrackView, ...publicErrors },
        },
      },
      async (request, reply) => {
        const { view } = await service.trackReport(app.db, request.params.code);
        return reply.header('cache-control', 'no-store').send(view);
      },
    );

    app.post(
      '/api/public/reports/:code/rating',
      {
        config: { public: true, operation: 'portal.rate', ...reads },
        schema: {
          tags,
          summary: 'Rate a resolved report / 评价处理结果',
          description:
            'The tracking code is the right to rate: 满意 / 基本满意 / 不满意 with an optional note, once per ' +
            'closing of the case (409 after that; 422 before it is resolved). 不满意 may reopen the case ' +
            '(city setting `callback.reopenOnDissatisfied`). Answers the report’s view with the rating.',
          params: TrackParams,
          body: RatingBody,
          response: { 201: PublicTrackView, ...publicErrors },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await service.rateReport(app.db, request.ctx, request.params.code, request.body)),
    );

    for (const thumb of [false, true]) {
      app.get(
        thumb ? '/api/public/reports/:code/photos/:id/thumb' : '/api/public/reports/:code/photos/:id',
        {
          config: { public: true, operation: thumb ? 'portal.photo.thumb' : 'portal.photo', ...reads },
          schema: {
            tags,
            summary: thumb ? 'A photo’s thumbnail (WebP)' : 'A photo of the report or of its result',
            params: PhotoParams,
            response: {
              200: {
                description: thumb ? 'the thumbnail (WebP)' : 'the photo',
                content: Object.fromEntries(
                  (thumb ? ['image/webp'] : ['image/jpeg', 'image/png', 'image/webp']).map((mime) => [
                    mime,
                    { schema: Binary },
                  ]),
                ),
              },
              ...publicErrors,
            },
          },
        },
        async (request, reply) => {
          const { code, id } = request.params;
          const p = await service.trackedPhoto(app.db, config.dataDir, code, id, thumb);
          return reply
            .type(p.mime)
            .headers(PHOTO_HEADERS)
            .header('cache-control', 'private, max-age=3600')
            .send(p.data);
        },
      );
    }

    app.get(
      '/api/public/nearby',
      {
        config: { public: true, operation: 'portal.nearby', ...reads },
        schema: {
          tags,
          summary: 'Recent public reports near a point / 附近的问题',
          description:
            'Cases the public reported in the last 30 days within `radius` metres (≤ 3000) of a WGS84 ' +
            'point, newest first, at most `limit` (≤ 100): type, public status, dates and a position ' +
            'rounded to about 100 m. No words, photos or people.',
          querystring: NearbyQuery,
          response: { 200: NearbyList, ...publicErrors },
        },
      },
      (request) => service.nearbyReports(app.db, request.query),
    );

    app.get(
      '/api/public/rankings',
      {
        config: { public: true, operation: 'portal.rankings', ...reads },
        schema: {
          tags,
          summary: 'Published rankings of districts and units / 考核排名公示',
          description:
            'The newest published version of a period’s ranking (the newest period unless `from` names one), and ' +
            'the periods published. Names, scores, grades, ranks and movement; posts and grids are never public.',
          querystring: PublicRankingQuery,
          response: { 200: PublicRanking, ...publicErrors },
        },
      },
      (request) => publicRankings(app.db, request.query.subjectType, request.query.from),
    );

    app.get(
      '/api/public/types',
      {
        config: { public: true, operation: 'portal.types', ...reads },
        schema: {
          tags,
          summary: 'The kinds of problem one can report / 问题类型',
          description: 'The enabled matter types (GB/T 47678.5 and local ones) with their major classes.',
          response: { 200: PublicTypes, ...publicErrors },
        },
      },
      async () => {
        const t = await service.publicTypes(app.db);
        return { majors: t.majors, items: t.items };
      },
    );

    app.post(
      '/api/public/suggest',
      {
        config: { public: true, operation: 'portal.suggest', ...reads },
        schema: {
          tags,
          summary: 'Types suggested from a description / 根据描述推荐问题类型',
          body: SuggestBody,
          response: { 200: SuggestResult, ...publicErrors },
        },
      },
      (request) => service.suggestTypes(app.db, request.body),
    );

    app.get(
      '/api/public/places',
      {
        config: { public: true, operation: 'portal.places', ...reads },
        schema: {
          tags,
          summary: 'Address search / 地名地址搜索',
          description:
            'The gazetteer as the public reads it: name, kind, WGS84 point, district and community, and ' +
            'whether the point is inside the managed area (at most 8, nearer first with `near`).',
          querystring: PlaceQuery,
          response: { 200: PublicPlaces, ...publicErrors },
        },
      },
      (request) => service.placeSearch(app.db, spatial, request.query),
    );

    app.get(
      '/api/public/locate',
      {
        config: { public: true, operation: 'portal.locate', ...reads },
        schema: {
          tags,
          summary: 'Is a point inside the managed area? / 位置是否在受理范围内',
          description:
            'For the report form, before sending: the names of the district, township and community.',
          querystring: LocateQuery,
          response: { 200: PublicLocation, ...publicErrors },
        },
      },
      async (request) => service.locatePoint(spatial, request.query.lng, request.query.lat),
    );

    app.get(
      '/api/public/map',
      {
        config: { public: true, operation: 'portal.map', ...reads },
        schema: {
          tags,
          summary: 'The city’s extent for the public map',
          response: { 200: PublicMapInfo, ...publicErrors },
        },
      },
      () => service.mapInfo(app.db, spatial),
    );

    app.get(
      '/api/public/map/outlines',
      {
        config: { public: true, operation: 'portal.map.outlines', ...reads },
        schema: {
          tags,
          summary: 'The demo districts’ real outlines for the public map',
          response: { 200: Outlines, ...publicErrors },
        },
      },
      () => service.mapOutlines(app.db),
    );

    app.get(
      '/api/public/map/tiles/:z/:x/:y',
      {
        // Map tiles come by the dozen while a map moves: counted apart from the other reads.
        config: {
          public: true,
          operation: 'portal.map.tile',
          ...throttle(config.portalRequestsPerMinute * 10, 60_000, 'requests'),
        },
        schema: {
          tags,
          summary: 'Division tiles for the public map (`{y}.mvt`)',
          description:
            'Mapbox Vector Tile of districts, townships (zoom ≥ 10) and communities (≥ 12). 204 when empty.',
          params: TileParams,
          response: {
            200: {
              description: 'the tile',
              content: { 'application/vnd.mapbox-vector-tile': { schema: Binary } },
            },
            204: Type.Null({ description: 'empty tile' }),
            ...publicErrors,
          },
        },
      },
      async (request, reply) => {
        const { z, x } = request.params;
        const tile = await service.mapTile(tiles, z, x, Number(request.params.y.slice(0, -4)));
        reply.header('cache-control', 'public, max-age=300');
        if (!tile) return reply.status(204).send(null);
        return reply.type('application/vnd.mapbox-vector-tile').send(tile);
      },
    );
  };
