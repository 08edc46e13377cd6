import { type Static, Type } from 'typebox';
import { VISIBLE_TEXT_PATTERN } from '../../../common/blank-text.ts';
import { Nullable, Page, PageQuery, StringEnum } from '../../platform/schemas.ts';
import { FIELD_MESSAGE } from '../../platform/validation-messages.ts';
import { CaseSummary, CrsT } from '../cases/index.ts';
import { POST_STATES } from './tables.ts';

const Time = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const DistrictCode = Type.String({ pattern: '^\\d{6}$', description: '6-digit district code' });
export const POLL_STATUSES = ['ok', 'not_modified', 'error'] as const;
export const POST_ACTIONS = ['report', 'dismiss', 'link', 'unlink'] as const;
export type PostAction = (typeof POST_ACTIONS)[number];

// ---------------------------------------------------------------------------------------------
// Feeds

export const Feed = Type.Object({
  id: Uuid,
  name: Type.String(),
  url: Type.String(),
  districtCode: Nullable(Type.String({ description: 'null: a city feed' })),
  pollMinutes: Type.Integer(),
  enabled: Type.Boolean(),
  lastPolledAt: Nullable(Time),
  lastStatus: Nullable(StringEnum(POLL_STATUSES)),
  lastError: Nullable(
    Type.String({ description: 'a class of error and at most an HTTP status or a system code' }),
  ),
  lastNewPosts: Type.Integer(),
  failures: Type.Integer({ description: 'failed polls in a row' }),
  nextPollAt: Time,
  posts: Type.Integer({ description: 'posts stored from this feed' }),
  version: Type.Integer(),
  createdAt: Time,
  updatedAt: Time,
});
export type FeedDto = Static<typeof Feed>;
export const FeedList = Page(Feed);
export const FeedListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type FeedListQueryT = Static<typeof FeedListQuery>;

const FeedUrl = Type.String({
  format: 'uri',
  maxLength: 2000,
  description:
    'RSS 2.0, Atom or JSON Feed URL: https:// (http:// only when the city setting `outbound.allowHttp` ' +
    'allows it), reaching no internal address unless the operator lists it in OUTBOUND_ALLOW ' +
    '(422 OUTBOUND_URL_REFUSED); checked again at every poll',
});
const PollMinutes = Type.Integer({ minimum: 5, maximum: 1440, description: 'minutes between polls' });
// At least one visible character: a name of spaces (stored as '') names nothing on the page.
const FeedName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: VISIBLE_TEXT_PATTERN,
  [FIELD_MESSAGE]: {
    zh: '请填写舆情源名称（不超过 100 字）',
    en: 'Enter the feed’s name (at most 100 characters)',
  },
});

export const FeedCreate = Type.Object(
  {
    name: FeedName,
    url: FeedUrl,
    districtCode: Type.Optional(Nullable(DistrictCode)),
    pollMinutes: Type.Optional(PollMinutes),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type FeedCreateT = Static<typeof FeedCreate>;

export const FeedPatch = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'the version being changed (409 when stale)' }),
    name: Type.Optional(FeedName),
    url: Type.Optional(FeedUrl),
    districtCode: Type.Optional(Nullable(DistrictCode)),
    pollMinutes: Type.Optional(PollMinutes),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type FeedPatchT = Static<typeof FeedPatch>;

export const PollResult = Type.Object({
  feed: Feed,
  status: StringEnum(POLL_STATUSES),
  error: Nullable(Type.String()),
  newPosts: Type.Integer(),
  relevant: Type.Integer(),
  linked: Type.Integer({ description: 'new posts linked to an open case by themselves' }),
});

// ---------------------------------------------------------------------------------------------
// Posts

const PostType = Type.Object({ code: Type.String(), name: Type.String(), score: Type.Number() });
const PostPlace = Type.Object({
  id: Type.String(),
  name: Type.String(),
  lng: Type.Number(),
  lat: Type.Number(),
  gridId: Nullable(Type.String()),
  districtCode: Type.String(),
});

