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

export function systemContext(name = 'system'): RequestContext {
  return { actor: { ...SYSTEM_ACTOR, name }, requestId: null, sourceIp: null, lang: 'zh' };
}
