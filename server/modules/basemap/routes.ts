/**
 * `/api/basemap`: what the map draws under the platform's layers (everyone who reads the map),
 * the city's choice and the archives (city administrators), and the archive files themselves,
 * served with HTTP Range as the browser's PMTiles reader asks for them (one range per request).
 *
 * Upload (`POST /api/basemap/archives`, multipart/form-data): a file part `archive` (.pmtiles,
 * up to BASEMAP_MAX_BYTES), optionally a file part `style` (a MapLibre style .json, up to 1 MiB)
 * and text fields `name` and `reason`. The archive is streamed to a temporary file beside its
 * final place — never held in memory — and refused as soon as its first bytes show it is not a
 * PMTiles v3 archive (an MBTiles file is told how to convert); nothing stays behind on failure.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import { Type } from 'typebox';
import { AppError } from '../../platform/errors.ts';
import { commonErrors, ErrorBody, NoContent } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { checkMagic } from './archive.ts';
import { MAX_STYLE_BYTES, styleRefused } from './archive-style.ts';
import * as archives from './archives.ts';
import { type BaseMapDeps, removeStaleParts, temporaryPath } from './files.ts';
import { regenerate } from './generated.ts';
import { requireBaseMapManage } from './policy.ts';
import { parseRange } from './range.ts';
import { Archive, ArchiveIdParams, BaseMap, Choice, ChoicePut, Settings, StyleFragment } from './schemas.ts';
import * as service from './service.ts';
import type { BaseMapState } from './state.ts';

const Binary = Type.Unsafe<NodeJS.ReadableStream>({ type: 'string', format: 'binary' });
const PMTILES = 'application/vnd.pmtiles';

const invalid = (field: string, zh: string, en: string) =>
  new AppError('VALIDATION_FAILED', { zh, en, details: [{ field, message: en }] });

/**
 * A body the multipart parser cannot read: cut off before its closing boundary or inside a part,
 * a boundary longer than the parser's search allows, a missing boundary, a `__proto__` field. The
 * parser (busboy) raises plain errors without a code for the first ones; a file system error while
 * the archive is written carries its `code` (ENOSPC …) and stays a 500.
 */
function isMalformedMultipart(e: unknown): boolean {
  if (!(e instanceof Error) || e instanceof AppError) return false;
  const code = (e as { code?: string }).code;
  if (code === 'FST_MP_PREMATURE_CLOSE' || code === 'FST_PROTO_VIOLATION') return true;
  return code === undefined && /multipart|boundary|needle/i.test(e.message);
}

/** Copies the archive part to `tmp`, refusing at its first bytes what is not PMTiles v3. */
async function streamArchive(
  file: NodeJS.ReadableStream & { truncated?: boolean },
  tmp: string,
): Promise<void> {
  let head = Buffer.alloc(0);
  let checked = false;
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (!checked) {
        head = Buffer.concat([head, chunk]);
        if (head.length >= 16) {
          checked = true;
          try {
            checkMagic(head.subarray(0, 16), Number.POSITIVE_INFINITY);
          } catch (e) {
            done(e as Error);
            return;
          }
        }
      }
      done(null, chunk);
    },
    flush(done) {
      try {
        if (!checked) checkMagic(head, head.length);
        done();
      } catch (e) {
        done(e as Error);
      }
    },
  });
  const out = fs.createWriteStream(tmp, { flags: 'wx' });
  try {
    await pipeline(file, check, out);
  } catch (e) {
    // A stream destroyed before its file was opened still opens it: wait, so the caller's
    // removal of the temporary file comes after and nothing is left behind.
    if (!out.closed) await once(out, 'close').catch(() => {});
    throw e;
  }
}

