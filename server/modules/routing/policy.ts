/**
 * Who may see and change responsibility rules. The city reads and changes all; a district's
 * staff read their district's rules and its admins change them (anything outside answers 404
 * as if it did not exist); a unit reads the rules that route work to it and changes none.
 *
 * Every path that shows a rule — the list, the rule page, its history and the answer to "who is
 * responsible here?" — asks `ruleRead`, so none of them shows a unit a rule the others hide.
 */

import { event } from '../../platform/event-table.ts';
import { defineScope } from '../../platform/scope.ts';
import { routeRule } from './tables.ts';

const columns = { districtCode: routeRule.districtCode, unitId: routeRule.unitId };

export const ruleRead = defineScope({
  permission: 'routing:read',
  columns,
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => ({ unitId: u.orgId }),
});

/** Creating, changing and deactivating a district's rules: the city, or the district itself. */
export const ruleManage = defineScope({
  permission: 'routing:manage',
  columns,
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});

/**
 * Where a caller may ask "who is responsible here?": the city anywhere, a district centre and a
 * district's unit in their district, a city-level unit anywhere (its work can lie in every
 * district). The answer is then a rule, which `ruleRead` must also allow.
 */
export const routingArea = defineScope({
  permission: 'routing:read',
  columns: { districtCode: routeRule.districtCode },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => (u.districtCode === null ? true : { districtCode: u.districtCode }),
});

/**
 * A district's routing history (events of its rules): the city's, or the district's own. A unit
 * reads no district's history — it names rules routed to other units — only the history of each
 * rule it may read (`ruleRead`).
 */
export const historyRead = defineScope({
  permission: 'routing:read',
  columns: { districtCode: event.districtCode },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});
