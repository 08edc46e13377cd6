/**
 * Location bodies: 0x0200 (one report) and 0x0704 (a batch, normal or blind-area back-fill).
 *
 * 0x0200 = 28-byte basic block + additional items (protocols.md §4.4):
 *   alarm DWORD, status DWORD, lat DWORD, lng DWORD (degrees × 10⁶, unsigned: status bit 2 = south,
 *   bit 3 = west), altitude WORD (signed, as Traccar reads it: below sea level exists), speed WORD
 *   (0.1 km/h), direction WORD (0–359, north 0), time BCD[6] YYMMDDhhmmss in the terminal's zone.
 * Additional items are TLV (id BYTE, length BYTE, value). Known ids are decoded when their length
 * is the spec's; anything else — unknown, vendor (0xE0–0xFF) or a known id with an odd length — is
 * kept raw as hex under its id, never a failure. An item whose length runs past the body ends the
 * list (`truncated`), and the position still counts: the basic block is what matters.
 *
 * A bad basic block (short, impossible time, latitude over 90°) refuses the whole report: a
 * position with a wrong time or place is worse than none.
 */

import { type BcdTime, bcdTimeText, bcdTimeToDate, readBcdTime } from './bcd.ts';
import { BodyError, ByteReader, type Decoded, guard, type Jt808Reason, toHex } from './reader.ts';
import type { Jt808Position, Jt808Settings } from './types.ts';

export interface Jt808Extras {
  /** 0x01: odometer, km (sent in 0.1 km). */
  mileageKm?: number;
  /** 0x02: fuel gauge, L (sent in 0.1 L). */
  fuelL?: number;
  /** 0x03: speed from the tachograph function, km/h (sent in 0.1 km/h). */
  tachographSpeed?: number;
  /** 0x04: id of an alarm event that needs manual confirmation (from 1). */
  alarmEventId?: number;
  /** 0x11: overspeed detail — location type 0 none, 1 circle, 2 rectangle, 3 polygon, 4 road section. */
  overspeedAlarm?: { locationType: number; areaId?: number };
  /** 0x12: entering or leaving an area or route. */
  areaAlarm?: { locationType: number; areaId: number; direction: 'in' | 'out' };
  /** 0x13: road-section travel time too short or too long. */
  roadTimeAlarm?: { roadId: number; seconds: number; result: 'short' | 'long' };
  /** 0x25: extended vehicle signal bits (lights, brake, reverse, …). */
  extendedSignals?: number;
  /** 0x2A: IO status bits (0 deep sleep, 1 sleep). */
  io?: number;
  /** 0x2B: analogue inputs AD0 (bits 0–15) and AD1 (bits 16–31). */
  analog?: { ad0: number; ad1: number };
  /** 0x30: wireless network signal strength. */
  signalStrength?: number;
  /** 0x31: GNSS satellites used. */
  satellites?: number;
  /** Items not decoded above: value as hex by id (`0xe1`). A repeated id keeps its last value. */
  raw?: Record<string, string>;
  /** An item whose length ran past the body, at this offset of the body: the list ends there. */
  truncated?: { offset: number; id: number };
}

export interface Jt808Location {
  alarm: number;
  status: number;
  /** Signed degrees in the terminal's coordinate system (WGS84 or GCJ-02, its settings say). */
  latitude: number;
  longitude: number;
  /** Metres. */
  altitude: number;
  /** km/h. */
  speed: number;
  direction: number;
  time: BcdTime;
  extras: Jt808Extras;
}

export const BASIC_BLOCK = 28;

/** Status bits that change what the numbers mean. */
export const STATUS = { acc: 1 << 0, positioned: 1 << 1, south: 1 << 2, west: 1 << 3 } as const;

