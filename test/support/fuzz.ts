/**
 * Random requests for property-based tests, built from the application's own OpenAPI document:
 * path params (valid, invalid and look-alike uuids), query strings and JSON bodies that follow
 * the schema, break it (wrong types, unknown and prototype-polluting keys, huge and odd strings,
 * nulls, nested arrays) or are not JSON at all.
 */
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  nullable?: boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

interface OpenApiParameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI form: /api/users/{id} */
  path: string;
  pathParams: { name: string; schema: JsonSchema }[];
  queryParams: { name: string; schema: JsonSchema }[];
  body: JsonSchema | undefined;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const params = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        pathParams: params
          .filter((p) => p.in === 'path')
          .map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        queryParams: params
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return ops;
}

/** Real values from the seeded database, so generated requests also reach rows that exist. */
export interface Pools {
  /** Ids of existing users, organisations, API keys (not the fuzzing callers' own). */
  ids: string[];
  /** Plausible values for fields of this name (usernames, passwords, codes, versions …). */
  byField: Record<string, unknown[]>;
}

// ---------------------------------------------------------------------------------------------
// Scalars

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202eevil',
  '\ufeff',
  '😀'.repeat(40),
  '测试中文名称',
  'ａｄｍｉｎ',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '"; DROP TABLE event; --',
  '%',
  '%00',
  '%zz',
  '../../etc/passwd',
  '\\',
  'null',
  'undefined',
  'true',
  'NaN',
  '1e400',
  '-0',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '2016-12-31T23:59:60Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59-23:59',
  '2024-02-30T00:00:00Z',
  '2024-01-01T00:00:00+25:00',
  '2024-01-01',
  'urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  '{6ba7b810-9dad-11d1-80b4-00c04fd430c8}',
  '6BA7B810-9DAD-11D1-80B4-00C04FD430C8',
  '6ba7b8109dad11d180b400c04fd430c8',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '6ba7b810-9dad-11d1-80b4-00c04fd430c',
  'cok_abcdef123456_secret',
];

/** RFC 3339 allows all of these; not every one is an instant JavaScript or PostgreSQL can hold. */
const EDGE_DATE_TIMES = [
  '2016-12-31T23:59:60Z',
  '2016-12-31T23:59:60+08:00',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00+00:01',
  '9999-12-31T23:59:59-23:59',
  '2024-02-30T00:00:00Z',
  '2024-02-29T24:00:00Z',
  '1969-12-31T23:59:59.999999999Z',
  '2026-04-21t08:00:00z',
];

const EDGE_NUMBERS = [
  0,
  -0,
  -1,
  1,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  1.5,
  1e21,
];

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  // Plausible text with a control character or a broken surrogate spliced in.
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.string({ maxLength: 12 }),
        fc.constantFrom('\u0000', '\ud800', '\u0001', '\u007f'),
        fc.string({ maxLength: 12 }),
      )
      .map(([a, c, b]) => `${a}${c}${b}`),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 100, max: 70_000 }), fc.constantFrom('x', '测', '😀', '\u0000'))
      .map(([n, c]) => c.repeat(n)),
  },
);

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.integer(),
  fc.constantFrom(...EDGE_NUMBERS),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype'];
const objectKey = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...POLLUTING_KEYS, 'isAdmin', 'id'));

/** Any JSON value: nested arrays and objects of odd scalars, prototype-polluting keys included. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(objectKey, tie('value'), { maxKeys: 6 }),
  ),
})).value;

// ---------------------------------------------------------------------------------------------
// Values following (or almost following) a schema

export function uuidLike(pools: Pools): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: pools.ids.length ? fc.constantFrom(...pools.ids) : fc.uuid() },
    { weight: 3, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.uuid().map((u) => u.toUpperCase()) },
    { weight: 1, arbitrary: fc.uuid().map((u) => `urn:uuid:${u}`) },
    { weight: 1, arbitrary: fc.uuid().map((u) => `{${u}}`) },
    { weight: 1, arbitrary: fc.uuid().map((u) => u.replace(/-/g, '')) },
    { weight: 1, arbitrary: fc.uuid().map((u) => u.slice(0, -1)) },
    { weight: 1, arbitrary: nastyString },
  );
}

/** Query parameters that size a page of results (OGC `limit` goes up to 10,000 features). */
const PAGE_SIZE_FIELDS = new Set(['limit', 'pageSize']);
/** In-bounds page sizes the fuzz asks for: small, so successful reads stay cheap. */
const SMALL_PAGE = 25;

