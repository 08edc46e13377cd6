/**
 * Who reads which lines of a ranking: the city every one; a district its own district's subjects
 * only — not a city-level unit's, whose line counts that unit's cases in every district (a review
 * found a district reading another district's record there, and its own drill-down contradicting it).
 */
import { describe, expect, it } from 'vitest';
import type { Actor, RequestContext } from '../../platform/context.ts';
import { visibleLines } from './rankings.ts';
import type { RankingLine } from './tables.ts';

const line = (subject: string, districtCode: string | null): RankingLine => ({
  subject,
  label: subject,
  districtCode,
  figures: [],
  items: [],
  score: null,
  grade: null,
  rank: null,
  previousRank: null,
  movement: null,
});
const ctx = (scope: Actor['scope']): RequestContext => ({
  actor: {
    type: 'user',
    id: 'u',
    name: 'u',
    orgId: null,
    roles: [],
    permissions: ['evaluation:read'],
    scope,
  },
  requestId: null,
  sourceIp: null,
  lang: 'zh',
});
const lines = [line('haishu-unit', '330203'), line('city-unit', null), line('jiangbei-unit', '330205')];

describe('the lines of a ranking a reader sees', () => {
  it('the city: every line', () => {
    expect(visibleLines(ctx({ kind: 'city' }), { lines }).map((l) => l.subject)).toEqual([
      'haishu-unit',
      'city-unit',
      'jiangbei-unit',
    ]);
  });
  it('a district: its own district’s subjects, not a city-level unit nor another district’s', () => {
    expect(
      visibleLines(ctx({ kind: 'district', districtCode: '330203' }), { lines }).map((l) => l.subject),
    ).toEqual(['haishu-unit']);
  });
});
