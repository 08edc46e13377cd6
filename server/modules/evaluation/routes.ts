/** The evaluation's routes (综合评价): definitions, figures per subject, drill-down to the cases. */
import { commonErrors } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { DrillAnswer, DrillQuery, FiguresAnswer, FiguresQuery, IndicatorList } from './schemas.ts';
import { drillDown, indicatorDefinitions, subjectFigures } from './service.ts';

const tags = ['evaluation'];

export async function evaluationRoutes(app: App) {
  app.get(
    '/api/evaluation/indicators',
    {
      config: { operation: 'evaluation.indicators' },
      schema: {
        tags,
        summary: 'The indicators and their definitions / 评价指标及其定义',
        description:
          'Each indicator once: what it counts, which time a row counts in, which stage clock it reads, ' +
          'its subjects, and what the record lacks for it (`evaluation:read`).',
        response: { 200: IndicatorList, ...commonErrors },
      },
    },
    (request) => indicatorDefinitions(request.ctx),
  );
  app.get(
    '/api/evaluation/figures',
    {
      config: { operation: 'evaluation.figures' },
      schema: {
        tags,
        summary: 'Figures per subject for a period / 评价对象的指标值',
        description:
          'Every subject of a type (district, township, community, grid, unit, inspector, acceptor, shift_leader, ' +
          'dispatcher) with a figure in [from, to) (China days), each indicator with its numerator and denominator. ' +
          'A district centre sees its own district and its cases only.',
        querystring: FiguresQuery,
        response: { 200: FiguresAnswer, ...commonErrors },
      },
    },
    (request) => subjectFigures(app.db, request.ctx, request.query),
  );
  app.get(
    '/api/evaluation/drill',
    {
      config: { operation: 'evaluation.drill' },
      schema: {
        tags,
        summary: 'The cases behind a figure / 指标下钻到案件',
        description:
          'The rows one figure counted — its numerator or denominator — with their cases, from the same query as ' +
          'the figure. A subject outside the caller’s scope answers 404.',
        querystring: DrillQuery,
        response: { 200: DrillAnswer, ...commonErrors },
      },
    },
    (request) => drillDown(app.db, request.ctx, request.query),
  );
}
