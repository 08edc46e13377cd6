/**
 * Who reads and decides on online opinion, and who manages its feeds.
 *
 * - Posts (the moderation queue): holders of `opinion:moderate` — acceptors and shift leaders —
 *   see the posts of their district, the post's district being its place's (else its feed's). A
 *   post that names no place of the city and comes from a city feed is nobody's district: only
 *   the city centre sees it (and may place it when it turns it into a report). Units see none.
 * - Feeds: holders of `opinion:manage` (administrators) — the city every feed, a district admin
 *   the feeds of its district. Units none.
 * Outside that, a post or a feed does not exist for the caller (404); lists never show it.
 */
import type { Actor } from '../../platform/context.ts';
import { defineScope } from '../../platform/scope.ts';
import { opinionFeed, opinionPost } from './tables.ts';

export const postRead = defineScope({
  permission: 'opinion:moderate',
  columns: { districtCode: opinionPost.districtCode },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});

export const feedManage = defineScope({
  permission: 'opinion:manage',
  columns: { districtCode: opinionFeed.districtCode },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});

/** Turning a post into a report is reporting: it needs `case:report` too (acceptors, not shift leaders). */
export const mayReport = (actor: Actor) => actor.permissions.includes('case:report');
