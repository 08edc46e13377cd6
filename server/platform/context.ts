import type { Permission, Role, Scope } from '../../common/identity.ts';

/** Who is acting: a logged-in user, a machine with an API key, or the system itself. */
export interface Actor {
  type: 'user' | 'api_key' | 'system' | 'anonymous';
  id: string | null;
  name: string;
  orgId: string | null;
  roles: Role[];
  permissions: Permission[];
  scope: Scope;
  /** The session row behind a user actor (logout revokes it). */
  sessionId?: string;
}

/** What every service call receives: the actor and the request's trace fields. */
export interface RequestContext {
  actor: Actor;
  requestId: string | null;
  sourceIp: string | null;
  lang: 'zh' | 'en';
}

export const SYSTEM_ACTOR: Actor = {
  type: 'system',
  id: null,
  name: 'system',
  orgId: null,
  roles: [],
  permissions: [],
  scope: { kind: 'city' },
};

/**
 * The actors `systemContext` made in this process. Only these act as the case loop's `system`
 * (server/modules/cases/policy.ts): no credential, stored row or request can produce a member, so
 * no key or session can become the system, whatever its type field or permissions say. A copy
 * (`{ ...actor }`) is not a member and acts as nobody: the check fails closed.
 */
const inProcessSystem = new WeakSet<Actor>();

/**
 * The context of an internal process (timers, the sweeper, recovery, seed, CLI): the system itself.
 * `permissions` are for a process that uses a permission-checked path as any caller would (the
 * sensors' alarms report through intake with `case:report`); city scope, no role.
 */
export function systemContext(name = 'system', permissions: readonly Permission[] = []): RequestContext {
  const actor: Actor = { ...SYSTEM_ACTOR, name, roles: [], permissions: [...permissions] };
  inProcessSystem.add(actor);
  return { actor, requestId: null, sourceIp: null, lang: 'zh' };
}

/** Whether the actor is an internal process of this server (made by `systemContext`). */
export const isInProcessSystem = (actor: Actor): boolean =>
  actor.type === 'system' && inProcessSystem.has(actor);
