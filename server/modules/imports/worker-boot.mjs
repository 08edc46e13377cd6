/**
 * Entry of an import worker thread (runner.ts starts it). A worker starts without the TypeScript
 * loader of the main thread (tsx in production, Vite in tests), so it registers tsx itself and
 * then runs worker.ts. Plain JavaScript for that reason.
 */
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
