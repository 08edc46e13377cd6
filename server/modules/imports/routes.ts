/**
 * Upload formats (both answer the same job):
 * - `POST /api/imports` multipart/form-data: fields `kind`, `crs` (optional), `mode` (optional), then
 *   the file part (.geojson/.json, or .zip of Shapefiles); up to 50 MB.
 * - `POST /api/imports/base64` JSON `{ kind, fileName, contentBase64, crs?, mode? }` for scripts.
 * `?wait=false` answers 202 at once with the job; poll `GET /api/imports/:id` for progress.
 */
import multipart from '@fastify/multipart';
import { AppError } from '../../platform/errors.ts';
import { commonErrors } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { IMPORT_KINDS, type ImportKind } from './policy.ts';
import type { ImportMode } from './report.ts';
import {
  ImportBase64Body,
  ImportIdParams,
  ImportJob,
  ImportJobList,
  ImportJobListQuery,
  ImportQuery,
  MAX_IMPORT_BYTES,
} from './schemas.ts';
import * as service from './service.ts';

const invalid = (field: string, en: string, zh: string) =>
  new AppError('VALIDATION_FAILED', { zh, en, details: [{ field, message: en }] });

function checkFields(kind: unknown, mode: unknown, crs: unknown) {
  if (!IMPORT_KINDS.includes(kind as ImportKind)) {
    throw invalid(
      'body.kind',
      'kind must be divisions, grids, components or places',
      'kind 应为 divisions、grids、components 或 places',
    );
  }
  if (mode !== undefined && mode !== 'insert' && mode !== 'replace') {
    throw invalid('body.mode', 'mode must be insert or replace', 'mode 应为 insert 或 replace');
  }
  if (crs !== undefined && (typeof crs !== 'string' || crs.length > 60)) {
    throw invalid('body.crs', 'crs must be a short text', 'crs 应为坐标系名称');
  }
}

export async function importRoutes(app: App) {
  await app.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10 } });
  // A closing app ends its imports' validations (they fail as interrupted) and waits for every job
  // to be recorded before the database closes.
  const closing = new AbortController();
  app.addHook('onClose', async () => {
    closing.abort();
    await service.importsSettled(closing.signal);
  });

  const run = async (
    request: { ctx: Parameters<typeof service.startImport>[1]; query: { wait?: boolean } },
    input: service.ImportInput,
  ): Promise<[200 | 202, service.ImportJobDto]> => {
    const { job, done } = await service.startImport(app.db, request.ctx, input, closing.signal);
    if (request.query.wait === false) {
      done.catch(() => {});
      return [202, service.toJobDto(job)];
    }
    return [200, service.toJobDto(await done)];
  };

  app.post(
    '/api/imports',
    {
      config: { operation: 'imports.upload' },
      schema: {
        tags: ['imports'],
        description:
          'multipart/form-data: fields kind, crs?, mode?, then one file (.geojson/.json, a .zip of ' +
          'Shapefiles .shp/.dbf/.prj/.cpg, or a .csv of points with lng/lat columns). Validated whole ' +
          'before anything is written; all or nothing.',
        consumes: ['multipart/form-data'],
        querystring: ImportQuery,
        response: { 200: ImportJob, 202: ImportJob, ...commonErrors, 413: commonErrors[400] },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
      const fields: Record<string, string> = {};
      let file: { name: string; data: Buffer } | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            file = { name: part.filename || 'upload', data: await part.toBuffer() };
          } else if (typeof part.value === 'string') {
            fields[part.fieldname] = part.value;
          }
        }
      } catch (e) {
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
          throw new AppError('PAYLOAD_TOO_LARGE');
        throw e;
      }
      if (!file) throw invalid('body.file', 'a file part is required', '缺少上传文件');
      checkFields(fields.kind, fields.mode, fields.crs);
      const [status, job] = await run(request, {
        kind: fields.kind as ImportKind,
        crs: fields.crs || undefined,
        mode: fields.mode as ImportMode | undefined,
        fileName: file.name,
        data: file.data,
      });
      return reply.status(status).send(job);
    },
  );

  app.post(
    '/api/imports/base64',
    {
      bodyLimit: Math.ceil((MAX_IMPORT_BYTES * 4) / 3) + 4096,
      config: { operation: 'imports.uploadBase64' },
      schema: {
        tags: ['imports'],
        description: 'The same import with the file as base64 in a JSON body (for scripts and tests).',
        querystring: ImportQuery,
        body: ImportBase64Body,
        response: { 200: ImportJob, 202: ImportJob, ...commonErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const data = Buffer.from(b.contentBase64, 'base64');
      if (data.length === 0) throw invalid('body.contentBase64', 'the file is empty', '文件为空');
      const [status, job] = await run(request, {
        kind: b.kind,
        fileName: b.fileName,
        crs: b.crs,
        mode: b.mode,
        data,
      });
      return reply.status(status).send(job);
    },
  );

  app.get(
    '/api/imports',
    {
      config: { operation: 'imports.list' },
      schema: {
        tags: ['imports'],
        querystring: ImportJobListQuery,
        response: { 200: ImportJobList, ...commonErrors },
      },
    },
    (request) => service.listJobs(app.db, request.ctx, request.query),
  );

  app.get(
    '/api/imports/:id',
    {
      config: { operation: 'imports.get' },
      schema: { tags: ['imports'], params: ImportIdParams, response: { 200: ImportJob, ...commonErrors } },
    },
    (request) => service.getJob(app.db, request.ctx, request.params.id),
  );
}
