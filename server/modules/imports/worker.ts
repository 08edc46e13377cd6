/**
 * The import worker: parses and validates one file off the main thread (validate.ts), asking the
 * main thread for stored data through messages (store.ts), and sends back the report and the
 * plan in chunks — small messages, so the main thread never spends long taking one in.
 *
 * A worker is started ahead of its job (runner.ts keeps one ready, its modules loaded) and runs
 * exactly one: `start` brings the input. Messages to the main thread: `ready`, `query` (a store
 * method and its arguments), `parsed`, `progress`, `report` and `plan` chunks, then `done` — or
 * `failed` with the error. From the main thread: `start`, and `answer` to a query.
 */
import { parentPort } from 'node:worker_threads';
import type { ImportStore } from './store.ts';
import { type ValidationInput, validateImport } from './validate.ts';

export const CHUNK_ROWS = 2000;

export type FromWorker =
  | { t: 'ready' }
  | { t: 'query'; id: number; method: string; args: unknown[] }
  | { t: 'parsed'; total: number; format: 'geojson' | 'shapefile' | 'csv'; crs: string }
  | { t: 'progress'; processed: number }
  | { t: 'report'; rows: unknown[] }
  | { t: 'plan'; rows: unknown[] }
  | {
      t: 'done';
      ok: boolean;
      summary: Record<string, unknown>;
      crs?: string;
      total: number;
      plan: { kind: string; communities?: string[] } | null;
    }
  | { t: 'failed'; message: string; stack?: string };

export type ToWorker =
  | { t: 'start'; input: ValidationInput }
  | { t: 'answer'; id: number; value?: unknown; error?: string };

async function run(port: NonNullable<typeof parentPort>, input: ValidationInput) {
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  port.on('message', (m: ToWorker) => {
    if (m.t !== 'answer') return;
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.error !== undefined) w.reject(new Error(m.error));
    else w.resolve(m.value);
  });
  const send = (m: FromWorker) => port.postMessage(m);
  const store = new Proxy({} as ImportStore, {
    get: (_t, method) =>
      typeof method !== 'string' || method === 'then'
        ? undefined
        : (...args: unknown[]) =>
            new Promise((resolve, reject) => {
              const id = next++;
              waiting.set(id, { resolve, reject });
              send({ t: 'query', id, method, args });
            }),
  });
  try {
    const v = await validateImport(input, store, {
      parsed: (info) => send({ t: 'parsed', ...info }),
      progress: (processed) => send({ t: 'progress', processed }),
    });
    for (let k = 0; k < v.report.length; k += CHUNK_ROWS) {
      send({ t: 'report', rows: v.report.slice(k, k + CHUNK_ROWS) });
    }
    const rows = (v.plan?.rows ?? []) as unknown[];
    for (let k = 0; k < rows.length; k += CHUNK_ROWS)
      send({ t: 'plan', rows: rows.slice(k, k + CHUNK_ROWS) });
    send({
      t: 'done',
      ok: v.ok,
      summary: v.summary,
      crs: v.crs,
      total: v.total,
      plan: v.plan
        ? { kind: v.plan.kind, communities: 'communities' in v.plan ? v.plan.communities : undefined }
        : null,
    });
  } catch (e) {
    send({ t: 'failed', message: (e as Error).message ?? String(e), stack: (e as Error).stack });
  }
  port.close();
}

const port = parentPort;
if (port) {
  port.once('message', (m: ToWorker) => {
    if (m.t === 'start') void run(port, m.input);
  });
  port.postMessage({ t: 'ready' } satisfies FromWorker);
}
