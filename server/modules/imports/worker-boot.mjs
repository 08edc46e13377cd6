/**
 * Entry of an import worker thread (runner.ts starts it). First the thread gives itself a lower
 * CPU priority (nice 10, where the OS lets a thread do so: Linux): validating a file is background
 * work, and on a busy machine the server's main thread, answering requests, must win the cores.
 * Then, since a worker starts without the TypeScript loader of the main thread (tsx in
 * production, Vite in tests), it registers tsx itself and runs worker.ts. Plain JavaScript for
 * that reason.
 */
import fs from 'node:fs';
import os from 'node:os';
import { workerData } from 'node:worker_threads';

try {
  // This thread's id (Linux: /proc/thread-self → "<pid>/task/<tid>"); setpriority on it is per thread.
  const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, 10);
} catch {
  // Not Linux, or not allowed: the worker runs at the process's priority.
}

const { register } = await import('tsx/esm/api');
register();
await import(workerData.entry);
