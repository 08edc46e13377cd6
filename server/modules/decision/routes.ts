/** Decision support's routes (决策辅助): trends, hotspots and recurrence, overdue drivers, heat map. */
import { commonErrors } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import {
  HeatAnswer,
  HeatQuery,
  HotspotAnswer,
  HotspotQuery,
  OverdueAnswer,
  OverdueQuery,
  TrendAnswer,
  TrendQuery,
} from './schemas.ts';
import { heat, hotspots, overdueDrivers, trends } from './service.ts';

const tags = ['decision'];
const scopeNote =
  ' Holders of `evaluation:read`: the city sees every case, a district centre its own district’s (another district ' +
  'named answers 404), a unit nothing (403). Periods are China days [from, to), at most 400 days.';

export async function decisionRoutes(app: App) {
  app.get(
    '/api/decision/trends',
    {
      config: { operation: 'decision.trends' },
      schema: {
        tags,
        summary: 'Cases per week or month and family or region, year on year / 案件趋势（同比）',
        description:
          'Cases reported per China week (from Monday) or month, per matter-type family, district or township, ' +
          'beside the same bucket a year earlier (52 weeks for weeks).' +
          scopeNote,
        querystring: TrendQuery,
        response: { 200: TrendAnswer, ...commonErrors },
      },
    },
    (request) => trends(app.db, request.ctx, request.query),
  );
  app.get(
    '/api/decision/hotspots',
    {
      config: { operation: 'decision.hotspots' },
      schema: {
        tags,
        summary: 'Hotspot grids and components, and recurrence after closing / 热点与复发',
        description:
          'Grids and components with at least `threshold` cases reported in the period (default 3), and cases of ' +
          'the same matter type on the same grid or component reported within `recurrenceDays` (default 30) after ' +
          'an earlier one was closed, with both case codes.' +
          scopeNote,
        querystring: HotspotQuery,
        response: { 200: HotspotAnswer, ...commonErrors },
      },
    },
    (request) => hotspots(app.db, request.ctx, request.query),
  );
  app.get(
    '/api/decision/overdue',
    {
      config: { operation: 'decision.overdue' },
      schema: {
        tags,
        summary: 'Units and matter types behind overdue disposal / 超期处置成因',
        description:
          'Of the cases dispatched in the period (the evaluation’s overdue and on-time disposal indicators, the same ' +
          'rows), per unit and per matter type: overdue count, share of all overdue, due count, on-time rate.' +
          scopeNote,
        querystring: OverdueQuery,
        response: { 200: OverdueAnswer, ...commonErrors },
      },
    },
    (request) => overdueDrivers(app.db, request.ctx, request.query),
  );
  app.get(
    '/api/decision/heat',
    {
      config: { operation: 'decision.heat' },
      schema: {
        tags,
        summary: 'Cases of a period in map cells / 案件热力图',
        description:
          'Cases reported in the period counted in cells of rounded WGS84 lng/lat (`precision` decimals, default 3).' +
          scopeNote,
        querystring: HeatQuery,
        response: { 200: HeatAnswer, ...commonErrors },
      },
    },
    (request) => heat(app.db, request.ctx, request.query),
  );
}
