/** Reading the audit trail: the city reads all; a district reads its district's events; a unit its own. */

import { event } from '../../platform/event-table.ts';
import { defineScope } from '../../platform/scope.ts';

export const auditRead = defineScope({
  permission: 'audit:read',
  columns: { districtCode: event.districtCode, actorOrgId: event.actorOrgId },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => ({ actorOrgId: u.orgId }),
});
