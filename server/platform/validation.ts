/**
 * Request validation. Bodies are validated strictly (no type coercion, unknown fields rejected
 * rather than silently dropped); query strings and path params are coerced from text because
 * that is all HTTP gives them.
 *
 * Three rules sit on top of the JSON Schema formats, because a value that passes the schema
 * must also be one the database can take (otherwise it surfaces as a 500 instead of a 400):
 * - `uuid` is the plain 8-4-4-4-12 form (ajv-formats also accepts `urn:uuid:…`, which
 *   PostgreSQL's uuid type rejects);
 * - `date-time` must be a real instant between the years 1 and 9999 in UTC (RFC 3339 allows
 *   `23:59:60`, which JavaScript cannot represent, and years PostgreSQL does not store);
 * - no string (or object key) anywhere in the input may contain U+0000, which PostgreSQL's
 *   text and jsonb cannot hold.
 */
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MIN_INSTANT = Date.parse('0001-01-01T00:00:00Z');
const MAX_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

function makeAjv(coerce: boolean) {
  const ajv = new Ajv({
    allErrors: true,
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
    strict: false,
    // Errors carry their schema, so a field's own sentence (`x-message`) can replace the rule's.
    verbose: true,
  });
  addFormats(ajv);
  // Replaced before anything is compiled: Ajv shares compiled format references by name.
  const rfc3339 = ajv.formats['date-time'];
  if (
    !rfc3339 ||
    typeof rfc3339 !== 'object' ||
    !('validate' in rfc3339) ||
    typeof rfc3339.validate !== 'function'
  ) {
    throw new Error('ajv-formats did not register its full date-time format');
  }
  ajv.addFormat('uuid', UUID);
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (s: string) => {
      if (!(rfc3339.validate as (s: string) => boolean)(s)) return false;
      const t = Date.parse(s);
      return Number.isFinite(t) && t >= MIN_INSTANT && t <= MAX_INSTANT;
    },
  });
  return ajv;
}

/** JSON-pointer path of the first string or key holding U+0000, or null. */
function nulPath(data: unknown): string | null {
  const stack: [unknown, string][] = [[data, '']];
  while (stack.length) {
    const [value, path] = stack.pop() as [unknown, string];
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        stack.push([v, `${path}/${i}`]);
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const at = `${path}/${k.split('\u0000').join('\\u0000')}`;
        if (k.includes('\u0000')) return at;
        stack.push([v, at]);
      }
    }
  }
  return null;
}

function compile(ajv: Ajv, schema: object) {
  const validate = ajv.compile(schema);
  const check = (data: unknown): boolean => {
    if (!validate(data)) {
      check.errors = validate.errors;
      return false;
    }
    const at = nulPath(data);
    if (at !== null) {
      check.errors = [
        {
          instancePath: at,
          schemaPath: '#',
          keyword: 'noNul',
          params: {},
          message: 'must not contain the NUL character (U+0000)',
        },
      ];
      return false;
    }
    check.errors = null;
    return true;
  };
  check.errors = null as ErrorObject[] | null | undefined;
  return check;
}

export function installValidation(app: FastifyInstance) {
  const bodyAjv = makeAjv(false);
  const textAjv = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    compile(httpPart === 'body' ? bodyAjv : textAjv, schema as object),
  );
}
