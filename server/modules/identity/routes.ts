import { AppError } from '../../platform/errors.ts';
import { commonErrors, IdParams, NoContent } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import * as apiKeys from './api-keys-service.ts';
import * as auth from './auth-service.ts';
import { dummyPasswordHash } from './password.ts';
import {
  ApiKeyCreate,
  ApiKeyCreated,
  ApiKeyList,
  ApiKeyListQuery,
  ChangePasswordBody,
  LoginBody,
  LoginResult,
  Me,
  PreferencesBody,
  ResetPasswordBody,
  User,
  UserCreate,
  UserList,
  UserListQuery,
  UserUpdate,
} from './schemas.ts';
import { SESSION_COOKIE } from './tokens.ts';
import * as users from './users-service.ts';

export async function identityRoutes(app: App) {
  // The hash an unknown name's password is checked against: made now, so the first failed login
  // for an unknown name does not take twice as long as one for a real account.
  await dummyPasswordHash();
  const { config } = app;
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.cookieSecure,
  };

  app.post(
    '/api/auth/login',
    {
      // Throttled in the service (per address and per account × address, in the database).
      config: { public: true, operation: 'auth.login' },
      schema: {
        tags: ['auth'],
        summary: 'Log in / 登录',
        description:
          'Every failed login answers 401 AUTH_INVALID_CREDENTIALS, whatever the reason; too many ' +
          'attempts from one address answer 429 RATE_LIMITED with Retry-After.',
        body: LoginBody,
        response: { 200: LoginResult, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { token, me } = await auth
        .login(app.db, request.ctx, config, { ...request.body, userAgent: request.headers['user-agent'] })
        .catch((err: unknown) => {
          const retryAfter =
            err instanceof AppError && err.code === 'RATE_LIMITED' && err.details[0]?.retryAfter;
          if (retryAfter) reply.header('retry-after', String(retryAfter));
          throw err;
        });
      reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: config.sessionTtlHours * 3600 });
      return { token, user: me };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { operation: 'auth.logout' },
      schema: { tags: ['auth'], summary: 'Log out / 注销', response: { 204: NoContent, ...commonErrors } },
    },
    async (request, reply) => {
      await auth.logout(app.db, request.ctx);
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/me',
    { config: { operation: 'me.get' }, schema: { tags: ['me'], response: { 200: Me, ...commonErrors } } },
    (request) => auth.me(app.db, request.ctx),
  );

  app.put(
    '/api/me/preferences',
    {
      config: { operation: 'me.preferences' },
      schema: { tags: ['me'], body: PreferencesBody, response: { 200: Me, ...commonErrors } },
    },
    (request) => auth.setPreferences(app.db, request.ctx, request.body),
  );

  app.post(
    '/api/me/password',
    {
      config: { operation: 'me.password' },
      schema: { tags: ['me'], body: ChangePasswordBody, response: { 204: NoContent, ...commonErrors } },
    },
    async (request, reply) => {
      await auth.changeOwnPassword(app.db, request.ctx, request.body);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/users',
    {
      config: { operation: 'users.list' },
      schema: { tags: ['users'], querystring: UserListQuery, response: { 200: UserList, ...commonErrors } },
    },
    (request) => users.listUsers(app.db, request.ctx, request.query),
  );

  app.post(
    '/api/users',
    {
      config: { operation: 'users.create' },
      schema: { tags: ['users'], body: UserCreate, response: { 201: User, ...commonErrors } },
    },
    async (request, reply) =>
      reply.status(201).send(await users.createUser(app.db, request.ctx, request.body)),
  );

  app.get(
    '/api/users/:id',
    {
      config: { operation: 'users.get' },
      schema: { tags: ['users'], params: IdParams, response: { 200: User, ...commonErrors } },
    },
    (request) => users.getUser(app.db, request.ctx, request.params.id),
  );

  app.patch(
    '/api/users/:id',
    {
      config: { operation: 'users.update' },
      schema: {
        tags: ['users'],
        params: IdParams,
        body: UserUpdate,
        response: { 200: User, ...commonErrors },
      },
    },
    (request) => users.updateUser(app.db, request.ctx, request.params.id, request.body),
  );

  app.post(
    '/api/users/:id/password',
    {
      config: { operation: 'users.resetPassword' },
      schema: {
        tags: ['users'],
        params: IdParams,
        body: ResetPasswordBody,
        response: { 204: NoContent, ...commonErrors },
      },
    },
    async (request, reply) => {
      await users.resetPassword(app.db, request.ctx, request.params.id, request.body.newPassword);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/api-keys',
    {
      config: { operation: 'apiKeys.list' },
      schema: {
        tags: ['api-keys'],
        querystring: ApiKeyListQuery,
        response: { 200: ApiKeyList, ...commonErrors },
      },
    },
    (request) => apiKeys.listApiKeys(app.db, request.ctx, request.query.orgId),
  );

  app.post(
    '/api/api-keys',
    {
      config: { operation: 'apiKeys.create' },
      schema: { tags: ['api-keys'], body: ApiKeyCreate, response: { 201: ApiKeyCreated, ...commonErrors } },
    },
    async (request, reply) =>
      reply.status(201).send(await apiKeys.createApiKey(app.db, request.ctx, request.body)),
  );

  app.delete(
    '/api/api-keys/:id',
    {
      config: { operation: 'apiKeys.revoke' },
      schema: { tags: ['api-keys'], params: IdParams, response: { 204: NoContent, ...commonErrors } },
    },
    async (request, reply) => {
      await apiKeys.revokeApiKey(app.db, request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
