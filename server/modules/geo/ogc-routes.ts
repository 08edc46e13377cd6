/**
 * `/ogc` (OGC API – Features) and `/tiles/{layer}/{z}/{x}/{y}.mvt` (Mapbox Vector Tiles): the
 * GIS shared service for other departments. A session or an API key with `geo:read` (the auth
 * hook handles both); components additionally need `component:read`.
 */
import type { FastifyRequest } from 'fastify';
import { type TSchema, Type } from 'typebox';
import { commonErrors, GeoJsonGeometry, StringEnum } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import * as ogc from './ogc-service.ts';
import type { SpatialService } from './spatial-service.ts';
import { MAX_ZOOM, TILE_LAYERS, type TileService } from './tiles.ts';

const F = Type.Optional(StringEnum(['json', 'geojson'] as const, 'response format (JSON only)'));
const FQuery = Type.Object({ f: F }, { additionalProperties: false });
// The documents of OGC API – Features Part 1 as ogc-service.ts builds them.
const Link = Type.Object({
  href: Type.String(),
  rel: Type.String(),
  type: Type.Optional(Type.String()),
  title: Type.Optional(Type.String()),
});
const Links = Type.Array(Link);
const LandingPage = Type.Object(
  { title: Type.String(), description: Type.String(), links: Links },
  { description: 'Landing page' },
);
const Collection = Type.Object(
  {
    id: StringEnum(ogc.COLLECTION_IDS),
    title: Type.String(),
    description: Type.String(),
    itemType: Type.String({ description: 'always `feature`' }),
    crs: Type.Array(Type.String()),
    extent: Type.Optional(
      Type.Object({
        spatial: Type.Object({ bbox: Type.Array(Type.Array(Type.Number())), crs: Type.String() }),
      }),
    ),
    links: Links,
  },
  { description: 'Collection' },
);
const Collections = Type.Object(
  { links: Links, collections: Type.Array(Collection) },
  { description: 'Collections' },
);
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** A feature's properties: one shape per kind of collection. */
const FeatureProperties = Type.Union([
  Type.Object(
    {
      id: Type.String(),
      areaClass: StringEnum(['A', 'B', 'C'] as const),
      communityCode: Type.String(),
      communityName: Nullable(Type.String()),
      townshipCode: Type.String(),
      districtCode: Type.String(),
      areaM2: Type.Number(),
      legacyId: Nullable(Type.String()),
      generated: Type.Boolean(),
    },
    { description: 'a unit grid (grids)' },
  ),
  Type.Object(
    {
      code: Type.String(),
      name: Type.String(),
      level: StringEnum(['district', 'township', 'community'] as const),
      parentCode: Nullable(Type.String()),
      generated: Type.Boolean(),
    },
    { description: 'a division (districts, townships, communities)' },
  ),
  Type.Object(
    {
      id: Type.String(),
      typeCode: Type.String(),
      name: Type.String(),
      state: Type.String(),
      gridId: Nullable(Type.String()),
      districtCode: Type.String(),
    },
    { description: 'a component (components)' },
  ),
]);
// ogc-service.ts reads geometries and properties from the database without narrowing them: the
// document says their shapes; the handlers' own types stay as loose as the rows they come from.
const FeatureFields = {
  type: Type.Literal('Feature'),
  id: Type.String(),
  geometry: Type.Unsafe<unknown>(GeoJsonGeometry),
  properties: Type.Unsafe<Record<string, unknown>>(FeatureProperties),
};
const FeatureCollection = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(Type.Object(FeatureFields)),
    numberMatched: Type.Integer(),
    numberReturned: Type.Integer(),
    timeStamp: Type.String({ format: 'date-time' }),
    links: Links,
  },
  { description: 'GeoJSON FeatureCollection (application/geo+json)' },
);
const Feature = Type.Object(
  { ...FeatureFields, links: Links },
  { description: 'GeoJSON Feature (application/geo+json)' },
);
const CollectionParams = Type.Object(
  { collectionId: Type.String({ maxLength: 64, description: ogc.COLLECTION_IDS.join(', ') }) },
  { additionalProperties: false },
);
const ItemParams = Type.Object(
  {
    collectionId: Type.String({ maxLength: 64 }),
    featureId: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);
const ItemsQuery = Type.Object(
  {
    f: F,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: ogc.MAX_LIMIT, default: 10 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000, default: 0 })),
    bbox: Type.Optional(
      Type.String({ maxLength: 200, description: 'west,south,east,north in CRS84 (WGS84 lng/lat)' }),
    ),
  },
  { additionalProperties: false },
);
const TileParams = Type.Object(
  {
    layer: StringEnum(TILE_LAYERS),
    z: Type.Integer({ minimum: 0, maximum: MAX_ZOOM }),
    x: Type.Integer({ minimum: 0 }),
    y: Type.String({ pattern: '^\\d{1,8}\\.mvt$', description: 'tile row followed by .mvt' }),
  },
  { additionalProperties: false },
);

