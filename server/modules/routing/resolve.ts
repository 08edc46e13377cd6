/**
 * "Who is responsible for this matter type at this grid?"
 *
 * The grid's chain comes from its 15-character ID: district = first 6, township = first 9,
 * community = first 12, grid = all 15. Among the active rules on that chain whose type is the
 * matter code, the matter's major class (first 2 digits) or none (default), the most specific
 * wins, ordered by:
 *   1. area specificity first: grid > community > township > district;
 *   2. then type specificity: matter code > major class > default.
 * So a grid's default rule beats a district's rule for the exact matter code (the territory
 * decides first, 属地为主), and inside one area the exact type beats its class. The rank is
 * `areaIndex × 3 + typeIndex` (0 = grid + matter code … 11 = district default). Two active rules
 * with the same key cannot exist (creating one answers 409), so there is no tie; should data
 * ever hold one, the older rule (created first, then lower id) wins, deterministically.
 */
import type { Db } from '../../platform/db.ts';
import { type AreaLevel, candidateRules, type RuleRow } from './repository.ts';

export const AREA_ORDER: readonly AreaLevel[] = ['grid', 'community', 'township', 'district'];
export const TYPE_ORDER = ['matter', 'major', 'default'] as const;
export type TypeLevel = (typeof TYPE_ORDER)[number];

export function typeLevelOf(r: Pick<RuleRow, 'matterCode' | 'matterMajor'>): TypeLevel {
  if (r.matterCode) return 'matter';
  if (r.matterMajor) return 'major';
  return 'default';
}

export interface GridChain {
  district: string;
  township: string;
  community: string;
  grid: string;
}

export function chainOfGrid(gridId: string): GridChain {
  return {
    district: gridId.slice(0, 6),
    township: gridId.slice(0, 9),
    community: gridId.slice(0, 12),
    grid: gridId,
  };
}

export interface Specificity {
  area: AreaLevel;
  type: TypeLevel;
  rank: number;
}

export function specificityOf(r: Pick<RuleRow, 'areaLevel' | 'matterCode' | 'matterMajor'>): Specificity {
  const type = typeLevelOf(r);
  return { area: r.areaLevel, type, rank: AREA_ORDER.indexOf(r.areaLevel) * 3 + TYPE_ORDER.indexOf(type) };
}

/** The winning rule among candidates already known to match the chain and the type. */
export function pickRule<R extends RuleRow>(candidates: R[], chain: GridChain): R | undefined {
  const onChain = candidates.filter((r) => chain[r.areaLevel] === r.areaCode);
  return onChain.sort(
    (a, b) =>
      specificityOf(a).rank - specificityOf(b).rank ||
      a.createdAt.getTime() - b.createdAt.getTime() ||
      a.id.localeCompare(b.id),
  )[0];
}

export interface RouteMatch {
  rule: RuleRow;
  unitId: string;
  specificity: Specificity;
  chain: GridChain;
}

/**
 * For the case loop: the responsible unit of a matter type at a grid, or null when no rule
 * matches (the case then goes to the city centre for coordination, 上报市级协调). No permission
 * check: the caller decides who may ask. The grid ID must be a valid 15-character ID.
 */
export async function resolveRoute(
  db: Db,
  input: { matterCode: string; gridId: string },
): Promise<RouteMatch | null> {
  const chain = chainOfGrid(input.gridId);
  const rows = await candidateRules(
    db,
    [chain.grid, chain.community, chain.township, chain.district],
    input.matterCode,
    input.matterCode.slice(0, 2),
  );
  const rule = pickRule(rows, chain);
  return rule ? { rule, unitId: rule.unitId, specificity: specificityOf(rule), chain } : null;
}