export const Post = Type.Object({
  id: Uuid,
  feedId: Uuid,
  feedName: Type.String(),
  guid: Type.String(),
  link: Nullable(
    Type.String({
      description: 'the source: an http(s) URL, shown as a link, never fetched by the server again',
    }),
  ),
  title: Type.String({ description: 'plain text' }),
  text: Type.String({ description: 'plain text (HTML reduced), at most 2,000 characters' }),
  author: Nullable(Type.String()),
  publishedAt: Nullable(Time),
  fetchedAt: Time,
  types: Type.Array(PostType, {
    description: "the classifier's matter types for the words, best first, each with its share of belief 0–1",
  }),
  places: Type.Array(PostPlace, { description: 'gazetteer names found in the text (WGS84)' }),
  matterCode: Nullable(
    Type.String({
      description: 'the best type, when its share reaches `opinion.matching.relevantTypeScore` (else null)',
    }),
  ),
  typeScore: Nullable(Type.Number()),
  place: Nullable(
    Type.Object({
      name: Type.String(),
      lng: Type.Number(),
      lat: Type.Number(),
      crs: Type.Literal('wgs84'),
      gridId: Nullable(Type.String()),
    }),
  ),
  districtCode: Nullable(Type.String({ description: 'whose post it is; null: the city (unplaced)' })),
  relevant: Type.Boolean(),
  state: StringEnum(POST_STATES),
  caseId: Nullable(Uuid),
  caseCode: Nullable(Type.String()),
  reportId: Nullable(Uuid),
  autoLinked: Type.Boolean(),
  decidedByName: Nullable(Type.String()),
  decidedAt: Nullable(Time),
  reason: Nullable(Type.String()),
  version: Type.Integer(),
  actions: Type.Array(StringEnum(POST_ACTIONS), { description: 'what the caller may do with it now' }),
});
export type PostDto = Static<typeof Post>;
export const PostList = Page(Post);

export const PostListQuery = Type.Object(
  {
    ...PageQuery,
    state: Type.Optional(StringEnum(POST_STATES)),
    relevant: Type.Optional(Type.Boolean({ description: 'default true: the moderation queue' })),
    feedId: Type.Optional(Uuid),
    q: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type PostListQueryT = Static<typeof PostListQuery>;

export const PostVersion = Type.Integer({
  minimum: 1,
  description: 'the version decided on (409 when stale)',
});

export const PostReport = Type.Object(
  {
    version: PostVersion,
    location: Type.Optional(
      Type.Object(
        {
          lng: Type.Number({ minimum: -180, maximum: 180 }),
          lat: Type.Number({ minimum: -90, maximum: 90 }),
          crs: CrsT,
        },
        { additionalProperties: false, description: "where the problem is; default the post's place" },
      ),
    ),
    matterCode: Type.Optional(
      Type.String({ pattern: '^[0-9A-Z]{2}[0-9A-Z]{3}$', description: 'the type confirmed by the acceptor' }),
    ),
    description: Type.Optional(
      Type.String({ minLength: 2, maxLength: 2000, description: "default: the post's title, text and link" }),
    ),
    address: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type PostReportT = Static<typeof PostReport>;

export const PostDismiss = Type.Object(
  { version: PostVersion, reason: Type.String({ minLength: 2, maxLength: 500 }) },
  { additionalProperties: false },
);
export type PostDismissT = Static<typeof PostDismiss>;

export const PostLink = Type.Object({ version: PostVersion, caseId: Uuid }, { additionalProperties: false });
export type PostLinkT = Static<typeof PostLink>;

export const PostUnlink = Type.Object(
  { version: PostVersion, reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export type PostUnlinkT = Static<typeof PostUnlink>;

export const PostReportResult = Type.Object({
  post: Post,
  merged: Type.Boolean({ description: 'the report joined an open case nearby (duplicate)' }),
  caseId: Uuid,
  caseCode: Type.String(),
});

export const CandidateList = Type.Object({
  radiusM: Type.Number(),
  items: Type.Array(Type.Object({ distanceM: Type.Integer(), case: CaseSummary })),
});
