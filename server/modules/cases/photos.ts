/**
 * Photos: type and size checked, stored under DATA_DIR/photos by content hash (the same picture
 * uploaded twice is stored once), a 480 px WebP thumbnail beside it, the original kept as sent.
 *
 * Who may read one (original and thumbnail): whoever uploaded it (`photo_uploader`: every
 * uploader of the same bytes), and whoever may see a case it is attached to (`case_photo`, with
 * the case scope of policy.ts, the rule of GET /api/cases/:id). Anyone else gets the same 404 as
 * for a photo that does not exist.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import sharp, { type Metadata } from 'sharp';
import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { caseRead } from './policy.ts';
import { caseFile, casePhoto, photo, photoUploader } from './tables.ts';

export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
const FORMATS: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heif: 'image/heic',
};

export const photoPaths = (dataDir: string, id: string) => {
  const dir = path.join(dataDir, 'photos', id.slice(0, 2), id.slice(2, 4));
  return { dir, original: path.join(dir, id), thumb: path.join(dir, `${id}.thumb.webp`) };
};

export interface PhotoFile {
  id: string;
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
}

/**
 * Checks a picture and writes it under DATA_DIR by content hash, with its thumbnail. No database
 * and no permission check: `storePhoto` (uploads) and the demo seed both come through here.
 */
export async function writePhotoFiles(dataDir: string, bytes: Buffer): Promise<PhotoFile> {
  if (bytes.length === 0 || bytes.length > PHOTO_MAX_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', {
      zh: `照片大小须在 1 字节到 ${PHOTO_MAX_BYTES / 1024 / 1024} MB 之间`,
      en: `A photo must be between 1 byte and ${PHOTO_MAX_BYTES / 1024 / 1024} MB`,
      details: [{ field: 'file', message: `${bytes.length} bytes` }],
    });
  }
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch {
    meta = {} as Metadata;
  }
  const mime = meta.format ? FORMATS[meta.format] : undefined;
  if (!mime) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
      zh: '照片须为 JPEG、PNG、WebP 或 HEIC 图片',
      en: 'A photo must be a JPEG, PNG, WebP or HEIC image',
      details: [{ field: 'file', message: String(meta.format ?? 'unknown') }],
    });
  }
  const id = createHash('sha256').update(bytes).digest('hex');
  const p = photoPaths(dataDir, id);
  await fs.mkdir(p.dir, { recursive: true });
  // Written before the row: a row never points at a missing file; a file without a row is harmless.
  await fs.writeFile(p.original, bytes);
  await sharp(bytes)
    .rotate()
    .resize({ width: 480, height: 480, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 })
    .toFile(p.thumb);
  return { id, mime, bytes: bytes.length, width: meta.width ?? null, height: meta.height ?? null };
}

/**
 * The photo's row (once per content hash), the uploader's right to read it, and an audit event
 * the first time each uploader sends the picture (the same picture again from them is a no-op).
 */
export async function recordPhoto(db: Db, ctx: RequestContext, f: PhotoFile): Promise<PhotoFile> {
  return db.transaction(async (tx) => {
    // ON CONFLICT: two people sending the same new picture at once both succeed.
    const created = await tx
      .insert(photo)
      .values({
        id: f.id,
        mime: f.mime,
        bytes: f.bytes,
        width: f.width,
        height: f.height,
        createdBy: ctx.actor.id,
      })
      .onConflictDoNothing()
      .returning({ id: photo.id });
    const newUploader = ctx.actor.id
      ? (
          await tx
            .insert(photoUploader)
            .values({ photoId: f.id, actorId: ctx.actor.id })
            .onConflictDoNothing()
            .returning({ photoId: photoUploader.photoId })
        ).length > 0
      : false;
    if (created.length > 0 || newUploader) {
      await recordEvent(tx, ctx, {
        action: 'photo.upload',
        entityType: 'photo',
        entityId: f.id,
        districtCode: ctx.actor.scope.kind === 'city' ? null : (ctx.actor.scope.districtCode ?? null),
        after: { mime: f.mime, bytes: f.bytes, width: f.width ?? undefined, height: f.height ?? undefined },
      });
    }
    if (created.length > 0) return f;
    const [row] = await tx.select().from(photo).where(eq(photo.id, f.id));
    return { id: f.id, mime: row.mime, bytes: row.bytes, width: row.width, height: row.height };
  });
}

