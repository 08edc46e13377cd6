/**
 * Online opinion (网络舆情): the feeds an administrator sets up, and the moderation queue where an
 * acceptor or shift leader decides on each relevant post — turn it into a report (through intake,
 * on the channel `opinion`, with intake's duplicate check), link it to the open case it is about,
 * or dismiss it with a reason. One transaction and one audit event per decision; a post carries a
 * version (two people deciding at once: one wins, the other gets 409).
 */
import { visibleLength } from '../../../common/blank-text.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { type OutboundClient, OutboundError, urlProblemError } from '../../platform/outbound.ts';
import {
  caseCodeFor,
  caseOfReport,
  createReport,
  openCaseFor,
  openCasesNear,
  type Spatial,
} from '../cases/index.ts';
import { isDistrictCode, type SpatialService, storedDivisionCodes } from '../geo/index.ts';
import { accountNames } from '../identity/index.ts';
import { getSetting } from '../settings/index.ts';
import { capChars } from './feed-text.ts';
import { feedManage, mayReport, postRead } from './policy.ts';
import { POLL_DEFAULTS, pollFeed } from './poller.ts';
import * as repo from './repository.ts';
import type {
  FeedCreateT,
  FeedDto,
  FeedListQueryT,
  FeedPatchT,
  PostAction,
  PostDismissT,
  PostDto,
  PostLinkT,
  PostListQueryT,
  PostReportT,
  PostUnlinkT,
} from './schemas.ts';
import type { PostState } from './tables.ts';

const FEED = { zh: '舆情源', en: 'Feed' };
const POST = { zh: '舆情帖子', en: 'Post' };

// ---------------------------------------------------------------------------------------------
// Feeds

const iso = (d: Date | null) => d?.toISOString() ?? null;

function toFeedDto(f: repo.FeedRow, posts = 0): FeedDto {
  return {
    id: f.id,
    name: f.name,
    url: f.url,
    districtCode: f.districtCode,
    pollMinutes: f.pollMinutes,
    enabled: f.enabled,
    lastPolledAt: iso(f.lastPolledAt),
    lastStatus: f.lastStatus,
    lastError: f.lastError,
    lastNewPosts: f.lastNewPosts,
    failures: f.failures,
    nextPollAt: f.nextPollAt.toISOString(),
    posts,
    version: f.version,
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
  };
}

const feedView = (f: repo.FeedRow) => ({
  name: f.name,
  url: f.url,
  districtCode: f.districtCode,
  pollMinutes: f.pollMinutes,
  enabled: f.enabled,
  version: f.version,
});

/** The feed, if the caller manages it; otherwise 404 as if it did not exist. */
async function managedFeed(db: Db, ctx: RequestContext, id: string, forUpdate = false) {
  feedManage.requirePermission(ctx.actor);
  const f = await repo.findFeed(db, id, forUpdate);
  if (!f || !feedManage.allows(ctx.actor, f)) throw notFound(FEED, id);
  return f;
}

/** A district the caller may give a feed: its own (a district admin), any stored district (the city). */
async function checkDistrict(db: Db, actor: Actor, districtCode: string | null) {
  if (
    districtCode !== null &&
    (!isDistrictCode(districtCode) || (await storedDivisionCodes(db, [districtCode])).length === 0)
  ) {
    throw new AppError('INVALID_REFERENCE', {
      zh: `区县不存在：${districtCode}`,
      en: `No such district: ${districtCode}`,
      details: [{ field: 'body.districtCode', message: districtCode }],
    });
  }
  if (!feedManage.inScope(actor, { districtCode })) {
    throw new AppError('FORBIDDEN', {
      zh: districtCode === null ? '只有市级管理员可以添加全市的舆情源' : '只能管理本区的舆情源',
      en:
        districtCode === null
          ? 'Only the city administrators manage city-wide feeds'
          : "You manage only your own district's feeds",
      details: [{ field: 'body.districtCode', message: String(districtCode) }],
    });
  }
}

/**
 * The URL by the outbound rules, before anything is saved (https unless the city allows http, no
 * internal address unless OUTBOUND_ALLOW lists it); a name that does not resolve yet is accepted —
 * every poll checks again.
 */
