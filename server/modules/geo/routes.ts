import { commonErrors } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { searchPlaces } from './places.ts';
import {
  DistrictOutlines,
  DivisionCodeParams,
  DivisionDetail,
  DivisionList,
  DivisionListQuery,
  GeoInfo,
  GridDetail,
  GridIdParams,
  GridList,
  GridListQuery,
  LookupQuery,
  LookupResult,
  PlaceSearchQuery,
  PlaceSearchResult,
} from './schemas.ts';
import * as service from './service.ts';
import type { SpatialService } from './spatial-service.ts';

/** `/api/geo/*`: the point lookup, grids, divisions, the gazetteer and the map summary (geo:read). */
export function geoRoutes(spatial: SpatialService) {
  return async (app: App) => {
    app.get(
      '/api/geo/lookup',
      {
        config: { operation: 'geo.lookup' },
        schema: {
          tags: ['geo'],
          description:
            'Point → unit grid, community, township, district (in memory). A point outside every grid ' +
            'answers 422 OUTSIDE_MANAGED_AREA. `crs` names the input system; `point` is always WGS84.',
          querystring: LookupQuery,
          response: { 200: LookupResult, ...commonErrors },
        },
      },
      (request) => service.lookup(spatial, request.ctx, request.query),
    );
    app.get(
      '/api/geo/grids',
      {
        config: { operation: 'geo.grids.list' },
        schema: { tags: ['geo'], querystring: GridListQuery, response: { 200: GridList, ...commonErrors } },
      },
      (request) => service.listGrids(app.db, request.ctx, request.query),
    );
    app.get(
      '/api/geo/grids/:id',
      {
        config: { operation: 'geo.grids.get' },
        schema: { tags: ['geo'], params: GridIdParams, response: { 200: GridDetail, ...commonErrors } },
      },
      (request) => service.getGrid(app.db, request.ctx, request.params.id),
    );
    app.get(
      '/api/geo/divisions',
      {
        config: { operation: 'geo.divisions.list' },
        schema: {
          tags: ['geo'],
          querystring: DivisionListQuery,
          response: { 200: DivisionList, ...commonErrors },
        },
      },
      (request) => service.listDivisions(app.db, request.ctx, request.query),
    );
    app.get(
      '/api/geo/divisions/:code',
      {
        config: { operation: 'geo.divisions.get' },
        schema: {
          tags: ['geo'],
          params: DivisionCodeParams,
          response: { 200: DivisionDetail, ...commonErrors },
        },
      },
      (request) => service.getDivision(app.db, request.ctx, request.params.code),
    );
    app.get(
      '/api/geo/places',
      {
        config: { operation: 'geo.places.search' },
        schema: {
          tags: ['geo'],
          description:
            'Address gazetteer search as you type: prefix and fuzzy (one wrong character still finds the place), ' +
            'ranked by similarity, prefix match and nearness to `near`; each hit with its grid, community, ' +
            'township and district. Points are WGS84.',
          querystring: PlaceSearchQuery,
          response: { 200: PlaceSearchResult, ...commonErrors },
        },
      },
      (request) => searchPlaces(app.db, spatial, request.ctx, request.query),
    );
    app.get(
      '/api/geo/outlines',
      {
        config: { operation: 'geo.outlines' },
        schema: {
          tags: ['geo'],
          description:
            "The real outlines of the demo city's districts (simplified; source and licence named), drawn " +
            'around the generated managed cores. Empty once real divisions are imported.',
          response: { 200: DistrictOutlines, ...commonErrors },
        },
      },
      (request) => service.outlines(app.db, request.ctx),
    );
    app.get(
      '/api/geo/info',
      {
        config: { operation: 'geo.info' },
        schema: { tags: ['geo'], response: { 200: GeoInfo, ...commonErrors } },
      },
      (request) => service.info(app.db, spatial, request.ctx),
    );
  };
}
