import multipart from '@fastify/multipart';
import { Type } from 'typebox';
import { CASE_ACTIONS, CASE_STATES, TRANSITIONS } from '../../../common/workflow.ts';
import { AppError } from '../../platform/errors.ts';
import { requestFingerprint } from '../../platform/idempotency.ts';
import { commonErrors, IdParams } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { act } from './action-service.ts';
import type { Spatial } from './intake-service.ts';
import { createReport, duplicateCandidates, getOwnReport, listOwnReports } from './intake-service.ts';
import { PHOTO_HEADERS, PHOTO_MAX_BYTES, readPhoto, storePhoto } from './photos.ts';
import { getCase, listCases, mapCases, waitingCounts } from './query-service.ts';
import {
  ActionBody,
  ActionParams,
  CaseDetail,
  CaseList,
  CaseListQuery,
  CaseMap,
  CaseMapQuery,
  CaseSummary,
  DuplicateList,
  DuplicateQuery,
  OwnReport,
  OwnReportList,
  OwnReportListQuery,
  ReportCreate,
  ReportResult,
  WaitingCounts,
  Workflow,
} from './schemas.ts';

const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });
const PhotoParams = Type.Object(
  { id: Type.String({ pattern: '^[0-9a-f]{64}$' }) },
  { additionalProperties: false },
);

