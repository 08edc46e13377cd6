/** Public interface of the org module: organisations (centres, units) as others read them, and routes. */
export { orgRead } from './policy.ts';
export { centreOf } from './repository.ts';
export { orgRoutes } from './routes.ts';
export { Org } from './schemas.ts';
export { findOrgByCode, findOrgById, toOrgDto } from './service.ts';