async function checkUrl(db: Db, outbound: OutboundClient, url: string) {
  try {
    const checked = await outbound.check(url, {
      allowHttp: await getSetting(db, 'outbound.allowHttp'),
      deadline: Date.now() + 5_000,
    });
    if (!checked.ok && checked.problem.kind !== 'unresolved')
      throw urlProblemError(checked.problem, 'body.url');
  } catch (err) {
    if (!(err instanceof OutboundError)) throw err;
  }
}

export async function listFeeds(db: Db, ctx: RequestContext, q: FeedListQueryT) {
  feedManage.requirePermission(ctx.actor);
  if (!feedManage.reachesAny(ctx.actor)) throw new AppError('FORBIDDEN');
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.listFeeds(db, feedManage.filter(ctx.actor), page, pageSize);
  const counts = await repo.postCounts(
    db,
    rows.map((f) => f.id),
  );
  return { items: rows.map((f) => toFeedDto(f, counts.get(f.id))), total, page, pageSize };
}

export async function createFeed(db: Db, ctx: RequestContext, input: FeedCreateT, outbound: OutboundClient) {
  feedManage.requirePermission(ctx.actor);
  const districtCode = input.districtCode ?? null;
  await checkDistrict(db, ctx.actor, districtCode);
  await checkUrl(db, outbound, input.url);
  return db.transaction(async (tx) => {
    const f = await repo.insertFeed(tx, {
      name: input.name.trim(),
      url: input.url,
      districtCode,
      pollMinutes: input.pollMinutes ?? 30,
      enabled: input.enabled ?? true,
    });
    await recordEvent(tx, ctx, {
      action: 'opinion.feed.create',
      entityType: 'opinion_feed',
      entityId: f.id,
      districtCode: f.districtCode,
      after: feedView(f),
    });
    return toFeedDto(f);
  });
}

export async function updateFeed(
  db: Db,
  ctx: RequestContext,
  id: string,
  input: FeedPatchT,
  outbound: OutboundClient,
) {
  const current = await managedFeed(db, ctx, id);
  const districtCode = input.districtCode === undefined ? current.districtCode : input.districtCode;
  if (districtCode !== current.districtCode) await checkDistrict(db, ctx.actor, districtCode);
  if (input.url !== undefined && input.url !== current.url) await checkUrl(db, outbound, input.url);
  return db.transaction(async (tx) => {
    const before = await managedFeed(tx, ctx, id, true);
    if (before.version !== input.version) {
      throw new AppError('CONFLICT', {
        details: [{ field: 'body.version', message: `current version is ${before.version}` }],
      });
    }
    const urlChanged = input.url !== undefined && input.url !== before.url;
    const after = await repo.updateFeed(tx, id, before.version, {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.url !== undefined ? { url: input.url } : {}),
      districtCode,
      ...(input.pollMinutes !== undefined ? { pollMinutes: input.pollMinutes } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      // Another URL is another feed: its validators do not apply, and it is polled soon.
      ...(urlChanged ? { etag: null, lastModified: null, failures: 0, nextPollAt: new Date() } : {}),
      // Enabled again after failures: polled soon, not after the last backoff.
      ...(input.enabled && !before.enabled ? { nextPollAt: new Date(), failures: 0 } : {}),
    });
    if (!after) throw new AppError('CONFLICT');
    await recordEvent(tx, ctx, {
      action: 'opinion.feed.update',
      entityType: 'opinion_feed',
      entityId: id,
      districtCode: after.districtCode,
      before: feedView(before),
      after: feedView(after),
    });
    const counts = await repo.postCounts(tx, [id]);
    return toFeedDto(after, counts.get(id));
  });
}

/** "Poll now": the feed is polled in this request (409 while another poll of it runs). */
export async function pollNow(
  deps: { db: Db; outbound: OutboundClient; spatial: SpatialService },
  ctx: RequestContext,
  id: string,
) {
  await managedFeed(deps.db, ctx, id);
  const [feed] = await repo.claimFeeds(deps.db, { id, limit: 1, leaseMs: POLL_DEFAULTS.leaseMs });
  if (!feed) {
    throw new AppError('CONFLICT', {
      zh: '该舆情源正在抓取中，请稍后再试',
      en: 'The feed is being polled right now; try again in a moment',
    });
  }
  const outcome = await pollFeed(deps, feed, POLL_DEFAULTS, ctx, true);
  const after = (await repo.findFeed(deps.db, id))!;
  const counts = await repo.postCounts(deps.db, [id]);
  return {
    feed: toFeedDto(after, counts.get(id)),
    status: outcome.status,
    error: outcome.error,
    newPosts: outcome.newPosts,
    relevant: outcome.relevant,
    linked: outcome.linked,
  };
}