export const caseRoutes = (spatial: Spatial) =>
  async function caseRoutesPlugin(app: App) {
    await app.register(multipart, { limits: { fileSize: PHOTO_MAX_BYTES, files: 1, fields: 0 } });

    app.get(
      '/api/workflow',
      {
        config: { operation: 'workflow.get' },
        schema: {
          tags: ['cases'],
          summary: 'The case transition table / 案件流转表',
          response: { 200: Workflow, ...commonErrors },
        },
      },
      async () => ({ states: CASE_STATES, actions: CASE_ACTIONS, transitions: TRANSITIONS }),
    );

    app.post(
      '/api/reports',
      {
        config: { operation: 'reports.create' },
        schema: {
          tags: ['cases'],
          summary: 'Report a problem from any channel / 上报问题',
          description:
            'New case, or merged into an open case of the same type nearby. 201 when created, 200 when the idempotency key was seen before with the same request; 409 IDEMPOTENCY_KEY_REUSED when it comes with a different one. `report` is the public view (tracking code, public status); `case` is null unless the caller may open the case.',
          body: ReportCreate,
          response: { 200: ReportResult, 201: ReportResult, ...commonErrors },
        },
      },
      async (request, reply) => {
        const { idempotencyKey: _key, ...said } = request.body;
        const res = await createReport(app.db, request.ctx, spatial, {
          ...request.body,
          sameRequest: { fingerprint: requestFingerprint(said), field: 'body.idempotencyKey' },
        });
        return reply.status(res.replayed ? 200 : 201).send(res);
      },
    );

    app.get(
      '/api/reports/duplicates',
      {
        config: { operation: 'reports.duplicates' },
        schema: {
          tags: ['cases'],
          querystring: DuplicateQuery,
          response: { 200: DuplicateList, ...commonErrors },
        },
      },
      (request) => duplicateCandidates(app.db, request.ctx, spatial, request.query),
    );

    app.get(
      '/api/reports/mine',
      {
        config: { operation: 'reports.mine' },
        schema: {
          tags: ['cases'],
          summary: 'Your own reports / 我的上报',
          description:
            "The reports the caller submitted, newest first, each with its case's state now. A user sees what they reported from any device; an API key what was reported with that key. Nobody sees another submitter's reports.",
          querystring: OwnReportListQuery,
          response: { 200: OwnReportList, ...commonErrors },
        },
      },
      (request) => listOwnReports(app.db, request.ctx, request.query),
    );

    app.get(
      '/api/reports/:id',
      {
        config: { operation: 'reports.get' },
        schema: {
          tags: ['cases'],
          summary: 'Follow your own report / 查询本人上报进度',
          params: IdParams,
          response: { 200: OwnReport, ...commonErrors },
        },
      },
      (request) => getOwnReport(app.db, request.ctx, request.params.id),
    );

    app.get(
      '/api/cases',
      {
        config: { operation: 'cases.list' },
        schema: { tags: ['cases'], querystring: CaseListQuery, response: { 200: CaseList, ...commonErrors } },
      },
      (request) => listCases(app.db, request.ctx, request.query),
    );

    app.get(
      '/api/cases/map',
      {
        config: { operation: 'cases.map' },
        schema: {
          tags: ['cases'],
          summary: 'Open cases as map points / 案件地图点位',
          description:
            "Open cases in the caller's scope (a district centre: its district; a unit: the cases dispatched to it) as points with their light, newest first. `bbox=w,s,e,n` (WGS84) limits the area; `limit` ≤ 5000 (default 2000), `truncated` says when it cut the list.",
          querystring: CaseMapQuery,
          response: { 200: CaseMap, ...commonErrors },
        },
      },
      (request) => mapCases(app.db, request.ctx, request.query),
    );

    app.get(
      '/api/cases/waiting',
      {
        config: { operation: 'cases.waiting' },
        schema: {
          tags: ['cases'],
          summary: 'How many cases wait on me / 我的待办数',
          description:
            'The totals of "my work" (GET /api/cases?view=mine) in all and per role of the caller that has a work queue, in the caller\'s scope.',
          response: { 200: WaitingCounts, ...commonErrors },
        },
      },
      (request) => waitingCounts(app.db, request.ctx),
    );

    app.get(
      '/api/cases/:id',
      {
        config: { operation: 'cases.get' },
        schema: { tags: ['cases'], params: IdParams, response: { 200: CaseDetail, ...commonErrors } },
      },
      (request) => getCase(app.db, request.ctx, request.params.id),
    );

    app.post(
      '/api/cases/:id/actions/:action',
      {
        config: { operation: 'cases.act' },
        schema: {
          tags: ['cases'],
          summary: 'Take an action on a case / 案件操作',
          description:
            'The transition table (GET /api/workflow) decides which actions a role may take in which state and which fields each needs.',
          params: ActionParams,
          body: ActionBody,
          response: { 200: CaseSummary, ...commonErrors },
        },
      },
      (request) => act(app.db, request.ctx, request.params.id, request.params.action, request.body),
    );

    app.post(
      '/api/photos',
      {
        config: { operation: 'photos.upload' },
        schema: {
          tags: ['cases'],
          summary: 'Upload a photo (multipart/form-data, one file) / 上传照片',
          response: {
            201: Type.Object({
              id: Type.String(),
              mime: Type.String(),
              bytes: Type.Integer(),
              width: Type.Union([Type.Integer(), Type.Null()]),
              height: Type.Union([Type.Integer(), Type.Null()]),
            }),
            ...commonErrors,
          },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart()) {
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
            details: [{ field: 'content-type', message: 'multipart/form-data expected' }],
          });
        }
        const file = await request.file();
        if (!file)
          throw new AppError('VALIDATION_FAILED', { details: [{ field: 'file', message: 'no file' }] });
        const bytes = await file.toBuffer().catch(() => {
          throw new AppError('PAYLOAD_TOO_LARGE', {
            details: [{ field: 'file', message: `max ${PHOTO_MAX_BYTES} bytes` }],
          });
        });
        return reply.status(201).send(await storePhoto(app.db, request.ctx, app.config.dataDir, bytes));
      },
    );

    for (const thumb of [false, true]) {
      app.get(
        thumb ? '/api/photos/:id/thumb' : '/api/photos/:id',
        {
          config: { operation: thumb ? 'photos.thumb' : 'photos.get' },
          schema: {
            tags: ['cases'],
            params: PhotoParams,
            response: {
              200: {
                description: thumb ? 'the thumbnail (WebP)' : 'the photo as uploaded',
                content: Object.fromEntries(
                  (thumb ? ['image/webp'] : ['image/jpeg', 'image/png', 'image/webp']).map((mime) => [
                    mime,
                    { schema: Binary },
                  ]),
                ),
              },
              ...commonErrors,
            },
          },
        },
        async (request, reply) => {
          const p = await readPhoto(app.db, request.ctx, app.config.dataDir, request.params.id, thumb);
          return reply
            .type(p.mime)
            .headers(PHOTO_HEADERS)
            .header('cache-control', 'private, max-age=31536000, immutable')
            .send(p.data);
        },
      );
    }
  };
