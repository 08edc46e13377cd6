/**
 * A feed's body → its items, for RSS 2.0 (and 0.9x/1.0), Atom and JSON Feed 1.x. Outside input,
 * so every step is bounded and nothing in it can take the server down (feed-parse.test.ts fuzzes
 * it):
 *
 * - the body is at most `maxBytes` (the fetch stops reading past it) and decoded by its declared
 *   charset (UTF-8, GBK/GB18030 …; an unknown one is refused);
 * - XML is scanned once before parsing: a DOCTYPE (and with it every entity declaration, so no
 *   "billion laughs" and no external entity) is refused, and so is nesting deeper than `maxDepth`
 *   or more than `maxElements` elements or `maxAttributes` attributes — the parser (rss-parser over
 *   xml2js/sax, which builds the whole tree in the server's thread) then has a bounded amount of
 *   work; a reference to an undeclared entity is sax's error, never an expansion;
 * - JSON is parsed by JSON.parse (iterative) and read field by field with type checks;
 * - at most `maxItems` items are kept; every field is coerced to text (a title that is an element,
 *   a guid that is an object), HTML reduced to plain text (feed-text.ts), lengths capped;
 * - a link is kept only as an absolute http(s) URL without credentials (never `javascript:`).
 *
 * Errors are `FeedParseError`s with a reason word, which is what the feed's status records.
 */
import { createHash } from 'node:crypto';
import Parser from 'rss-parser';
import { capChars, htmlToText, lineText } from './feed-text.ts';

export interface FeedItem {
  guid: string;
  link: string | null;
  title: string;
  text: string;
  author: string | null;
  publishedAt: Date | null;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'json';
  title: string;
  items: FeedItem[];
  /** More items than `maxItems` were in the feed (the first ones are kept). */
  truncated: boolean;
}

export interface FeedLimits {
  maxBytes: number;
  maxItems: number;
  maxDepth: number;
  maxElements: number;
  maxAttributes: number;
}

export const FEED_LIMITS: FeedLimits = {
  maxBytes: 1024 * 1024,
  maxItems: 200,
  maxDepth: 40,
  maxElements: 20_000,
  maxAttributes: 20_000,
};

/** Field lengths kept, in characters. */
export const CAPS = { guid: 500, link: 2000, title: 300, text: 2000, author: 100, feedTitle: 200 };

export type FeedParseReason =
  | 'empty'
  | 'encoding'
  | 'doctype_refused'
  | 'too_deep'
  | 'too_many_elements'
  | 'too_many_attributes'
  | 'malformed'
  | 'not_a_feed';

export class FeedParseError extends Error {
  constructor(readonly reason: FeedParseReason) {
    super(`parse (${reason})`);
    this.name = 'FeedParseError';
  }
}

// ---------------------------------------------------------------------------------------------
// Bytes → text

const ENCODING_ALIASES: Record<string, string> = { gb2312: 'gbk', 'x-gbk': 'gbk' };

/** The charset a body declares: BOM, then Content-Type, then the XML declaration; UTF-8 else. */
function charsetOf(body: Buffer, contentType: string | undefined): string {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  const fromType = /charset\s*=\s*"?([A-Za-z0-9._-]{1,40})/i.exec(contentType ?? '')?.[1];
  const head = body.subarray(0, 200).toString('latin1');
  const fromDecl = /^\s*<\?xml[^>]{0,150}?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']/i.exec(head)?.[1];
  const label = (fromType ?? fromDecl ?? 'utf-8').toLowerCase();
  return ENCODING_ALIASES[label] ?? label;
}

export function decodeBody(body: Buffer, contentType?: string): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charsetOf(body, contentType));
  } catch {
    throw new FeedParseError('encoding');
  }
  // Invalid byte sequences become U+FFFD (a broken character, not a broken feed).
  return decoder.decode(body);
}

// ---------------------------------------------------------------------------------------------
// XML: the bounded scan, then rss-parser

