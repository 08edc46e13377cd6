/**
 * Who may see and change GPS terminals and read positions. A terminal belongs to an organisation
 * (the district centre or unit that runs it) and, through it, to a district (null: city level):
 * the city sees every terminal, a district centre its district's, a unit its own. Outside that a
 * terminal does not exist (404, never in a list) — nor its positions.
 *
 * The registry is changed by admins (`gps:manage`): the city's anywhere, a district's for its
 * district's organisations, a unit's for its own vehicles (a sanitation company registers its
 * trucks). A person's positions are read like a terminal's, through the person's organisation.
 * Sending positions is for people only: the field app sends its user's own, whoever they are.
 */
import { defineScope } from '../../platform/scope.ts';
import { orgRelation } from '../org/index.ts';
import { gpsAlarm, gpsGeofence, gpsTerminal } from './tables.ts';

const columns = { districtCode: gpsTerminal.districtCode, orgId: gpsTerminal.orgId };

/** Every path that shows a terminal — list, page, positions — asks this. */
export const terminalRead = defineScope({
  permission: 'gps:read',
  columns,
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => ({ orgId: u.orgId }),
});

/** Registering, changing, disabling terminals. */
export const terminalManage = defineScope({
  permission: 'gps:manage',
  columns,
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => ({ orgId: u.orgId }),
});

/** A person's track: the city everyone's, a district its district's organisations' staff, a unit its own. */
export const personTrackRead = defineScope({
  permission: 'gps:read',
  columns: { districtCode: orgRelation.districtCode, orgId: orgRelation.id },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => ({ orgId: u.orgId }),
});

/** Sending one's own positions from the field app: a signed-in person, never a key or the system. */
export const ownPositionsReport = defineScope({
  city: (_s, actor) => actor.type === 'user',
  district: (_s, actor) => actor.type === 'user',
  unit: (_s, actor) => actor.type === 'user',
});

const fenceColumns = { districtCode: gpsGeofence.districtCode, orgId: gpsGeofence.orgId };

/** Seeing a geofence and its rule: the city all, a district its district's, a unit its own. */
export const fenceRead = defineScope({
  permission: 'gps:read',
  columns: fenceColumns,
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => ({ orgId: u.orgId }),
});

/** Drawing, changing, disabling geofences: the city's admins anywhere, a district's for its district. */
export const fenceManage = defineScope({
  permission: 'gps:manage',
  columns: fenceColumns,
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => ({ orgId: u.orgId }),
});

const alarmColumns = { districtCode: gpsAlarm.districtCode, orgId: gpsAlarm.orgId };

/**
 * GPS alarms: scoped by the fence's (a rule's) or the terminal's (its own alarm bits) organisation
 * and district, copied onto the alarm when it is raised. Reading and handling (acknowledge, close)
 * are the watch's work — the dispatcher's — so `gps:read` is enough for both.
 */
export const alarmRead = defineScope({
  permission: 'gps:read',
  columns: alarmColumns,
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => ({ orgId: u.orgId }),
});

export const alarmHandle = defineScope({
  permission: 'gps:read',
  columns: alarmColumns,
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => ({ orgId: u.orgId }),
});
