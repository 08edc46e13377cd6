/** API keys for machine clients (units' own systems, other departments' GIS). */
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { findOrgById } from '../org/index.ts';
import { apiKeyHolding, assertMayGrant, assertMayManage } from './grants.ts';
import { adminScopeFilter, canManageApiKeys, has, orgInAdminScope, scopeOf } from './policy.ts';
import * as repo from './repository.ts';
import type { ApiKeyCreateT, ApiKeyDto } from './schemas.ts';
import { newApiKey, sha256 } from './tokens.ts';

function toDto(key: repo.ApiKeyRow, org: repo.OrgRow): ApiKeyDto {
  return {
    id: key.id,
    name: key.name,
    orgId: key.orgId,
    orgName: org.name,
    prefix: key.prefix,
    permissions: key.permissions as ApiKeyDto['permissions'],
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

export async function listApiKeys(db: Db, ctx: RequestContext, orgId?: string) {
  if (!has(ctx.actor, 'apikey:manage')) throw new AppError('FORBIDDEN');
  const rows = await repo.listApiKeys(db, adminScopeFilter(ctx.actor.scope), orgId);
  return { items: rows.map((r) => toDto(r.key, r.org)), total: rows.length };
}

export async function createApiKey(db: Db, ctx: RequestContext, input: ApiKeyCreateT) {
  if (!has(ctx.actor, 'apikey:manage')) throw new AppError('FORBIDDEN');
  const { prefix, secret, full } = newApiKey();
  return db.transaction(async (tx) => {
    const org = await findOrgById(tx, input.orgId);
    if (!org || !orgInAdminScope(ctx.actor.scope, org)) {
      throw new AppError('INVALID_REFERENCE', {
        details: [{ field: 'body.orgId', message: 'unknown organisation' }],
      });
    }
    // Nobody hands a machine more than they hold themselves (a key cannot mint a wider key).
    assertMayGrant(ctx.actor, { permissions: input.permissions, scope: scopeOf(org) });
    const key = await repo.insertApiKey(tx, {
      name: input.name,
      orgId: org.id,
      prefix,
      secretHash: sha256(secret),
      permissions: input.permissions,
      createdBy: ctx.actor.type === 'user' ? ctx.actor.id : null,
    });
    const dto = toDto(key, org);
    await recordEvent(tx, ctx, {
      action: 'apikey.create',
      entityType: 'api_key',
      entityId: key.id,
      districtCode: org.districtCode,
      after: dto,
    });
    return { secret: full, key: dto };
  });
}

export async function revokeApiKey(db: Db, ctx: RequestContext, id: string) {
  if (!has(ctx.actor, 'apikey:manage')) throw new AppError('FORBIDDEN');
  await db.transaction(async (tx) => {
    const found = await repo.findApiKey(tx, id);
    if (!found || !canManageApiKeys(ctx.actor, found.org)) throw notFound('apiKey', id);
    assertMayManage(ctx.actor, apiKeyHolding(found.key, found.org));
    if (found.key.revokedAt) {
      throw new AppError('UNPROCESSABLE', { zh: 'API 密钥已吊销', en: 'API key is already revoked' });
    }
    const revoked = await repo.revokeApiKeyRow(tx, id);
    await recordEvent(tx, ctx, {
      action: 'apikey.revoke',
      entityType: 'api_key',
      entityId: id,
      districtCode: found.org.districtCode,
      before: toDto(found.key, found.org),
      after: toDto(revoked!, found.org),
    });
  });
}
