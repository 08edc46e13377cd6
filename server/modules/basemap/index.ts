/**
 * Public interface of the basemap module: the routes, the per-node state the web security
 * headers read (which remote tile origins the Content-Security-Policy allows), and the demo
 * seed's choice of the generated base map.
 */
export { basemapRoutes } from './routes.ts';
export { seedBaseMapChoice } from './service.ts';
export { BaseMapState } from './state.ts';
