/**
 * Public interface of the gps module (统一GPS监管, issue 12): the JT/T 808 terminal registry and
 * its routes, positions from terminals and staff phones (stored by UTC day in `gps_position`,
 * read back as tracks), the gateway's backend (`createJt808Backend`: what ./jt808/ calls), the
 * node's last positions for the live map, geofences and GPS alarms (`GpsAlarmEngine` evaluates
 * stored batches; `gpsAlarmLiveTopic` pushes alarms to the browser), the partitions' maintenance (main.ts), and the demo seed.
 */

export { GpsAlarmEngine } from './alarm-engine.ts';
export { gpsAlarmLiveTopic } from './alarm-service.ts';
export { type GpsGateway, type GpsGatewayOptions, startGpsGateway } from './gateway.ts';
export {
  type BackendStats,
  createJt808Backend,
  type Jt808Backend,
  type Jt808BackendOptions,
  type Jt808LogEvent,
  type Jt808PositionItem,
  type Jt808PositionMeta,
  type Jt808RegisterResult,
  type Jt808Registration,
} from './gateway-backend.ts';
export { geofenceRoutes } from './geofence-routes.ts';
/** The terminal's side of the codec (frames a JT/T 808 terminal sends): for the bench's simulator and tests, never the gateway. */
export * as jt808Terminal from './jt808/simulator.ts';
export { LastPositions, type LivePosition } from './live.ts';
export { maintainPositions, startGpsMaintenance } from './maintenance.ts';
export {
  decodePositions,
  ensurePositionStream,
  type GpsPositionStream,
  type PositionStreamNames,
  type PositionWriter,
  positionPublisher,
  positionStreamNames,
  startGpsPositionStream,
  startPositionWriter,
} from './position-stream.ts';
export { type GpsRouteOptions, gpsRoutes } from './routes.ts';
export { DEMO_TERMINALS, seedDemoGps } from './seed.ts';