/**
 * A page size: mostly small values inside the schema's bounds (a successful read of 10,000
 * features costs time and finds nothing more), now and then one just outside them (a 400).
 */
function pageSize(s: JsonSchema): fc.Arbitrary<number> {
  const min = s.minimum ?? 1;
  const max = s.maximum ?? 1_000_000;
  return fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min, max: Math.max(min, Math.min(max, SMALL_PAGE)) }) },
    { weight: 1, arbitrary: fc.constantFrom(min - 1, max + 1) },
  );
}

function schemaValue(
  schema: JsonSchema,
  pools: Pools,
  field: string | undefined,
  depth: number,
): fc.Arbitrary<unknown> {
  let s = schema;
  const alts: fc.Arbitrary<unknown>[] = [];
  const hints = field ? pools.byField[field] : undefined;
  if (hints?.length) alts.push(fc.constantFrom(...hints));
  if (s.enum?.length) {
    // An enum's own values; anything else comes from the wrong-type branch below.
    alts.push(fc.constantFrom(...s.enum));
    s = { ...s, type: undefined };
  }
  for (const sub of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) {
    alts.push(schemaValue(sub, pools, field, depth + 1));
  }
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  for (const type of types) {
    switch (type) {
      case 'string':
        if (s.format === 'uuid') alts.push(uuidLike(pools));
        else if (s.format === 'date-time') {
          alts.push(
            fc
              .date({ min: new Date(-1e14), max: new Date(1e14), noInvalidDate: true })
              .map((d) => d.toISOString()),
            fc.constantFrom(...EDGE_DATE_TIMES),
            fc.constantFrom(...EDGE_DATE_TIMES),
          );
        } else if (s.pattern) alts.push(fc.stringMatching(new RegExp(s.pattern), { size: 'small' }));
        else alts.push(fc.string({ minLength: s.minLength ?? 0, maxLength: s.maxLength ?? 40 }));
        // Odd text where text is expected: NUL, lone surrogates, look-alikes, injections.
        alts.push(nastyString);
        break;
      case 'integer':
        if (field && PAGE_SIZE_FIELDS.has(field)) alts.push(pageSize(s));
        else alts.push(fc.integer({ min: s.minimum ?? -1_000_000, max: s.maximum ?? 1_000_000 }));
        break;
      case 'number':
        alts.push(fc.double({ noNaN: true, noDefaultInfinity: true }));
        break;
      case 'boolean':
        alts.push(fc.boolean());
        break;
      case 'null':
        alts.push(fc.constant(null));
        break;
      case 'array':
        if (depth < 4)
          alts.push(fc.array(schemaValue(s.items ?? {}, pools, undefined, depth + 1), { maxLength: 10 }));
        break;
      case 'object':
        if (depth < 4) alts.push(schemaObject(s, pools, depth + 1));
        break;
      default:
    }
  }
  if (s.nullable) alts.push(fc.constant(null));
  const fitting = alts.length ? fc.oneof(...alts) : anyJson;
  // Mostly values of the right kind, sometimes anything at all (wrong types, nulls, odd strings).
  return fc.oneof(
    { weight: 8, arbitrary: fitting },
    { weight: 1, arbitrary: anyJson },
    { weight: 1, arbitrary: scalar },
  );
}

function schemaObject(s: JsonSchema, pools: Pools, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props = s.properties ?? {};
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, sub] of Object.entries(props)) model[name] = schemaValue(sub, pools, name, depth);
  const required = (s.required ?? []).filter((k) => k in model);
  return fc.oneof(
    // All required fields present (the most useful for reaching the service layer) …
    { weight: 3, arbitrary: fc.record(model, { requiredKeys: required }) },
    // … or any subset of the fields.
    { weight: 1, arbitrary: fc.record(model, { requiredKeys: [] }) },
  );
}