// ---------------------------------------------------------------------------------------------
// Posts

/** What the caller may do with a post now: the UI draws its buttons from this. */
function actionsOf(actor: Actor, state: PostState): PostAction[] {
  if (state === 'new') return [...(mayReport(actor) ? (['report'] as const) : []), 'dismiss', 'link'];
  if (state === 'linked') return ['unlink'];
  return [];
}

async function toPostDto(db: Db, actor: Actor, p: repo.PostRow, feedName: string): Promise<PostDto> {
  return {
    id: p.id,
    feedId: p.feedId,
    feedName,
    guid: p.guid,
    link: p.link,
    title: p.title,
    text: p.text,
    author: p.author,
    publishedAt: iso(p.publishedAt),
    fetchedAt: p.fetchedAt.toISOString(),
    types: p.types,
    places: p.places,
    matterCode: p.matterCode,
    typeScore: p.typeScore,
    place:
      p.placeName !== null && p.lng !== null && p.lat !== null
        ? { name: p.placeName, lng: p.lng, lat: p.lat, crs: 'wgs84', gridId: p.gridId }
        : null,
    districtCode: p.districtCode,
    relevant: p.relevant,
    state: p.state,
    caseId: p.caseId,
    // The case's code only to whom may open it (a link across a district line names no more).
    caseCode: p.caseId ? await caseCodeFor(db, actor, p.caseId) : null,
    reportId: p.reportId,
    autoLinked: p.autoLinked,
    // Who decided, as people read it (the display name now; the name kept on the row otherwise).
    decidedByName: p.decidedBy
      ? ((await accountNames(db, [p.decidedBy])).get(p.decidedBy)?.name ?? p.decidedByName)
      : p.decidedByName,
    decidedAt: iso(p.decidedAt),
    reason: p.reason,
    version: p.version,
    actions: actionsOf(actor, p.state),
  };
}

export async function listPosts(db: Db, ctx: RequestContext, q: PostListQueryT) {
  postRead.requirePermission(ctx.actor);
  if (!postRead.reachesAny(ctx.actor)) throw new AppError('FORBIDDEN');
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const { rows, total } = await repo.listPosts(
    db,
    postRead.filter(ctx.actor),
    { state: q.state, relevant: q.relevant ?? true, feedId: q.feedId, q: q.q?.trim() || undefined },
    page,
    pageSize,
  );
  const items = await Promise.all(rows.map((r) => toPostDto(db, ctx.actor, r.post, r.feedName)));
  return { items, total, page, pageSize };
}

/** The post, if the caller may see it; otherwise 404 as if it did not exist. */
async function visiblePost(db: Db, ctx: RequestContext, id: string, forUpdate = false) {
  postRead.requirePermission(ctx.actor);
  const row = await repo.findPost(db, id, forUpdate);
  if (!row || !postRead.allows(ctx.actor, row.post)) throw notFound(POST, id);
  return row;
}

export async function getPost(db: Db, ctx: RequestContext, id: string) {
  const row = await visiblePost(db, ctx, id);
  return toPostDto(db, ctx.actor, row.post, row.feedName);
}

/**
 * Open cases near the post's place that it may be about, nearest first: of the same family of
 * types as its best one (the two-digit major class; untyped cases too), within the setting's
 * `candidateRadiusM`, only those the caller may open. A post without a place has none.
 */
export async function postCandidates(db: Db, ctx: RequestContext, id: string) {
  const { post } = await visiblePost(db, ctx, id);
  const { candidateRadiusM } = await getSetting(db, 'opinion.matching');
  if (post.lng === null || post.lat === null) return { radiusM: candidateRadiusM, items: [] };
  const items = await openCasesNear(db, {
    lng: post.lng,
    lat: post.lat,
    radiusM: candidateRadiusM,
    matterMajor: post.matterCode?.slice(0, 2),
    visibleTo: ctx.actor,
    limit: 10,
  });
  return { radiusM: candidateRadiusM, items };
}

