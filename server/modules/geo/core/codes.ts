/**
 * Identifier rules for divisions, unit grids and component instances (domain.md §3, §4).
 *
 * Pure string logic, no I/O: importers, services and the demo-city generator all go through
 * these functions so that one rule decides what a valid code is.
 *
 * - Division codes (NBS statistical codes, first 6 digits = GB/T 2260):
 *   district 6 digits, township 9 digits (6 + 3), community 12 digits (9 + 3).
 *   NBS also writes townships in a 12-digit form ending in "000" (`code12` in the reference
 *   data); `normalizeDivisionCode` folds that back to 9 digits.
 * - Unit grid ID: 15 digits = 6 district + 3 township + 3 community + 3 sequence.
 *   Legacy 14-digit form = 6 + 3 + 3 + 2 (two-digit sequence).
 * - Component instance ID: 17 digits = 6 district + 5 type (2 major + 3 minor) + 6 sequence.
 */

export type DivisionLevel = 'district' | 'township' | 'community';

const DIGITS = /^\d+$/;

function isDigits(s: string, length: number): boolean {
  return s.length === length && DIGITS.test(s);
}

/**
 * A 6-digit district code. GB/T 2260 district/county codes never end in "00" (that suffix
 * means a prefecture-level city such as 宁波市 330200), and the province part starts at 11.
 */
export function isDistrictCode(code: string): boolean {
  return isDigits(code, 6) && Number(code.slice(0, 2)) >= 11 && !code.endsWith('00');
}

/**
 * Township (街道/镇/乡) 9 digits: a district code plus 001–999. "000" would denote the district
 * itself, so it is rejected here.
 */
export function isTownshipCode(code: string): boolean {
  return isDigits(code, 9) && isDistrictCode(code.slice(0, 6)) && code.slice(6) !== '000';
}

/** Community/village (社区/村) 12 digits: a township code plus 001–999. */
export function isCommunityCode(code: string): boolean {
  return isDigits(code, 12) && isTownshipCode(code.slice(0, 9)) && code.slice(9) !== '000';
}

/**
 * Level of a division code by its length (6 / 9 / 12), after validating it; null when it is
 * not a valid district, township or community code. Use `normalizeDivisionCode` first to
 * accept the 12-digit township form.
 */
export function divisionLevel(code: string): DivisionLevel | null {
  if (isDistrictCode(code)) return 'district';
  if (isTownshipCode(code)) return 'township';
  if (isCommunityCode(code)) return 'community';
  return null;
}

/**
 * Fold NBS padded forms to the short form: a 12-digit code ending "000" is a township
 * ("330203001000" → "330203001"), a 12-digit code ending "000000" or a 9-digit code ending
 * "000" is a district. Returns null when the result is still not a valid division code.
 */
export function normalizeDivisionCode(code: string): string | null {
  let c = code.trim();
  if (c.length === 12 && c.endsWith('000')) c = c.slice(0, 9);
  if (c.length === 9 && c.endsWith('000')) c = c.slice(0, 6);
  return divisionLevel(c) ? c : null;
}

/** Parent division (community → township → district); null for a district or an invalid code. */
export function parentDivisionCode(code: string): string | null {
  const level = divisionLevel(code);
  if (level === 'community') return code.slice(0, 9);
  if (level === 'township') return code.slice(0, 6);
  return null;
}

/** The chain district → township → community of a community code, or null if invalid. */
export function divisionChain(
  communityCode: string,
): { district: string; township: string; community: string } | null {
  if (!isCommunityCode(communityCode)) return null;
  return {
    district: communityCode.slice(0, 6),
    township: communityCode.slice(0, 9),
    community: communityCode,
  };
}

// ---------------------------------------------------------------------------------------
// Unit grids (单元网格)

export const GRID_ID_LENGTH = 15;
export const LEGACY_GRID_ID_LENGTH = 14;
export const MAX_GRID_SEQUENCE = 999;

export interface GridIdParts {
  /** Canonical 15-digit form. */
  id: string;
  district: string;
  township: string;
  community: string;
  /** 1–999, numbered west→east then north→south inside the community. */
  sequence: number;
}

/**
 * Parse a canonical 15-digit grid ID. Returns null when it is not 15 digits, when its first
 * 12 digits are not a valid community code, or when the sequence is 000.
 */
