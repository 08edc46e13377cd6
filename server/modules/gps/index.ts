/**
 * Public interface of the gps module (统一GPS监管, issue 12): the JT/T 808 terminal registry and
 * its routes, positions from terminals and staff phones (stored by UTC day in `gps_position`,
 * read back as tracks), the gateway's backend (`createJt808Backend`: what ./jt808/ calls), the
 * node's last positions for the live map, geofences and GPS alarms (`GpsAlarmEngine` evaluates
 * stored batches; `gpsAlarmLiveTopic` pushes alarms to the browser), the partitions' maintenance (main.ts), and the demo seed.
 */

import { and, desc, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { track } from './repository.ts';
import { gpsPosition } from './tables.ts';

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

// For the teams module (队伍管理): a person's phone track and their newest positions. No scope
// check here: the caller (teams' policy) decides whose positions it reads.

/** A person's phone positions in [from, to), in time order, at most `limit`. */
export async function personTrack(db: Db, userId: string, from: Date, to: Date, limit = 20_000) {
  const rows = await track(db, { userId }, from, to, limit);
  return rows.map((r) => ({ time: r.time, lat: r.lat, lng: r.lng }));
}

/** Each person's newest phone position in [since, until]: the persons without one are missing. */
export async function newestPersonPositions(db: Db, userIds: readonly string[], since: Date, until: Date) {
  if (userIds.length === 0) return [];
  return db
    .selectDistinctOn([gpsPosition.userId], {
      userId: sql<string>`${gpsPosition.userId}`,
      time: gpsPosition.time,
      lat: gpsPosition.lat,
      lng: gpsPosition.lng,
    })
    .from(gpsPosition)
    .where(
      and(
        isNull(gpsPosition.terminalId),
        inArray(gpsPosition.userId, [...userIds]),
        sql`${gpsPosition.time} >= ${since.toISOString()}::timestamptz`,
        sql`${gpsPosition.time} <= ${until.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(gpsPosition.userId, desc(gpsPosition.time));
}
