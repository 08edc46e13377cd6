/**
 * Runs an import's validation in a worker thread (worker.ts), one worker per job, so that parsing,
 * clipping and topology checks never hold the main thread: requests (and `/healthz`) keep being
 * answered during the largest import the limits accept. The main thread only answers the
 * worker's store queries (store.ts, in bounded chunks), records progress and takes in the
 * report and the plan chunk by chunk.
 *
 * The worker's heap is capped (WORKER_HEAP_MB): a file that needs more memory than that is refused
 * as too large instead of taking the process down. A worker runs one job and exits, so a job's
 * memory leaves with it; starting one (the TypeScript loader, the modules) takes a moment, so after
 * a job one is made ready for the next — idle and unreferenced, it never keeps the process alive.
 * Workers run at a lower CPU priority than the main thread (worker-boot.mjs).
 * At most MAX_RUNNING validations run at once per process (each may take its heap and a core);
 * further jobs wait their turn, still "validating". Aborting the job's signal (the server is
 * stopping) ends its worker or its wait: the job fails as interrupted and writes nothing.
 */
import { Worker } from 'node:worker_threads';
import type { Db } from '../../platform/db.ts';
import { outOfMemory } from './limits.ts';
import type { ReportRow } from './report.ts';
import { dbStore, STORE_METHODS, type StoreMethod } from './store.ts';
import {
  fileFinding,
  type Plan,
  type Validation,
  type ValidationHooks,
  type ValidationInput,
} from './validate.ts';
import type { FromWorker, ToWorker } from './worker.ts';

/** Old-generation heap of one import worker: several times what the limits' largest file needs. */
export const WORKER_HEAP_MB = 2048;

/** A job whose worker was ended before it finished (the process is stopping). */
export class ImportStopped extends Error {
  constructor() {
    super('the import was stopped before it finished');
  }
}

/** After a validation, how long before the next job's worker is started. */
const SPARE_DELAY_MS = 2_000;

/** Validations at once: the machine's cores are for requests too. */
export const MAX_RUNNING = 2;
let runningCount = 0;
const turns: (() => void)[] = [];

function acquire(signal?: AbortSignal): Promise<void> {
  if (runningCount < MAX_RUNNING) {
    runningCount++;
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const go = () => {
      signal?.removeEventListener('abort', giveUp);
      runningCount++;
      resolve();
    };
    const giveUp = () => {
      const i = turns.indexOf(go);
      if (i >= 0) turns.splice(i, 1);
      reject(new ImportStopped());
    };
    turns.push(go);
    signal?.addEventListener('abort', giveUp, { once: true });
  });
}

function release() {
  runningCount--;
  turns.shift()?.();
  prepareSpare();
}

function spawn(): Worker {
  const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
    workerData: { entry: new URL('./worker.ts', import.meta.url).href },
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
  // Until a job takes it, nothing waits on it; a failed start shows up when a job uses it.
  w.on('error', () => {});
  w.unref();
  return w;
}

let spare: Worker | undefined;
let spareTimer: NodeJS.Timeout | undefined;
function takeWorker(): Worker {
  const w = spare ?? spawn();
  spare = undefined;
  w.ref();
  return w;
}

/**
 * Starts the next job's worker a moment after a validation ends, not while one runs: starting a
 * worker takes a core for a while.
 */
function prepareSpare() {
  if (spare || spareTimer) return;
  spareTimer = setTimeout(() => {
    spareTimer = undefined;
    if (spare) return;
    const next = spawn();
    spare = next;
    next.once('exit', () => {
      if (spare === next) spare = undefined;
    });
  }, SPARE_DELAY_MS);
  spareTimer.unref();
}

export async function validateInWorker(
  db: Db,
  input: ValidationInput,
  hooks: ValidationHooks,
  signal?: AbortSignal,
): Promise<Validation> {
  if (signal?.aborted) throw new ImportStopped();
  await acquire(signal);
  try {
    return await runWorker(db, input, hooks, signal);
  } finally {
    release();
  }
}

function runWorker(
  db: Db,
  input: ValidationInput,
  hooks: ValidationHooks,
  signal?: AbortSignal,
): Promise<Validation> {
  if (signal?.aborted) return Promise.reject(new ImportStopped());
  const store = dbStore(db);
  const worker = takeWorker();
  return new Promise<Validation>((resolve, reject) => {
    const report: ReportRow[] = [];
    const planRows: unknown[] = [];
    // Progress and the parse notice update the job row: in order, one at a time.
    let chain: Promise<unknown> = Promise.resolve();
    const later = (f: () => unknown) => {
      chain = chain.then(f).catch(() => {});
    };
    let settled = false;
    let completed = false;
    const stop = () => finish(() => reject(new ImportStopped()));
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', stop);
      void worker.terminate();
      f();
    };
    signal?.addEventListener('abort', stop, { once: true });
    const answer = (m: ToWorker) => {
      if (!settled) worker.postMessage(m);
    };

    worker.on('message', (m: FromWorker) => {
      switch (m.t) {
        case 'ready':
          return;
        case 'query': {
          if (!(STORE_METHODS as readonly string[]).includes(m.method)) {
            answer({ t: 'answer', id: m.id, error: `unknown store method ${m.method}` });
            return;
          }
          const method = store[m.method as StoreMethod] as (...a: unknown[]) => Promise<unknown>;
          method(...m.args).then(
            (value) => answer({ t: 'answer', id: m.id, value }),
            (e: Error) => answer({ t: 'answer', id: m.id, error: e.message }),
          );
          return;
        }
        case 'parsed':
          later(() => hooks.parsed({ total: m.total, format: m.format, crs: m.crs }));
          return;
        case 'progress':
          later(() => hooks.progress(m.processed));
          return;
        case 'report':
          for (const r of m.rows as ReportRow[]) report.push(r);
          return;
        case 'plan':
          for (const r of m.rows) planRows.push(r);
          return;
        case 'done': {
          const plan = m.plan
            ? ({ kind: m.plan.kind, rows: planRows, communities: m.plan.communities } as unknown as Plan)
            : null;
          const result: Validation = {
            ok: m.ok,
            report,
            summary: m.summary,
            crs: m.crs,
            total: m.total,
            plan,
          };
          // The worker exits once it has sent everything; the last job-row updates go first.
          completed = true;
          void chain.then(() => finish(() => resolve(result)));
          return;
        }
        case 'failed': {
          const e = new Error(`import worker: ${m.message}`);
          if (m.stack) e.stack = m.stack;
          finish(() => reject(e));
          return;
        }
      }
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        const x = outOfMemory(WORKER_HEAP_MB);
        finish(() =>
          resolve({
            ok: false,
            report: fileFinding(x.zh, x.en, x.rule),
            summary: { rows: 0, errors: 1, written: 0 },
            total: 0,
            plan: null,
          }),
        );
      } else {
        finish(() => reject(e));
      }
    });
    worker.on('exit', (code) => {
      if (completed) return;
      finish(() => reject(new Error(`the import worker stopped (exit code ${code}) before it finished`)));
    });
    // A spare that is still starting takes the message once its modules are loaded. The file's
    // bytes move to the worker rather than being copied when they own their memory (an upload).
    const bytes = input.data;
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    worker.postMessage(
      { t: 'start', input } satisfies ToWorker,
      own && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [],
    );
  });
}
