/**
 * Live work over Server-Sent Events: every case event in the caller's scope and every
 * notification for the caller, as they are committed. Reconnecting with Last-Event-ID replays
 * what was missed (from the event table, which keeps everything).
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { and, asc, eq, gt } from 'drizzle-orm';
import { Type } from 'typebox';
import type { Actor } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import type { EventFeed, EventRow } from '../../platform/event-feed.ts';
import { event } from '../../platform/event-table.ts';
import { commonErrors } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { caseEventRead } from './policy.ts';

const unitOf = (v: unknown) =>
  v && typeof v === 'object' && typeof (v as { unitId?: unknown }).unitId === 'string'
    ? (v as { unitId: string }).unitId
    : null;

function visible(actor: Actor, e: EventRow): boolean {
  if (e.entityType !== 'case') return false;
  return caseEventRead.allows(actor, {
    districtCode: e.districtCode,
    unitBefore: unitOf(e.before),
    unitAfter: unitOf(e.after),
  });
}

const frame = (e: EventRow) =>
  `id: ${e.id}\nevent: case\ndata: ${JSON.stringify({ id: e.id, at: e.at, action: e.action, caseId: e.entityId, districtCode: e.districtCode, state: (e.after as { state?: string } | null)?.state ?? null })}\n\n`;

/** What a reconnecting caller missed, filtered in SQL by the same rule (the limit counts only their events). */
async function missed(db: Db, actor: Actor, since: number) {
  return db
    .select()
    .from(event)
    .where(and(gt(event.id, since), eq(event.entityType, 'case'), caseEventRead.filter(actor)))
    .orderBy(asc(event.id))
    .limit(500);
}

export const streamRoutes = (feed: EventFeed | undefined) =>
  async function streamPlugin(app: App) {
    app.get(
      '/api/stream',
      {
        config: { operation: 'stream' },
        schema: {
          tags: ['cases'],
          summary: 'Live case events (text/event-stream) / 实时推送',
          description:
            'Server-sent events: `event: case` frames whose `data` is `{ id, at, action, caseId, districtCode, state }` ' +
            '(the cases the caller may see); send `Last-Event-ID` to get the ones missed.',
          response: {
            200: {
              description: 'an endless text/event-stream',
              content: { 'text/event-stream': { schema: Type.String() } },
            },
            ...commonErrors,
          },
        },
      },
      async (request, reply) => {
        const actor = request.ctx.actor;
        caseEventRead.requirePermission(actor);
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          // Hijacked: the headers every answer carries (platform/web-security.ts) are copied over.
          ...(reply.getHeaders() as OutgoingHttpHeaders),
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write('retry: 3000\n\n');
        const last = Number(request.headers['last-event-id']);
        if (Number.isInteger(last) && last > 0) {
          for (const e of await missed(app.db, actor, last)) if (visible(actor, e)) res.write(frame(e));
        }
        const unsubscribe = feed?.subscribe((rows) => {
          for (const e of rows) if (visible(actor, e)) res.write(frame(e));
        });
        // A comment every 25 s keeps proxies from closing an idle stream.
        const ping = setInterval(() => res.write(': ping\n\n'), 25_000);
        request.raw.on('close', () => {
          clearInterval(ping);
          unsubscribe?.();
        });
      },
    );
  };
