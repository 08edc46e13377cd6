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
import type { SenderKind } from './senders/sender.ts';
import { newEndpointSecret } from './signature.ts';
import type { EndpointOptions, Open311Options } from './tables.ts';

const ZERO = { pending: 0, delivered: 0, dead: 0 };

/** An Open311 endpoint's settings as anyone may see them: whether a key is set, never the key. */
const open311View = (o: Open311Options | undefined) =>
  o
    ? {
        apiKeySet: o.apiKey.length > 0,
        jurisdictionId: o.jurisdictionId,
        format: o.format,
        serviceCodes: o.serviceCodes,
        defaultServiceCode: o.defaultServiceCode,
      }
    : null;

const endpointView = (e: repo.EndpointRow) => ({
  url: e.url,
  sender: e.sender,
  enabled: e.enabled,
  version: e.version,
  updatedAt: e.updatedAt.toISOString(),
  open311: e.sender === 'open311' ? open311View(e.options?.open311) : null,
});

const invalid = (field: string, zh: string, en: string) =>
  new AppError('VALIDATION_FAILED', {
    zh,
    en,
    details: [{ field, message: en }],
    detailsZh: [{ field, message: zh }],
  });

/**
 * The sender's options as they will be stored: for `open311`, the request's settings over the
 * stored ones (the key is needed once and kept after); for any other sender, none.
 */
function optionsFor(
  kind: SenderKind,
  input: EndpointPutT,
  before: repo.EndpointRow | undefined,
): EndpointOptions | null {
  if (kind !== 'open311') {
    if (input.open311) {
      throw invalid(
        'body.open311',
        '只有 open311 方式需要这些设置',
        'open311 settings are for the open311 sender only',
      );
    }
    return null;
  }
  const prev = before?.sender === 'open311' ? before.options?.open311 : undefined;
  const o = input.open311 ?? {};
  const apiKey = o.apiKey?.trim() || prev?.apiKey;
  if (!apiKey) {
    throw invalid(
      'body.open311.apiKey',
      '首次设置 open311 对接须填写对方系统签发的 api_key',
      "The department's api_key is needed the first time an open311 endpoint is set",
    );
  }
  const serviceCodes = o.serviceCodes ?? prev?.serviceCodes ?? {};
  const codes = Object.entries(serviceCodes);
  if (codes.length > 1000) {
    throw invalid('body.open311.serviceCodes', '服务代码对照最多 1000 条', 'At most 1,000 service codes');
  }
  for (const [ours, theirs] of codes) {
    if (!/^\d{5}$/.test(ours)) {
      throw invalid(
        `body.open311.serviceCodes.${ours}`,
        `事项类型编码应为 5 位数字：${ours}`,
        `A matter type code has 5 digits: ${ours}`,
      );
    }
    if (!/^[\x21-\x7e]+$/.test(theirs)) {
      throw invalid(
        `body.open311.serviceCodes.${ours}`,
        `对方服务代码只能含可见的 ASCII 字符：${theirs}`,
        `A service code holds printable ASCII only: ${theirs}`,
      );
    }
  }
  return {
    open311: {
      apiKey,
      jurisdictionId: o.jurisdictionId !== undefined ? o.jurisdictionId : (prev?.jurisdictionId ?? null),
      format: o.format ?? prev?.format ?? 'xml',
      serviceCodes,
      defaultServiceCode:
        o.defaultServiceCode !== undefined ? o.defaultServiceCode : (prev?.defaultServiceCode ?? null),
    },
  };
}

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
    const options = optionsFor(sender.kind, input, before);
    const after = before
      ? await repo.updateEndpoint(tx, orgId, before.version, {
          url: input.url,
          sender: sender.kind,
          enabled: input.enabled,
          options,
          ...(secret ? { secret } : {}),
        })
      : await repo.insertEndpoint(tx, {
          orgId,
          url: input.url,
          sender: sender.kind,
          enabled: input.enabled,
          options,
          secret: secret!,
        });
    if (!after) throw new AppError('CONFLICT');
    await recordEvent(tx, ctx, {
      action: 'endpoint.set',
      entityType: 'unit_endpoint',
      entityId: orgId,
      districtCode: o.districtCode,
      before: before ? endpointView(before) : undefined,
      after: {
        ...endpointView(after),
        secretRotated: Boolean(secret),
        ...(input.open311?.apiKey ? { open311KeyChanged: true } : {}),
      },
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
