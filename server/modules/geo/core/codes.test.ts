import { describe, expect, it } from 'vitest';
import {
  buildComponentId,
  buildGridId,
  divisionChain,
  divisionLevel,
  gridMatchesCommunity,
  legacyGridIdToCanonical,
  normalizeDivisionCode,
  normalizeGridId,
  parentDivisionCode,
  parseComponentId,
  parseGridId,
} from './codes.ts';

describe('division codes', () => {
  it('levels by length', () => {
    expect(divisionLevel('330203')).toBe('district');
    expect(divisionLevel('330203001')).toBe('township');
    expect(divisionLevel('330203001001')).toBe('community');
    expect(divisionLevel('330200')).toBeNull(); // a city, not a district
    expect(divisionLevel('330203000')).toBeNull();
    expect(divisionLevel('33020300100')).toBeNull();
    expect(divisionLevel('33020300100x')).toBeNull();
  });
  it('normalises padded NBS forms and walks parents', () => {
    expect(normalizeDivisionCode('330203001000')).toBe('330203001');
    expect(normalizeDivisionCode('330203000000')).toBe('330203');
    expect(normalizeDivisionCode(' 330203001001 ')).toBe('330203001001');
    expect(parentDivisionCode('330203001001')).toBe('330203001');
    expect(parentDivisionCode('330203001')).toBe('330203');
    expect(parentDivisionCode('330203')).toBeNull();
    expect(divisionChain('330212001002')).toEqual({
      district: '330212',
      township: '330212001',
      community: '330212001002',
    });
  });
});

describe('grid IDs', () => {
  it('parses the 15-digit form', () => {
    expect(parseGridId('330203001002007')).toEqual({
      id: '330203001002007',
      district: '330203',
      township: '330203001',
      community: '330203001002',
      sequence: 7,
    });
    for (const bad of [
      '33020300100200',
      '3302030010020071',
      '330203001002000',
      '330203001000007',
      'A30203001002007',
    ]) {
      expect(parseGridId(bad)).toBeNull();
    }
  });
  it('builds and checks community consistency', () => {
    expect(buildGridId('330203001002', 7)).toBe('330203001002007');
    expect(buildGridId('330203001002', 999)).toBe('330203001002999');
    expect(() => buildGridId('330203001002', 0)).toThrow();
    expect(() => buildGridId('330203001002', 1000)).toThrow();
    expect(() => buildGridId('330203001', 1)).toThrow();
    expect(gridMatchesCommunity('330203001002007', '330203001002')).toBe(true);
    expect(gridMatchesCommunity('330203001003007', '330203001002')).toBe(false);
  });
  it('maps the legacy 14-digit form by zero-padding the 2-digit sequence', () => {
    expect(legacyGridIdToCanonical('33020300100207')).toBe('330203001002007');
    expect(normalizeGridId('33020300100299')).toBe('330203001002099');
    expect(normalizeGridId('330203001002007')).toBe('330203001002007');
    expect(normalizeGridId('33020300100200')).toBeNull();
    expect(normalizeGridId('3302030010020')).toBeNull();
  });
});

describe('component IDs', () => {
  it('parses 6 district + 5 type + 6 sequence', () => {
    expect(parseComponentId('33020301001000123')).toEqual({
      id: '33020301001000123',
      district: '330203',
      typeCode: '01001',
      major: '01',
      minor: '001',
      sequence: 123,
    });
    expect(buildComponentId('330203', '04002', 5)).toBe('33020304002000005');
    for (const bad of [
      '3302030100100012',
      '33020306001000123',
      '33020301000000123',
      '33020301001000000',
      '33020001001000001',
    ]) {
      expect(parseComponentId(bad)).toBeNull();
    }
    expect(() => buildComponentId('330203', '01001', 1_000_000)).toThrow();
  });
});
