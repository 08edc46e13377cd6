/**
 * The demo's GPS side: auto-registration on (`gps.autoRegister`: any JT/T 808 terminal or
 * simulator that registers is taken into the registry), and a few generated terminals (flagged
 * `generated`, noted 演示) in three districts — enforcement cars of the centres, the sanitation
 * units' trucks and a sprinkler, a muck truck — so the registry and the live map have vehicles
 * before any device connects. Their phone/IDs are 013 + the district code + a number, so a
 * simulator can register as them. Deterministic; audited like a registration by hand.
 */
import { eq } from 'drizzle-orm';
import type { GpsTerminalKind } from '../../../common/gps.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { orgRelation } from '../org/index.ts';
import { getSettingRecord, writeSetting } from '../settings/index.ts';
import { newAuthCode, toTerminalDto } from './service.ts';
import { gpsTerminal } from './tables.ts';

interface DemoTerminal {
  phone: string;
  plate: string;
  kind: GpsTerminalKind;
  org: string;
}

export const DEMO_TERMINALS: readonly DemoTerminal[] = [
  { phone: '013330203001', plate: '浙B03001', kind: 'enforcement_car', org: '海曙区智慧城管中心' },
  { phone: '013330203002', plate: '浙B03002', kind: 'sanitation_truck', org: '海曙区环境卫生管理处' },
  { phone: '013330203003', plate: '浙B03003', kind: 'sprinkler', org: '海曙区环境卫生管理处' },
  { phone: '013330205001', plate: '浙B05001', kind: 'enforcement_car', org: '江北区智慧城管中心' },
  { phone: '013330205002', plate: '浙B05002', kind: 'sanitation_truck', org: '江北区环境卫生管理处' },
  { phone: '013330212001', plate: '浙B12001', kind: 'enforcement_car', org: '鄞州区综合行政执法局' },
  { phone: '013330212002', plate: '浙B12002', kind: 'muck_truck', org: '鄞州区智慧城管中心' },
];

/** Turns auto-registration on and writes the demo terminals; returns how many terminals. */
export async function seedDemoGps(tx: Db, ctx: RequestContext): Promise<number> {
  const current = await getSettingRecord(tx, 'gps.autoRegister');
  if (current.value !== true) {
    await writeSetting(tx, ctx, 'gps.autoRegister', true, current.version, {
      reason: '演示环境：模拟终端注册即登记 / demo: simulated terminals are registered as they connect',
    });
  }
  let n = 0;
  for (const d of DEMO_TERMINALS) {
    const [o] = await tx.select().from(orgRelation).where(eq(orgRelation.name, d.org));
    if (!o) continue;
    const [row] = await tx
      .insert(gpsTerminal)
      .values({
        terminalPhone: d.phone,
        plate: d.plate,
        plateColour: d.kind === 'enforcement_car' ? 1 : 2,
        kind: d.kind,
        orgId: o.id,
        districtCode: o.districtCode,
        authCode: newAuthCode(),
        generated: true,
        note: '演示数据 / generated demo terminal',
      })
      .onConflictDoNothing()
      .returning();
    if (!row) continue;
    n++;
    await recordEvent(tx, ctx, {
      action: 'gps.terminal.create',
      entityType: 'gps_terminal',
      entityId: row.id,
      districtCode: row.districtCode,
      after: toTerminalDto(row, o.name),
    });
  }
  return n;
}
