/**
 * Appends one event row inside the caller's transaction: the write and its audit record commit
 * or roll back together. The row is the audit trail, the outbox and the live feed at once.
 */

import type { AuditAction, AuditEntityType } from '../../common/audit-vocabulary.ts';
import type { RequestContext } from './context.ts';
import type { Db } from './db.ts';
import { event } from './event-table.ts';

export interface EventInput {
  /** Declared in common/audit-vocabulary.ts: an undeclared action does not compile. */
  action: AuditAction;
  entityType: AuditEntityType;
  entityId: string | null;
  /** District of the entity (null for city-level records): decides who may read the event. */
  districtCode: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

/** Fields that never enter the audit trail, whatever the entity. */
const SECRET_FIELDS = new Set(['passwordHash', 'password', 'secretHash', 'tokenHash', 'secret', 'token']);

export function redact<T>(value: T): T {
  if (value === null || value === undefined || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(redact) as T;
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_FIELDS.has(k) ? '[redacted]' : redact(v);
  }
  return out as T;
}

function eventRow(ctx: RequestContext, input: EventInput): typeof event.$inferInsert {
  // A snapshot is a JSON object (the API's EventSnapshot): a list or a scalar is kept under
  // `value`, so the audit log can always show it (an array once made GET /api/audit answer 500).
  const json = (v: unknown) => {
    if (v === undefined || v === null) return null;
    const plain = JSON.parse(JSON.stringify(redact(v))) as unknown;
    return plain !== null && typeof plain === 'object' && !Array.isArray(plain)
      ? (plain as object)
      : { value: plain };
  };
  return {
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    actorName: ctx.actor.name,
    actorOrgId: ctx.actor.orgId,
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId,
    districtCode: input.districtCode,
    before: json(input.before),
    after: json(input.after),
    reason: input.reason ?? null,
    requestId: ctx.requestId,
    sourceIp: ctx.sourceIp,
  };
}

/**
 * Told of each event as it is written, inside its transaction (not yet committed): in-process
 * caches note what they must forget (identity's session cache). Must be quick and must not throw.
 */
export type EventObserver = (ctx: RequestContext, input: EventInput) => void;
const observers = new Set<EventObserver>();

export function observeEvents(observer: EventObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

function notify(ctx: RequestContext, input: EventInput): void {
  for (const observer of observers) {
    try {
      observer(ctx, input);
    } catch {
      // An observer's failure must not fail the write it observes.
    }
  }
}

export async function recordEvent(tx: Db, ctx: RequestContext, input: EventInput): Promise<number> {
  const [row] = await tx.insert(event).values(eventRow(ctx, input)).returning({ id: event.id });
  notify(ctx, input);
  return row.id;
}

/**
 * Several events of one actor in one statement (batch jobs such as the timer sweeper); their ids
 * in the order of `inputs` (identities are drawn row by row as the VALUES list is read, so the
 * ascending ids follow it).
 */
export async function recordEvents(
  tx: Db,
  ctx: RequestContext,
  inputs: readonly EventInput[],
): Promise<number[]> {
  if (inputs.length === 0) return [];
  const rows = await tx
    .insert(event)
    .values(inputs.map((i) => eventRow(ctx, i)))
    .returning({ id: event.id });
  for (const input of inputs) notify(ctx, input);
  return rows.map((r) => r.id).sort((a, b) => a - b);
}
