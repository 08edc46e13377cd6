/**
 * Where archives live: `DATA_DIR/basemaps/<id>.pmtiles`, written once under a temporary name
 * (`.part-…`) beside its final place and renamed into it, so a reader never sees half a file.
 * Several nodes must share DATA_DIR (as they do for photos).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BaseMapState } from './state.ts';

/** What the module's services need of the process. */
export interface BaseMapDeps {
  dataDir: string;
  maxUploadBytes: number;
  state: BaseMapState;
}

export const archiveDir = (dataDir: string) => path.join(dataDir, 'basemaps');
export const archivePath = (dataDir: string, id: string) => path.join(archiveDir(dataDir), `${id}.pmtiles`);
export const archiveUrl = (id: string) => `/api/basemap/archives/${id}/file`;

/** A temporary file for an upload or a generation, beside its final place (rename is atomic). */
export function temporaryPath(dataDir: string): string {
  fs.mkdirSync(archiveDir(dataDir), { recursive: true });
  return path.join(archiveDir(dataDir), `.part-${randomUUID()}`);
}

/** Temporary files older than a day (a process that died mid-upload): removed at start. */
export function removeStaleParts(dataDir: string, now = Date.now()): void {
  let names: string[];
  try {
    names = fs.readdirSync(archiveDir(dataDir));
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith('.part-')) continue;
    const p = path.join(archiveDir(dataDir), n);
    try {
      if (now - fs.statSync(p).mtimeMs > 86_400_000) fs.rmSync(p, { force: true });
    } catch {
      // Gone already (another node cleaned it).
    }
  }
}

export const unlinkQuietly = (p: string) => fs.rmSync(p, { force: true });
