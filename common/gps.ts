/**
 * Unified GPS supervision's shared words (统一GPS监管): the kinds of vehicle a JT/T 808 terminal
 * rides in, the plate colours of the protocol, how a terminal's phone/ID is written, the
 * coordinate systems a terminal may report in, and where a position comes from. Pure data, shared
 * by the server (the registry, the positions' API, the gateway's backend) and the web client
 * (labels, the live map's colours).
 */

/** What carries a terminal, with its names; the list is defined here once. */
export const GPS_TERMINAL_KINDS = [
  { code: 'enforcement_car', zh: '执法车', en: 'Enforcement car' },
  { code: 'sanitation_truck', zh: '环卫车', en: 'Sanitation truck' },
  { code: 'muck_truck', zh: '渣土车', en: 'Muck truck' },
  { code: 'sprinkler', zh: '洒水车', en: 'Sprinkler' },
  { code: 'patrol_bike', zh: '巡逻车（两轮）', en: 'Patrol bike' },
  { code: 'other', zh: '其他', en: 'Other' },
] as const;
export type GpsTerminalKind = (typeof GPS_TERMINAL_KINDS)[number]['code'];
export const GPS_TERMINAL_KIND_CODES = GPS_TERMINAL_KINDS.map((k) => k.code) as readonly GpsTerminalKind[];

/**
 * Plate colours as JT/T 808 carries them in the registration (0x0100, after JT/T 697.7): 0 for a
 * vehicle without a plate. A terminal that announces another value is stored as 9 (other).
 */
export const PLATE_COLOURS = [
  { code: 0, zh: '未上牌', en: 'No plate' },
  { code: 1, zh: '蓝色', en: 'Blue' },
  { code: 2, zh: '黄色', en: 'Yellow' },
  { code: 3, zh: '黑色', en: 'Black' },
  { code: 4, zh: '白色', en: 'White' },
  { code: 9, zh: '其他', en: 'Other' },
] as const;
export type PlateColour = (typeof PLATE_COLOURS)[number]['code'];
export const PLATE_COLOUR_CODES = PLATE_COLOURS.map((c) => c.code) as readonly PlateColour[];

/** The coordinate systems a terminal or a phone may report in; stored positions are always WGS84. */
export const GPS_CRS = ['wgs84', 'gcj02'] as const;
export type GpsCrs = (typeof GPS_CRS)[number];

/** Where a stored position came from: a JT/T 808 terminal, or a staff member's phone (the field app). */
export const POSITION_SOURCES = ['jt808', 'phone'] as const;
export type PositionSource = (typeof POSITION_SOURCES)[number];

/**
 * A terminal's phone/ID as the registry accepts it: digits only, 11 or 12 (JT/T 808-2013 carries
 * the SIM number as BCD[6], 12 digits, an 11-digit mobile number left-padded with 0) or 20
 * (JT/T 808-2019's BCD[10]).
 */
export const TERMINAL_PHONE_PATTERN = '^(\\d{11,12}|\\d{20})$';
const TERMINAL_PHONE = new RegExp(TERMINAL_PHONE_PATTERN);

/**
 * The one form a terminal's phone/ID is stored and looked up in, whatever version it speaks:
 * an 11-digit number gets the leading 0 the 2013 header gives it, and a 2019 ID that is a 2013
 * number left-padded with eight zeros is that number — so a terminal upgraded from 2013 to 2019
 * firmware (or registered by hand with its SIM number) stays one terminal. Null when not a
 * terminal phone/ID at all.
 */
export function canonicalTerminalPhone(raw: string): string | null {
  if (typeof raw !== 'string' || raw.length > 20 || !TERMINAL_PHONE.test(raw)) return null;
  if (raw.length === 11) return `0${raw}`;
  if (raw.length === 20 && raw.startsWith('00000000')) return raw.slice(8);
  return raw;
}

/** UTC offsets a terminal's clock may keep (minutes east of UTC; JT/T 808 says GMT+8). */
export const DEFAULT_UTC_OFFSET_MINUTES = 480;
export const MIN_UTC_OFFSET_MINUTES = -720;
export const MAX_UTC_OFFSET_MINUTES = 840;
