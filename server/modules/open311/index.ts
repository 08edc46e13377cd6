/**
 * Public interface of the open311 module: the GeoReport v2 server at `/open311/v2/` (routes, and
 * its error answer for failures the router meets before any route), and the GeoReport v2 client
 * the outbox forwards cases with.
 */

export {
  type ClientEnv,
  type GeoReportFormat,
  type GeoReportTarget,
  getRequest as getRemoteRequest,
  isClosedStatus,
  postRequest as postRemoteRequest,
  type RemoteRequest,
  resolveToken as resolveRemoteToken,
} from './client.ts';
export { sendOpen311Error } from './errors.ts';
export { OPEN311_PREFIX, open311Routes } from './routes.ts';
