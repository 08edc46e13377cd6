/**
 * The one error shape (architecture.md, "Rules of the house"):
 * `{ "error": { "code", "message", "details" } }` and nothing else.
 */
import type { LightMyRequestResponse } from 'fastify';

export interface ErrorBody {
  error: { code: string; message: string; details: { field?: string; message: string }[] };
}

/** Why the body is not exactly the error shape, or null when it is. */
export function errorShapeProblem(res: LightMyRequestResponse): string | null {
  const type = String(res.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) return `content-type is "${type}"`;
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return `body is not JSON: ${res.body.slice(0, 200)}`;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'body is not an object';
  const keys = Object.keys(body).sort().join(',');
  if (keys !== 'error') return `top-level keys are [${keys}]`;
  const error = (body as { error: unknown }).error;
  if (!error || typeof error !== 'object' || Array.isArray(error)) return 'error is not an object';
  const e = error as Record<string, unknown>;
  const inner = Object.keys(e).sort().join(',');
  if (inner !== 'code,details,message') return `error keys are [${inner}]`;
  if (typeof e.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(e.code)) return `code is ${String(e.code)}`;
  if (typeof e.message !== 'string' || e.message.length === 0) return 'message is empty';
  if (!Array.isArray(e.details)) return 'details is not an array';
  for (const d of e.details) {
    if (!d || typeof d !== 'object' || typeof (d as { message?: unknown }).message !== 'string') {
      return `a detail has no message: ${JSON.stringify(d)}`;
    }
  }
  return null;
}

/** Asserts the error shape and returns the parsed body. */
export function errorBodyOf(res: LightMyRequestResponse): ErrorBody {
  const problem = errorShapeProblem(res);
  if (problem) {
    throw new Error(`${res.statusCode} response is not { error: { code, message, details } }: ${problem}`);
  }
  return res.json() as ErrorBody;
}