/**
 * One pass over the XML counting what the parser would build: refuses a DOCTYPE, too deep a
 * nesting, too many elements or attributes, and markup that never ends. Comments, CDATA sections
 * and processing instructions are skipped whole (HTML inside CDATA is text to the parser).
 */
export function scanXml(xml: string, limits: FeedLimits = FEED_LIMITS): void {
  let depth = 0;
  let elements = 0;
  let attributes = 0;
  let i = 0;
  const skipTo = (from: number, end: string) => {
    const at = xml.indexOf(end, from);
    if (at < 0) throw new FeedParseError('malformed');
    return at + end.length;
  };
  for (;;) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) return;
    if (xml.startsWith('<!--', lt)) {
      i = skipTo(lt + 4, '-->');
      continue;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      i = skipTo(lt + 9, ']]>');
      continue;
    }
    const next = xml[lt + 1];
    if (next === '!') throw new FeedParseError('doctype_refused');
    if (next === '?') {
      i = skipTo(lt + 2, '?>');
      continue;
    }
    // A tag: to its closing '>', quoted attribute values skipped (a '>' may stand in one).
    let j = lt + 1;
    let quote = '';
    for (; j < xml.length; j++) {
      const ch = xml[j];
      if (quote) {
        if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '=') attributes++;
      else if (ch === '>') break;
    }
    if (j >= xml.length) throw new FeedParseError('malformed');
    if (next === '/') depth--;
    else {
      elements++;
      if (xml[j - 1] !== '/') depth++;
    }
    if (depth > limits.maxDepth) throw new FeedParseError('too_deep');
    if (elements > limits.maxElements) throw new FeedParseError('too_many_elements');
    if (attributes > limits.maxAttributes) throw new FeedParseError('too_many_attributes');
    i = j + 1;
  }
}

/** The name of the document's root element (after declarations and comments). */
function rootName(xml: string): string {
  let i = 0;
  for (;;) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) return '';
    const end = xml.startsWith('<?', lt) ? '?>' : xml.startsWith('<!--', lt) ? '-->' : null;
    if (!end) return /^<([A-Za-z0-9_:.-]{1,60})/.exec(xml.slice(lt, lt + 62))?.[1] ?? '';
    const at = xml.indexOf(end, lt + 2);
    if (at < 0) return '';
    i = at + end.length;
  }
}

type RssItem = Record<string, unknown>;

/** A field as text: rss-parser gives a string, or an object where the element had children. */
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

async function parseXml(xml: string, limits: FeedLimits, base: string | undefined): Promise<ParsedFeed> {
  scanXml(xml, limits);
  let feed: { title?: unknown; items?: unknown };
  try {
    // A parser per feed: xml2js keeps state in its parser between documents, and after some
    // malformed inputs a reused one never calls back — the fuzz found a feed that then hung.
    feed = (await new Parser().parseString(xml)) as { title?: unknown; items?: unknown };
  } catch (err) {
    throw new FeedParseError(/not recognized/i.test((err as Error).message) ? 'not_a_feed' : 'malformed');
  }
  const raw = Array.isArray(feed.items) ? (feed.items as RssItem[]) : [];
  const atom = /^([a-z0-9]+:)?feed$/i.test(rootName(xml));
  const items = raw.slice(0, limits.maxItems).map((it) =>
    item(
      {
        guid: str(it.guid) || str(it.id),
        link: str(it.link),
        title: str(it.title),
        html: str(it['content:encoded']) || str(it.content) || str(it.summary) || str(it.contentSnippet),
        author: str(it.creator) || str(it.author),
        date: str(it.isoDate) || str(it.pubDate),
      },
      base,
    ),
  );
  return {
    format: atom ? 'atom' : 'rss',
    title: lineText(feed.title, CAPS.feedTitle),
    items,
    truncated: raw.length > limits.maxItems,
  };
}

// ---------------------------------------------------------------------------------------------
// JSON Feed 1.x (https://jsonfeed.org/version/1.1)

const obj = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

