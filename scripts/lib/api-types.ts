/**
 * Renders the OpenAPI 3.0 document the server builds from its TypeBox schemas as TypeScript
 * types for the web client (scripts/gen-api-types.ts writes them to web/src/api/schema.d.ts).
 *
 * Only the JSON Schema the routes use is understood: objects, arrays, strings, numbers,
 * booleans, null, enums, `anyOf`/`oneOf`/`allOf`, `nullable`, `additionalProperties` and
 * `patternProperties` (TypeBox's `Record`). Anything else (a `$ref`, a keyword-less schema
 * other than `{}`) stops the generator with the place it was found, rather than typing it loosely.
 */

export interface OpenApiSchema {
  type?: string | string[];
  format?: string;
  description?: string;
  nullable?: boolean;
  enum?: unknown[];
  const?: unknown;
  anyOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  allOf?: OpenApiSchema[];
  items?: OpenApiSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  additionalProperties?: boolean | OpenApiSchema;
  patternProperties?: Record<string, OpenApiSchema>;
  $ref?: string;
  [key: string]: unknown;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: OpenApiSchema;
}

interface MediaTypes {
  [mediaType: string]: { schema?: OpenApiSchema };
}

interface Operation {
  operationId?: string;
  summary?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: MediaTypes };
  responses?: Record<string, { description?: string; content?: MediaTypes }>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const key = (name: string) => (IDENTIFIER.test(name) ? name : `'${name.replace(/'/g, "\\'")}'`);
const literal = (v: unknown) =>
  typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(v);
const comment = (text: string | undefined, pad: string) =>
  text ? `${pad}/** ${text.replace(/\*\//g, '*\\/').replace(/\s*\n\s*/g, ' ')} */\n` : '';

function union(parts: string[]): string {
  const unique = [...new Set(parts)];
  if (unique.includes('unknown')) return 'unknown';
  return unique.length === 1 ? unique[0] : unique.join(' | ');
}

/** Wraps a union or intersection so it can take `[]`. */
const arrayOf = (t: string) =>
  /^[\w.']+$|^\{[\s\S]*\}$/.test(t) && !t.includes(' | ') ? `${t}[]` : `(${t})[]`;

export class UnsupportedSchemaError extends Error {}

/** One schema as a TypeScript type; `at` names the place for errors, `pad` is the indentation. */
export function renderSchema(schema: OpenApiSchema | undefined, at: string, pad = ''): string {
  if (schema === undefined) throw new UnsupportedSchemaError(`${at}: no schema`);
  if (schema.$ref) throw new UnsupportedSchemaError(`${at}: $ref is not supported (${schema.$ref})`);
  const base = renderBase(schema, at, pad);
  return schema.nullable && base !== 'null' && base !== 'unknown' ? union([base, 'null']) : base;
}

function renderBase(s: OpenApiSchema, at: string, pad: string): string {
  if (s.enum) {
    const values = s.enum.map(literal);
    return union(s.nullable ? [...values, 'null'] : values);
  }
  if (s.const !== undefined) return literal(s.const);
  for (const k of ['anyOf', 'oneOf'] as const) {
    const alts = s[k];
    if (alts) return union(alts.map((a, i) => renderSchema(a, `${at}/${k}/${i}`, pad)));
  }
  if (s.allOf) return s.allOf.map((a, i) => renderSchema(a, `${at}/allOf/${i}`, pad)).join(' & ');
  if (Array.isArray(s.type)) {
    return union(s.type.map((t) => renderSchema({ ...s, type: t }, at, pad)));
  }
  switch (s.type) {
    case 'string':
      return s.format === 'binary' ? 'Blob' : 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = renderSchema(s.items, `${at}/items`, pad);
      // A fixed length (a bbox's four numbers) is a tuple: OpenAPI 3.0 has no prefixItems.
      const n = s.minItems;
      if (typeof n === 'number' && n === s.maxItems && n > 0 && n <= 8) {
        return `[${Array.from({ length: n }, () => item).join(', ')}]`;
      }
      return arrayOf(item);
    }
    case 'object':
      return renderObject(s, at, pad);
    case undefined:
      if (s.properties || s.additionalProperties !== undefined || s.patternProperties) {
        return renderObject(s, at, pad);
      }
      // `{}`: any JSON value. The contract test keeps these out of responses.
      if (Object.keys(s).every((k) => k === 'description' || k === 'title')) return 'unknown';
      throw new UnsupportedSchemaError(`${at}: cannot type ${JSON.stringify(s).slice(0, 120)}`);
    default:
      throw new UnsupportedSchemaError(`${at}: unknown type ${String(s.type)}`);
  }
}

function renderObject(s: OpenApiSchema, at: string, pad: string): string {
  const inner = `${pad}  `;
  const required = new Set(s.required ?? []);
  const lines: string[] = [];
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    const t = renderSchema(prop, `${at}/properties/${name}`, inner);
    lines.push(
      `${comment(prop.description, inner)}${inner}${key(name)}${required.has(name) ? '' : '?'}: ${t};`,
    );
  }
  const extra: string[] = [];
  if (
    s.additionalProperties === true ||
    (s.additionalProperties && typeof s.additionalProperties === 'object')
  ) {
    extra.push(
      s.additionalProperties === true
        ? 'unknown'
        : renderSchema(s.additionalProperties, `${at}/additionalProperties`, inner),
    );
  }
  for (const [pattern, value] of Object.entries(s.patternProperties ?? {})) {
    extra.push(renderSchema(value, `${at}/patternProperties/${pattern}`, inner));
  }
  if (extra.length) {
    const values = union(extra);
    // Named properties must fit the index signature: an open object with known fields says `unknown`.
    lines.push(`${inner}[key: string]: ${lines.length && values !== 'unknown' ? 'unknown' : values};`);
  }
  if (lines.length === 0) return 'Record<string, never>';
  return `{\n${lines.join('\n')}\n${pad}}`;
}

