/**
 * The platform's JSON body parser, in place of Fastify's own. Fastify's refuses keys that would
 * reach an object's prototype (secure-json-parse) but answers them as "invalid JSON", which sends a
 * client looking for a syntax error that is not there. This one tells the two apart: text that is
 * not JSON is MALFORMED_JSON; valid JSON with a `__proto__` key, or a `constructor` key holding a
 * `prototype`, anywhere in it is UNSAFE_JSON_KEY naming the key and where it is. The same rule as
 * Fastify's (protoAction and constructorAction `error`), so nothing accepted before is refused.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.ts';

export function unsafeJsonKey(key: string, field = 'body'): AppError {
  return new AppError('UNSAFE_JSON_KEY', {
    details: [{ field, message: `key "${key}" is not allowed` }],
    detailsZh: [{ field, message: `不允许的键名“${key}”` }],
  });
}

/** The path of the first forbidden key in a parsed value (JSON.parse keeps `__proto__` as an own key), or null. */
function forbiddenKey(value: unknown, path: string): { key: string; at: string } | null {
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = forbiddenKey(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    if (k === '__proto__') return { key: k, at: path };
    if (k === 'constructor' && v !== null && typeof v === 'object' && Object.hasOwn(v, 'prototype'))
      return { key: 'constructor.prototype', at: path };
    const found = forbiddenKey(v, `${path}.${k}`);
    if (found) return found;
  }
  return null;
}

/**
 * A JSON text as a value, or the refusal: MALFORMED_JSON for an empty or broken text,
 * UNSAFE_JSON_KEY for a forbidden key (details: the object holding it, as `field`).
 */
export function parseJsonBody(text: string, field = 'body'): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('MALFORMED_JSON');
  }
  // Cheap before the walk: a forbidden key is spelt in the text (or escaped: then always walk).
  if (/__proto__|constructor|\\u/.test(text)) {
    const found = forbiddenKey(value, field);
    if (found) throw unsafeJsonKey(found.key, found.at);
  }
  return value;
}

/** Installs `parseJsonBody` for `application/json` (and `+json` types Fastify's parser took). */
export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
