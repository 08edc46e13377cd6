/**
 * The portal's report form (multipart/form-data), read within bounds: one `report` field (JSON
 * text, at most MAX_FIELD_BYTES) and up to MAX_PHOTOS `photos` files of at most PHOTO_MAX_BYTES
 * each — the parser stops at the first part past a limit, so no more than that is ever held. Every
 * refusal is an AppError that names the part and the limit in Chinese and English.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { unsafeJsonKey } from '../../platform/json-body.ts';
import { PHOTO_MAX_BYTES } from '../cases/index.ts';
import { MAX_FIELD_BYTES, MAX_PHOTOS } from './policy.ts';

export interface Submission {
  /** The `report` field, parsed but not yet validated. */
  report: unknown;
  photos: Buffer[];
}

const MB = PHOTO_MAX_BYTES / 1024 / 1024;

/** The limits handed to the multipart parser (busboy) for this route. */
export const FORM_LIMITS = {
  fileSize: PHOTO_MAX_BYTES,
  files: MAX_PHOTOS,
  fields: 1,
  fieldSize: MAX_FIELD_BYTES,
  // One more than the field and the photos: a photo too many is then named as that, not as a part.
  parts: MAX_PHOTOS + 2,
  headerPairs: 20,
} as const;

const tooManyPhotos = () =>
  new AppError('PAYLOAD_TOO_LARGE', {
    zh: `照片最多 ${MAX_PHOTOS} 张`,
    en: `At most ${MAX_PHOTOS} photos per report`,
    details: [{ field: 'body.photos', message: `at most ${MAX_PHOTOS} files` }],
  });

const photoTooLarge = () =>
  new AppError('PAYLOAD_TOO_LARGE', {
    zh: `每张照片不能超过 ${MB} MB`,
    en: `Each photo may be at most ${MB} MB`,
    details: [{ field: 'body.photos', message: `at most ${PHOTO_MAX_BYTES} bytes each` }],
  });

const unexpectedPart = (name: string) =>
  new AppError('VALIDATION_FAILED', {
    zh: `表单只应包含 report 字段和 photos 照片，不认识：${name}`,
    en: `The form holds a report field and photos files only; unknown part: ${name}`,
    details: [{ field: `body.${name}`, message: 'unknown part' }],
  });

const malformedJson = (message: string) =>
  new AppError('MALFORMED_JSON', {
    zh: 'report 字段不是有效的 JSON',
    en: 'The report field is not valid JSON',
    details: [{ field: 'body.report', message }],
  });

/**
 * JSON.parse that refuses keys which could reach an object's prototype: broken text is
 * MALFORMED_JSON, a `__proto__`, `constructor` or `prototype` key anywhere UNSAFE_JSON_KEY (the
 * JSON bodies' code, platform/json-body.ts; the report's fields never need these names).
 */
function parseJson(text: string): unknown {
  let unsafe: string | null = null;
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v) => {
      if (unsafe === null && (key === '__proto__' || key === 'constructor' || key === 'prototype'))
        unsafe = key;
      return v;
    });
  } catch (err) {
    throw malformedJson((err as Error).message);
  }
  if (unsafe !== null) throw unsafeJsonKey(unsafe, 'body.report');
  return value;
}

/** Errors of the parser (busboy and @fastify/multipart) as the catalogue's. */
function fromParser(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: string }).code;
  switch (code) {
    case 'FST_FILES_LIMIT':
      return tooManyPhotos();
    case 'FST_REQ_FILE_TOO_LARGE':
      return photoTooLarge();
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new AppError('PAYLOAD_TOO_LARGE', {
        zh: `表单只应包含一个 report 字段和至多 ${MAX_PHOTOS} 张照片`,
        en: `The form holds one report field and at most ${MAX_PHOTOS} photos`,
        details: [{ field: 'body', message: 'too many parts' }],
      });
    case 'FST_PROTO_VIOLATION':
      return new AppError('VALIDATION_FAILED', {
        zh: '表单字段名不允许',
        en: 'A form part has a name that is not allowed',
        details: [{ field: 'body', message: 'prototype property as a part name' }],
      });
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return malformedJson('not JSON');
    default:
      return new AppError('BAD_REQUEST', {
        zh: '表单格式错误（multipart/form-data 不完整或无法解析）',
        en: 'The form is malformed (incomplete or unreadable multipart/form-data)',
        details: [{ field: 'body', message: String((err as Error)?.message ?? err).slice(0, 200) }],
      });
  }
}

/** Reads the form; throws the first problem it meets. */
export async function readSubmission(request: FastifyRequest): Promise<Submission> {
  if (!request.isMultipart()) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
      zh: '请以 multipart/form-data 提交：report 字段（JSON）和 photos 照片',
      en: 'Send multipart/form-data: a report field (JSON) and photos files',
      details: [{ field: 'headers.content-type', message: 'multipart/form-data expected' }],
    });
  }
  let report: unknown;
  let seenReport = false;
  const photos: Buffer[] = [];
  try {
    for await (const part of request.parts({ limits: FORM_LIMITS })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'photos') {
          // Drained, so the parser can move on to the answer.
          part.file.resume();
          throw unexpectedPart(part.fieldname);
        }
        const bytes = await part.toBuffer();
        if (bytes.length === 0) {
          throw new AppError('VALIDATION_FAILED', {
            zh: '照片是空文件',
            en: 'A photo is an empty file',
            details: [{ field: `body.photos[${photos.length}]`, message: 'empty' }],
          });
        }
        photos.push(bytes);
        continue;
      }
      if (part.fieldname !== 'report') throw unexpectedPart(part.fieldname);
      if (seenReport) throw unexpectedPart('report (twice)');
      seenReport = true;
      if (part.valueTruncated) {
        throw new AppError('PAYLOAD_TOO_LARGE', {
          zh: `report 字段过长（上限 ${MAX_FIELD_BYTES / 1024} KB）`,
          en: `The report field is too long (at most ${MAX_FIELD_BYTES / 1024} KB)`,
          details: [{ field: 'body.report', message: `at most ${MAX_FIELD_BYTES} bytes` }],
        });
      }
      report = typeof part.value === 'string' ? parseJson(part.value) : part.value;
    }
  } catch (err) {
    throw fromParser(err);
  }
  if (!seenReport) {
    throw new AppError('VALIDATION_FAILED', {
      zh: '缺少 report 字段',
      en: 'The report field is missing',
      details: [{ field: 'body.report', message: 'required' }],
    });
  }
  return { report, photos };
}