/** The post locked for a decision: visible, at the version the caller read, in the state the action needs. */
async function forDecision(tx: Db, ctx: RequestContext, id: string, version: number, action: PostAction) {
  const row = await visiblePost(tx, ctx, id, true);
  const p = row.post;
  if (p.version !== version) {
    throw new AppError('CONFLICT', {
      details: [{ field: 'body.version', message: `current version is ${p.version}` }],
    });
  }
  if (!actionsOf(ctx.actor, p.state).includes(action)) {
    throw new AppError('UNPROCESSABLE', {
      zh: `该帖子当前状态（${p.state}）不能执行此操作（${action}）`,
      en: `The post is ${p.state}; ${action} is not possible now`,
      details: [{ field: 'action', message: `state ${p.state}` }],
    });
  }
  return row;
}

const decided = (actor: Actor) => ({
  decidedBy: actor.id,
  decidedByName: actor.name,
  decidedAt: new Date(),
});

/** What the report says when the acceptor writes nothing else: the post, its source and link. */
export function reportText(p: repo.PostRow, feedName: string): string {
  const head = `【网络舆情·${feedName}】${p.title}`;
  const source = p.link ? `\n来源：${p.link}` : '';
  const room = 2000 - [...head].length - [...source].length - 1;
  const body = room > 0 && p.text && p.text !== p.title ? `\n${capChars(p.text, room)}` : '';
  return capChars(`${head}${body}${source}`, 2000);
}

/**
 * 转为上报: the post becomes a report through intake (channel `opinion`, the acceptor its
 * submitter, the post's id its idempotency key), at the post's place unless the acceptor picks
 * another point; intake's duplicate check applies — the report may join an open case of the same
 * type nearby. In one transaction with the post's decision.
 */
export async function reportPost(
  db: Db,
  spatial: Spatial,
  ctx: RequestContext,
  id: string,
  input: PostReportT,
) {
  postRead.requirePermission(ctx.actor);
  if (!mayReport(ctx.actor)) {
    throw new AppError('FORBIDDEN', {
      zh: '转为上报需要上报权限（受理员）',
      en: 'Turning a post into a report needs the right to report (acceptors)',
    });
  }
  // A description given says something; one left out is the post's own words.
  if (input.description !== undefined)
    requireWords(input.description, 'body.description', '问题描述', 'description');
  return db.transaction(async (tx) => {
    const { post: p, feedName } = await forDecision(tx, ctx, id, input.version, 'report');
    const location =
      input.location ??
      (p.lng !== null && p.lat !== null ? { lng: p.lng, lat: p.lat, crs: 'wgs84' as const } : null);
    if (!location) {
      throw new AppError('VALIDATION_FAILED', {
        zh: '该帖子没有识别出地点，请在地图上选择问题位置',
        en: 'The post names no place; pick the location on the map',
        details: [{ field: 'body.location', message: 'required: the post has no place' }],
      });
    }
    const res = await createReport(tx, ctx, spatial, {
      idempotencyKey: `opinion:${p.id}`,
      channel: 'opinion',
      byModule: 'opinion',
      description: input.description?.trim() || reportText(p, feedName),
      address: input.address?.trim() || p.placeName || undefined,
      location,
      matterCode: input.matterCode,
    });
    const c = (await caseOfReport(tx, res.reportId))!;
    const after = await repo.decidePost(tx, p.id, p.version, {
      state: 'reported',
      reportId: res.reportId,
      caseId: c.id,
      autoLinked: false,
      reason: null,
      ...decided(ctx.actor),
    });
    if (!after) throw new AppError('CONFLICT');
    await recordEvent(tx, ctx, {
      action: 'opinion.post.report',
      entityType: 'opinion_post',
      entityId: p.id,
      districtCode: p.districtCode,
      before: { state: p.state, version: p.version },
      after: {
        state: after.state,
        reportId: res.reportId,
        caseId: c.id,
        caseCode: c.code,
        merged: res.merged,
      },
    });
    return {
      post: await toPostDto(tx, ctx.actor, after, feedName),
      merged: res.merged,
      caseId: c.id,
      caseCode: c.code,
    };
  });
}

