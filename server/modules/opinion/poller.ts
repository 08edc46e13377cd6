/**
 * The feed poller: every few seconds each node claims the feeds that are due (FOR UPDATE SKIP
 * LOCKED and a lease, so a feed is polled by one node at a time), fetches each through the
 * platform's outbound client — the only way out: SSRF rules checked at every call, one deadline,
 * the body read up to `maxBytes`, no redirect followed — as a conditional GET (the ETag and
 * Last-Modified of the last answer), parses it (feed-parse.ts, bounded), keeps the items it has
 * not seen (by guid within the feed, by link across feeds), classifies them (classify.ts) and
 * stores them in one transaction, linking a post to an open case by itself when the match is
 * strong: its best type scores at least `opinion.matching.autoLinkTypeScore`, it names a place in
 * the managed area, and an open case of exactly that type lies within the duplicate radius
 * (`case.duplicate.radiusM`) of the place — the same test intake applies to two reports, whatever
 * the case's age (people complain longest about what stays unfixed).
 *
 * A failed poll (a refused address, a timeout, a non-2xx answer, a body too large, a feed that does
 * not parse) leaves the feed's status and an error class — never text from the other side — and
 * the next poll waits longer after each failure in a row (the interval doubled, up to a day). A
 * poll that stored posts leaves an `opinion.feed.poll` event; one that found nothing new leaves
 * only the feed's status (polls every half hour would otherwise fill the audit trail).
 */
