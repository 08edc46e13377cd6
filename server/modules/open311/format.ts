/**
 * GeoReport v2's two forms of one answer. The client picks the form by the resource's suffix
 * (`services.xml`, `requests/{id}.json`). XML is the spec's mandatory form: no schema, no
 * namespace, UTF-8 with its declaration, lists as repeated elements under a plural root. JSON is
 * the "Spark convention" mapping of the same document: the root of a list is dropped (the answer
 * is the array), a single document is the object itself.
 *
 * Both are built from one plain value here, so the two can never say different things; absent
 * optional fields are left out of both.
 */
import { XMLBuilder } from 'fast-xml-parser';

export const FORMATS = ['xml', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export const CONTENT_TYPES: Readonly<Record<Format, string>> = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** The MIME types discovery advertises. */
export const FORMAT_MIME_TYPES = ['text/xml', 'application/json'] as const;

const builder = new XMLBuilder({
  ignoreAttributes: true,
  format: false,
  suppressEmptyNode: false,
  processEntities: true,
});

/**
 * Whether XML 1.0 can carry a code point at all (its `Char` production): not the C0 controls
 * other than tab, LF and CR, not a lone surrogate, not U+FFFE/U+FFFF. Reports of other channels
 * may hold such characters; XML with them is unreadable, so they are dropped from XML answers
 * (JSON escapes them and keeps them).
 */
const isXmlChar = (cp: number) =>
  cp === 0x9 ||
  cp === 0xa ||
  cp === 0xd ||
  (cp >= 0x20 && cp <= 0xd7ff) ||
  (cp >= 0xe000 && cp <= 0xfffd) ||
  (cp >= 0x10000 && cp <= 0x10ffff);

function xmlText(s: string): string {
  let out = '';
  // Iterating a string by code point leaves a lone surrogate as its own (non-XML) code point.
  for (const ch of s) if (isXmlChar(ch.codePointAt(0)!)) out += ch;
  return out;
}

type Plain = string | number | boolean | null | undefined | Plain[] | { [k: string]: Plain };

/**
 * Lists inside a document: JSON holds the array under the plural name, XML repeats the singular
 * element inside the plural one (`<attributes><attribute>…</attribute></attributes>`).
 */
const ITEM_OF: Readonly<Record<string, string>> = {
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

function toXmlValue(v: Plain): Plain {
  if (typeof v === 'string') return xmlText(v);
  if (Array.isArray(v)) return v.map(toXmlValue);
  if (v && typeof v === 'object') {
    const out: Record<string, Plain> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined || x === null) continue;
      out[k] = Array.isArray(x) && ITEM_OF[k] ? { [ITEM_OF[k]]: toXmlValue(x) } : toXmlValue(x);
    }
    return out;
  }
  return v;
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** A list answer: `<root><item>…</item>…</root>` or the JSON array of the items. */
export function renderList(format: Format, root: string, item: string, items: readonly object[]): string {
  if (format === 'json') return JSON.stringify(items);
  return `${DECLARATION}${builder.build({ [root]: { [item]: toXmlValue(items as Plain[]) } })}`;
}

/** A single document: `<root>…</root>` or the JSON object. */
export function renderDocument(format: Format, root: string, doc: object): string {
  if (format === 'json') return JSON.stringify(doc);
  return `${DECLARATION}${builder.build({ [root]: toXmlValue(doc as Plain) })}`;
}

/**
 * A date and time as the spec wants it (W3C ISO 8601 with a zone), in China time: the city's own
 * clock, with its offset written out (`2026-04-21T16:00:00+08:00`).
 */
export function w3cDateTime(d: Date): string {
  const china = new Date(d.getTime() + 8 * 3600_000);
  return `${china.toISOString().slice(0, 19)}+08:00`;
}