function decodeItem(id: number, v: Uint8Array, extras: Jt808Extras): boolean {
  const r = new ByteReader(v);
  const n = v.length;
  switch (id) {
    case 0x01:
      if (n !== 4) return false;
      extras.mileageKm = r.u32() / 10;
      return true;
    case 0x02:
      if (n !== 2) return false;
      extras.fuelL = r.u16() / 10;
      return true;
    case 0x03:
      if (n !== 2) return false;
      extras.tachographSpeed = r.u16() / 10;
      return true;
    case 0x04:
      if (n !== 2) return false;
      extras.alarmEventId = r.u16();
      return true;
    case 0x11: {
      if (n !== 1 && n !== 5) return false;
      const locationType = r.u8();
      extras.overspeedAlarm = n === 5 ? { locationType, areaId: r.u32() } : { locationType };
      return true;
    }
    case 0x12: {
      if (n !== 6) return false;
      const locationType = r.u8();
      const areaId = r.u32();
      const direction = r.u8();
      if (direction > 1) return false;
      extras.areaAlarm = { locationType, areaId, direction: direction === 0 ? 'in' : 'out' };
      return true;
    }
    case 0x13: {
      if (n !== 7) return false;
      const roadId = r.u32();
      const seconds = r.u16();
      const result = r.u8();
      if (result > 1) return false;
      extras.roadTimeAlarm = { roadId, seconds, result: result === 0 ? 'short' : 'long' };
      return true;
    }
    case 0x25:
      if (n !== 4) return false;
      extras.extendedSignals = r.u32();
      return true;
    case 0x2a:
      if (n !== 2) return false;
      extras.io = r.u16();
      return true;
    case 0x2b: {
      if (n !== 4) return false;
      const ad1 = r.u16();
      const ad0 = r.u16();
      extras.analog = { ad0, ad1 };
      return true;
    }
    case 0x30:
      if (n !== 1) return false;
      extras.signalStrength = r.u8();
      return true;
    case 0x31:
      if (n !== 1) return false;
      extras.satellites = r.u8();
      return true;
    default:
      return false;
  }
}

function readItems(r: ByteReader): Jt808Extras {
  const extras: Jt808Extras = {};
  while (r.remaining >= 2) {
    const offset = r.offset;
    const id = r.u8();
    const length = r.u8();
    if (length > r.remaining) {
      extras.truncated = { offset, id };
      break;
    }
    const value = r.bytes(length);
    if (!decodeItem(id, value, extras)) {
      extras.raw ??= {};
      extras.raw[`0x${id.toString(16).padStart(2, '0')}`] = toHex(value);
    }
  }
  // A single byte left over cannot be an item (id without length): note it like a cut item.
  if (r.remaining === 1 && !extras.truncated) extras.truncated = { offset: r.offset, id: r.u8() };
  return extras;
}

function readLocation(r: ByteReader): Jt808Location {
  if (r.remaining < BASIC_BLOCK)
    throw new BodyError('bad_body', `location needs ${BASIC_BLOCK} bytes, got ${r.remaining}`);
  const alarm = r.u32();
  const status = r.u32();
  const lat = r.u32();
  const lng = r.u32();
  if (lat > 90_000_000 || lng > 180_000_000) {
    throw new BodyError('bad_coordinates', `latitude ${lat / 1e6}, longitude ${lng / 1e6}`);
  }
  const altitude = r.i16();
  const speed = r.u16() / 10;
  const direction = r.u16();
  const time = readBcdTime(r.bytes(6));
  return {
    alarm,
    status,
    // `0 - x` would give -0 for 0 on the equator; a plain 0 compares and serialises as itself.
    latitude: status & STATUS.south && lat !== 0 ? -lat / 1e6 : lat / 1e6,
    longitude: status & STATUS.west && lng !== 0 ? -lng / 1e6 : lng / 1e6,
    altitude,
    speed,
    direction,
    time,
    extras: readItems(r),
  };
}

/** Decodes a 0x0200 body. */
export function decodeLocation(body: Uint8Array): Decoded<Jt808Location> {
  return guard(() => readLocation(new ByteReader(body)));
}