import { type EventInput, recordEvent } from '../../platform/audit.ts';
import { type RequestContext, systemContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { describeOutcome, type OutboundClient, OutboundError } from '../../platform/outbound.ts';
import { everyInterval } from '../../platform/periodic.ts';
import { openCasesNear } from '../cases/index.ts';
import type { SpatialService } from '../geo/index.ts';
import { getSetting } from '../settings/index.ts';
import { type Classification, classifyPost } from './classify.ts';
import { dedupKeys, FEED_LIMITS, type FeedItem, FeedParseError, parseFeed } from './feed-parse.ts';
import * as repo from './repository.ts';
import type { PollStatus } from './tables.ts';

export interface PollerDeps {
  db: Db;
  outbound: OutboundClient;
  spatial: SpatialService;
}

export interface PollOptions {
  /** One deadline for resolution, connection and the whole answer. */
  timeoutMs: number;
  /** The most bytes of a feed read (more: the poll fails as `response_too_large`). */
  maxBytes: number;
  /** How long a claimed feed stays another node's to leave alone. */
  leaseMs: number;
  /** Feeds claimed per round. */
  batchSize: number;
}

export const POLL_DEFAULTS: PollOptions = {
  timeoutMs: 15_000,
  maxBytes: FEED_LIMITS.maxBytes,
  leaseMs: 120_000,
  batchSize: 4,
};

export interface PollOutcome {
  feedId: string;
  status: PollStatus;
  error: string | null;
  newPosts: number;
  relevant: number;
  linked: number;
}

const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, ' +
  'application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1';
const MAX_BACKOFF_MS = 24 * 3600_000;

/** A validator header as we may send it back: visible ASCII, not too long; else none. */
const validator = (v: unknown): string | null =>
  typeof v === 'string' && v.length <= 200 && /^[\x21-\x7e][\x20-\x7e]*$/.test(v) ? v : null;

const header = (h: Record<string, string | string[] | undefined>, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

type Fetched =
  | { kind: 'ok'; body: Buffer; contentType?: string; etag: string | null; lastModified: string | null }
  | { kind: 'not_modified' }
  | { kind: 'error'; error: string };

async function fetchFeed(deps: PollerDeps, feed: repo.FeedRow, opts: PollOptions): Promise<Fetched> {
  const headers: Record<string, string> = { accept: ACCEPT, 'user-agent': 'CityOps-Opinion/1.0' };
  if (feed.etag) headers['if-none-match'] = feed.etag;
  if (feed.lastModified) headers['if-modified-since'] = feed.lastModified;
  try {
    const res = await deps.outbound.request({
      url: feed.url,
      method: 'GET',
      headers,
      allowHttp: await getSetting(deps.db, 'outbound.allowHttp'),
      timeoutMs: opts.timeoutMs,
      responseBody: opts.maxBytes,
    });
    if (res.status === 304) return { kind: 'not_modified' };
    if (res.status < 200 || res.status >= 300) return { kind: 'error', error: describeOutcome(res) };
    return {
      kind: 'ok',
      body: res.body,
      contentType: header(res.headers, 'content-type'),
      etag: validator(header(res.headers, 'etag')),
      lastModified: validator(header(res.headers, 'last-modified')),
    };
  } catch (err) {
    if (err instanceof OutboundError) return { kind: 'error', error: describeOutcome(err) };
    throw err;
  }
}

/** The rows of the items the feed has not seen, classified. */
async function newRows(deps: PollerDeps, feed: repo.FeedRow, items: FeedItem[]) {
  const keyed = items.map((it) => ({ it, ...dedupKeys(it) }));
  const known = await repo.knownKeys(
    deps.db,
    feed.id,
    keyed.map((k) => k.dedupKey),
    keyed.flatMap((k) => (k.linkKey ? [k.linkKey] : [])),
  );
  const seen = new Set<string>();
  const fresh = keyed.filter((k) => {
    if (known.dedup.has(k.dedupKey) || (k.linkKey && known.link.has(k.linkKey))) return false;
    // The same item twice in one answer.
    if (seen.has(k.dedupKey) || (k.linkKey && seen.has(k.linkKey))) return false;
    seen.add(k.dedupKey);
    if (k.linkKey) seen.add(k.linkKey);
    return true;
  });
  const matching = await getSetting(deps.db, 'opinion.matching');
  const rows: { row: repo.PostInsert; c: Classification }[] = [];
  for (const k of fresh) {
    const c = await classifyPost(deps.db, deps.spatial, k.it, feed.districtCode, matching);
    // The post's type is the classifier's best only when it is confident enough to make the post
    // relevant: a weak guess (a share of a few per cent) would prefill the report form and offer
    // link candidates for a type the words never named. All its suggestions stay in `types`.
    const best = (c.types[0]?.score ?? 0) >= matching.relevantTypeScore ? c.types[0] : undefined;
    rows.push({
      c,
      row: {
        feedId: feed.id,
        dedupKey: k.dedupKey,
        linkKey: k.linkKey,
        guid: k.it.guid,
        link: k.it.link,
        title: k.it.title,
        text: k.it.text,
        author: k.it.author,
        publishedAt: k.it.publishedAt,
        types: c.types,
        places: c.places,
        matterCode: best?.code ?? null,
        typeScore: best?.score ?? null,
        placeName: c.place?.name ?? null,
        lng: c.place?.lng ?? null,
        lat: c.place?.lat ?? null,
        gridId: c.place?.gridId ?? null,
        districtCode: c.districtCode,
        relevant: c.relevant,
      },
    });
  }
  return rows;
}

/** Stores the new posts and links those that match an open case strongly; one transaction. */
async function store(
  deps: PollerDeps,
  ctx: RequestContext,
  feed: repo.FeedRow,
  rows: { row: repo.PostInsert; c: Classification }[],
  record: boolean,
) {
  const matching = await getSetting(deps.db, 'opinion.matching');
  const duplicate = await getSetting(deps.db, 'case.duplicate');
  return deps.db.transaction(async (tx) => {
    const inserted = await repo.insertPosts(
      tx,
      rows.map((r) => r.row),
    );
    let linked = 0;
    for (const p of inserted) {
      const strong =
        p.relevant &&
        p.matterCode !== null &&
        (p.typeScore ?? 0) >= matching.autoLinkTypeScore &&
        p.gridId !== null &&
        p.lng !== null &&
        p.lat !== null;
      if (!strong) continue;
      const [near] = await openCasesNear(tx, {
        lng: p.lng!,
        lat: p.lat!,
        radiusM: duplicate.radiusM,
        matterCode: p.matterCode!,
        limit: 1,
      });
      if (!near) continue;
      const after = await repo.decidePost(tx, p.id, p.version, {
        state: 'linked',
        caseId: near.case.id,
        autoLinked: true,
        decidedAt: new Date(),
        decidedByName: 'system',
      });
      if (!after) continue;
      linked++;
      await recordEvent(tx, systemContext('opinion'), {
        action: 'opinion.post.auto_link',
        entityType: 'opinion_post',
        entityId: p.id,
        districtCode: p.districtCode,
        before: { state: p.state },
        after: {
          state: after.state,
          caseId: near.case.id,
          caseCode: near.case.code,
          distanceM: near.distanceM,
          matterCode: p.matterCode,
          typeScore: p.typeScore,
        },
      });
    }
    const relevant = inserted.filter((p) => p.relevant).length;
    if (record || inserted.length > 0) {
      await recordEvent(tx, ctx, pollEvent(feed, { newPosts: inserted.length, relevant, linked }));
    }
    return { newPosts: inserted.length, relevant, linked };
  });
}

const pollEvent = (
  feed: repo.FeedRow,
  counts: { newPosts: number; relevant: number; linked: number; status?: PollStatus; error?: string | null },
): EventInput => ({
  action: 'opinion.feed.poll',
  entityType: 'opinion_feed',
  entityId: feed.id,
  districtCode: feed.districtCode,
  after: { name: feed.name, ...counts },
});

/**
 * Polls one claimed feed and records how it went. `ctx`: who asked (the system for the schedule,
 * an admin for "poll now"); `record`: leave an event even when nothing new came (the admin's).
 */
export async function pollFeed(
  deps: PollerDeps,
  feed: repo.FeedRow,
  opts: PollOptions = POLL_DEFAULTS,
  ctx: RequestContext = systemContext('opinion'),
  record = false,
): Promise<PollOutcome> {
  const out: PollOutcome = {
    feedId: feed.id,
    status: 'ok',
    error: null,
    newPosts: 0,
    relevant: 0,
    linked: 0,
  };
  let validators: { etag?: string | null; lastModified?: string | null } = {};
  try {
    const fetched = await fetchFeed(deps, feed, opts);
    if (fetched.kind === 'not_modified') out.status = 'not_modified';
    else if (fetched.kind === 'error') {
      out.status = 'error';
      out.error = fetched.error;
    } else {
      const parsed = await parseFeed(fetched.body, {
        contentType: fetched.contentType,
        base: feed.url,
        limits: { ...FEED_LIMITS, maxBytes: opts.maxBytes },
      });
      const stored = await store(deps, ctx, feed, await newRows(deps, feed, parsed.items), record);
      Object.assign(out, stored);
      validators = { etag: fetched.etag, lastModified: fetched.lastModified };
    }
  } catch (err) {
    out.status = 'error';
    out.error = err instanceof FeedParseError ? err.message : 'internal_error';
    if (!(err instanceof FeedParseError)) throw Object.assign(err as Error, { pollOutcome: out });
  } finally {
    const failures = out.status === 'error' ? feed.failures + 1 : 0;
    const interval = feed.pollMinutes * 60_000;
    const wait =
      out.status === 'error' ? Math.min(MAX_BACKOFF_MS, interval * 2 ** Math.min(failures, 10)) : interval;
    await repo.finishPoll(deps.db, feed.id, {
      status: out.status,
      error: out.error,
      newPosts: out.newPosts,
      failures,
      nextPollAt: new Date(Date.now() + wait),
      ...validators,
    });
    // An admin's poll that stored nothing still leaves its event (with how it went).
    if (record && out.newPosts === 0 && out.status !== 'ok') {
      await recordEvent(deps.db, ctx, pollEvent(feed, { ...out, status: out.status, error: out.error }));
    }
  }
  return out;
}

/** One round: the due feeds, polled one after another. */
export async function pollDue(
  deps: PollerDeps,
  opts: PollOptions = POLL_DEFAULTS,
  onError?: (err: unknown) => void,
): Promise<PollOutcome[]> {
  const feeds = await repo.claimFeeds(deps.db, { limit: opts.batchSize, leaseMs: opts.leaseMs });
  const out: PollOutcome[] = [];
  for (const feed of feeds) {
    try {
      out.push(await pollFeed(deps, feed, opts));
    } catch (err) {
      onError?.(err);
      out.push(
        (err as { pollOutcome?: PollOutcome }).pollOutcome ?? {
          feedId: feed.id,
          status: 'error',
          error: 'internal_error',
          newPosts: 0,
          relevant: 0,
          linked: 0,
        },
      );
    }
  }
  return out;
}

/** Polls due feeds every `intervalMs` until stopped; the returned function waits for a round in flight. */
export function startOpinionPoller(
  deps: PollerDeps,
  options: { intervalMs?: number; onError?: (err: unknown) => void; poll?: Partial<PollOptions> } = {},
) {
  const opts = { ...POLL_DEFAULTS, ...options.poll };
  return everyInterval(options.intervalMs ?? 10_000, async (stopped) => {
    try {
      while (!stopped() && (await pollDue(deps, opts, options.onError)).length === opts.batchSize) {
        // More feeds are due: keep going.
      }
    } catch (err) {
      options.onError?.(err);
    }
  });
}
