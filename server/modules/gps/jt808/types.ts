/**
 * What the gateway hands to the data side and asks of it: `Jt808Backend`, injected into
 * `startJt808Gateway` so the gateway knows nothing of tables, the registry or NATS. The GPS
 * module implements it (registry lookups, the positions table); tests use an in-memory one.
 *
 * Terminal identity everywhere here is `terminalPhone`: the header's BCD phone/ID digits without
 * leading zeros (bcd.ts `terminalPhoneOf`), so one SIM is one terminal in 2013 and 2019 headers.
 */
import type { Jt808Extras } from './location.ts';

export interface Jt808Registration {
  terminalPhone: string;
  /** Which 0x0100 layout the body had (2011: model BYTE[8]; 2013: BYTE[20]; 2019: wider fields). */
  layout: '2011' | '2013' | '2019';
  province: number;
  city: number;
  maker: string;
  model: string;
  /** The terminal's own ID (终端ID), not the phone. */
  terminalId: string;
  /** 0 no plate (then `plate` is the VIN), 1 blue, 2 yellow, 3 black, 4 white, 5 green, 9 other. */
  plateColour: number;
  plate: string;
  /** The peer address, for the log. */
  remote: string;
}

export interface Jt808Settings {
  /** Minutes east of UTC of the terminal's clock; the spec's GMT+8 is 480. */
  utcOffsetMinutes: number;
  /** The coordinate system the terminal reports in; positions are converted to WGS84. */
  crs: 'wgs84' | 'gcj02';
}

export interface Jt808Position {
  /** UTC instant of the device time, read with the terminal's UTC offset. */
  time: Date;
  /** The device time as sent, `YYMMDDhhmmss`: with the terminal, an idempotency key for a position. */
  deviceTime: string;
  /** WGS84 degrees. */
  lat: number;
  lng: number;
  /** Metres. */
  altitude: number;
  /** km/h. */
  speed: number;
  /** 0–359, north 0 (as sent). */
  direction: number;
  /** Alarm bits (protocols.md §4.4): the backend decides which become platform alarms. */
  alarm: number;
  /** Status bits (ACC, positioned, south/west, load, doors, GNSS systems). */
  status: number;
  /** Status bit 1: the fix is valid. Unpositioned reports carry the last known or zero coordinates. */
  positioned: boolean;
  /** From a 0x0704 blind-area back-fill: recorded while out of coverage, arriving late. */
  blindArea: boolean;
  extras: Jt808Extras;
}

export type Jt808RegisterAnswer = { result: 0; authCode: string } | { result: 1 | 2 | 3 | 4 };

export interface Jt808Backend {
  /**
   * 0x0100: result 0 with an auth code, or 1 vehicle already registered, 2 vehicle not in the
   * database, 3 terminal already registered, 4 terminal not in the database (the registry).
   */
  register(reg: Jt808Registration): Promise<Jt808RegisterAnswer>;
  /** 0x0102: whether the code (and the IMEI, which 2019 terminals send) authenticates the terminal. */
  authenticate(terminalPhone: string, authCode: string, imei?: string): Promise<boolean>;
  /** Decoding settings of a terminal, read once per connection when it authenticates. */
  settings(terminalPhone: string): Promise<Jt808Settings>;
  /**
   * The decoded positions of one message (0x0200: one; 0x0704: those that decoded, in time order).
   * Resolves once they are stored: only then is 0x8001 result 0 (or 4) sent; a rejection answers
   * result 1 and the terminal sends them again.
   */
  positions(
    terminalPhone: string,
    items: Jt808Position[],
    meta: { messageId: number; serial: number; blindArea: boolean },
  ): Promise<void>;
  /** What happened that an operator may want to see: refused frames, failed backends, drops. */
  log(event: { level: 'info' | 'warn'; msg: string; terminalPhone?: string; remote?: string }): void;
}
