/**
 * Public interface of the components module: the component catalogue and bulk writes the imports
 * module drives, the demo inventory, one component by its ID (a sensor's watched component), and
 * routes.
 */
export { knownComponentTypes } from './catalogue.ts';
export { generateDemoInventory, type SeedGrid } from './demo-inventory.ts';
export { componentTypesNear, type TypeNearby } from './nearby.ts';
export { componentWrite, districtInScope } from './policy.ts';
export { findComponent } from './repository.ts';
export { componentRoutes } from './routes.ts';
export type { ComponentState } from './schemas.ts';
export { type BulkComponent, existingComponentIds, insertComponentsBulk, maxSequences } from './service.ts';
