/**
 * Who may manage a unit's endpoint and its deliveries: holders of `endpoint:manage` within their
 * administrative reach — the city admin any unit, a district admin the units of its district, a
 * unit admin its own unit. Outside that reach a unit's endpoint does not exist (404).
 */
import type { Actor } from '../../platform/context.ts';
import { defineScope } from '../../platform/scope.ts';
import { orgRelation } from '../org/index.ts';

/** Over `org` (its read-only relation): only units have endpoints. */
export const endpointManage = defineScope({
  permission: 'endpoint:manage',
  columns: { id: orgRelation.id, kind: orgRelation.kind, districtCode: orgRelation.districtCode },
  city: { kind: 'unit' },
  district: (d) => ({ kind: 'unit', districtCode: d.districtCode }),
  unit: (u) => ({ kind: 'unit', id: u.orgId }),
});

export function requireEndpointManage(actor: Actor) {
  endpointManage.requirePermission(actor);
}
