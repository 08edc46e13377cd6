/**
 * The case loop's topic of the live stream (platform/live-stream.ts, `GET /api/stream`): every case
 * event in the caller's scope, as `event: case` frames, by the same rule as the case list
 * (`caseEventRead`: a district its district's cases, a unit those sent to it or taken from it).
 */
import type { Actor } from '../../platform/context.ts';
import type { EventRow } from '../../platform/event-feed.ts';
import type { LiveTopic } from '../../platform/live-stream.ts';
import { caseEventRead } from './policy.ts';

const unitOf = (v: unknown) =>
  v && typeof v === 'object' && typeof (v as { unitId?: unknown }).unitId === 'string'
    ? (v as { unitId: string }).unitId
    : null;

export const caseLiveTopic: LiveTopic = {
  name: 'case',
  entityTypes: ['case'],
  permitted: (actor: Actor) => caseEventRead.permitted(actor),
  visible: (actor: Actor, e: EventRow) =>
    caseEventRead.allows(actor, {
      districtCode: e.districtCode,
      unitBefore: unitOf(e.before),
      unitAfter: unitOf(e.after),
    }),
  filter: (actor: Actor) => caseEventRead.filter(actor),
  data: (e: EventRow) => ({
    id: e.id,
    at: e.at,
    action: e.action,
    caseId: e.entityId,
    districtCode: e.districtCode,
    state: (e.after as { state?: string } | null)?.state ?? null,
  }),
};
