/**
 * Public interface of the org module: organisations (centres, units) as others read them — one by
 * one, or through the read-only relation for joins and scope columns (`orgRelation`) — and routes.
 */
export { orgRead } from './policy.ts';
export { type OrgRelationRow, orgRelation } from './relation.ts';
export { centreOf } from './repository.ts';
export { orgRoutes } from './routes.ts';
export { Org } from './schemas.ts';
export { findOrgByCode, findOrgById, toOrgDto } from './service.ts';
