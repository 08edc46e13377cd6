/**
 * Public interface of the portal module: the public portal's API under /api/public (reporting,
 * following a report by its tracking code, rating it, recent reports nearby, and the shared data
 * its pages read). The pages themselves are the web client's /public/.
 */
export { portalRoutes } from './routes.ts';
