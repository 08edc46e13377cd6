/**
 * The base map generated from the city's own layers (generate.ts), made in a worker thread at its
 * first use (or when an administrator asks again after an import), checked like an upload, moved
 * into place and recorded; the archive it replaces goes.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { recordEvent } from '../../platform/audit.ts';
import { type RequestContext, systemContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { type BaseLayers, baseMapLayers, districtsExtent } from '../geo/index.ts';
import { BufferSource, inspectArchive } from './archive.ts';
import { activeIdOf, auditOf, toArchiveDto } from './archives.ts';
import { archivePath, type BaseMapDeps, temporaryPath, unlinkQuietly } from './files.ts';
import type { GeneratedBaseMap } from './generate.ts';
import { requireBaseMapManage } from './policy.ts';
import * as repo from './repository.ts';
import type { ArchiveDto } from './schemas.ts';
import { cityLayersStyle } from './style.ts';

/** The generator in its own thread (worker-boot.mjs → generate-worker.ts). */
function generateInWorker(layers: BaseLayers): Promise<GeneratedBaseMap> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./generate-worker.ts', import.meta.url).href, layers },
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    let done = false;
    worker.once('message', (m: GeneratedBaseMap & { bytes: Uint8Array }) => {
      done = true;
      resolve({ ...m, bytes: Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength) });
      void worker.terminate();
    });
    worker.once('error', (e) => {
      done = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`base map generator exited with code ${code}`));
    });
  });
}

/** One generation at a time per database handle in this process; others wait for its result. */
const generating = new WeakMap<object, Promise<repo.ArchiveRow | null>>();

/**
 * The generated archive, made now if there is none (or its file is missing here, or `force`).
 * Null when the city has no divisions to draw. The generation is audited as `actor`.
 */
export function ensureGenerated(
  db: Db,
  dataDir: string,
  opts: { force?: boolean; ctx?: RequestContext } = {},
): Promise<repo.ArchiveRow | null> {
  const running = generating.get(db);
  if (running) return running;
  const p = (async () => {
    const existing = await repo.latestGenerated(db);
    if (existing && !opts.force && fs.existsSync(archivePath(dataDir, existing.id))) return existing;
    return generateNow(db, dataDir, opts.ctx ?? systemContext('basemap'), opts.force ?? false);
  })().finally(() => generating.delete(db));
  generating.set(db, p);
  return p;
}

async function generateNow(
  db: Db,
  dataDir: string,
  ctx: RequestContext,
  force: boolean,
): Promise<repo.ArchiveRow | null> {
  const layers = await baseMapLayers(db);
  if (layers.divisions.length === 0 && layers.outlines.length === 0) return null;
  const out = await generateInWorker(layers);
  // The same check an upload gets: what the platform serves, the browser's reader can read.
  const info = await inspectArchive(new BufferSource(out.bytes), out.bytes.length);
  const id = randomUUID();
  const tmp = temporaryPath(dataDir);
  const final = archivePath(dataDir, id);
  fs.writeFileSync(tmp, out.bytes);
  fs.renameSync(tmp, final);
  const own = cityLayersStyle();
  try {
    const { row, removed } = await db.transaction(async (tx) => {
      // Serialises generations on every node; the one that comes second keeps the first's result
      // (unless asked to make a new one).
      await repo.lockChoice(tx);
      const other = await repo.latestGenerated(tx);
      if (
        !force &&
        other &&
        other.sourceDigest === layers.digest &&
        fs.existsSync(archivePath(dataDir, other.id))
      ) {
        return { row: other, removed: [] as repo.ArchiveRow[] };
      }
      const inserted = await repo.insertArchive(tx, {
        id,
        name: layers.generated ? '演示城市底图（生成）' : '本市图层底图（生成）',
        origin: 'generated',
        fileName: `${id}.pmtiles`,
        bytes: out.bytes.length,
        sha256: createHash('sha256').update(out.bytes).digest('hex'),
        minZoom: info.minZoom,
        maxZoom: info.maxZoom,
        bounds: info.bounds,
        center: info.center,
        tileCompression: info.tileCompression,
        addressedTiles: info.addressedTiles,
        vectorLayers: info.vectorLayers,
        style: own.layers,
        styleSource: 'generated',
        attribution: info.attribution,
        description: info.description,
        demo: layers.generated,
        sourceDigest: layers.digest,
        createdBy: ctx.actor.name,
      });
      const gone = await repo.deleteGeneratedExcept(tx, inserted.id);
      await recordEvent(tx, ctx, {
        action: 'basemap.generate',
        entityType: 'basemap_archive',
        entityId: inserted.id,
        districtCode: null,
        after: {
          ...auditOf(inserted),
          tiles: out.tiles,
          ms: out.ms,
          demo: layers.generated,
          replaced: gone.map((g) => g.id),
        },
        reason: layers.generated
          ? 'generated demo data: the demo city’s own layers'
          : 'the city’s own layers',
      });
      return { row: inserted, removed: gone };
    });
    if (row.id !== id) unlinkQuietly(final);
    for (const r of removed) unlinkQuietly(archivePath(dataDir, r.id));
    return row;
  } catch (e) {
    unlinkQuietly(final);
    throw e;
  }
}

export async function regenerate(db: Db, ctx: RequestContext, deps: BaseMapDeps): Promise<ArchiveDto> {
  requireBaseMapManage(ctx.actor);
  const row = await ensureGenerated(db, deps.dataDir, { force: true, ctx });
  if (!row) {
    throw new AppError('UNPROCESSABLE', {
      zh: '本市还没有区划数据，无法生成底图：请先导入区划。',
      en: 'The city has no divisions yet, so no base map can be generated: import divisions first.',
    });
  }
  const choice = await repo.findChoice(db);
  return toArchiveDto(row, await activeIdOf(db, choice), await districtsExtent(db));
}
