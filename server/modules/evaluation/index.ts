/**
 * Public interface of the evaluation module (综合评价): indicators of regions, units and posts
 * computed from the record, each defined once (indicators.ts), and their drill-down to the cases
 * counted; its routes.
 */
export { INDICATORS, type Indicator, SUBJECT_TYPES, type SubjectType } from './indicators.ts';
export { evaluationRoutes } from './routes.ts';
