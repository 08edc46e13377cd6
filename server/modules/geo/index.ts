/**
 * Public interface of the geo module: the city's divisions and grids (the point lookup through
 * SpatialService, the tiles, OGC and geo routes) and the pure geography every module shares:
 * codes, coordinate systems, areas, spatial index, topology checks, GeoJSON helpers, the demo city,
 * and the address gazetteer (places: the search route, its writes for the import and the seed).
 */
export { type BaseLayers, baseMapLayers } from './base-layers.ts';
export { geodesicArea } from './core/area.ts';
export {
  buildComponentId,
  divisionLevel,
  isCommunityCode,
  isDistrictCode,
  isGridId,
  isTownshipCode,
  LEGACY_GRID_ID_LENGTH,
  normalizeDivisionCode,
  normalizeGridId,
  parentDivisionCode,
  parseComponentId,
} from './core/codes.ts';
export {
  type Crs,
  convertLngLat,
  detectCrsFromPrj,
  type GeographicCrs,
  gaussKrugerZoneByEpsg,
  isGeographicCrs,
} from './core/crs.ts';
export {
  type DemoCity,
  type DemoCityOptions,
  DISTRICT_OUTLINES,
  generateDemoCity,
  mulberry32,
} from './core/demo-city.ts';
export {
  derivedPlaceId,
  gramsOf,
  MAX_PLACE_NAME,
  normalizeName,
  PLACE_KINDS,
  type PlaceKindName,
} from './core/gazetteer.ts';
export {
  allFinite,
  areaM2,
  type BBox,
  bboxOf as bboxOfGeometry,
  geometryToWgs84,
  haversineM,
  representativePoint,
} from './core/geojson.ts';
export { ningboDivisions } from './core/reference.ts';
export { GridIndex, pointInPolygon } from './core/spatial-index.ts';
export { checkCommunityGrids, type Feature, overlapArea, validateGeometry } from './core/topology.ts';
export { bboxOf, centroidOf } from './geometry.ts';
export { findGrid, type GridHit, gridAt, gridIndexForBbox } from './grid-lookup.ts';
export { ogcRoutes } from './ogc-routes.ts';
export { parseBbox } from './ogc-service.ts';
export { type PlaceMention, placesInText } from './place-mentions.ts';
export {
  type AddressPlace,
  applyStagedPlaces,
  dropStagedPlaces,
  existingPlaceIds,
  type PlaceWrite,
  placeById,
  placeForAddress,
  placeSearchSql,
  placesNamedIn,
  queryPlaces,
  searchPlaces,
  stagedPlaceJobs,
  stagePlaces,
  writePlaces,
} from './places.ts';
export { geoWrite } from './policy.ts';
export { geoRoutes } from './routes.ts';
export { info as geoInfo, outlines as districtOutlines } from './service.ts';
export { type LookupHit, SpatialService } from './spatial-service.ts';
export {
  type Area,
  type DivisionLevel,
  type DivisionWrite,
  deleteGridsOfCommunities,
  districtsExtent,
  divisionChildren,
  divisionNames,
  divisionsInBoxes,
  type GridWrite,
  gridsByIds,
  gridsInBoxes,
  gridsOfCommunities,
  type StoredDivision,
  type StoredGrid,
  storedDivisionCodes,
  storedDivisions,
  writeDivisions,
  writeGrids,
} from './store.ts';
export type { GeoJsonGeometry } from './tables.ts';
export { TileService } from './tiles.ts';
