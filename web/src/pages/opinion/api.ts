/** The shapes of /api/opinion (the generated contract) under the names the opinion pages use. */
import type { ApiResponse } from '../../api/types';

export type Feed = ApiResponse<'/api/opinion/feeds', 'get'>['items'][number];
export type PollResult = ApiResponse<'/api/opinion/feeds/{id}/poll', 'post'>;
export type Post = ApiResponse<'/api/opinion/posts', 'get'>['items'][number];
export type PostState = Post['state'];
export type PostAction = Post['actions'][number];
export type Candidates = ApiResponse<'/api/opinion/posts/{id}/candidates', 'get'>;
export type PostReportResult = ApiResponse<'/api/opinion/posts/{id}/report', 'post'>;

export const POST_STATES: PostState[] = ['new', 'linked', 'reported', 'dismissed'];
export const STATE_COLOURS: Record<PostState, string> = {
  new: 'blue',
  linked: 'purple',
  reported: 'green',
  dismissed: 'default',
};
export const POLL_COLOURS: Record<NonNullable<Feed['lastStatus']>, string> = {
  ok: 'success',
  not_modified: 'default',
  error: 'error',
};
