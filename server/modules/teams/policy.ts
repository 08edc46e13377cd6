/**
 * Who may see and change the teams (队伍管理). A person belongs, through their organisation, to a
 * district (null: city level): the city reaches everyone, a district centre its district's people,
 * a unit its own. Their roster, attendance and coverage are reached through the person (a
 * district cannot read or change another district's rosters: outside the scope a person does not
 * exist, 404). Shifts and templates belong to a district (null: the city's, which every district
 * may use but only the city changes).
 */
import { defineScope } from '../../platform/scope.ts';
import { orgRelation } from '../org/index.ts';
import { teamMember, teamRosterTemplate, teamShift } from './tables.ts';

const memberColumns = { districtCode: teamMember.districtCode, orgId: teamMember.orgId };

/** Reading people, rosters, attendance, coverage, reports. */
export const memberRead = defineScope({
  permission: 'teams:read',
  columns: memberColumns,
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => ({ orgId: u.orgId }),
});

/** Changing people's posts and grids, and their rosters. */
export const memberManage = defineScope({
  permission: 'teams:manage',
  columns: memberColumns,
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => ({ orgId: u.orgId }),
});

/** Shifts: a district's own and the city's. */
export const shiftRead = defineScope({
  permission: 'teams:read',
  columns: { districtCode: teamShift.districtCode },
  city: true,
  district: (d) => ({ districtCode: [d.districtCode, null] }),
  unit: (u) => ({ districtCode: u.districtCode ? [u.districtCode, null] : null }),
});

export const shiftManage = defineScope({
  permission: 'teams:manage',
  columns: { districtCode: teamShift.districtCode },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});

export const templateRead = defineScope({
  permission: 'teams:read',
  columns: { districtCode: teamRosterTemplate.districtCode },
  city: true,
  district: (d) => ({ districtCode: [d.districtCode, null] }),
  unit: (u) => ({ districtCode: u.districtCode ? [u.districtCode, null] : null }),
});

export const templateManage = defineScope({
  permission: 'teams:manage',
  columns: { districtCode: teamRosterTemplate.districtCode },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});

/** Clocking in and out, and reading one's own roster: a signed-in person, never a key. */
export const ownClock = defineScope({
  city: (_s, actor) => actor.type === 'user',
  district: (_s, actor) => actor.type === 'user',
  unit: (_s, actor) => actor.type === 'user',
});

/** The organisations whose users may be made team members (the people picker). */
export const candidateOrgs = defineScope({
  permission: 'teams:manage',
  columns: { districtCode: orgRelation.districtCode, orgId: orgRelation.id },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: (u) => ({ orgId: u.orgId }),
});