/** JSON text of an object with extra entries appended verbatim (so `__proto__` stays a plain key). */
function serialize(obj: Record<string, unknown>, extra: [string, unknown][]): string {
  const entries = [...Object.entries(obj), ...extra];
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`;
}

export interface Payload {
  contentType: string | undefined;
  body: string | undefined;
}

const NON_JSON_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'application/octet-stream',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/merge-patch+json',
  'application/jsonx',
  '*/*',
  'json',
  ';;;',
];

const MALFORMED_JSON = [
  '',
  '{',
  '{"a":',
  '[1,2',
  "{'a':1}",
  '{"a":1,}',
  'nul',
  '{"a":1e400}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":1,"a":2}',
  '\ufeff{}',
  '{}{}',
  ' '.repeat(1000),
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
];

export function payloadFor(schema: JsonSchema | undefined, pools: Pools): fc.Arbitrary<Payload> {
  const json = (body: string): Payload => ({ contentType: 'application/json', body });
  const guided: fc.Arbitrary<Record<string, unknown>> = schema
    ? schemaObject(schema, pools, 0)
    : fc.dictionary(objectKey, anyJson, { maxKeys: 4 });
  const extraEntries = fc.array(fc.tuple(objectKey, anyJson), { minLength: 1, maxLength: 3 });
  return fc.oneof(
    { weight: 10, arbitrary: guided.map((o) => json(serialize(o, []))) },
    {
      weight: 2,
      arbitrary: fc.tuple(guided, extraEntries).map(([o, extra]) => json(serialize(o, extra))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(guided, fc.constantFrom(...POLLUTING_KEYS), anyJson)
        .map(([o, k, v]) => json(serialize(o, [[k, { polluted: true, value: v }]]))),
    },
    { weight: 2, arbitrary: anyJson.map((v) => json(JSON.stringify(v) ?? 'null')) },
    { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_JSON).map(json) },
    {
      weight: 2,
      arbitrary: fc.record({
        contentType: fc.option(fc.constantFrom(...NON_JSON_TYPES), { nil: undefined }),
        body: fc.oneof(nastyString, fc.constantFrom(...MALFORMED_JSON)),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ contentType: undefined, body: undefined }) },
  );
}

export function queryFor(params: Operation['queryParams'], pools: Pools): fc.Arbitrary<string> {
  const known = params.map((p) =>
    fc.option(
      fc.tuple(
        fc.constant(p.name),
        fc.oneof(
          { weight: 6, arbitrary: schemaValue(p.schema, pools, p.name, 1) },
          {
            weight: 1,
            arbitrary: fc.array(schemaValue(p.schema, pools, p.name, 1), { minLength: 2, maxLength: 3 }),
          },
        ),
      ),
      { nil: undefined, freq: 2 },
    ),
  );
  // Unknown parameters now and then (each one alone makes the request a 400).
  const extra = fc.option(fc.array(fc.tuple(objectKey, scalar), { minLength: 1, maxLength: 2 }), {
    nil: [],
    freq: 6,
  });
  const raw = fc.integer({ min: 0, max: 9 }).map((n) => n === 0);
  return fc.tuple(fc.tuple(...known), extra, raw).map(([kv, more, raw]) => {
    const search = new URLSearchParams();
    const add = (k: string, v: unknown) =>
      search.append(k, typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));
    for (const entry of [...kv, ...more]) {
      if (!entry) continue;
      const [k, v] = entry;
      if (Array.isArray(v)) for (const item of v) add(k, item);
      else add(k, v);
    }
    const text = search.toString();
    // Now and then a raw, hand-written query string with odd separators and escapes.
    return raw && text ? `${text}&&=&%41=1&;x` : text;
  });
}

export function pathFor(op: Operation, pools: Pools, maxParamLength: number): fc.Arbitrary<string> {
  if (!op.pathParams.length) return fc.constant(op.path);
  const values = op.pathParams.map((p) =>
    (p.schema.format === 'uuid' ? uuidLike(pools) : schemaValue(p.schema, pools, p.name, 1)).map((v) =>
      encodeSegment(typeof v === 'string' ? v : String(JSON.stringify(v)), maxParamLength),
    ),
  );
  return fc.tuple(...values).map((vals) => {
    let i = 0;
    return op.path.replace(/\{[^}]+\}/g, () => vals[i++] || '%20');
  });
}

/**
 * A path segment, percent-encoded, no longer than the router's maxParamLength: a longer one is
 * refused by the router before the application sees it (covered by its own explicit case).
 */
function encodeSegment(raw: string, max: number): string {
  // Lone surrogates cannot be percent-encoded as UTF-8; the JSON body fuzz covers them.
  let value = raw.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
  value = Array.from(value).slice(0, max).join('');
  let encoded = encodeURIComponent(value);
  while (encoded.length > max) {
    value = Array.from(value).slice(0, -1).join('');
    encoded = encodeURIComponent(value);
  }
  return encoded;
}
