/**
 * The one live channel to the browser (`GET /api/stream`, Server-Sent Events): events as they
 * are committed, tailed from the event table by the event feed, each caller getting the frames of
 * the topics it may follow. A module declares a topic — which entity types it frames, who may
 * follow it at all, which of its events a caller may see (the module's own policy, in memory and
 * in SQL for replays) and what a frame carries — and `server/app.ts` hands the topics to this
 * route. The platform knows no module: the case loop's topic (`event: case`) and the hotline's
 * (`event: hotline`, the incoming-call pop) travel on one connection, reconnecting with
 * Last-Event-ID replays what was missed (the event table keeps everything).
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { and, asc, gt, inArray, or, type SQL } from 'drizzle-orm';
import { Type } from 'typebox';
import type { AuditEntityType } from '../../common/audit-vocabulary.ts';
import type { Actor } from './context.ts';
import type { Db } from './db.ts';
import { AppError } from './errors.ts';
import type { EventFeed, EventRow } from './event-feed.ts';
import { event } from './event-table.ts';
import { commonErrors } from './schemas.ts';
import type { App } from './types.ts';

export interface LiveTopic {
  /** The SSE event name of its frames (`event: case`). */
  name: string;
  /** The entity types of the events it frames. */
  entityTypes: readonly AuditEntityType[];
  /** Whether the caller may follow the topic at all (its read permission). */
  permitted(actor: Actor): boolean;
  /** Whether the caller may see this event of the topic (the module's scope rule on the row). */
  visible(actor: Actor, e: EventRow): boolean;
  /** The same rule as a SQL condition on the event table, for replays (undefined: no restriction). */
  filter(actor: Actor): SQL | undefined;
  /** What the frame's `data` carries. */
  data(e: EventRow): Record<string, unknown>;
}

/** The topics of an event row (by entity type), visible to the caller. */
function framesFor(actor: Actor, topics: readonly LiveTopic[], e: EventRow): string[] {
  return topics
    .filter((t) => t.entityTypes.includes(e.entityType as AuditEntityType) && t.visible(actor, e))
    .map((t) => `id: ${e.id}\nevent: ${t.name}\ndata: ${JSON.stringify(t.data(e))}\n\n`);
}

/** What a reconnecting caller missed, filtered in SQL by the topics' rules (the limit counts only theirs). */
async function missed(db: Db, actor: Actor, topics: readonly LiveTopic[], since: number) {
  const conditions = topics.map((t) => and(inArray(event.entityType, [...t.entityTypes]), t.filter(actor)));
  return db
    .select()
    .from(event)
    .where(and(gt(event.id, since), or(...conditions)))
    .orderBy(asc(event.id))
    .limit(500);
}

export const liveStreamRoutes = (feed: EventFeed | undefined, allTopics: readonly LiveTopic[]) =>
  async function liveStreamPlugin(app: App) {
    app.get(
      '/api/stream',
      {
        config: { operation: 'stream' },
        schema: {
          tags: ['stream'],
          summary: 'Live events (text/event-stream) / 实时推送',
          description:
            'Server-sent events of the topics the caller may follow: `event: case` frames whose `data` is ' +
            '`{ id, at, action, caseId, districtCode, state }` (the cases the caller may see, `case:read`), ' +
            '`event: hotline` frames whose `data` is `{ id, at, action, callId, line, seat, status, operatorId, targets }` ' +
            '(incoming calls for the caller’s seat or line and their answering, `hotline:answer`), ' +
            '`event: gps_alarm` frames whose `data` is `{ id, action, alarmId, kind, source, terminalId, userId, fenceId, orgId, plate, at (the fix’s time), lat, lng, speed, state }` ' +
            '(GPS alarms raised, acknowledged or closed in the caller’s scope, `gps:read`). ' +
            'Send `Last-Event-ID` to get the ones missed. 403 for a caller who may follow no topic.',
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
        const topics = allTopics.filter((t) => t.permitted(actor));
        if (topics.length === 0) throw new AppError('FORBIDDEN');
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
          for (const e of await missed(app.db, actor, topics, last))
            for (const f of framesFor(actor, topics, e)) res.write(f);
        }
        const unsubscribe = feed?.subscribe((rows) => {
          for (const e of rows) for (const f of framesFor(actor, topics, e)) res.write(f);
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