export interface Jt808Batch {
  /** 0 normal batch, 1 blind-area back-fill (others kept as sent). */
  type: number;
  /** The count the terminal declared. */
  count: number;
  /** Items that decoded, in the order sent. */
  locations: Jt808Location[];
  /** Items refused (1-based position in the batch), the others kept. */
  skipped: { item: number; reason: Jt808Reason; detail?: string }[];
  /** The body ended before `count` items (or an item's length ran past it). */
  truncated: boolean;
}

/** Decodes a 0x0704 body: count WORD, type BYTE, count × (length WORD + 0x0200 body). */
export function decodeBatch(body: Uint8Array): Decoded<Jt808Batch> {
  return guard(() => {
    const r = new ByteReader(body);
    const count = r.u16();
    const type = r.u8();
    const batch: Jt808Batch = { type, count, locations: [], skipped: [], truncated: false };
    for (let i = 1; i <= count; i++) {
      if (r.remaining < 2) {
        batch.truncated = true;
        break;
      }
      const length = r.u16();
      if (length > r.remaining) {
        batch.truncated = true;
        break;
      }
      const item = decodeLocation(r.bytes(length));
      if (item.ok) batch.locations.push(item.value);
      else batch.skipped.push({ item: i, reason: item.reason, detail: item.detail });
    }
    return batch;
  });
}

/** Alarm bits a terminal clears only once the platform answers (JT/T 808-2013 table 24, "收到应答后清零"). */
const ALARM_NEEDS_ANSWER_2013 =
  (1 << 0) | // emergency (SOS)
  (1 << 3) | // danger warning
  (1 << 20) | // in/out of area
  (1 << 21) | // in/out of route
  (1 << 22) | // road-section travel time
  (1 << 27) | // illegal ignition
  (1 << 28) | // illegal displacement
  (1 << 31); // illegal door opening
/** 2019 made bit 3 "dangerous driving behaviour", held until the condition ends. */
const ALARM_NEEDS_ANSWER_2019 = ALARM_NEEDS_ANSWER_2013 & ~(1 << 3);

/**
 * Whether a report's alarm carries a bit the terminal clears only on the platform's answer: such a
 * report is answered 0x8001 result 4 (alarm-handling confirmation) instead of 0.
 */
export function needsAlarmConfirmation(alarm: number, v2019: boolean): boolean {
  return (alarm & (v2019 ? ALARM_NEEDS_ANSWER_2019 : ALARM_NEEDS_ANSWER_2013)) >>> 0 !== 0;
}

/**
 * GCJ-02 → WGS84 as `[lng, lat]`. Passed in rather than imported: the gateway hands over the geo
 * module's `convertLngLat` (through its index.ts, the one door of a module), and the codec stays
 * free of any module, so simulators and benches load nothing but it.
 */
export type Gcj02ToWgs84 = (lng: number, lat: number) => [number, number];

/**
 * A decoded location as the backend receives it: time as a UTC instant from the terminal's offset,
 * coordinates in WGS84 (a GCJ-02 terminal's converted with `gcj02ToWgs84`).
 */
export function toPosition(
  loc: Jt808Location,
  settings: Jt808Settings,
  blindArea: boolean,
  gcj02ToWgs84: Gcj02ToWgs84,
): Jt808Position {
  const [lng, lat] =
    settings.crs === 'gcj02' ? gcj02ToWgs84(loc.longitude, loc.latitude) : [loc.longitude, loc.latitude];
  return {
    time: bcdTimeToDate(loc.time, settings.utcOffsetMinutes),
    deviceTime: bcdTimeText(loc.time),
    lat,
    lng,
    altitude: loc.altitude,
    speed: loc.speed,
    direction: loc.direction,
    alarm: loc.alarm,
    status: loc.status,
    positioned: (loc.status & STATUS.positioned) !== 0,
    blindArea,
    extras: loc.extras,
  };
}
