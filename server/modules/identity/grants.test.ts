/**
 * The grant rule as a table: who (a person by role and level, or an API key by its permissions)
 * may hand out or manage what (roles, permissions, scope). Expected outcomes are written out from
 * the rule in issue 7, not computed by the code under test.
 */
import { describe, expect, it } from 'vitest';
import {
  PERMISSIONS,
  type Permission,
  permissionsOf,
  type Role,
  type Scope,
} from '../../../common/identity.ts';
import type { Actor } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import {
  apiKeyHolding,
  assertMayGrant,
  assertMayManage,
  type Grant,
  type Holding,
  scopeCovers,
  userHolding,
} from './grants.ts';

const CITY: Scope = { kind: 'city' };
const HAISHU: Scope = { kind: 'district', districtCode: '330203' };
const JIANGBEI: Scope = { kind: 'district', districtCode: '330205' };
const HS_UNIT: Scope = { kind: 'unit', orgId: 'hs-sanitation', districtCode: '330203' };
const HS_UNIT2: Scope = { kind: 'unit', orgId: 'hs-greening', districtCode: '330203' };
const JB_UNIT: Scope = { kind: 'unit', orgId: 'jb-sanitation', districtCode: '330205' };
const CITY_UNIT: Scope = { kind: 'unit', orgId: 'water', districtCode: null };

const person = (roles: Role[], scope: Scope): Actor => ({
  type: 'user',
  id: 'u',
  name: 'u',
  orgId: 'o',
  roles,
  permissions: permissionsOf(roles),
  scope,
});
const key = (permissions: Permission[], scope: Scope): Actor => ({
  type: 'api_key',
  id: 'k',
  name: 'api-key:k',
  orgId: 'o',
  roles: [],
  permissions,
  scope,
});

const ACTORS = {
  cityAdmin: person(['admin'], CITY),
  districtAdmin: person(['admin'], HAISHU),
  unitAdmin: person(['admin'], HS_UNIT),
  cityDispatcher: person(['dispatcher'], CITY),
  userKey: key(['user:read', 'user:manage'], CITY),
  keyWithReporterRights: key([...permissionsOf(['inspector']), 'user:manage'], HAISHU),
  keyMaker: key(['apikey:manage', 'org:read', 'geo:read'], HAISHU),
  fullKey: key([...PERMISSIONS], HAISHU),
};
type ActorName = keyof typeof ACTORS;

describe('scope cover', () => {
  it.each([
    [CITY, CITY, true],
    [CITY, CITY_UNIT, true],
    [HAISHU, HAISHU, true],
    [HAISHU, HS_UNIT, true],
    [HAISHU, CITY, false],
    [HAISHU, JIANGBEI, false],
    [HAISHU, JB_UNIT, false],
    [HAISHU, CITY_UNIT, false],
    [HS_UNIT, HS_UNIT, true],
    [HS_UNIT, HS_UNIT2, false],
    [HS_UNIT, HAISHU, false],
    [CITY_UNIT, CITY_UNIT, true],
    [CITY_UNIT, HS_UNIT, false],
  ] as const)('%o covers %o: %s', (outer, inner, expected) => {
    expect(scopeCovers(outer, inner)).toBe(expected);
  });
});

/** undefined: allowed; otherwise the refusal's code. */
type Outcome = undefined | 'GRANT_EXCEEDS_OWN';
const GRANTS: [ActorName, string, Grant, Outcome][] = [
  // People: an administrator gives any role, in its scope only.
  ['cityAdmin', 'admin at the city', { roles: ['admin'], scope: CITY }, undefined],
  ['cityAdmin', 'supervisor at the city', { roles: ['supervisor'], scope: CITY }, undefined],
  ['districtAdmin', 'inspector in its district', { roles: ['inspector'], scope: HAISHU }, undefined],
  ['districtAdmin', 'admin in its district', { roles: ['admin'], scope: HAISHU }, undefined],
  ['districtAdmin', 'admin of a unit in its district', { roles: ['admin'], scope: HS_UNIT }, undefined],
  ['districtAdmin', 'a city-level account', { roles: ['inspector'], scope: CITY }, 'GRANT_EXCEEDS_OWN'],
  [
    'districtAdmin',
    'a city unit account',
    { roles: ['unit_handler'], scope: CITY_UNIT },
    'GRANT_EXCEEDS_OWN',
  ],
  ['districtAdmin', 'another district', { roles: ['inspector'], scope: JIANGBEI }, 'GRANT_EXCEEDS_OWN'],
  ['unitAdmin', 'handler of its unit', { roles: ['unit_handler'], scope: HS_UNIT }, undefined],
  [
    'unitAdmin',
    'handler of a sibling unit',
    { roles: ['unit_handler'], scope: HS_UNIT2 },
    'GRANT_EXCEEDS_OWN',
  ],
  ['unitAdmin', 'its district centre', { roles: ['inspector'], scope: HAISHU }, 'GRANT_EXCEEDS_OWN'],
  // A non-admin holds its own role only.
  ['cityDispatcher', 'dispatcher', { roles: ['dispatcher'], scope: CITY }, undefined],
  ['cityDispatcher', 'inspector', { roles: ['inspector'], scope: CITY }, 'GRANT_EXCEEDS_OWN'],
  // Keys hold no role: the key creates no admin, and no inspector either.
  ['userKey', 'admin', { roles: ['admin'], scope: CITY }, 'GRANT_EXCEEDS_OWN'],
  ['userKey', 'leader', { roles: ['leader'], scope: CITY }, 'GRANT_EXCEEDS_OWN'],
  [
    'keyWithReporterRights',
    'inspector (all its permissions held)',
    { roles: ['inspector'], scope: HAISHU },
    'GRANT_EXCEEDS_OWN',
  ],
  ['fullKey', 'dispatcher', { roles: ['dispatcher'], scope: HAISHU }, 'GRANT_EXCEEDS_OWN'],
  // Keys for machines: a subset of one's own permissions, inside one's scope.
  ['keyMaker', 'a narrower key', { permissions: ['org:read'], scope: HS_UNIT }, undefined],
  [
    'keyMaker',
    'the same key',
    { permissions: ['apikey:manage', 'org:read', 'geo:read'], scope: HAISHU },
    undefined,
  ],
  [
    'keyMaker',
    'a key with user:manage',
    { permissions: ['org:read', 'user:manage'], scope: HAISHU },
    'GRANT_EXCEEDS_OWN',
  ],
  ['keyMaker', 'a city-wide key', { permissions: ['org:read'], scope: CITY }, 'GRANT_EXCEEDS_OWN'],
  ['districtAdmin', 'any key in its district', { permissions: [...PERMISSIONS], scope: HAISHU }, undefined],
  [
    'districtAdmin',
    'a key of a city unit',
    { permissions: ['org:read'], scope: CITY_UNIT },
    'GRANT_EXCEEDS_OWN',
  ],
  [
    'cityDispatcher',
    'a key with its own permissions',
    { permissions: ['case:read'], scope: CITY },
    undefined,
  ],
  [
    'cityDispatcher',
    'a key with audit:read',
    { permissions: ['audit:read'], scope: CITY },
    'GRANT_EXCEEDS_OWN',
  ],
];

