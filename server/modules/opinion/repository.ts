import { and, asc, count, desc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db.ts';
import { opinionFeed, opinionPost, type PollStatus, type PostState } from './tables.ts';

export type FeedRow = typeof opinionFeed.$inferSelect;
export type PostRow = typeof opinionPost.$inferSelect;
export type PostInsert = typeof opinionPost.$inferInsert;

const like = (q: string) => `%${q.replace(/[\\%_]/g, '\\$&')}%`;

// ---------------------------------------------------------------------------------------------
// Feeds

export async function listFeeds(db: Db, scope: SQL | undefined, page: number, size: number) {
  const [rows, [{ n }]] = await Promise.all([
    db
      .select()
      .from(opinionFeed)
      .where(scope)
      .orderBy(asc(opinionFeed.name), asc(opinionFeed.id))
      .limit(size)
      .offset((page - 1) * size),
    db.select({ n: count() }).from(opinionFeed).where(scope),
  ]);
  return { rows, total: Number(n) };
}

export async function findFeed(db: Db, id: string, forUpdate = false): Promise<FeedRow | undefined> {
  const q = db.select().from(opinionFeed).where(eq(opinionFeed.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

export async function insertFeed(db: Db, values: typeof opinionFeed.$inferInsert): Promise<FeedRow> {
  const [row] = await db.insert(opinionFeed).values(values).returning();
  return row;
}

export async function updateFeed(
  db: Db,
  id: string,
  version: number,
  set: Partial<typeof opinionFeed.$inferInsert>,
): Promise<FeedRow | undefined> {
  const [row] = await db
    .update(opinionFeed)
    .set({ ...set, version: version + 1, updatedAt: new Date() })
    .where(and(eq(opinionFeed.id, id), eq(opinionFeed.version, version)))
    .returning();
  return row;
}

/**
 * Claims feeds to poll for `leaseMs`: the due enabled ones (`id` absent), or that one feed now
 * (an admin's "poll now", due or not). A feed another node is polling is skipped (SKIP LOCKED and
 * its lease), so each poll happens once.
 */
export async function claimFeeds(
  db: Db,
  opts: { limit: number; leaseMs: number; id?: string },
): Promise<FeedRow[]> {
  const due = opts.id ? sql`id = ${opts.id}` : sql`enabled AND next_poll_at <= now()`;
  const res = await db.execute(sql`
    UPDATE opinion_feed SET polling_until = now() + ${`${opts.leaseMs} milliseconds`}::interval
    WHERE id IN (
      SELECT id FROM opinion_feed
      WHERE ${due} AND (polling_until IS NULL OR polling_until < now())
      ORDER BY next_poll_at, id
      LIMIT ${opts.limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING id`);
  const ids = (res as unknown as { rows: { id: string }[] }).rows.map((r) => r.id);
  if (ids.length === 0) return [];
  return db.select().from(opinionFeed).where(inArray(opinionFeed.id, ids));
}

/** What a poll leaves on its feed; the lease ends. */
export async function finishPoll(
  db: Db,
  id: string,
  r: {
    status: PollStatus;
    error: string | null;
    newPosts: number;
    failures: number;
    nextPollAt: Date;
    etag?: string | null;
    lastModified?: string | null;
  },
) {
  await db
    .update(opinionFeed)
    .set({
      pollingUntil: null,
      lastPolledAt: sql`now()`,
      lastStatus: r.status,
      lastError: r.error,
      lastNewPosts: r.newPosts,
      failures: r.failures,
      nextPollAt: r.nextPollAt,
      ...(r.etag !== undefined ? { etag: r.etag } : {}),
      ...(r.lastModified !== undefined ? { lastModified: r.lastModified } : {}),
    })
    .where(eq(opinionFeed.id, id));
}

/** Posts per feed (for the feeds page). */
export async function postCounts(db: Db, feedIds: string[]) {
  const out = new Map<string, number>();
  if (feedIds.length === 0) return out;
  const rows = await db
    .select({ feedId: opinionPost.feedId, n: count() })
    .from(opinionPost)
    .where(inArray(opinionPost.feedId, feedIds))
    .groupBy(opinionPost.feedId);
  for (const r of rows) out.set(r.feedId, Number(r.n));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Posts

/** Which of these keys the feed (guid) or any feed (link) already holds. */
export async function knownKeys(
  db: Db,
  feedId: string,
  dedupKeys: string[],
  linkKeys: string[],
): Promise<{ dedup: Set<string>; link: Set<string> }> {
  const [byGuid, byLink] = await Promise.all([
    dedupKeys.length
      ? db
          .select({ k: opinionPost.dedupKey })
          .from(opinionPost)
          .where(and(eq(opinionPost.feedId, feedId), inArray(opinionPost.dedupKey, dedupKeys)))
      : [],
    linkKeys.length
      ? db.select({ k: opinionPost.linkKey }).from(opinionPost).where(inArray(opinionPost.linkKey, linkKeys))
      : [],
  ]);
  return {
    dedup: new Set(byGuid.map((r) => r.k)),
    link: new Set(byLink.map((r) => r.k).filter((k): k is string => k !== null)),
  };
}

/** Inserts what is not there yet (another node may have raced): the rows actually inserted. */
export async function insertPosts(db: Db, rows: PostInsert[]): Promise<PostRow[]> {
  if (rows.length === 0) return [];
  return db.insert(opinionPost).values(rows).onConflictDoNothing().returning();
}

export interface PostFilter {
  state?: PostState;
  relevant?: boolean;
  feedId?: string;
  q?: string;
}

export async function listPosts(db: Db, scope: SQL | undefined, f: PostFilter, page: number, size: number) {
  const where = and(
    scope,
    f.state ? eq(opinionPost.state, f.state) : undefined,
    f.relevant === undefined ? undefined : eq(opinionPost.relevant, f.relevant),
    f.feedId ? eq(opinionPost.feedId, f.feedId) : undefined,
    f.q ? or(ilike(opinionPost.title, like(f.q)), ilike(opinionPost.text, like(f.q))) : undefined,
  );
  const [rows, [{ n }]] = await Promise.all([
    db
      .select({ post: opinionPost, feedName: opinionFeed.name })
      .from(opinionPost)
      .innerJoin(opinionFeed, eq(opinionFeed.id, opinionPost.feedId))
      .where(where)
      // By the post's time as the queue shows it: its date, or — a post without one — when it was
      // first fetched (a post is fetched once: the unique keys keep it from coming back); then the
      // later fetched, then the id, so posts of one time keep one order from page to page.
      .orderBy(
        desc(sql`coalesce(${opinionPost.publishedAt}, ${opinionPost.fetchedAt})`),
        desc(opinionPost.fetchedAt),
        desc(opinionPost.id),
      )
      .limit(size)
      .offset((page - 1) * size),
    db.select({ n: count() }).from(opinionPost).where(where),
  ]);
  return { rows, total: Number(n) };
}

export async function findPost(db: Db, id: string, forUpdate = false) {
  const q = db
    .select({ post: opinionPost, feedName: opinionFeed.name })
    .from(opinionPost)
    .innerJoin(opinionFeed, eq(opinionFeed.id, opinionPost.feedId))
    .where(eq(opinionPost.id, id));
  const [row] = forUpdate ? await q.for('update', { of: opinionPost }) : await q;
  return row as { post: PostRow; feedName: string } | undefined;
}

/** A decision on a post, at the version read (undefined when it moved meanwhile). */
export async function decidePost(
  db: Db,
  id: string,
  version: number,
  set: Partial<PostInsert>,
): Promise<PostRow | undefined> {
  const [row] = await db
    .update(opinionPost)
    .set({ ...set, version: version + 1 })
    .where(and(eq(opinionPost.id, id), eq(opinionPost.version, version)))
    .returning();
  return row;
}
