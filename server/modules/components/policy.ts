/**
 * Components are the city's shared base data: everyone with component:read reads all of them.
 * Writing needs component:manage and the component's district in the actor's scope (the city
 * writes everywhere, a district centre in its district, a unit nowhere).
 */
import type { ScopeActor } from '../../platform/scope.ts';
import { defineScope } from '../../platform/scope.ts';
import { component } from './tables.ts';

export const componentRead = defineScope({
  permission: 'component:read',
  city: true,
  district: true,
  unit: true,
});

export const componentWrite = defineScope({
  permission: 'component:manage',
  columns: { districtCode: component.districtCode },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});

/** Whether the actor's scope covers a district (for writes and imports), whatever its permissions. */
export const districtInScope = (actor: ScopeActor, districtCode: string): boolean =>
  componentWrite.inScope(actor, { districtCode });
