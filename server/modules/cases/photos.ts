/**
 * Photos: type and size checked, then re-encoded — decoded and written anew by sharp, turned
 * upright from the EXIF orientation — so the stored file is an image and only an image: bytes
 * appended to it (an HTML page, a script, a zip) and every piece of metadata (camera, owner and
 * serial numbers, embedded thumbnails, XMP, IPTC, colour profiles) are gone, except the EXIF GPS
 * block (exif-gps.ts), which is evidence of where the problem was. Stored under DATA_DIR/photos
 * by the content hash of the stored file (the same picture uploaded twice is stored once), with a
 * 480 px WebP thumbnail beside it. Served (routes.ts) with `PHOTO_HEADERS`: never sniffed, shown
 * inline, and sandboxed should a browser ever render one as a document.
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
import sharp, { type Metadata, type Sharp } from 'sharp';
import { recordEvent } from '../../platform/audit.ts';
import type { Actor, RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { readExifGps } from './exif-gps.ts';
import { caseRead } from './policy.ts';
import { caseFile, casePhoto, photo, photoUploader } from './tables.ts';

export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
/**
 * Decoding is bounded by pixels, not bytes: a 10 MB PNG of one colour can claim gigapixels. 100 MP
 * is above any phone's full-resolution shot that fits in PHOTO_MAX_BYTES.
 */
export const PHOTO_MAX_PIXELS = 100_000_000;

/** What each accepted input format is stored as. HEIF/AVIF become JPEG, which every browser shows. */
const OUTPUTS: Record<string, { mime: string; encode: (img: Sharp) => Sharp }> = {
  jpeg: { mime: 'image/jpeg', encode: (img) => img.jpeg({ quality: 90 }) },
  png: { mime: 'image/png', encode: (img) => img.png() },
  webp: { mime: 'image/webp', encode: (img) => img.webp({ quality: 90 }) },
  heif: { mime: 'image/jpeg', encode: (img) => img.jpeg({ quality: 90 }) },
};

/**
 * Headers of every photo answer (original and thumbnail): the type is the stored one and is not
 * to be sniffed; shown in place, not downloaded; and opened on its own, no script, no form, no
 * same-origin access, nothing loaded — whatever its bytes might be taken for.
 */
export const PHOTO_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-disposition': 'inline',
  'content-security-policy': "default-src 'none'; sandbox",
} as const;

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

const unsupported = (format: string) =>
  new AppError('UNSUPPORTED_MEDIA_TYPE', {
    zh: '照片须为 JPEG、PNG、WebP 或 HEIF/AVIF 图片',
    en: 'A photo must be a JPEG, PNG, WebP or HEIF/AVIF image',
    details: [{ field: 'file', message: format }],
  });

export interface PhotoOptions {
  /**
   * Keep the EXIF GPS block (default). The public portal drops it: a citizen chose where the problem
   * is (offered the photo's position in the browser before sending), and a picture taken at home
   * need not say where home is.
   */
  keepGps?: boolean;
}

/**
 * The picture decoded and encoded anew: upright, in its own format (HEIF as JPEG), one frame, with
 * no metadata but the GPS tags. Nothing of the uploaded file but its pixels and its location
 * reaches the stored one.
 */
export async function reencodePhoto(
  bytes: Buffer,
  opts: PhotoOptions = {},
): Promise<{ data: Buffer; mime: string; width: number; height: number }> {
  const open = () => sharp(bytes, { limitInputPixels: PHOTO_MAX_PIXELS, animated: false });
  let meta: Metadata;
  try {
    // The header only (no pixels decoded): unbounded here so that too many pixels get their own answer.
    meta = await sharp(bytes, { limitInputPixels: false, animated: false }).metadata();
  } catch {
    throw unsupported('unknown');
  }
  const output = meta.format ? OUTPUTS[meta.format] : undefined;
  if (!output) throw unsupported(String(meta.format ?? 'unknown'));
  if ((meta.width ?? 0) * (meta.height ?? 0) > PHOTO_MAX_PIXELS) {
    throw new AppError('PAYLOAD_TOO_LARGE', {
      zh: `照片像素过多（上限 ${PHOTO_MAX_PIXELS / 1_000_000} 百万像素）`,
      en: `A photo may have at most ${PHOTO_MAX_PIXELS / 1_000_000} megapixels`,
      details: [{ field: 'file', message: `${meta.width}×${meta.height}` }],
    });
  }
  const gps = opts.keepGps === false ? null : readExifGps(meta.exif);
  // rotate() applies the EXIF orientation; sharp writes no metadata unless told (withExif: GPS only).
  let img = output.encode(open().rotate());
  if (gps) img = img.withExif({ IFD3: gps.tags });
  try {
    const { data, info } = await img.toBuffer({ resolveWithObject: true });
    return { data, mime: output.mime, width: info.width, height: info.height };
  } catch {
    // The header parsed but the picture does not decode (truncated, corrupt, an unsupported codec
    // inside a known container such as HEVC in HEIF).
    throw unsupported(meta.format ?? 'unknown');
  }
}

