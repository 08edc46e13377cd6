/**
 * This node's JT/T 808 gateway (`JT808_PORT`): the TCP server of ./jt808/ (framing, sessions,
 * answers) over the platform's data backend (gateway-backend.ts: registry, auth codes, positions).
 * The two were written against one contract with small differences of shape, reconciled here and
 * nowhere else:
 *
 * - the terminal's phone/ID: the gateway hands over its digits without leading zeros (one terminal
 *   whether its header is 2013's BCD[6] or 2019's BCD[10]); the registry keeps the canonical form
 *   (common/gps.ts `canonicalTerminalPhone`: 12 digits for a 2013 number, 20 for a 2019 ID) — the
 *   digits are padded back to 12 or 20 before that;
 * - positions: the gateway has already applied the terminal's clock and converted GCJ-02 to WGS84
 *   (from `settings()`), so no CRS is passed on; its `speed` is km/h; whether the fix was valid
 *   (status bit 1) and the device time as sent go into `extras`. A report with no fix at all
 *   (0, 0 for coordinates — what terminals send before their first fix, with or without the
 *   status bit) is not a position: it is not stored, and the message is still answered.
 */
import { canonicalTerminalPhone } from '../../../common/gps.ts';
import type { Db } from '../../platform/db.ts';
import type { EventFeed } from '../../platform/event-feed.ts';
import {
  type BackendLog,
  type BackendStats,
  createJt808Backend,
  type Jt808BackendOptions,
} from './gateway-backend.ts';
import {
  type Jt808Counters,
  type Jt808Gateway,
  type Jt808Backend as Jt808GatewayBackend,
  startJt808Gateway,
} from './jt808/index.ts';
import type { LastPositions } from './live.ts';
import type { PositionsObserver } from './store.ts';

/** The registry's form of the digits the gateway hands over (see above). */
export function registryPhoneOf(digits: string): string {
  const padded = digits.length <= 12 ? digits.padStart(12, '0') : digits.padStart(20, '0');
  return canonicalTerminalPhone(padded) ?? digits;
}

export interface GpsGatewayOptions {
  port: number;
  host?: string;
  log: BackendLog;
  live?: LastPositions;
  feed?: EventFeed;
  /** Evaluates stored positions against the geofences (app.gpsAlarms). */
  alarms?: PositionsObserver;
  /** Connections idle longer are closed (default 3 heartbeats of 60 s). */
  idleTimeoutMs?: number;
  /** With NATS: batches go to the position stream (position-stream.ts `positionPublisher`). */
  publish?: Jt808BackendOptions['publish'];
}

export interface GpsGateway {
  readonly port: number;
  counters(): Readonly<Jt808Counters>;
  stats(): Readonly<BackendStats>;
  close(): Promise<void>;
}

export async function startGpsGateway(database: { db: Db }, opts: GpsGatewayOptions): Promise<GpsGateway> {
  const data = createJt808Backend(database, {
    log: opts.log,
    live: opts.live,
    feed: opts.feed,
    publish: opts.publish,
    alarms: opts.alarms,
  });
  const backend: Jt808GatewayBackend = {
    async register(reg) {
      return data.register({
        terminalPhone: registryPhoneOf(reg.terminalPhone),
        version: reg.layout === '2019' ? 2019 : 2013,
        province: reg.province,
        city: reg.city,
        maker: reg.maker,
        model: reg.model,
        deviceId: reg.terminalId,
        plateColour: reg.plateColour,
        plate: reg.plate,
      });
    },
    authenticate: (phone, code, imei) => data.authenticate(registryPhoneOf(phone), code, imei),
    settings: (phone) => data.settings(registryPhoneOf(phone)),
    async positions(phone, items, meta) {
      // 0, 0 is what a terminal sends before its first fix, whatever its status bit says (the
      // tester's terminal set the bit and drew a line to the Gulf of Guinea): never a position.
      const fixes = items.filter((i) => i.lat !== 0 || i.lng !== 0);
      if (!fixes.length) return;
      await data.positions(
        registryPhoneOf(phone),
        fixes.map((i) => ({
          time: i.time,
          lat: i.lat,
          lng: i.lng,
          speedKmh: i.speed,
          direction: i.direction,
          altitude: i.altitude,
          alarm: i.alarm,
          status: i.status,
          extras: { ...i.extras, positioned: i.positioned, deviceTime: i.deviceTime },
        })),
        { messageId: meta.messageId, serial: meta.serial, blindArea: meta.blindArea },
      );
    },
    log: (event) => data.log(event),
  };
  const gateway: Jt808Gateway = await startJt808Gateway({
    port: opts.port,
    host: opts.host,
    backend,
    idleTimeoutMs: opts.idleTimeoutMs,
  });
  return {
    port: gateway.port,
    counters: () => gateway.counters(),
    stats: () => data.stats,
    async close() {
      await gateway.close();
      await data.close();
    },
  };
}