function renderParams(params: Parameter[], where: 'path' | 'query', at: string, pad: string): string {
  const own = params.filter((p) => p.in === where);
  if (own.length === 0) return 'never';
  return renderObject(
    {
      type: 'object',
      properties: Object.fromEntries(
        own.map((p) => [p.name, { ...p.schema, description: p.description ?? p.schema?.description }]),
      ),
      required: own.filter((p) => p.required).map((p) => p.name),
    },
    `${at}/parameters/${where}`,
    pad,
  );
}

/** The JSON body of a request or response, or its one other media type (photos, tiles, streams). */
function renderContent(content: MediaTypes | undefined, at: string, pad: string): string {
  // No body (204): the client's request() answers undefined.
  if (!content) return 'undefined';
  const json = Object.keys(content).find((m) => m === 'application/json' || m.endsWith('+json'));
  const types = json ? [json] : Object.keys(content);
  return union(types.map((m) => renderSchema(content[m].schema, `${at}/content/${m}`, pad)));
}

/**
 * The document as `paths` (path → method → params, query, body, responses by status), with the
 * error body every route shares named once (`ErrorBody`).
 */
export function renderApiTypes(doc: OpenApiDocument, source: string): string {
  const errorBodies = new Map<string, number>();
  const rendered: { path: string; method: string; op: Operation; responses: [string, string][] }[] = [];
  for (const path of Object.keys(doc.paths).sort()) {
    for (const method of METHODS) {
      const op = doc.paths[path][method];
      if (!op) continue;
      const at = `${method.toUpperCase()} ${path}`;
      const responses = Object.entries(op.responses ?? {}).map(([status, r]): [string, string] => [
        status,
        renderContent(r.content, `${at}/responses/${status}`, '        '),
      ]);
      for (const [status, t] of responses) {
        if (Number(status) >= 400) errorBodies.set(t, (errorBodies.get(t) ?? 0) + 1);
      }
      rendered.push({ path, method, op, responses });
    }
  }
  const errorBody = [...errorBodies.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];

  const out: string[] = [
    `// Generated by scripts/gen-api-types.ts from ${source} (${doc.info.title} ${doc.info.version}).`,
    "// Do not edit: change the server's TypeBox schemas and run `npm run gen:api-types`.",
    '// CI fails when this file is stale (`npm run check:api-types`).',
    '',
    '/** The error body of every failed call: `{ error: { code, message, details } }`. */',
    `export type ErrorBody = ${errorBody ? errorBody.replace(/\n {8}/g, '\n') : 'never'};`,
    '',
    'export interface paths {',
  ];
  let current = '';
  for (const { path, method, op, responses } of rendered) {
    if (path !== current) {
      if (current) out.push('  };');
      out.push(`  ${key(path)}: {`);
      current = path;
    }
    const at = `${method.toUpperCase()} ${path}`;
    const params = op.parameters ?? [];
    const body = op.requestBody?.content
      ? renderContent(op.requestBody.content, `${at}/requestBody`, '      ')
      : 'never';
    const summary = comment(op.summary, '    ').trimEnd();
    if (summary) out.push(summary);
    out.push(`    ${method}: {`);
    out.push(`      params: ${renderParams(params, 'path', at, '      ')};`);
    out.push(`      query: ${renderParams(params, 'query', at, '      ')};`);
    out.push(`      body: ${body};`);
    out.push('      responses: {');
    for (const [status, t] of responses) {
      const code = /^\d+$/.test(status) ? status : key(status);
      out.push(`        ${code}: ${t === errorBody && Number(status) >= 400 ? 'ErrorBody' : t};`);
    }
    out.push('      };');
    out.push('    };');
  }
  if (current) out.push('  };');
  out.push('}');
  out.push(`
export type ApiPath = keyof paths;
export type ApiMethod<P extends ApiPath> = keyof paths[P] & string;
type Operation<P extends ApiPath, M extends ApiMethod<P>> = paths[P][M] extends {
  responses: infer R;
  params: infer Params;
  query: infer Query;
  body: infer Body;
}
  ? { responses: R; params: Params; query: Query; body: Body }
  : never;
type Success = 200 | 201 | 202 | 204;

/** The answer of a successful call (every 2xx body of the operation). */
export type ApiResponse<P extends ApiPath, M extends ApiMethod<P>> = Operation<P, M>['responses'][keyof Operation<
  P,
  M
>['responses'] &
  Success];
/** The JSON body an operation takes. */
export type ApiBody<P extends ApiPath, M extends ApiMethod<P>> = Operation<P, M>['body'];
/** The query string an operation takes. */
export type ApiQuery<P extends ApiPath, M extends ApiMethod<P>> = Operation<P, M>['query'];
`);
  return `${out.join('\n')}\n`;
}
