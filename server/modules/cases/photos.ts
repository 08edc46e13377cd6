/**
 * Photos: type and size checked, stored under DATA_DIR/photos by content hash (the same picture
 * uploaded twice is stored once), a 480 px WebP thumbnail beside it, the original kept as sent.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import sharp, { type Metadata } from 'sharp';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { photo } from './tables.ts';

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

/** The photo's row and its audit event, once per content hash (the same picture again is a no-op). */
export async function recordPhoto(db: Db, ctx: RequestContext, f: PhotoFile): Promise<PhotoFile> {
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(photo).where(eq(photo.id, f.id));
    if (existing)
      return {
        id: f.id,
        mime: existing.mime,
        bytes: existing.bytes,
        width: existing.width,
        height: existing.height,
      };
    await tx.insert(photo).values({
      id: f.id,
      mime: f.mime,
      bytes: f.bytes,
      width: f.width,
      height: f.height,
      createdBy: ctx.actor.id,
    });
    await recordEvent(tx, ctx, {
      action: 'photo.upload',
      entityType: 'photo',
      entityId: f.id,
      districtCode: ctx.actor.scope.kind === 'city' ? null : (ctx.actor.scope.districtCode ?? null),
      after: { mime: f.mime, bytes: f.bytes, width: f.width ?? undefined, height: f.height ?? undefined },
    });
    return f;
  });
}

export async function storePhoto(db: Db, ctx: RequestContext, dataDir: string, bytes: Buffer) {
  if (!ctx.actor.permissions.includes('case:read')) throw new AppError('FORBIDDEN');
  return recordPhoto(db, ctx, await writePhotoFiles(dataDir, bytes));
}

export async function readPhoto(db: Db, ctx: RequestContext, dataDir: string, id: string, thumb: boolean) {
  if (!ctx.actor.permissions.includes('case:read')) throw new AppError('FORBIDDEN');
  const [row] = await db.select().from(photo).where(eq(photo.id, id));
  if (!row) throw notFound('照片/Photo', id);
  const p = photoPaths(dataDir, id);
  return { mime: thumb ? 'image/webp' : row.mime, data: await fs.readFile(thumb ? p.thumb : p.original) };
}
