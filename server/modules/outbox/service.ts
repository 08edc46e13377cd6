/**
 * Unit endpoints and their deliveries, for administrators within their reach: where a unit's own
 * system receives dispatched cases, the secret both sides sign with, what was delivered, and the
 * replay of a dead (or already delivered) delivery. One transaction and one audit event per write.
 */
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { OutboundClient } from '../../platform/outbound.ts';
import { caseSummaries } from '../cases/index.ts';
import { findOrgById } from '../org/index.ts';
import { getSetting } from '../settings/index.ts';
import { endpointManage, requireEndpointManage } from './policy.ts';
import * as repo from './repository.ts';
import type {
  DeliveryDto,
  DeliveryListQueryT,
  EndpointListQueryT,
  EndpointPutT,
  UnitEndpointDto,
} from './schemas.ts';
import { senderFor } from './senders/registry.ts';
import { newEndpointSecret } from './signature.ts';

const ZERO = { pending: 0, delivered: 0, dead: 0 };

const endpointView = (e: repo.EndpointRow) => ({
  url: e.url,
  sender: e.sender,
  enabled: e.enabled,
  version: e.version,
  updatedAt: e.updatedAt.toISOString(),
});

function toUnitDto(o: repo.OrgRow, e: repo.EndpointRow | null | undefined, counts = ZERO): UnitEndpointDto {
  return {
    orgId: o.id,
    orgName: o.name,
    districtCode: o.districtCode,
    endpoint: e ? endpointView(e) : null,
    deliveries: counts,
  };
}

async function toDeliveryDto(db: Db, d: repo.DeliveryRow): Promise<DeliveryDto> {
  const caseCode = d.caseId ? await caseSummaries.codeOf(db, d.caseId) : undefined;
  return {
    id: d.id,
    eventId: d.eventId,
    orgId: d.orgId,
    caseId: d.caseId,
    caseCode: caseCode ?? null,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt.toISOString(),
    lastError: d.lastError,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}

/** The unit, if the caller manages its endpoint; otherwise 404 as if it did not exist. */
async function managedUnit(db: Db, ctx: RequestContext, orgId: string) {
  requireEndpointManage(ctx.actor);
  const o = await findOrgById(db, orgId);
  if (!o || !endpointManage.allows(ctx.actor, o)) throw notFound('unit', orgId);
  return o;
}

export async function listEndpoints(db: Db, ctx: RequestContext, q: EndpointListQueryT) {
  requireEndpointManage(ctx.actor);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.listUnits(db, endpointManage.filter(ctx.actor), q.q, page, pageSize);
  const counts = await repo.deliveryCounts(
    db,
    rows.map((r) => r.org.id),
  );
  const items = rows.map((r) => toUnitDto(r.org, r.endpoint, counts.get(r.org.id)));
  return { items, total, page, pageSize };
}

/**
 * Sets a unit's endpoint. On the first set, or when `rotateSecret` is asked for, a new random
 * secret is generated and returned in this response only. The secret is stored as given (not
 * hashed): the worker needs it to sign every delivery and to check the unit's signed feedback.
 *
 * The URL is checked by the endpoint's sender before anything is written (outbox/senders: for
 * the webhook, the platform's outbound rules — https unless the city allows http, no internal
 * address unless the operator's OUTBOUND_ALLOW lists it); a 4xx names the problem.
 */
export async function putEndpoint(
  db: Db,
  ctx: RequestContext,
  orgId: string,
  input: EndpointPutT,
  outbound: OutboundClient,
) {
  // Outside the caller's reach the unit does not exist: 404 before any name is resolved.
  await managedUnit(db, ctx, orgId);
  const kind = input.sender ?? (await repo.findEndpoint(db, orgId))?.sender ?? 'webhook';
  const sender = senderFor(kind);
  if (!sender) {
    // Stored by a newer version of the platform: this one cannot check or send that kind.
    throw new AppError('UNPROCESSABLE', {
      zh: `此版本不支持该地址的发送方式（${kind}），请在请求中指定 sender`,
      en: `This version does not know the endpoint's sender (${kind}); name the sender in the request`,
      details: [{ field: 'body.sender', message: `unknown sender ${kind}` }],
      detailsZh: [{ field: 'body.sender', message: `未知的发送方式 ${kind}` }],
    });
  }
  await sender.checkTarget(
    input.url,
    { outbound, allowHttp: await getSetting(db, 'outbound.allowHttp') },
    'body.url',
  );
  return db.transaction(async (tx) => {
    const o = await managedUnit(tx, ctx, orgId);
    const before = await repo.findEndpoint(tx, orgId, true);
    if (input.version !== undefined && input.version !== (before?.version ?? 0)) {
      throw new AppError('CONFLICT', {
        details: [{ field: 'body.version', message: `current version is ${before?.version ?? 'none'}` }],
      });
    }
    const secret = !before || input.rotateSecret ? newEndpointSecret() : undefined;
    const after = before
      ? await repo.updateEndpoint(tx, orgId, before.version, {
          url: input.url,
          sender: sender.kind,
          enabled: input.enabled,
          ...(secret ? { secret } : {}),
        })
      : await repo.insertEndpoint(tx, {
          orgId,
          url: input.url,
          sender: sender.kind,
          enabled: input.enabled,
          secret: secret!,
        });
    if (!after) throw new AppError('CONFLICT');
    await recordEvent(tx, ctx, {
      action: 'endpoint.set',
      entityType: 'unit_endpoint',
      entityId: orgId,
      districtCode: o.districtCode,
      before: before ? endpointView(before) : undefined,
      after: { ...endpointView(after), secretRotated: Boolean(secret) },
    });
    const counts = (await repo.deliveryCounts(tx, [orgId])).get(orgId);
    return { ...toUnitDto(o, after, counts), ...(secret ? { secret } : {}) };
  });
}

export async function listDeliveries(db: Db, ctx: RequestContext, orgId: string, q: DeliveryListQueryT) {
  await managedUnit(db, ctx, orgId);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.listDeliveries(db, orgId, q.status, page, pageSize);
  const items = await Promise.all(rows.map((d) => toDeliveryDto(db, d)));
  return { items, total, page, pageSize };
}

/** A dead or delivered delivery goes back to the queue with its attempts reset. */
export async function replayDelivery(db: Db, ctx: RequestContext, id: string) {
  requireEndpointManage(ctx.actor);
  return db.transaction(async (tx) => {
    const d = await repo.findDelivery(tx, id, true);
    const o = d ? await findOrgById(tx, d.orgId) : undefined;
    if (!d || !o || !endpointManage.allows(ctx.actor, o)) throw notFound('delivery', id);
    if (d.status === 'pending') {
      throw new AppError('UNPROCESSABLE', {
        zh: '该投递仍在队列中，只有失败（死信）或已送达的投递可以重放',
        en: 'The delivery is still queued; only dead or delivered deliveries can be replayed',
        details: [{ field: 'id', message: 'status is pending' }],
      });
    }
    const after = await repo.resetDelivery(tx, id);
    await recordEvent(tx, ctx, {
      action: 'delivery.replay',
      entityType: 'delivery',
      entityId: id,
      districtCode: o.districtCode,
      before: { status: d.status, attempts: d.attempts, lastError: d.lastError },
      after: { status: after.status, attempts: after.attempts, orgId: d.orgId, caseId: d.caseId },
    });
    return toDeliveryDto(tx, after);
  });
}
