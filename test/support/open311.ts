/**
 * Reading Open311 GeoReport v2 answers in tests: the JSON Schemas written from the spec
 * (open311-schemas/), validated with Ajv, and the XML form parsed into the JSON form (the spec's
 * "Spark convention") so the two can be compared field by field.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import type { LightMyRequestResponse } from 'fastify';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'open311-schemas');

export const DOCUMENTS = [
  'service',
  'services',
  'service-definition',
  'request',
  'requests',
  'request-created',
  'token',
  'errors',
  'discovery',
] as const;
export type Document = (typeof DOCUMENTS)[number];

// strictRequired off: `oneOf: [{ required: [a] }, { required: [b] }]` names properties declared beside it.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats(ajv);
for (const f of fs.readdirSync(DIR).filter((n) => n.endsWith('.json'))) {
  const schema = JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8'));
  ajv.addSchema(schema, f);
}
const validators = new Map<Document, ValidateFunction>(
  DOCUMENTS.map((d) => [d, ajv.getSchema(`${d}.json`) as ValidateFunction]),
);

/** The schema's complaints about a value (empty when it is valid). */
export function schemaProblems(doc: Document, value: unknown): string[] {
  const v = validators.get(doc)!;
  if (v(value)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

/** How each document looks in XML: its root, and the repeated element of a list. */
const XML_SHAPES: Record<Document, { root: string; item?: string }> = {
  service: { root: 'service' },
  services: { root: 'services', item: 'service' },
  'service-definition': { root: 'service_definition' },
  request: { root: 'request' },
  requests: { root: 'service_requests', item: 'request' },
  'request-created': { root: 'service_requests', item: 'request' },
  token: { root: 'service_requests', item: 'request' },
  errors: { root: 'errors', item: 'error' },
  discovery: { root: 'discovery' },
};

/** Nested lists: JSON's array under the plural name, XML's repeated singular element. */
const NESTED: Record<string, string> = {
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};
/** Elements whose text is a number or a boolean in the JSON form (`code` is an error's number only). */
const NUMBERS = new Set(['lat', 'long', 'order', 'error.code']);
const BOOLEANS = new Set(['metadata', 'variable', 'required']);

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  isArray: (name) => ['service', 'request', 'error', ...Object.values(NESTED)].includes(name),
});

function typed(key: string, v: unknown, parent = ''): unknown {
  if (typeof v === 'string') {
    if (NUMBERS.has(key) || NUMBERS.has(`${parent}.${key}`)) return Number(v);
    if (BOOLEANS.has(key)) {
      if (v !== 'true' && v !== 'false') throw new Error(`<${key}> is "${v}", not a boolean`);
      return v === 'true';
    }
    return v;
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (NESTED[k]) {
        const inner = x === '' ? [] : ((x as Record<string, unknown[]>)[NESTED[k]] ?? []);
        out[k] = inner.map((i) => typed(NESTED[k], i, k));
      } else out[k] = typed(k, x, key);
    }
    return out;
  }
  return v;
}

/** The XML form of a document as its JSON form; throws when the XML is not the spec's shape. */
export function xmlToJson(doc: Document, xml: string): unknown {
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) {
    throw new Error(`XML without the UTF-8 declaration: ${xml.slice(0, 80)}`);
  }
  const parsed = parser.parse(xml) as Record<string, unknown>;
  const { root, item } = XML_SHAPES[doc];
  const keys = Object.keys(parsed);
  if (keys.length !== 1 || keys[0] !== root)
    throw new Error(`XML root is <${keys.join(',')}>, not <${root}>`);
  const body = parsed[root];
  if (!item) return typed(root, body);
  const items = body === '' ? [] : ((body as Record<string, unknown[]>)[item] ?? []);
  return items.map((i) => typed(item, i));
}

/**
 * An answer read in the form its URL asked for, checked: the content type of the form, valid
 * against the document's schema; returns the JSON form.
 */
export function readAnswer(doc: Document, res: LightMyRequestResponse, format: 'xml' | 'json'): unknown {
  const type = String(res.headers['content-type']);
  const want = format === 'xml' ? 'text/xml; charset=utf-8' : 'application/json; charset=utf-8';
  if (type !== want) throw new Error(`content-type ${type}, expected ${want}: ${res.body.slice(0, 200)}`);
  const value = format === 'xml' ? xmlToJson(doc, res.body) : JSON.parse(res.body);
  const problems = schemaProblems(doc, value);
  if (problems.length) {
    throw new Error(`${doc} (${format}) is not valid: ${problems.join('; ')}\n${res.body.slice(0, 500)}`);
  }
  return value;
}

/** The format a GeoReport URL asks for by its suffix. */
export const formatOf = (url: string): 'xml' | 'json' =>
  url.split('?')[0].endsWith('.json') ? 'json' : 'xml';

/** A form body as GeoReport clients send it (application/x-www-form-urlencoded, UTF-8). */
export function form(fields: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) p.append(k, String(v));
  return p.toString();
}

export const FORM_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';