/**
 * Checks a picture, re-encodes it (`reencodePhoto`) and writes it under DATA_DIR by content hash,
 * with its thumbnail. No database and no permission check: `storePhoto` (uploads) and the demo
 * seed both come through here.
 */
export async function writePhotoFiles(
  dataDir: string,
  bytes: Buffer,
  opts: PhotoOptions = {},
): Promise<PhotoFile> {
  if (bytes.length === 0 || bytes.length > PHOTO_MAX_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', {
      zh: `照片大小须在 1 字节到 ${PHOTO_MAX_BYTES / 1024 / 1024} MB 之间`,
      en: `A photo must be between 1 byte and ${PHOTO_MAX_BYTES / 1024 / 1024} MB`,
      details: [{ field: 'file', message: `${bytes.length} bytes` }],
    });
  }
  const image = await reencodePhoto(bytes, opts);
  const id = createHash('sha256').update(image.data).digest('hex');
  const p = photoPaths(dataDir, id);
  await fs.mkdir(p.dir, { recursive: true });
  // Written before the row: a row never points at a missing file; a file without a row is harmless.
  await fs.writeFile(p.original, image.data);
  await sharp(image.data)
    .resize({ width: 480, height: 480, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 })
    .toFile(p.thumb);
  return { id, mime: image.mime, bytes: image.data.length, width: image.width, height: image.height };
}

/**
 * The photo's row (once per content hash), the uploader's right to read it, and an audit event
 * the first time each uploader sends the picture (the same picture again from them is a no-op).
 * `event: false` when the caller's own event in the same transaction names the photo (the public
 * portal's report: one request, one event — `case.report` lists its photos).
 */
export async function recordPhoto(
  db: Db,
  ctx: RequestContext,
  f: PhotoFile,
  opts: { event?: boolean } = {},
): Promise<PhotoFile> {
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
    if ((created.length > 0 || newUploader) && opts.event !== false) {
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

/**
 * The photos a step of the loop names are that step's evidence (the unit's "after" photos, the
 * inspector's check photos): each must be one the actor uploaded, and none may already be on
 * this case — otherwise the citizen's "before" photo could be passed off as the unit's "after"
 * photo, or one step's evidence as another's. Photos are stored by content hash, so a
 * re-upload of a picture the case already holds is refused too. Throws INVALID_REFERENCE naming
 * each photo that fails, the field `body.photos`.
 */
export async function assertNewEvidence(
  tx: Db,
  actor: Actor,
  caseId: string,
  ids: readonly string[] | undefined,
): Promise<void> {
  const wanted = [...new Set(ids ?? [])];
  if (wanted.length === 0) return;
  await assertAttachable(tx, actor, wanted);
  const onCase = new Set(
    (
      await tx
        .select({ id: casePhoto.photoId })
        .from(casePhoto)
        .where(and(eq(casePhoto.caseId, caseId), inArray(casePhoto.photoId, wanted)))
    ).map((r) => r.id),
  );
  const mine = actor.id
    ? new Set(
        (
          await tx
            .select({ id: photoUploader.photoId })
            .from(photoUploader)
            .where(and(eq(photoUploader.actorId, actor.id), inArray(photoUploader.photoId, wanted)))
        ).map((r) => r.id),
      )
    : new Set(wanted);
  const already = wanted.filter((id) => onCase.has(id));
  if (already.length) {
    throw new AppError('VALIDATION_FAILED', {
      zh: `照片已在本案件中，不能作为本环节的新证据：${already.join('，')}`,
      en: `Photo already on this case; it cannot be this step's new evidence: ${already.join(', ')}`,
      details: already.map((id) => ({ field: 'body.photos', message: id })),
    });
  }
  const notMine = wanted.filter((id) => !mine.has(id));
  if (notMine.length) {
    throw new AppError('VALIDATION_FAILED', {
      zh: `只能使用本人上传的照片作为证据：${notMine.join('，')}`,
      en: `Only photos you uploaded can be your evidence: ${notMine.join(', ')}`,
      details: notMine.map((id) => ({ field: 'body.photos', message: id })),
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
