/**
 * Public interface of the decision-support module (决策辅助): trends year on year, hotspots and
 * recurrence, overdue drivers and the heat map, read from the case record; its routes.
 */
export { decisionRoutes } from './routes.ts';