/**
 * Attaches photos to a case, in the caller's transaction: whoever may see the case may now read
 * them. Report photos are attached by the database itself (trigger `report_case_photo`, migration
 * 0005); this is for the other places a case names photos (a case action's `photos`).
 */
export async function linkCasePhotos(tx: Db, caseId: string, photoIds: readonly string[] | undefined) {
  await insertCasePhotos(
    tx,
    [...new Set(photoIds ?? [])].map((photoId) => ({ photoId, caseId })),
  );
}

/** Many links at once (the demo seed); a link that exists already is left as it is. */
export async function insertCasePhotos(tx: Db, links: readonly { photoId: string; caseId: string }[]) {
  for (let i = 0; i < links.length; i += 5000) {
    await tx
      .insert(casePhoto)
      .values(links.slice(i, i + 5000))
      .onConflictDoNothing();
  }
}

/** SQL: the actor may read the photo `photo.id` (an uploader, or it is on a case they may see). */
export function photoReadableBy(actor: Actor): SQL {
  const onVisibleCase = sql`EXISTS (SELECT 1 FROM ${casePhoto} JOIN ${caseFile} ON ${caseFile.id} = ${casePhoto.caseId}
    WHERE ${casePhoto.photoId} = ${photo.id} AND ${caseRead.filter(actor) ?? sql`TRUE`})`;
  if (!actor.id) return onVisibleCase;
  return sql`(EXISTS (SELECT 1 FROM ${photoUploader}
    WHERE ${photoUploader.photoId} = ${photo.id} AND ${photoUploader.actorId} = ${actor.id}) OR ${onVisibleCase})`;
}

/**
 * The photos a caller names in a report or a case step must exist and be readable by them (their
 * own upload, or already on a case they may see): naming a photo attaches it to a case, which
 * would otherwise let anyone who learnt an id read another district's picture through their own
 * case. Throws INVALID_REFERENCE naming each photo that fails.
 */
export async function assertAttachable(
  tx: Db,
  actor: Actor,
  ids: readonly string[] | undefined,
  field = 'body.photos',
): Promise<void> {
  const wanted = [...new Set(ids ?? [])];
  if (wanted.length === 0) return;
  const ok = new Set(
    (
      await tx
        .select({ id: photo.id })
        .from(photo)
        .where(and(inArray(photo.id, wanted), photoReadableBy(actor)))
    ).map((r) => r.id),
  );
  const missing = wanted.filter((id) => !ok.has(id));
  if (missing.length) {
    throw new AppError('INVALID_REFERENCE', {
      zh: `照片不存在，请先上传：${missing.join('，')}`,
      en: `Photo not found; upload it first: ${missing.join(', ')}`,
      details: missing.map((id) => ({ field, message: id })),
    });
  }
}

export async function storePhoto(db: Db, ctx: RequestContext, dataDir: string, bytes: Buffer) {
  caseRead.requirePermission(ctx.actor);
  return recordPhoto(db, ctx, await writePhotoFiles(dataDir, bytes));
}

export async function readPhoto(db: Db, ctx: RequestContext, dataDir: string, id: string, thumb: boolean) {
  caseRead.requirePermission(ctx.actor);
  // A photo the caller may not read is answered like one that does not exist (404, not 403).
  const [row] = await db
    .select({ mime: photo.mime })
    .from(photo)
    .where(and(eq(photo.id, id), photoReadableBy(ctx.actor)));
  if (!row) throw notFound('photo', id);
  const p = photoPaths(dataDir, id);
  return { mime: thumb ? 'image/webp' : row.mime, data: await fs.readFile(thumb ? p.thumb : p.original) };
}
