/**
 * Public interface of the evaluation module (综合评价): indicators of regions, units and posts
 * computed from the record, each defined once (indicators.ts), and their drill-down to the cases
 * counted; versioned templates and rankings (computed, published, frozen); its routes; and what the
 * public portal shows of the published rankings.
 */
export { INDICATORS, type Indicator, SUBJECT_TYPES, type SubjectType } from './indicators.ts';
/**
 * The one query behind every figure, for decision support (决策辅助): its overdue drivers group
 * these very rows by unit and matter type, so "overdue" and "on time" never mean two things.
 */
export { type FactQuery, factRows } from './query.ts';
export { PUBLIC_SUBJECT_TYPES, publicRankings } from './rankings.ts';
export { evaluationRoutes } from './routes.ts';
export { PublicRanking, PublicRankingQuery } from './schemas.ts';
/**
 * The day sums: their upkeep (main.ts folds the refreshes' deltas into the sums every 10 s) and the
 * SQL a migration installs (`npm run gen:evaluation-sums`; a test compares it with the database).
 */
export {
  compactSums,
  contribFunctionBody,
  contribFunctionSql,
  REBUILD_SUMS_SQL,
  startSumCompaction,
} from './sums.ts';
export { seedEvaluationTemplates } from './templates.ts';
