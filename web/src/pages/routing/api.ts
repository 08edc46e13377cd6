export const AREA_LEVELS = ['grid', 'community', 'township', 'district'] as const;
export const TYPE_LEVELS = ['matter', 'major', 'default'] as const;

export interface Rule {
  id: string;
  matterCode: string | null;
  matterMajor: string | null;
  matterName: string | null;
  typeLevel: (typeof TYPE_LEVELS)[number];
  areaLevel: (typeof AREA_LEVELS)[number];
  areaCode: string;
  districtCode: string;
  unitId: string;
  unitName: string | null;
  active: boolean;
  note: string | null;
  updatedAt: string;
  version: number;
}

export interface Resolution {
  unit: { id: string; name: string };
  rule: Rule;
  specificity: { area: string; type: string; rank: number };
  chain: { district: string; township: string; community: string; grid: string };
}

export interface HistoryEntry {
  id: number;
  at: string;
  action: string;
  ruleId: string | null;
  districtCode: string | null;
  actorName: string | null;
  reason: string | null;
  before: Partial<Rule> | null;
  after: Partial<Rule> | null;
}