/** The fewest visible characters a moderator's words have (a reason, a description), as intake's. */
const MIN_VISIBLE_CHARS = 2;

/**
 * Refuses (400) words that say nothing: white space and invisible characters (a zero-width space)
 * pass the schema's length but would be stored as '' (common/blank-text.ts).
 */
function requireWords(text: string, field: string, zhName: string, enName: string) {
  if (visibleLength(text) >= MIN_VISIBLE_CHARS) return;
  throw new AppError('VALIDATION_FAILED', {
    zh: `${zhName}至少需要 ${MIN_VISIBLE_CHARS} 个可见字符`,
    en: `The ${enName} needs at least ${MIN_VISIBLE_CHARS} visible characters`,
    details: [{ field, message: `fewer than ${MIN_VISIBLE_CHARS} visible characters` }],
    detailsZh: [{ field, message: `至少需要 ${MIN_VISIBLE_CHARS} 个可见字符` }],
  });
}

/** 驳回: not a matter for the city (noise, advertising, out of scope), with the reason. */
export async function dismissPost(db: Db, ctx: RequestContext, id: string, input: PostDismissT) {
  requireWords(input.reason, 'body.reason', '驳回理由', 'reason');
  return db.transaction(async (tx) => {
    const { post: p, feedName } = await forDecision(tx, ctx, id, input.version, 'dismiss');
    const reason = input.reason.trim();
    const after = await repo.decidePost(tx, p.id, p.version, {
      state: 'dismissed',
      reason,
      ...decided(ctx.actor),
    });
    if (!after) throw new AppError('CONFLICT');
    await recordEvent(tx, ctx, {
      action: 'opinion.post.dismiss',
      entityType: 'opinion_post',
      entityId: p.id,
      districtCode: p.districtCode,
      before: { state: p.state, version: p.version },
      after: { state: after.state },
      reason,
    });
    return toPostDto(tx, ctx.actor, after, feedName);
  });
}

/** 关联案件: the post is about an open case the caller may open. */
export async function linkPost(db: Db, ctx: RequestContext, id: string, input: PostLinkT) {
  return db.transaction(async (tx) => {
    const { post: p, feedName } = await forDecision(tx, ctx, id, input.version, 'link');
    const c = await openCaseFor(tx, ctx.actor, input.caseId);
    if (!c) {
      throw new AppError('INVALID_REFERENCE', {
        zh: '案件不存在、已办结或不在您的管辖范围内',
        en: 'The case does not exist, is finished, or is outside your scope',
        details: [{ field: 'body.caseId', message: input.caseId }],
      });
    }
    const after = await repo.decidePost(tx, p.id, p.version, {
      state: 'linked',
      caseId: c.id,
      autoLinked: false,
      reason: null,
      ...decided(ctx.actor),
    });
    if (!after) throw new AppError('CONFLICT');
    await recordEvent(tx, ctx, {
      action: 'opinion.post.link',
      entityType: 'opinion_post',
      entityId: p.id,
      districtCode: p.districtCode,
      before: { state: p.state, version: p.version },
      after: { state: after.state, caseId: c.id, caseCode: c.code },
    });
    return toPostDto(tx, ctx.actor, after, feedName);
  });
}

/** The link was wrong (often an automatic one): back to the queue. */
export async function unlinkPost(db: Db, ctx: RequestContext, id: string, input: PostUnlinkT) {
  return db.transaction(async (tx) => {
    const { post: p, feedName } = await forDecision(tx, ctx, id, input.version, 'unlink');
    const after = await repo.decidePost(tx, p.id, p.version, {
      state: 'new',
      caseId: null,
      autoLinked: false,
      ...decided(ctx.actor),
      reason: input.reason?.trim() || null,
    });
    if (!after) throw new AppError('CONFLICT');
    await recordEvent(tx, ctx, {
      action: 'opinion.post.unlink',
      entityType: 'opinion_post',
      entityId: p.id,
      districtCode: p.districtCode,
      before: { state: p.state, version: p.version, caseId: p.caseId, autoLinked: p.autoLinked },
      after: { state: after.state },
      reason: input.reason?.trim() || null,
    });
    return toPostDto(tx, ctx.actor, after, feedName);
  });
}
