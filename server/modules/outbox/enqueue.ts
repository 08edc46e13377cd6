/**
 * The outbox side of a dispatch: when the unit a case goes to has an enabled endpoint, a delivery
 * row is written in the same transaction as the dispatch event, so the delivery exists exactly
 * when the dispatch committed. The worker (outbox/worker.ts) sends it.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { delivery, unitEndpoint } from './tables.ts';

export async function enqueueDelivery(
  tx: Db,
  eventId: number,
  orgId: string,
  caseId: string,
): Promise<boolean> {
  const [endpoint] = await tx
    .select({ orgId: unitEndpoint.orgId })
    .from(unitEndpoint)
    .where(and(eq(unitEndpoint.orgId, orgId), eq(unitEndpoint.enabled, true)));
  if (!endpoint) return false;
  await tx.insert(delivery).values({ eventId, orgId, caseId });
  return true;
}
