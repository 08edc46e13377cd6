/**
 * Demo responsibility rules. Every demo district gets its default rule (no type, area = the
 * district): the first demo unit of that district, or the city-level municipal facilities
 * centre where the district has none. Typed rules show how the most specific rule wins: every
 * manhole cover type of the catalogue goes to its owner in every district (water and drainage
 * to the water group, power and cable to the grid company, telecom, gas, police …; a septic-tank
 * cover to the district's sanitation unit where it has one), and 海曙's greenery goes to its
 * greening centre. Each rule is audited like an admin's change, so the
 * routing history starts with the seed.
 */
import { DEMO_DISTRICTS } from '../../common/identity.ts';
import { routeRule } from '../db-schema.ts';
import { findOrgByCode } from '../modules/org/index.ts';
import { recordEvent } from '../platform/audit.ts';
import type { RequestContext } from '../platform/context.ts';
import type { Db } from '../platform/db.ts';
import { DEMO_UNITS, demoOrgs } from './demo-orgs.ts';

interface SeedRule {
  districtCode: string;
  unitKey: string;
  matterCode?: string;
  matterMajor?: string;
  note: string;
}

/**
 * Who owns each manhole cover type of the catalogue (all its …井盖 component types; the matter
 * of the same code is that cover's anomaly): a unit key, or a function of the district for the
 * covers a district's own unit looks after where it has one.
 */
export const MANHOLE_OWNERS: Record<string, { name: string; unit: string | ((district: string) => string) }> =
  {
    '01001': { name: '供水井盖', unit: 'water' },
    '01002': { name: '污水井盖', unit: 'water' },
    '01003': { name: '雨水井盖', unit: 'water' },
    '01005': { name: '电力井盖', unit: 'power' },
    '01006': { name: '路灯井盖', unit: 'municipal' },
    '01007': { name: '通信井盖', unit: 'telecom' },
    '01008': { name: '电视井盖', unit: 'cable-tv' },
    '01009': { name: '网络井盖', unit: 'telecom' },
    '01010': { name: '热力井盖', unit: 'energy' },
    '01011': { name: '燃气井盖', unit: 'gas' },
    '01012': { name: '公安井盖', unit: 'police' },
    '01014': { name: '园林井盖', unit: (d) => (d === '330203' ? 'haishu-greening' : 'city-greening') },
    '01015': { name: '信号灯电源井盖', unit: 'traffic-police' },
    '01017': { name: '电缆井盖', unit: 'power' },
    '01018': {
      name: '化粪池井盖',
      unit: (d) =>
        DEMO_UNITS.find((u) => u.districtCode === d && u.key.endsWith('-sanitation'))?.key ??
        'city-sanitation',
    },
    '01019': { name: '中水井盖', unit: 'water' },
    '01020': { name: '公交井盖', unit: 'bus' },
    '01021': { name: '输油（气）井盖', unit: 'gas' },
    // Special and unknown covers: the city's facilities centre secures them and finds the owner.
    '01022': { name: '特殊井盖', unit: 'municipal' },
    '01023': { name: '不明井盖', unit: 'municipal' },
  };

export function demoRoutingRules(): SeedRule[] {
  const rules: SeedRule[] = [];
  for (const d of DEMO_DISTRICTS) {
    const own = DEMO_UNITS.find((u) => u.districtCode === d.code);
    rules.push({ districtCode: d.code, unitKey: own?.key ?? 'municipal', note: `${d.name}默认责任单位` });
    for (const [code, owner] of Object.entries(MANHOLE_OWNERS)) {
      const unitKey = typeof owner.unit === 'string' ? owner.unit : owner.unit(d.code);
      const unit = DEMO_UNITS.find((u) => u.key === unitKey)!;
      rules.push({
        districtCode: d.code,
        unitKey,
        matterCode: code,
        note: `${owner.name}由${unit.name}负责`,
      });
    }
  }
  rules.push({
    districtCode: '330203',
    unitKey: 'haishu-greening',
    matterMajor: '04',
    note: '海曙区园林绿化设施',
  });
  return rules;
}

export async function seedRouting(tx: Db, ctx: RequestContext): Promise<number> {
  const codeOf = new Map(demoOrgs().map((o) => [o.key, o.code]));
  for (const r of demoRoutingRules()) {
    const unit = await findOrgByCode(tx, codeOf.get(`unit-${r.unitKey}`)!);
    if (!unit) throw new Error(`demo unit missing: ${r.unitKey}`);
    const [row] = await tx
      .insert(routeRule)
      .values({
        matterCode: r.matterCode ?? null,
        matterMajor: r.matterMajor ?? null,
        areaLevel: 'district',
        areaCode: r.districtCode,
        districtCode: r.districtCode,
        unitId: unit.id,
        note: r.note,
      })
      .returning();
    await recordEvent(tx, ctx, {
      action: 'routing.rule.create',
      entityType: 'route_rule',
      entityId: row.id,
      districtCode: r.districtCode,
      after: { ...row, unitName: unit.name },
      reason: '演示数据初始化 / demo seed',
    });
  }
  return demoRoutingRules().length;
}
