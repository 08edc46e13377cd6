/**
 * Entry of the thread that generates the city-layers base map (service.ts starts it): a second or
 * two of tiling that must not hold the server's main thread (PGlite answers requests there). The
 * thread lowers its CPU priority where the OS lets it (Linux), then registers the TypeScript
 * loader itself (a worker starts without the main thread's) and runs the entry. Plain JavaScript
 * for that reason; the same shape as the import worker's boot file.
 */
import fs from 'node:fs';
import os from 'node:os';
import { workerData } from 'node:worker_threads';

try {
  const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, 10);
} catch {
  // Not Linux, or not allowed: the thread runs at the process's priority.
}

const { register } = await import('tsx/esm/api');
register();
await import(workerData.entry);
