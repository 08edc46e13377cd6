/** Public interface of the identity module: authentication (hook, per-request), users as actors, routes. */
export { authenticateRequest, installAuth } from './auth-hook.ts';
export { apiKeyActor, userActor } from './auth-service.ts';
export { hashPassword } from './password.ts';
export {
  type AccountName,
  accountNames,
  actorDisplayNames,
  enabledUsersWithOrg,
  usersSignedIn,
  usersWithRoles,
} from './repository.ts';
export { identityRoutes } from './routes.ts';
export { SESSION_COOKIE } from './tokens.ts';
