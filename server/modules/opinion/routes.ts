import { commonErrors, IdParams } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import type { SpatialService } from '../geo/index.ts';
import {
  CandidateList,
  Feed,
  FeedCreate,
  FeedList,
  FeedListQuery,
  FeedPatch,
  PollResult,
  Post,
  PostDismiss,
  PostLink,
  PostList,
  PostListQuery,
  PostReport,
  PostReportResult,
  PostUnlink,
} from './schemas.ts';
import {
  createFeed,
  dismissPost,
  getPost,
  linkPost,
  listFeeds,
  listPosts,
  pollNow,
  postCandidates,
  reportPost,
  unlinkPost,
  updateFeed,
} from './service.ts';

const tags = ['opinion'];

export const opinionRoutes = (spatial: SpatialService) =>
  async function opinionRoutesPlugin(app: App) {
    // ---- feeds (administrators) ----------------------------------------------------------------
    app.get(
      '/api/opinion/feeds',
      {
        config: { operation: 'opinion.feeds.list' },
        schema: {
          tags,
          summary: 'Feeds of online opinion in scope, with their last poll / 舆情源',
          querystring: FeedListQuery,
          response: { 200: FeedList, ...commonErrors },
        },
      },
      (request) => listFeeds(app.db, request.ctx, request.query),
    );

    app.post(
      '/api/opinion/feeds',
      {
        config: { operation: 'opinion.feeds.create' },
        schema: {
          tags,
          summary: 'Add a feed / 添加舆情源',
          description:
            'An RSS 2.0, Atom or JSON Feed URL, polled every `pollMinutes` through the platform’s outbound ' +
            'client (SSRF rules, one deadline, at most 1 MiB read, no redirect followed) as a conditional GET. ' +
            'A district admin adds feeds of its district only; a city feed (`districtCode` null) is the city’s.',
          body: FeedCreate,
          response: { 201: Feed, ...commonErrors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await createFeed(app.db, request.ctx, request.body, app.outbound)),
    );

    app.patch(
      '/api/opinion/feeds/:id',
      {
        config: { operation: 'opinion.feeds.update' },
        schema: {
          tags,
          summary: 'Change or disable a feed / 修改、停用舆情源',
          params: IdParams,
          body: FeedPatch,
          response: { 200: Feed, ...commonErrors },
        },
      },
      (request) => updateFeed(app.db, request.ctx, request.params.id, request.body, app.outbound),
    );

    app.post(
      '/api/opinion/feeds/:id/poll',
      {
        config: { operation: 'opinion.feeds.poll' },
        schema: {
          tags,
          summary: 'Poll a feed now / 立即抓取',
          description:
            'Polls the feed in this request and answers how it went (409 while another poll of it runs). ' +
            'A failure is an answer too: `status: error` with a class of error, never text from the other side.',
          params: IdParams,
          response: { 200: PollResult, ...commonErrors },
        },
      },
      (request) => pollNow({ db: app.db, outbound: app.outbound, spatial }, request.ctx, request.params.id),
    );

    // ---- posts: the moderation queue ------------------------------------------------------------
    app.get(
      '/api/opinion/posts',
      {
        config: { operation: 'opinion.posts.list' },
        schema: {
          tags,
          summary: 'Posts of online opinion, newest first / 舆情列表',
          description:
            'Relevant posts by default (`relevant=false` lists the others). A district’s acceptors and shift ' +
            'leaders see the posts of their district; posts naming no place of the city, from city feeds, ' +
            'only the city centre. Text only: titles and texts are plain text, never HTML.',
          querystring: PostListQuery,
          response: { 200: PostList, ...commonErrors },
        },
      },
      (request) => listPosts(app.db, request.ctx, request.query),
    );

    app.get(
      '/api/opinion/posts/:id',
      {
        config: { operation: 'opinion.posts.get' },
        schema: {
          tags,
          summary: 'One post / 舆情详情',
          params: IdParams,
          response: { 200: Post, ...commonErrors },
        },
      },
      (request) => getPost(app.db, request.ctx, request.params.id),
    );

    app.get(
      '/api/opinion/posts/:id/candidates',
      {
        config: { operation: 'opinion.posts.candidates' },
        schema: {
          tags,
          summary: 'Open cases the post may be about / 可关联案件',
          description:
            'Open cases of the same family of types (two-digit major class, or untyped) within the ' +
            '`opinion.matching.candidateRadiusM` of the post’s place, nearest first, that the caller may open.',
          params: IdParams,
          response: { 200: CandidateList, ...commonErrors },
        },
      },
      (request) => postCandidates(app.db, request.ctx, request.params.id),
    );

    app.post(
      '/api/opinion/posts/:id/report',
      {
        config: { operation: 'opinion.posts.report' },
        schema: {
          tags,
          summary: 'Turn a post into a report / 转为上报',
          description:
            'A report on the channel `opinion` through intake (the caller its submitter; needs `case:report`), ' +
            'at the post’s place unless `location` says otherwise, with intake’s duplicate check: it may join ' +
            'an open case of the same type nearby (`merged`).',
          params: IdParams,
          body: PostReport,
          response: { 200: PostReportResult, ...commonErrors },
        },
      },
      (request) => reportPost(app.db, spatial, request.ctx, request.params.id, request.body),
    );

    app.post(
      '/api/opinion/posts/:id/dismiss',
      {
        config: { operation: 'opinion.posts.dismiss' },
        schema: {
          tags,
          summary: 'Dismiss a post, with the reason / 驳回',
          params: IdParams,
          body: PostDismiss,
          response: { 200: Post, ...commonErrors },
        },
      },
      (request) => dismissPost(app.db, request.ctx, request.params.id, request.body),
    );

    app.post(
      '/api/opinion/posts/:id/link',
      {
        config: { operation: 'opinion.posts.link' },
        schema: {
          tags,
          summary: 'Link a post to the open case it is about / 关联案件',
          params: IdParams,
          body: PostLink,
          response: { 200: Post, ...commonErrors },
        },
      },
      (request) => linkPost(app.db, request.ctx, request.params.id, request.body),
    );

    app.post(
      '/api/opinion/posts/:id/unlink',
      {
        config: { operation: 'opinion.posts.unlink' },
        schema: {
          tags,
          summary: 'Undo a link (often an automatic one): back to the queue / 取消关联',
          params: IdParams,
          body: PostUnlink,
          response: { 200: Post, ...commonErrors },
        },
      },
      (request) => unlinkPost(app.db, request.ctx, request.params.id, request.body),
    );
  };
