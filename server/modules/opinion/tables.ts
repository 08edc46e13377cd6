import { sql } from 'drizzle-orm';
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** How the last poll of a feed went. */
export type PollStatus = 'ok' | 'not_modified' | 'error';

/**
 * A feed of online opinion (网络舆情源): an RSS 2.0, Atom or JSON Feed URL polled every
 * `pollMinutes`, for the city or one district. The poller claims a due feed by setting
 * `polling_until` (SKIP LOCKED, so one node polls it), and records how the poll went; the
 * validators of the last answer (ETag, Last-Modified) make the next request conditional.
 */
export const opinionFeed = pgTable(
  'opinion_feed',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    name: text('name').notNull(),
    url: text('url').notNull(),
    /** The district the feed is about (a district forum), or null for the city. */
    districtCode: text('district_code'),
    pollMinutes: integer('poll_minutes').notNull().default(30),
    enabled: boolean('enabled').notNull().default(true),
    etag: text('etag'),
    lastModified: text('last_modified'),
    nextPollAt: timestamp('next_poll_at', { withTimezone: true }).notNull().defaultNow(),
    /** While a node polls the feed: the end of its lease. */
    pollingUntil: timestamp('polling_until', { withTimezone: true }),
    lastPolledAt: timestamp('last_polled_at', { withTimezone: true }),
    lastStatus: text('last_status').$type<PollStatus>(),
    /** A class of error and at most a status or a system code: never text from the other side. */
    lastError: text('last_error'),
    lastNewPosts: integer('last_new_posts').notNull().default(0),
    /** Failed polls in a row (the next poll waits longer after each, up to a day). */
    failures: integer('failures').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [index('opinion_feed_due_idx').on(t.enabled, t.nextPollAt)],
);

/** A matter type a post was classified as, with the classifier's score (0–1). */
export interface PostType {
  code: string;
  name: string;
  score: number;
}

/** A gazetteer name found in a post's text. */
export interface PostPlace {
  id: string;
  name: string;
  lng: number;
  lat: number;
  gridId: string | null;
  districtCode: string;
}

export const POST_STATES = ['new', 'linked', 'reported', 'dismissed'] as const;
export type PostState = (typeof POST_STATES)[number];

/**
 * A post of a feed (舆情帖子): its words as plain text (capped), where it came from (a link shown,
 * never fetched by the browser from here), what it is about (types and places found in it), and
 * what was decided: still new, linked to an open case (by hand, or by itself on a strong match),
 * turned into a report, or dismissed with a reason. Posts are never deleted: the unique keys keep
 * a post from coming back on the next poll of its feed (guid) or through another feed (link).
 */
export const opinionPost = pgTable(
  'opinion_post',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    feedId: uuid('feed_id')
      .notNull()
      .references(() => opinionFeed.id),
    /** SHA-256 of the item's guid (else link, else title and date): unique per feed. */
    dedupKey: text('dedup_key').notNull(),
    /** SHA-256 of the item's link: the same article through two feeds is one post. */
    linkKey: text('link_key'),
    guid: text('guid').notNull(),
    link: text('link'),
    title: text('title').notNull(),
    text: text('text').notNull(),
    author: text('author'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull().defaultNow(),
    types: jsonb('types').$type<PostType[]>().notNull().default([]),
    places: jsonb('places').$type<PostPlace[]>().notNull().default([]),
    /** The best type and its score, and the first place (its point, grid and district). */
    matterCode: text('matter_code'),
    typeScore: doublePrecision('type_score'),
    placeName: text('place_name'),
    lng: doublePrecision('lng'),
    lat: doublePrecision('lat'),
    gridId: text('grid_id'),
    /** Whose post it is: the place's district, else the feed's; null: the city's (unplaced). */
    districtCode: text('district_code'),
    relevant: boolean('relevant').notNull(),
    state: text('state').notNull().default('new').$type<PostState>(),
    caseId: uuid('case_id'),
    reportId: uuid('report_id'),
    /** True when the poller linked it (a strong match), not a person. */
    autoLinked: boolean('auto_linked').notNull().default(false),
    decidedBy: text('decided_by'),
    decidedByName: text('decided_by_name'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    reason: text('reason'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('opinion_post_dedup_idx').on(t.feedId, t.dedupKey),
    uniqueIndex('opinion_post_link_idx').on(t.linkKey),
    index('opinion_post_queue_idx').on(t.state, t.districtCode, t.fetchedAt),
    index('opinion_post_case_idx').on(t.caseId),
  ],
);
