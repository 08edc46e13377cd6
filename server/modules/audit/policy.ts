/** Reading the audit trail: the city reads all; a district reads its district's events; a unit its own. */
import { eq, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/context.ts';
import { event } from './tables.ts';

export const canReadAudit = (actor: Actor) => actor.permissions.includes('audit:read');

export function auditScopeFilter(actor: Actor): SQL | undefined {
  const s = actor.scope;
  if (s.kind === 'city') return undefined;
  if (s.kind === 'district') return eq(event.districtCode, s.districtCode);
  return eq(event.actorOrgId, s.orgId);
}
