// Response shapes of the API as the web client sees them: generated from the server's OpenAPI
// document (schema.d.ts, `npm run gen:api-types`), never written by hand. The names here are
// the ones the pages use. Vocabulary (roles, org kinds, locales, scope) comes from common/.
import type { Locale, OrgKind, Role, Scope } from '../../../common/identity.ts';
import type { ApiResponse } from './schema';

export type { ApiBody, ApiQuery, ApiResponse } from './schema';
export type { Locale, OrgKind, Role, Scope };

export type Me = ApiResponse<'/api/me', 'get'>;
export type User = ApiResponse<'/api/users/{id}', 'get'>;
export type Org = ApiResponse<'/api/orgs/{id}', 'get'>;
export type ApiKey = ApiResponse<'/api/api-keys', 'get'>['items'][number];
export type AuditEvent = ApiResponse<'/api/audit', 'get'>['items'][number];
export type LoginResult = ApiResponse<'/api/auth/login', 'post'>;
export type CreatedApiKey = ApiResponse<'/api/api-keys', 'post'>;

/** A page of a list: every paged endpoint answers this shape. */
export interface ListResult<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
