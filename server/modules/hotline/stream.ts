/**
 * The hotline's topic of the live stream (platform/live-stream.ts, `GET /api/stream`): `event:
 * hotline` frames to the operators. A ringing call (`hotline.incoming`) goes to the operators it
 * pops (the event's `targets`: the one at its seat, or everyone on its line), or to every operator
 * when nobody is signed in for it; its answering, finishing and hang-up go to every operator, so a
 * call another operator took leaves the others' consoles. A district's operators get only the frames
 * of their district's calls (`callEventRead`). The same rule in SQL for replays.
 */
import { and, sql } from 'drizzle-orm';
import type { Actor } from '../../platform/context.ts';
import type { EventRow } from '../../platform/event-feed.ts';
import { event } from '../../platform/event-table.ts';
import type { LiveTopic } from '../../platform/live-stream.ts';
import { callEventRead } from './policy.ts';

interface CallEventAfter {
  line?: string;
  seat?: string | null;
  operatorId?: string | null;
  targets?: string[];
  status?: string;
}

const afterOf = (e: EventRow) => (e.after ?? {}) as CallEventAfter;

/** Whether the frame of this event is for the actor. */
function forActor(actor: Actor, e: EventRow): boolean {
  if (e.action !== 'hotline.incoming') return true;
  const targets = afterOf(e).targets ?? [];
  return targets.length === 0 || (actor.id !== null && targets.includes(actor.id));
}

export const hotlineLiveTopic: LiveTopic = {
  name: 'hotline',
  entityTypes: ['hotline_call'],
  permitted: (actor) => callEventRead.reachesAny(actor),
  // A district's operators: the frames of their district's calls only (callEventRead).
  visible: (actor, e) => callEventRead.allows(actor, { districtCode: e.districtCode }) && forActor(actor, e),
  filter: (actor) =>
    callEventRead.reachesAny(actor)
      ? and(
          callEventRead.filter(actor),
          sql`(${event.action} <> 'hotline.incoming'
          OR coalesce(jsonb_array_length(${event.after} -> 'targets'), 0) = 0
          OR (${event.after} -> 'targets') @> jsonb_build_array(${actor.id ?? ''}::text))`,
        )
      : sql`false`,
  data: (e) => {
    const a = afterOf(e);
    return {
      id: e.id,
      at: e.at,
      action: e.action,
      callId: e.entityId,
      line: a.line ?? null,
      seat: a.seat ?? null,
      status: a.status ?? (e.action === 'hotline.incoming' ? 'ringing' : null),
      operatorId: a.operatorId ?? null,
      targets: a.targets ?? [],
    };
  },
};
