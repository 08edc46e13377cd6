/**
 * Who may see and change sensors. A device belongs to a district (where it stands) and to an
 * organisation (the district centre or unit that looks after it): the city sees every device, a
 * district centre its district's, a unit the devices it looks after. Outside that a device does
 * not exist (404, never in a list) — nor its readings, alarms or status.
 *
 * The registry is changed by admins (`sensor:manage`): the city's anywhere, a district's in its
 * district (a device it places elsewhere is refused: 422 OUTSIDE_SCOPE); a unit changes none. The
 * kinds and their rules are city-wide configuration: read by everyone who reads sensors, changed
 * by the city's admins only.
 */
import { defineScope } from '../../platform/scope.ts';
import { sensorDevice } from './tables.ts';

const columns = { districtCode: sensorDevice.districtCode, orgId: sensorDevice.orgId };

/** Every path that shows a device — list, map, page, readings, status counts — asks this. */
export const deviceRead = defineScope({
  permission: 'sensor:read',
  columns,
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => ({ orgId: u.orgId }),
});

/** Registering, changing, importing devices. */
export const deviceManage = defineScope({
  permission: 'sensor:manage',
  columns,
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});

/** Reading the kinds and their rules. */
export const kindRead = defineScope({ permission: 'sensor:read', city: true, district: true, unit: true });

/** Changing a kind's rules, silence limit and offline matter type: the city only. */
export const kindManage = defineScope({
  permission: 'sensor:manage',
  city: true,
  district: false,
  unit: false,
});
