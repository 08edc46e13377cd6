/**
 * Base map archives: an administrator's upload (checked, moved into place, recorded — or nothing
 * left behind), its deletion, the file for the Range route and the style it is drawn with.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { districtsExtent } from '../geo/index.ts';
import { inspectArchiveFile } from './archive.ts';
import { defaultArchiveStyle, normalizeUploadedStyle, styleRefused } from './archive-style.ts';
import { archivePath, archiveUrl, type BaseMapDeps, unlinkQuietly } from './files.ts';
import { baseMapRead, requireBaseMapManage } from './policy.ts';
import * as repo from './repository.ts';
import type { ArchiveDto } from './schemas.ts';
import { archiveFragment, cityLayersStyle, type StyleFragment } from './style.ts';

type Extent = [number, number, number, number] | null;
const meets = (a: readonly number[], b: Extent) =>
  b === null ? null : a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

export function toArchiveDto(row: repo.ArchiveRow, activeId: string | null, city: Extent): ArchiveDto {
  return {
    id: row.id,
    name: row.name,
    origin: row.origin,
    fileName: row.fileName,
    bytes: row.bytes,
    sha256: row.sha256,
    minZoom: row.minZoom,
    maxZoom: row.maxZoom,
    bounds: row.bounds,
    center: row.center,
    addressedTiles: row.addressedTiles,
    vectorLayers: row.vectorLayers,
    styleSource: row.styleSource,
    attribution: row.attribution,
    description: row.description,
    demo: row.demo,
    coversCity: meets(row.bounds, city),
    active: row.id === activeId,
    url: archiveUrl(row.id),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The layers an archive is drawn with: its uploaded or generated style, or a default from its layers. */
export function fragmentOf(row: repo.ArchiveRow): StyleFragment {
  if (row.styleSource === 'generated') {
    const own = cityLayersStyle();
    return archiveFragment(row.id, row.style ?? own.layers, row.attribution, own.divisionLabelLayers);
  }
  return archiveFragment(row.id, row.style ?? defaultArchiveStyle(row.vectorLayers), row.attribution);
}

const sha256File = (file: string) =>
  new Promise<string>((resolve, reject) => {
    const h = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });

export interface Upload {
  /** The streamed file (a temporary file of `temporaryPath`); removed whatever happens. */
  tmpPath: string;
  fileName: string;
  name?: string;
  /** The style file's text, when one came with the archive. */
  styleText?: string;
  reason?: string;
}

/** Checks an uploaded archive (and its style), moves it into place and records it. */
export async function storeUpload(
  db: Db,
  ctx: RequestContext,
  deps: BaseMapDeps,
  up: Upload,
): Promise<ArchiveDto> {
  requireBaseMapManage(ctx.actor);
  let final: string | null = null;
  try {
    const info = await inspectArchiveFile(up.tmpPath);
    let style = null;
    if (up.styleText !== undefined) style = normalizeUploadedStyle(up.styleText, info.vectorLayers);
    else if (info.vectorLayers.length === 0) {
      throw styleRefused(
        '底图文件的元数据没有列出图层（vector_layers），无法自动生成样式：请同时上传 MapLibre 样式文件（.json）。',
        'The archive’s metadata lists no layers (vector_layers), so no default style can be made: upload a MapLibre style (.json) with it.',
      );
    }
    const sha256 = await sha256File(up.tmpPath);
    const bytes = fs.statSync(up.tmpPath).size;
    const id = randomUUID();
    final = archivePath(deps.dataDir, id);
    fs.renameSync(up.tmpPath, final);
    const name = (up.name?.trim() || info.name || up.fileName.replace(/\.pmtiles$/i, '')).slice(0, 100);
    const row = await db.transaction(async (tx) => {
      const inserted = await repo.insertArchive(tx, {
        id,
        name,
        origin: 'upload',
        fileName: up.fileName.slice(0, 255),
        bytes,
        sha256,
        minZoom: info.minZoom,
        maxZoom: info.maxZoom,
        bounds: info.bounds,
        center: info.center,
        tileCompression: info.tileCompression,
        addressedTiles: info.addressedTiles,
        vectorLayers: info.vectorLayers,
        style,
        styleSource: style ? 'uploaded' : 'default',
        attribution: info.attribution,
        description: info.description,
        demo: false,
        createdBy: ctx.actor.name,
      });
      await recordEvent(tx, ctx, {
        action: 'basemap.archive_upload',
        entityType: 'basemap_archive',
        entityId: id,
        districtCode: null,
        after: { ...auditOf(inserted), styleSource: inserted.styleSource },
        reason: up.reason ?? null,
      });
      return inserted;
    });
    const choice = await repo.findChoice(db);
    return toArchiveDto(row, activeArchiveId(choice), await districtsExtent(db));
  } catch (e) {
    if (final) unlinkQuietly(final);
    throw e;
  } finally {
    unlinkQuietly(up.tmpPath);
  }
}

