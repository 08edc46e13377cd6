/**
 * Components are the city's shared base data: everyone with component:read reads all of them.
 * Writing needs component:manage and the component's district in the actor's scope (the city
 * writes everywhere, a district centre in its district, a unit nowhere).
 */
import type { Actor } from '../../platform/context.ts';

export function canReadComponents(actor: Actor): boolean {
  return actor.permissions.includes('component:read');
}

/** Whether the actor's scope covers a district (for writes and imports). */
export function districtInScope(actor: Actor, districtCode: string): boolean {
  const s = actor.scope;
  if (s.kind === 'city') return true;
  if (s.kind === 'district') return districtCode === s.districtCode;
  return false;
}

export function canManageComponent(actor: Actor, districtCode: string): boolean {
  return actor.permissions.includes('component:manage') && districtInScope(actor, districtCode);
}
