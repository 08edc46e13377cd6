/**
 * The evaluation's subjects (综合评价, domain.md §8), shared by the server and the web client:
 * regions, units and posts. Labels live in the locale files (`evaluation.subjectType.<type>`).
 */
export const REGION_TYPES = ['district', 'township', 'community', 'grid'] as const;
export const POST_TYPES = ['inspector', 'acceptor', 'shift_leader', 'dispatcher'] as const;
export const SUBJECT_TYPES = [...REGION_TYPES, 'unit', ...POST_TYPES] as const;
export type RegionType = (typeof REGION_TYPES)[number];
export type PostType = (typeof POST_TYPES)[number];
export type SubjectType = (typeof SUBJECT_TYPES)[number];