export const auditOf = (r: repo.ArchiveRow) => ({
  name: r.name,
  origin: r.origin,
  fileName: r.fileName,
  bytes: r.bytes,
  sha256: r.sha256,
  minZoom: r.minZoom,
  maxZoom: r.maxZoom,
  bounds: r.bounds,
});

/** An uploaded archive, unless it is the one in use. Its file goes once the deletion commits. */
export async function deleteArchive(
  db: Db,
  ctx: RequestContext,
  deps: BaseMapDeps,
  id: string,
  reason?: string,
): Promise<void> {
  requireBaseMapManage(ctx.actor);
  await db.transaction(async (tx) => {
    const choice = await repo.lockChoice(tx);
    const row = await repo.findArchive(tx, id);
    if (!row) throw notFound('baseMapArchive', id);
    if (row.origin !== 'upload') {
      throw new AppError('CONFLICT', {
        zh: '生成的底图不能删除：重新生成会替换它。',
        en: 'A generated base map is not deleted: regenerating replaces it.',
        details: [{ field: 'id', message: 'generated archive' }],
      });
    }
    if (choice?.kind === 'archive' && choice.archiveId === id) {
      throw new AppError('CONFLICT', {
        zh: '该底图正在使用中：请先选择其他底图再删除。',
        en: 'This base map is in use: choose another one before deleting it.',
        details: [{ field: 'id', message: 'active archive' }],
      });
    }
    await repo.deleteArchive(tx, id);
    await recordEvent(tx, ctx, {
      action: 'basemap.archive_delete',
      entityType: 'basemap_archive',
      entityId: id,
      districtCode: null,
      before: auditOf(row),
      after: { deleted: true },
      reason: reason ?? null,
    });
  });
  unlinkQuietly(archivePath(deps.dataDir, id));
}

export interface ArchiveFile {
  path: string;
  size: number;
  etag: string;
}

/** The archive's file, for whoever reads the map (archives are shared base map data). */
export async function archiveFile(
  db: Db,
  ctx: RequestContext,
  deps: BaseMapDeps,
  id: string,
): Promise<ArchiveFile> {
  baseMapRead.requirePermission(ctx.actor);
  const row = await repo.findArchive(db, id);
  if (!row) throw notFound('baseMapArchive', id);
  const file = archivePath(deps.dataDir, id);
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new AppError('NOT_FOUND', {
      zh: `底图文件 ${id} 在本节点的数据目录中不存在（多节点部署须共享 DATA_DIR）。`,
      en: `The file of base map archive ${id} is missing from this node's data directory (nodes must share DATA_DIR).`,
      details: [{ field: 'id', message: id }],
    });
  }
  return { path: file, size, etag: `"${row.sha256.slice(0, 32)}"` };
}

/** The style an archive would be drawn with (the administrator's preview). */
export async function archiveStyle(db: Db, ctx: RequestContext, id: string): Promise<StyleFragment> {
  requireBaseMapManage(ctx.actor);
  const row = await repo.findArchive(db, id);
  if (!row) throw notFound('baseMapArchive', id);
  return fragmentOf(row);
}

export function activeArchiveId(choice: repo.ChoiceRow | undefined): string | null {
  return choice?.kind === 'archive' ? choice.archiveId : null;
}

export async function activeIdOf(db: Db, choice: repo.ChoiceRow | undefined): Promise<string | null> {
  if (choice?.kind === 'generated') return (await repo.latestGenerated(db))?.id ?? null;
  return activeArchiveId(choice);
}
