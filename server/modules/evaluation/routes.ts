/**
 * The evaluation's routes (综合评价): definitions, figures per subject, drill-down to the cases;
 * templates (versioned) and rankings (computed, published, frozen, exported).
 */
import { Type } from 'typebox';
import { commonErrors, IdParams } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { rankingPdf, rankingWorkbook } from './export.ts';
import { computeRanking, getRanking, listRankings, publishRanking } from './rankings.ts';
import {
  DrillAnswer,
  DrillQuery,
  FiguresAnswer,
  FiguresQuery,
  IndicatorList,
  RankingComputeBody,
  RankingList,
  RankingListQuery,
  RankingView,
  SubjectTypeParams,
  TemplateList,
  TemplateSaveBody,
  TemplateView,
} from './schemas.ts';
import { drillDown, indicatorDefinitions, subjectFigures } from './service.ts';
import { listTemplates, saveTemplate, templateById, templateVersions } from './templates.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PDF = 'application/pdf';
const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

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

  app.get(
    '/api/evaluation/templates',
    {
      config: { operation: 'evaluation.templates' },
      schema: {
        tags,
        summary: 'The current template of every subject type / 考核模板',
        description:
          'Weights, count bands and grade bands per subject type (`evaluation:read`). The platform seeds ' +
          'domain.md §8’s examples; the city edits them (PUT makes a new version).',
        response: { 200: TemplateList, ...commonErrors },
      },
    },
    (request) => listTemplates(app.db, request.ctx),
  );
  app.get(
    '/api/evaluation/templates/:subjectType/versions',
    {
      config: { operation: 'evaluation.templates.versions' },
      schema: {
        tags,
        summary: 'Every version of a subject type’s template / 模板历史版本',
        params: SubjectTypeParams,
        response: { 200: TemplateList, ...commonErrors },
      },
    },
    (request) => templateVersions(app.db, request.ctx, request.params.subjectType),
  );
  app.get(
    '/api/evaluation/template-versions/:id',
    {
      config: { operation: 'evaluation.templates.get' },
      schema: {
        tags,
        summary: 'One template version (e.g. the one a ranking names) / 模板的某一版本',
        params: IdParams,
        response: { 200: TemplateView, ...commonErrors },
      },
    },
    (request) => templateById(app.db, request.ctx, request.params.id),
  );
  app.put(
    '/api/evaluation/templates/:subjectType',
    {
      config: { operation: 'evaluation.templates.save' },
      schema: {
        tags,
        summary: 'Save a new version of a template / 修改考核模板（生成新版本）',
        description:
          'The city’s `evaluation:manage` holders. The items’ weights add up to 100; each indicator applies to ' +
          'the subject type; grades A–E fall to 0. `baseVersion` is the version edited: another saved since is 409.',
        params: SubjectTypeParams,
        body: TemplateSaveBody,
        response: { 200: TemplateView, ...commonErrors },
      },
    },
    (request) => saveTemplate(app.db, request.ctx, request.params.subjectType, request.body),
  );

  app.get(
    '/api/evaluation/rankings',
    {
      config: { operation: 'evaluation.rankings' },
      schema: {
        tags,
        summary: 'Rankings, newest first / 排名列表',
        description:
          'The city sees drafts and published rankings; a district centre the published ones, counting the lines ' +
          'of its own subjects.',
        querystring: RankingListQuery,
        response: { 200: RankingList, ...commonErrors },
      },
    },
    (request) => listRankings(app.db, request.ctx, request.query),
  );
  app.post(
    '/api/evaluation/rankings',
    {
      config: { operation: 'evaluation.rankings.compute' },
      schema: {
        tags,
        summary: 'Compute a period’s ranking as a new draft / 计算排名',
        description:
          'Scores every subject of the type under the current template, ranks them and compares with the previous ' +
          'period (its published ranking if any, else computed now). Each call makes a new version; published ' +
          'versions never change (`evaluation:manage`, city).',
        body: RankingComputeBody,
        response: { 201: RankingView, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await computeRanking(app.db, request.ctx, request.body)),
  );
  app.get(
    '/api/evaluation/rankings/:id',
    {
      config: { operation: 'evaluation.rankings.get' },
      schema: {
        tags,
        summary: 'One ranking with its lines / 排名详情',
        description: 'A district centre reads published rankings only, and its own subjects’ lines.',
        params: IdParams,
        response: { 200: RankingView, ...commonErrors },
      },
    },
    (request) => getRanking(app.db, request.ctx, request.params.id),
  );
  app.post(
    '/api/evaluation/rankings/:id/publish',
    {
      config: { operation: 'evaluation.rankings.publish' },
      schema: {
        tags,
        summary: 'Approve and publish a draft ranking / 审定发布排名',
        description:
          'A city leader (`evaluation:publish`). From then on the ranking is frozen — the database refuses to change ' +
          'it — and its districts’ and units’ rankings appear on the public portal. A published one again is 409.',
        params: IdParams,
        response: { 200: RankingView, ...commonErrors },
      },
    },
    (request) => publishRanking(app.db, request.ctx, request.params.id),
  );
  for (const format of ['xlsx', 'pdf'] as const) {
    app.get(
      `/api/evaluation/rankings/:id/export.${format}`,
      {
        config: { operation: `evaluation.rankings.export.${format}` },
        schema: {
          tags,
          summary:
            format === 'xlsx'
              ? 'The ranking as an Excel workbook / 导出排名（Excel）'
              : 'The ranking as a PDF report with charts / 导出排名报告（PDF）',
          description:
            'In the caller’s language (Accept-Language). The lines the caller may read. ' +
            (format === 'pdf'
              ? 'Needs a CJK font on the server (fonts-wqy-microhei); 503 names it when missing.'
              : ''),
          params: IdParams,
          response: {
            200: {
              description: `the ${format}`,
              content: { [format === 'xlsx' ? XLSX : PDF]: { schema: Binary } },
            },
            ...commonErrors,
          },
        },
      },
      async (request, reply) => {
        const r = await getRanking(app.db, request.ctx, request.params.id);
        const template = await templateById(app.db, request.ctx, r.templateId);
        const kinds = template.definition.items.map((i) => i.score);
        const body =
          format === 'xlsx'
            ? await rankingWorkbook(r, request.ctx.lang, kinds)
            : await rankingPdf(r, request.ctx.lang, kinds);
        const name = `ranking-${r.subjectType}-${r.from}-v${r.version}.${format}`;
        return reply
          .type(format === 'xlsx' ? XLSX : PDF)
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('cache-control', 'no-store')
          .send(body);
      },
    );
  }
}
