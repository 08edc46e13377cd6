/**
 * Demo responsibility rules. Every demo district gets its default rule (no type, area = the
 * district): the first demo unit of that district, or the city-level municipal facilities
 * centre where the district has none. A few typed rules show how the most specific rule wins:
 * water and power manhole covers go to the city's utilities in every district, and 海曙's
 * greenery goes to its greening centre. Each rule is audited like an admin's change, so the
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

export function demoRoutingRules(): SeedRule[] {
  const rules: SeedRule[] = [];
  for (const d of DEMO_DISTRICTS) {
    const own = DEMO_UNITS.find((u) => u.districtCode === d.code);
    rules.push({ districtCode: d.code, unitKey: own?.key ?? 'municipal', note: `${d.name}默认责任单位` });
    rules.push({
      districtCode: d.code,
      unitKey: 'water',
      matterCode: '01001',
      note: '供水井盖由水务集团负责',
    });
    rules.push({
      districtCode: d.code,
      unitKey: 'power',
      matterCode: '01005',
      note: '电力井盖由供电公司负责',
    });
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
