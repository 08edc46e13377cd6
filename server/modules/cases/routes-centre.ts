/** The command centre's desk: the workbench, saved filters of the case list, batch urging, the export. */
import { PassThrough } from 'node:stream';
import { Type } from 'typebox';
import { commonErrors, IdParams, NoContent } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { batchUrge } from './batch.ts';
import { prepareExport } from './export.ts';
import {
  createSavedFilter,
  deleteSavedFilter,
  listSavedFilters,
  updateSavedFilter,
} from './saved-filters.ts';
import {
  BatchUrgeBody,
  BatchUrgeResult,
  CaseExportQuery,
  SavedFilter,
  SavedFilterBody,
  SavedFilterList,
  TodayStats,
  Workbench,
} from './schemas-centre.ts';
import { getTodayStats } from './today-stats.ts';
import { getWorkbench } from './workbench.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

export async function centreRoutes(app: App) {
  app.get(
    '/api/workbench',
    {
      config: { operation: 'workbench.get' },
      schema: {
        tags: ['cases'],
        summary: 'What waits on me, and the numbers of the day / 工作台',
        description:
          "Per queue of the caller's roles: cases waiting, of them overdue and in warning (each equals the total of GET /api/cases?view=mine&queue=<role>, with light=red / light=yellow). The day's numbers of the caller's scope, China day: reported, filed, dispatched, closed today, and open cases overdue now.",
        response: { 200: Workbench, ...commonErrors },
      },
    },
    (request) => getWorkbench(app.db, request.ctx),
  );

  app.get(
    '/api/cases/stats/today',
    {
      config: { operation: 'cases.statsToday' },
      schema: {
        tags: ['cases'],
        summary: "Today's cases by state and channel / 当日案件统计",
        description:
          "For the command big screen (指挥大屏) of a centre: the cases reported today (China day) in the caller's area (the city, or a district) by their state now and by channel, and the open cases overdue and urged now. Units: 403.",
        response: { 200: TodayStats, ...commonErrors },
      },
    },
    (request) => getTodayStats(app.db, request.ctx),
  );

  app.get(
    '/api/cases/export',
    {
      config: { operation: 'cases.export' },
      schema: {
        tags: ['cases'],
        summary: 'Export the filtered case list as .xlsx / 导出案件列表',
        description:
          'The rows of GET /api/cases with the same filter and sort, all pages, as an Excel workbook streamed as it is written. Headers in Chinese, or English with Accept-Language: en; times in China time. At most EXPORT_MAX_ROWS rows (default 100,000): more gives 422 EXPORT_TOO_LARGE. Audited (case.export).',
        querystring: CaseExportQuery,
        response: {
          200: { description: 'the workbook', content: { [XLSX]: { schema: Binary } } },
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      const { write } = await prepareExport(app.db, request.ctx, request.query, app.config.exportMaxRows);
      const stamp = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 16).replace(/[-:T]/g, '');
      const out = new PassThrough();
      write(out).catch((err: unknown) => {
        request.log.error({ err }, 'case export failed while streaming');
        out.destroy(err as Error);
      });
      return (
        reply
          .type(XLSX)
          .header('content-disposition', `attachment; filename="cases-${stamp}.xlsx"`)
          .header('cache-control', 'no-store')
          // The schema documents the binary body; the stream is sent as it is written.
          .send(out as unknown as Buffer)
      );
    },
  );

  app.post(
    '/api/cases/batch-urge',
    {
      config: { operation: 'cases.batchUrge' },
      schema: {
        tags: ['cases'],
        summary: 'Urge several cases / 批量督办',
        description:
          "Each case is urged through the transition table's `urge` as from its page (scope, version, rule, audit event), and answered on its own: urged, or refused with the error it would have had alone. 403 when none of the caller's roles may urge.",
        body: BatchUrgeBody,
        response: { 200: BatchUrgeResult, ...commonErrors },
      },
    },
    (request) => batchUrge(app.db, request.ctx, request.body),
  );

  app.get(
    '/api/saved-filters',
    {
      config: { operation: 'savedFilters.list' },
      schema: {
        tags: ['cases'],
        summary: 'My saved filters of the case list / 我的筛选',
        response: { 200: SavedFilterList, ...commonErrors },
      },
    },
    (request) => listSavedFilters(app.db, request.ctx),
  );

  app.post(
    '/api/saved-filters',
    {
      config: { operation: 'savedFilters.create' },
      schema: {
        tags: ['cases'],
        summary: 'Save a filter of the case list / 保存筛选',
        description:
          'The query obeys the rules of GET /api/cases (400 naming the field otherwise: a real day, dateTo not before dateFrom, a queue of one of your roles). At most 100 per person (422).',
        body: SavedFilterBody,
        response: { 201: SavedFilter, ...commonErrors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createSavedFilter(app.db, request.ctx, request.body)),
  );

  app.put(
    '/api/saved-filters/:id',
    {
      config: { operation: 'savedFilters.update' },
      schema: {
        tags: ['cases'],
        summary: 'Rename or change a saved filter (its owner only) / 修改筛选',
        params: IdParams,
        body: SavedFilterBody,
        response: { 200: SavedFilter, ...commonErrors },
      },
    },
    (request) => updateSavedFilter(app.db, request.ctx, request.params.id, request.body),
  );

  app.delete(
    '/api/saved-filters/:id',
    {
      config: { operation: 'savedFilters.delete' },
      schema: {
        tags: ['cases'],
        summary: 'Delete a saved filter (its owner only) / 删除筛选',
        params: IdParams,
        response: { 204: NoContent, ...commonErrors },
      },
    },
    async (request, reply) => {
      await deleteSavedFilter(app.db, request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