function parseJson(text: string, limits: FeedLimits, base: string | undefined): ParsedFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new FeedParseError('malformed');
  }
  const feed = obj(doc);
  if (!feed || !str(feed.version).startsWith('https://jsonfeed.org/version/') || !Array.isArray(feed.items)) {
    throw new FeedParseError('not_a_feed');
  }
  const raw = feed.items as unknown[];
  const items: FeedItem[] = [];
  for (const r of raw.slice(0, limits.maxItems)) {
    const it = obj(r);
    if (!it) continue;
    const authors = Array.isArray(it.authors) ? it.authors : [];
    const author = obj(authors[0]) ?? obj(it.author);
    const id = typeof it.id === 'number' && Number.isFinite(it.id) ? String(it.id) : str(it.id);
    items.push(
      item(
        {
          guid: id,
          link: str(it.url) || str(it.external_url),
          title: str(it.title),
          // content_text is text already; HTML fields are reduced to it.
          html: str(it.content_text) || str(it.content_html) || str(it.summary),
          author: author ? str(author.name) : '',
          date: str(it.date_published) || str(it.date_modified),
        },
        base,
      ),
    );
  }
  return {
    format: 'json',
    title: lineText(feed.title, CAPS.feedTitle),
    items,
    truncated: raw.length > limits.maxItems,
  };
}

// ---------------------------------------------------------------------------------------------
// Items

/** An absolute http(s) URL without credentials (a relative one resolved against the feed), or null. */
export function safeLink(raw: string, base: string | undefined): string | null {
  const s = raw.trim();
  if (!s || s.length > CAPS.link) return null;
  let url: URL;
  try {
    url = base ? new URL(s, base) : new URL(s);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password) return null;
  const href = url.href;
  return href.length <= CAPS.link ? href : null;
}

/** A date between 1990 and two days from now, else null (a typo, a zero, a far future). */
function dateOf(raw: string): Date | null {
  if (!raw) return null;
  const d = new Date(raw.trim().slice(0, 100));
  const t = d.getTime();
  if (!Number.isFinite(t) || t < Date.UTC(1990, 0, 1) || t > Date.now() + 2 * 86_400_000) return null;
  return d;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function item(
  f: { guid: string; link: string; title: string; html: string; author: string; date: string },
  base: string | undefined,
): FeedItem {
  const link = safeLink(f.link, base);
  const title = lineText(f.title, CAPS.title);
  const text = htmlToText(f.html, CAPS.text);
  const publishedAt = dateOf(f.date);
  const guidRaw = f.guid.trim() || link || '';
  // No guid and no link: the title and date (or the text) stand for the item.
  const guid = guidRaw
    ? capChars(guidRaw, CAPS.guid)
    : `sha256:${sha256(`${title}\n${publishedAt?.toISOString() ?? text}`)}`;
  return {
    guid,
    link,
    title: title || capChars(text.replace(/\s+/g, ' '), 60),
    text,
    author: lineText(f.author, CAPS.author) || null,
    publishedAt,
  };
}

/** The keys a post is deduplicated by: its guid within the feed, its link across feeds. */
export function dedupKeys(it: FeedItem): { dedupKey: string; linkKey: string | null } {
  return { dedupKey: sha256(`guid:${it.guid}`), linkKey: it.link ? sha256(`link:${it.link}`) : null };
}

/**
 * Parses a feed's body (the bytes as fetched, at most `limits.maxBytes`). `contentType` helps
 * with the charset only: the format is told by the content (JSON starts with `{`).
 * `base`: the feed's URL, against which relative links are resolved.
 */
export async function parseFeed(
  body: Buffer,
  opts: { contentType?: string; base?: string; limits?: FeedLimits } = {},
): Promise<ParsedFeed> {
  const limits = opts.limits ?? FEED_LIMITS;
  if (body.length > limits.maxBytes) throw new FeedParseError('malformed');
  const text = decodeBody(body, opts.contentType).replace(/^\ufeff/, '');
  const start = text.trimStart();
  if (start === '') throw new FeedParseError('empty');
  if (start.startsWith('{')) return parseJson(start, limits, opts.base);
  if (start.startsWith('<')) return parseXml(start, limits, opts.base);
  throw new FeedParseError('not_a_feed');
}
