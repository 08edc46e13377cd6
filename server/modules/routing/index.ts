/** Public interface of the routing module: who is responsible for a matter at a place, and routes. */
export { pickRule, type RouteMatch, resolveRoute } from './resolve.ts';
export { routingRoutes } from './routes.ts';
export { Specificity } from './schemas.ts';
