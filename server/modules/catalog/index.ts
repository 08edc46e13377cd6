/** Public interface of the catalog module: matter and component types, disposal standards, routes. */
export { isMatterMajor, referenceCatalogue } from './reference.ts';
export { catalogRoutes } from './routes.ts';
export { findCatalogType, listTypes, typesOfKind } from './service.ts';
export { defaultStandardFor } from './standard-defaults.ts';
export { getStandardById, getStandardForFiling } from './standards-service.ts';
export type { FilingCondition, TimeLimit } from './tables.ts';
