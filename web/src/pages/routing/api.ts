import type { ApiResponse } from '../../api/types';

export const AREA_LEVELS = ['grid', 'community', 'township', 'district'] as const;
export const TYPE_LEVELS = ['matter', 'major', 'default'] as const;

// The contract's types (generated from the server's OpenAPI document) under the page's names.
export type Rule = ApiResponse<'/api/routing/rules/{id}', 'get'>;
export type Resolution = ApiResponse<'/api/routing/resolve', 'get'>;
/** One change of a rule; `before`/`after` are the rule as it was then (older events, older shapes). */
export type HistoryEntry = ApiResponse<'/api/routing/history', 'get'>['items'][number];