/** The style part's text, at most MAX_STYLE_BYTES. */
async function readStyle(file: NodeJS.ReadableStream & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of file) {
    size += (chunk as Buffer).length;
    if (size > MAX_STYLE_BYTES) {
      file.destroy();
      throw styleRefused(
        `样式文件过大（上限 ${MAX_STYLE_BYTES} 字节）。`,
        `The style is too large (at most ${MAX_STYLE_BYTES} bytes).`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function basemapRoutes(state: BaseMapState) {
  return async function basemap(app: App) {
    const deps: BaseMapDeps = {
      dataDir: app.config.dataDir,
      maxUploadBytes: app.config.basemapMaxBytes,
      state,
    };
    removeStaleParts(deps.dataDir);
    await app.register(multipart, {
      limits: { fileSize: deps.maxUploadBytes, files: 2, fields: 4, fieldSize: 2000, parts: 8 },
    });

    app.get(
      '/api/basemap',
      {
        config: { operation: 'basemap.get' },
        schema: {
          tags: ['basemap'],
          summary: 'The base map the map draws under its layers / 底图',
          description:
            'A MapLibre style fragment (sources and layers) or nothing. An archive source is `pmtiles:///api/…`: ' +
            "put the page's origin after `pmtiles://` and register the PMTiles protocol. The generated base map " +
            'is made at its first use (a second or two). Raster sources (天地图, XYZ) are fetched by the browser, ' +
            'never by the server; `remoteOrigins` lists their origins.',
          response: { 200: BaseMap, ...commonErrors },
        },
      },
      (request) => service.getBaseMap(app.db, request.ctx, deps),
    );

    app.put(
      '/api/basemap',
      {
        config: { operation: 'basemap.choose' },
        schema: {
          tags: ['basemap'],
          summary: 'Choose the base map (city administrators) / 选择底图',
          body: ChoicePut,
          response: { 200: Choice, ...commonErrors },
        },
      },
      (request) => service.putChoice(app.db, request.ctx, deps, request.body),
    );

    app.get(
      '/api/basemap/settings',
      {
        config: { operation: 'basemap.settings' },
        schema: {
          tags: ['basemap'],
          summary: 'The choice, the archives and the upload limit (city administrators)',
          response: { 200: Settings, ...commonErrors },
        },
      },
      (request) => service.getSettings(app.db, request.ctx, deps),
    );

    app.post(
      '/api/basemap/archives',
      {
        config: { operation: 'basemap.archives.upload' },
        schema: {
          tags: ['basemap'],
          summary: 'Upload an offline base map (.pmtiles) / 上传离线底图',
          description:
            'multipart/form-data: file `archive` (PMTiles v3, vector tiles, gzip or uncompressed; up to ' +
            'BASEMAP_MAX_BYTES), optional file `style` (MapLibre style JSON, up to 1 MiB), optional fields ' +
            '`name` and `reason`. MBTiles is refused with the command that converts it ' +
            '(`pmtiles convert in.mbtiles out.pmtiles`). Without a style, one is made from the metadata’s vector_layers.',
          consumes: ['multipart/form-data'],
          response: { 201: Archive, ...commonErrors, 413: ErrorBody, 415: ErrorBody },
        },
      },
      async (request, reply) => {
        // Who may upload is decided before a byte of the file is read.
        requireBaseMapManage(request.ctx.actor);
        if (!request.isMultipart()) {
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
            details: [{ field: 'content-type', message: 'multipart/form-data expected' }],
          });
        }
        const tmp = temporaryPath(deps.dataDir);
        const fields: Record<string, string> = {};
        let fileName: string | null = null;
        let styleText: string | undefined;
        try {
          for await (const part of request.parts()) {
            if (part.type === 'file') {
              if (part.fieldname === 'archive' && fileName === null) {
                fileName = part.filename || 'upload.pmtiles';
                await streamArchive(part.file, tmp);
                if (part.file.truncated) throw new AppError('PAYLOAD_TOO_LARGE');
              } else if (part.fieldname === 'style' && styleText === undefined) {
                styleText = await readStyle(part.file);
              } else {
                part.file.resume();
                throw invalid(
                  `body.${part.fieldname}`,
                  `不认识的文件字段 ${part.fieldname}：应为 archive（底图文件）和可选的 style（样式）。`,
                  `Unexpected file field ${part.fieldname}: send archive and, optionally, style.`,
                );
              }
            } else if (typeof part.value === 'string') {
              fields[part.fieldname] = part.value;
            }
          }
        } catch (e) {
          fs.rmSync(tmp, { force: true });
          const code = (e as { code?: string }).code;
          if (
            code === 'FST_REQ_FILE_TOO_LARGE' ||
            (e instanceof AppError && e.code === 'PAYLOAD_TOO_LARGE')
          ) {
            const gib = (deps.maxUploadBytes / 1024 ** 3).toFixed(1);
            throw new AppError('PAYLOAD_TOO_LARGE', {
              zh: `底图文件超过上限（${deps.maxUploadBytes} 字节，约 ${gib} GiB；由 BASEMAP_MAX_BYTES 设置）。`,
              en: `The archive exceeds the limit (${deps.maxUploadBytes} bytes, about ${gib} GiB; set by BASEMAP_MAX_BYTES).`,
              details: [{ field: 'body.archive', message: `max ${deps.maxUploadBytes} bytes` }],
            });
          }
          if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
            throw invalid(
              'body',
              '上传的字段过多：只需 archive、style、name、reason。',
              'Too many parts: send archive, style, name and reason only.',
            );
          }
          if (isMalformedMultipart(e)) {
            throw invalid(
              'body',
              '上传内容不是完整的 multipart/form-data（边界或分段头缺失、过长，或字段名不允许）。',
              'The upload is not well-formed multipart/form-data (a boundary or part header is missing or too long, or a field name is not allowed).',
            );
          }
          throw e;
        }
        if (fileName === null) {
          fs.rmSync(tmp, { force: true });
          throw invalid(
            'body.archive',
            '缺少底图文件（字段 archive）。',
            'The archive file (field archive) is missing.',
          );
        }
        if (fields.name !== undefined && fields.name.length > 100) {
          fs.rmSync(tmp, { force: true });
          throw invalid('body.name', '名称最多 100 个字。', 'name must be at most 100 characters.');
        }
        const dto = await archives.storeUpload(app.db, request.ctx, deps, {
          tmpPath: tmp,
          fileName,
          name: fields.name,
          styleText,
          reason: fields.reason?.slice(0, 500),
        });
        return reply.status(201).send(dto);
      },
    );

    app.delete(
      '/api/basemap/archives/:id',
      {
        config: { operation: 'basemap.archives.delete' },
        schema: {
          tags: ['basemap'],
          summary: 'Delete an uploaded archive that is not in use',
          params: ArchiveIdParams,
          response: { 204: NoContent, ...commonErrors },
        },
      },
      async (request, reply) => {
        await archives.deleteArchive(app.db, request.ctx, deps, request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/basemap/archives/:id/style',
      {
        config: { operation: 'basemap.archives.style' },
        schema: {
          tags: ['basemap'],
          summary: 'The style an archive would be drawn with (preview, city administrators)',
          params: ArchiveIdParams,
          response: { 200: StyleFragment, ...commonErrors },
        },
      },
      (request) => archives.archiveStyle(app.db, request.ctx, request.params.id),
    );

    app.post(
      '/api/basemap/generated',
      {
        config: { operation: 'basemap.generate' },
        schema: {
          tags: ['basemap'],
          summary: "Generate the base map again from the city's layers (after an import)",
          response: { 200: Archive, ...commonErrors },
        },
      },
      (request) => regenerate(app.db, request.ctx, deps),
    );

    app.get(
      '/api/basemap/archives/:id/file',
      {
        config: { operation: 'basemap.archives.file' },
        schema: {
          tags: ['basemap'],
          summary: 'The archive (.pmtiles), with HTTP Range',
          description:
            'One byte range per request (`Range: bytes=a-b`, `a-` or `-n`) → 206 with Content-Range; none → the ' +
            'whole file. Several ranges, a malformed one or one past the end → 416 with `Content-Range: bytes */size`. ' +
            'Strong ETag (the content’s hash); If-None-Match → 304; If-Range honoured. Session or API key (geo:read).',
          params: ArchiveIdParams,
          response: {
            200: { description: 'the whole archive', content: { [PMTILES]: { schema: Binary } } },
            206: { description: 'the requested range', content: { [PMTILES]: { schema: Binary } } },
            304: Type.Null({ description: 'not modified (If-None-Match)' }),
            416: ErrorBody,
            ...commonErrors,
          },
        },
      },
      async (request, reply) => {
        const f = await archives.archiveFile(app.db, request.ctx, deps, request.params.id);
        reply
          .header('accept-ranges', 'bytes')
          .header('etag', f.etag)
          .header('cache-control', 'private, max-age=31536000, immutable');
        const inm = request.headers['if-none-match'];
        if (inm?.split(',').some((t) => t.trim() === f.etag || t.trim() === '*')) {
          return reply.status(304).send(null);
        }
        let range = request.headers.range;
        const ifRange = request.headers['if-range'];
        if (range !== undefined && typeof ifRange === 'string' && ifRange.trim() !== f.etag)
          range = undefined;
        const r = parseRange(range, f.size);
        if (r.kind === 'refused') {
          reply.header('content-range', `bytes */${f.size}`);
          const why = {
            multiple: ['一次只能请求一个字节范围', 'only one byte range per request is served'],
            malformed: ['字节范围格式不正确', 'the byte range is malformed'],
            beyond: [
              `字节范围超出文件长度（${f.size} 字节）`,
              `the byte range lies past the end of the file (${f.size} bytes)`,
            ],
          }[r.reason];
          throw new AppError('RANGE_NOT_SATISFIABLE', {
            zh: `无法提供请求的字节范围：${why[0]}。`,
            en: `The requested byte range cannot be served: ${why[1]}.`,
            details: [{ field: 'headers.range', message: why[1] }],
          });
        }
        reply.type(PMTILES);
        if (r.kind === 'full') {
          reply.header('content-length', f.size);
          return reply.send(fs.createReadStream(f.path));
        }
        return reply
          .status(206)
          .header('content-range', `bytes ${r.start}-${r.end}/${f.size}`)
          .header('content-length', r.end - r.start + 1)
          .send(fs.createReadStream(f.path, { start: r.start, end: r.end }));
      },
    );
  };
}