export function parseGridId(id: string): GridIdParts | null {
  if (!isDigits(id, GRID_ID_LENGTH)) return null;
  const community = id.slice(0, 12);
  if (!isCommunityCode(community)) return null;
  const sequence = Number(id.slice(12));
  if (sequence < 1) return null;
  return { id, district: id.slice(0, 6), township: id.slice(0, 9), community, sequence };
}

export function isGridId(id: string): boolean {
  return parseGridId(id) !== null;
}

/**
 * Legacy → canonical mapping rule: the 14-digit form is 6 + 3 + 3 + 2, so the first 12 digits
 * (the community) are kept and the 2-digit sequence is left-padded with one zero:
 * `330203001001` + `07` → `330203001001` + `007`. The sequence value is unchanged, so the
 * west→east, north→south numbering of the old data survives; legacy data can only hold 1–99.
 */
export function legacyGridIdToCanonical(legacyId: string): string | null {
  if (!isDigits(legacyId, LEGACY_GRID_ID_LENGTH)) return null;
  const id = `${legacyId.slice(0, 12)}0${legacyId.slice(12)}`;
  return isGridId(id) ? id : null;
}

/**
 * Accept either form (15 canonical, 14 legacy) and return the canonical 15-digit ID, or null.
 * Surrounding whitespace is trimmed because spreadsheets and DBF files often pad fields.
 */
export function normalizeGridId(id: string): string | null {
  const s = id.trim();
  if (s.length === GRID_ID_LENGTH) return isGridId(s) ? s : null;
  if (s.length === LEGACY_GRID_ID_LENGTH) return legacyGridIdToCanonical(s);
  return null;
}

/** Build a canonical grid ID from its community and a sequence 1–999; throws on bad input. */
export function buildGridId(communityCode: string, sequence: number): string {
  if (!isCommunityCode(communityCode)) throw new RangeError(`invalid community code: ${communityCode}`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > MAX_GRID_SEQUENCE) {
    throw new RangeError(`grid sequence out of range 1..${MAX_GRID_SEQUENCE}: ${sequence}`);
  }
  return communityCode + String(sequence).padStart(3, '0');
}

/** True when the grid ID is valid and lies in the given community (its first 12 digits). */
export function gridMatchesCommunity(gridId: string, communityCode: string): boolean {
  const parts = parseGridId(gridId);
  return parts !== null && parts.community === communityCode;
}

// ---------------------------------------------------------------------------------------
// Component instances (部件), GB/T 47678.5

export const COMPONENT_ID_LENGTH = 17;

export interface ComponentIdParts {
  id: string;
  district: string;
  /** 5-digit type code, 2 major + 3 minor (e.g. 01001 供水井盖). */
  typeCode: string;
  /** Component majors are 01–05 (市政公用/交通/市容环卫/园林绿化/其他). */
  major: string;
  minor: string;
  /** 1–999999. */
  sequence: number;
}

/**
 * Parse a 17-digit component ID. The type's major must be a component major (01–05) and
 * neither minor nor sequence may be zero. Whether the type exists in the catalogue is the
 * catalog module's question, not this function's.
 */
export function parseComponentId(id: string): ComponentIdParts | null {
  if (!isDigits(id, COMPONENT_ID_LENGTH)) return null;
  const district = id.slice(0, 6);
  if (!isDistrictCode(district)) return null;
  const typeCode = id.slice(6, 11);
  const major = typeCode.slice(0, 2);
  const minor = typeCode.slice(2);
  const majorN = Number(major);
  if (majorN < 1 || majorN > 5 || minor === '000') return null;
  const sequence = Number(id.slice(11));
  if (sequence < 1) return null;
  return { id, district, typeCode, major, minor, sequence };
}

export function isComponentId(id: string): boolean {
  return parseComponentId(id) !== null;
}

export function buildComponentId(districtCode: string, typeCode: string, sequence: number): string {
  const id = districtCode + typeCode + String(sequence).padStart(6, '0');
  if (!Number.isInteger(sequence) || sequence > 999_999 || !isComponentId(id)) {
    throw new RangeError(`invalid component ID parts: ${districtCode} ${typeCode} ${sequence}`);
  }
  return id;
}