describe('assertMayGrant', () => {
  it.each(GRANTS)('%s gives %s → %s', (actor, _what, grant, outcome) => {
    const run = () => assertMayGrant(ACTORS[actor], grant);
    if (!outcome) return expect(run).not.toThrow();
    expect(run).toThrow(AppError);
    try {
      run();
    } catch (e) {
      expect((e as AppError).code).toBe(outcome);
      expect((e as AppError).status).toBe(403);
    }
  });

  it('names exactly what is missing, in the request fields', () => {
    try {
      assertMayGrant(ACTORS.userKey, { roles: ['admin'], scope: CITY });
      expect.unreachable();
    } catch (e) {
      const err = e as AppError;
      expect(err.details.map((d) => d.field)).toEqual(['body.roles', 'body.permissions']);
      // admin carries all permissions; the key holds two of them.
      expect(err.details[1].permissions).toEqual(
        PERMISSIONS.filter((p) => p !== 'user:read' && p !== 'user:manage'),
      );
      expect(err.en).toContain('roles admin');
      expect(err.zh).toContain('角色 admin');
    }
    try {
      assertMayGrant(ACTORS.districtAdmin, { roles: ['inspector'], scope: CITY });
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).details).toEqual([
        { field: 'body.orgId', message: 'scope wider than your own' },
      ]);
    }
  });
});

const targets: Record<string, Holding> = {
  cityAdmin: userHolding({ roles: ['admin'] }, { id: 'c', kind: 'city_center', districtCode: null }),
  districtAdmin: userHolding(
    { roles: ['admin'] },
    { id: 'h', kind: 'district_center', districtCode: '330203' },
  ),
  districtInspector: userHolding(
    { roles: ['inspector'] },
    { id: 'h', kind: 'district_center', districtCode: '330203' },
  ),
  unitHandler: userHolding(
    { roles: ['unit_handler'] },
    { id: 'hs-sanitation', kind: 'unit', districtCode: '330203' },
  ),
  metricsKey: apiKeyHolding(
    { permissions: ['metrics:read'] },
    { id: 'c', kind: 'city_center', districtCode: null },
  ),
  userKeyTarget: apiKeyHolding(
    { permissions: ['user:read'] },
    { id: 'h', kind: 'district_center', districtCode: '330203' },
  ),
};

const MANAGE: [ActorName, keyof typeof targets, boolean][] = [
  ['cityAdmin', 'cityAdmin', true],
  ['cityAdmin', 'metricsKey', true],
  ['districtAdmin', 'districtAdmin', true], // equal is not more
  ['districtAdmin', 'districtInspector', true],
  ['districtAdmin', 'unitHandler', true],
  ['districtAdmin', 'cityAdmin', false],
  ['unitAdmin', 'unitHandler', true],
  ['unitAdmin', 'districtInspector', false],
  // The key: it may not reset the admin who made it, nor touch anyone with a role.
  ['userKey', 'cityAdmin', false],
  ['userKey', 'districtInspector', false],
  ['userKey', 'userKeyTarget', true],
  ['keyMaker', 'userKeyTarget', false],
  ['keyMaker', 'metricsKey', false],
  ['fullKey', 'districtAdmin', false],
  ['cityDispatcher', 'districtInspector', false],
];

describe('assertMayManage', () => {
  it.each(MANAGE)('%s manages %s: %s', (actor, target, allowed) => {
    const run = () => assertMayManage(ACTORS[actor], targets[target]);
    if (allowed) return expect(run).not.toThrow();
    expect(run).toThrow(expect.objectContaining({ code: 'ACCOUNT_EXCEEDS_OWN', status: 403 }));
  });
});