const GEOJSON = 'application/geo+json';
const baseUrl = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
const tags = ['ogc'];

export function ogcRoutes(spatial: SpatialService, tiles: TileService) {
  return async (app: App) => {
    app.get(
      '/ogc',
      {
        config: { operation: 'ogc.landing' },
        schema: { tags, querystring: FQuery, response: { 200: LandingPage, ...commonErrors } },
      },
      (request) => ogc.landingPage(request.ctx, baseUrl(request)),
    );
    app.get(
      '/ogc/conformance',
      {
        config: { operation: 'ogc.conformance' },
        schema: {
          tags,
          querystring: FQuery,
          response: { 200: Type.Object({ conformsTo: Type.Array(Type.String()) }), ...commonErrors },
        },
      },
      (request) => ogc.conformance(request.ctx),
    );
    app.get(
      '/ogc/collections',
      {
        config: { operation: 'ogc.collections' },
        schema: { tags, querystring: FQuery, response: { 200: Collections, ...commonErrors } },
      },
      (request) => ogc.collections(app.db, request.ctx, baseUrl(request)),
    );
    app.get(
      '/ogc/collections/:collectionId',
      {
        config: { operation: 'ogc.collection' },
        schema: {
          tags,
          params: CollectionParams,
          querystring: FQuery,
          response: { 200: Collection, ...commonErrors },
        },
      },
      (request) => ogc.collection(app.db, request.ctx, baseUrl(request), request.params.collectionId),
    );
    app.get(
      '/ogc/collections/:collectionId/items',
      {
        config: { operation: 'ogc.items' },
        schema: {
          tags,
          params: CollectionParams,
          querystring: ItemsQuery,
          response: { 200: FeatureCollection, ...commonErrors },
        },
      },
      async (request, reply) => {
        const body = await ogc.items(
          app.db,
          spatial,
          request.ctx,
          baseUrl(request),
          request.params.collectionId,
          request.query,
        );
        return reply.type(GEOJSON).send(body);
      },
    );
    app.get(
      '/ogc/collections/:collectionId/items/:featureId',
      {
        config: { operation: 'ogc.item' },
        schema: {
          tags,
          params: ItemParams,
          querystring: FQuery,
          response: { 200: Feature, ...commonErrors },
        },
      },
      async (request, reply) => {
        const { collectionId, featureId } = request.params;
        const body = await ogc.item(app.db, spatial, request.ctx, baseUrl(request), collectionId, featureId);
        return reply.type(GEOJSON).send(body);
      },
    );
    app.get(
      '/tiles/:layer/:z/:x/:y',
      {
        config: { operation: 'tiles.get' },
        schema: {
          tags: ['tiles'],
          description:
            'Mapbox Vector Tile (`/tiles/{layer}/{z}/{x}/{y}.mvt`): grids from zoom 12, components from 14, ' +
            'divisions (with `level`) at every zoom. 204 when the tile is empty.',
          params: TileParams,
          response: {
            200: {
              description: 'the tile',
              content: {
                'application/vnd.mapbox-vector-tile': {
                  schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }),
                },
              },
            },
            204: Type.Null({ description: 'empty tile' }),
            ...commonErrors,
          },
        },
      },
      async (request, reply) => {
        const { layer, z, x } = request.params;
        const y = Number(request.params.y.slice(0, -4));
        const tile = await tiles.tile(request.ctx, layer, z, x, y);
        reply.header('cache-control', 'private, max-age=60');
        reply.header('x-tile-revision', spatial.tileRevision);
        if (!tile) return reply.status(204).send(null);
        return reply.type('application/vnd.mapbox-vector-tile').send(tile);
      },
    );
  };
}
