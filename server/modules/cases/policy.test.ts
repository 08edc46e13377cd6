/**
 * Who acts in the loop as what: no credential becomes the system. Every API key — any set of
 * permissions, any scope — acts at most as a unit handler (its unit's own system); a person only
 * in their staff roles; the `system` role belongs to actors an internal process made with
 * `systemContext`, and to nothing that merely looks like one.
 */
import { describe, expect, it } from 'vitest';
import { PERMISSIONS, type Permission, ROLES, type Role, type Scope } from '../../../common/identity.ts';
import { type Actor, isInProcessSystem, systemContext } from '../../platform/context.ts';
import { REPORTER_CONTACT_ROLES, seesReporterContact, workflowRolesOf } from './policy.ts';

const SCOPES: Scope[] = [
  { kind: 'city' },
  { kind: 'district', districtCode: '330203' },
  { kind: 'unit', orgId: '00000000-0000-4000-8000-000000000001', districtCode: '330203' },
  { kind: 'unit', orgId: '00000000-0000-4000-8000-000000000002', districtCode: null },
];

const key = (permissions: Permission[], scope: Scope): Actor => ({
  type: 'api_key',
  id: '00000000-0000-4000-8000-0000000000aa',
  name: 'k',
  orgId: null,
  roles: [],
  permissions,
  scope,
});

describe('workflowRolesOf', () => {
  it('gives an API key no role but the unit handler and the department of its own unit, whatever it holds', () => {
    // Every permission alone, every permission together, reporting alone, in every scope.
    const sets: Permission[][] = [[...PERMISSIONS], ['case:report'], ['case:report', 'case:read']];
    for (const p of PERMISSIONS) sets.push([p]);
    for (const scope of SCOPES) {
      for (const permissions of sets) {
        const roles = workflowRolesOf(key(permissions, scope));
        const feedsBack = permissions.includes('case:unit_feedback') && scope.kind === 'unit';
        // A unit's key that reports reports as the department (部门自查), and does nothing else.
        const reportsForUnit = permissions.includes('case:report') && scope.kind === 'unit';
        expect(roles, `${scope.kind} ${permissions.join(',')}`).toEqual([
          ...(feedsBack ? ['unit_handler'] : []),
          ...(reportsForUnit ? ['department'] : []),
        ]);
      }
    }
  });

  it("gives a unit's reporting staff the department besides their roles, and no one else", () => {
    const person = (roles: Role[], scope: Scope): Actor => ({
      type: 'user',
      id: '00000000-0000-4000-8000-0000000000cc',
      name: 'p',
      orgId: null,
      roles,
      permissions: [...new Set(roles.flatMap((r) => (r === 'unit_handler' ? ['case:report' as const] : [])))],
      scope,
    });
    expect(workflowRolesOf(person(['unit_handler'], SCOPES[2]))).toEqual(['unit_handler', 'department']);
    expect(workflowRolesOf(person(['unit_handler'], SCOPES[0]))).toEqual(['unit_handler']);
    expect(workflowRolesOf(person(['leader'], SCOPES[3]))).toEqual(['leader']);
  });

  it('gives a person their staff roles only, never system or citizen from a stored row', () => {
    const user: Actor = {
      type: 'user',
      id: '00000000-0000-4000-8000-0000000000bb',
      name: 'u',
      orgId: null,
      roles: [...ROLES, 'system', 'citizen'] as unknown as Role[],
      permissions: [...PERMISSIONS],
      scope: { kind: 'city' },
    };
    expect(workflowRolesOf(user)).toEqual([...ROLES]);
  });

  it('gives system only to an actor an internal process made, not to a look-alike or a copy', () => {
    const made = systemContext('timer').actor;
    expect(isInProcessSystem(made)).toBe(true);
    expect(workflowRolesOf(made)).toEqual(['system']);
    // The same fields, but not made by systemContext (a parsed row, a copy): acts as nobody.
    const copy: Actor = { ...made };
    const parsed = JSON.parse(JSON.stringify(made)) as Actor;
    for (const a of [copy, parsed]) {
      expect(isInProcessSystem(a)).toBe(false);
      expect(workflowRolesOf(a)).toEqual([]);
    }
    expect(workflowRolesOf({ ...made, type: 'anonymous' })).toEqual([]);
  });
});

describe('seesReporterContact', () => {
  const person = (roles: Role[]): Actor => ({
    type: 'user',
    id: '00000000-0000-4000-8000-0000000000cc',
    name: 'p',
    orgId: null,
    roles,
    permissions: [...PERMISSIONS],
    scope: { kind: 'district', districtCode: '330203' },
  });

  it('shows the contact to the roles that call back, and to nobody else', () => {
    expect([...REPORTER_CONTACT_ROLES].sort()).toEqual(['acceptor', 'hotline_operator', 'shift_leader']);
    for (const role of ROLES)
      expect(seesReporterContact(person([role])), role).toBe(REPORTER_CONTACT_ROLES.includes(role));
    expect(seesReporterContact(person(['dispatcher', 'acceptor']))).toBe(true);
  });

  it('never to a key, whatever it holds, nor to the system', () => {
    for (const scope of SCOPES) expect(seesReporterContact(key([...PERMISSIONS], scope))).toBe(false);
    expect(seesReporterContact(systemContext('timer').actor)).toBe(false);
  });
});
