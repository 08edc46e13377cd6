// Response shapes of API contract v1 as the web client sees them.
// Vocabulary (roles, org kinds, locales, permissions, scope) comes from common/identity.ts.
import type { Locale, OrgKind, Role, Scope } from '../../../common/identity.ts';

export type { Locale, OrgKind, Role, Scope };

export interface User {
  id: string;
  username: string;
  displayName: string;
  orgId: string;
  orgName: string;
  roles: Role[];
  phone: string | null;
  locale: Locale;
  disabled: boolean;
  lockedUntil: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Org {
  id: string;
  kind: OrgKind;
  name: string;
  code: string;
  parentId: string | null;
  districtCode: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** Permissions and menu keys are kept as plain strings: the server may send ones this build does not know. */
export interface Me {
  user: User;
  org: Org;
  scope: Scope;
  permissions: string[];
  menu: string[];
}

export interface ApiKey {
  id: string;
  name: string;
  orgId: string;
  prefix: string;
  permissions: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEvent {
  id: string | number;
  at: string;
  actorType: 'user' | 'api_key' | 'system' | 'anonymous' | (string & {});
  actorId: string | null;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  sourceIp: string | null;
  /** Why, when the actor gave a reason (not in contract v1; shown when present). */
  reason?: string | null;
}

export interface ListResult<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface LoginResult {
  token: string;
  user: Me;
}

export interface CreatedApiKey {
  secret: string;
  key: ApiKey;
}
