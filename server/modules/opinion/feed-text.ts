/**
 * Text out of whatever a feed sends: HTML reduced to plain text, entities decoded, invisible and
 * direction-changing characters removed, whitespace tidied and the length capped. A post is only
 * ever shown as text (React escapes it), never as HTML; this is for reading, not for safety, but it
 * must stay linear on hostile input: one pass with indexOf, no backtracking regular expression
 * over the whole input.
 */

/** Elements whose content is not text a person reads: dropped with everything inside. */
const RAW_ELEMENTS = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'svg', 'head']);
/** Elements that start a new line. */
const BLOCK_ELEMENTS = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'tr',
  'table',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'section',
  'article',
  'pre',
  'hr',
]);

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  middot: '·',
  bull: '•',
  copy: '©',
  reg: '®',
  trade: '™',
  times: '×',
  divide: '÷',
  yen: '¥',
  deg: '°',
  laquo: '«',
  raquo: '»',
};

/** The most input looked at: a post is a few thousand characters; more is cut before any work. */
export const MAX_RAW_TEXT = 200_000;

/**
 * Control characters (but tab and newline), zero-width and bidirectional-override characters,
 * the BOM: nothing a reader should get, and the bidi ones can make a text read as another.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;

function decodeEntity(entity: string): string {
  if (entity.startsWith('#')) {
    const hex = entity[1] === 'x' || entity[1] === 'X';
    const n = Number.parseInt(entity.slice(hex ? 2 : 1), hex ? 16 : 10);
    // Not a character a text may hold (NUL, a surrogate, past Unicode): nothing.
    if (!Number.isFinite(n) || n <= 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return '';
    return String.fromCodePoint(n);
  }
  return NAMED_ENTITIES[entity.toLowerCase()] ?? `&${entity};`;
}

/** Decodes HTML character references (numeric ones, and the common named ones). */
export function decodeEntities(s: string): string {
  return s.replace(/&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,9});/g, (_, e: string) =>
    decodeEntity(e),
  );
}

/** Cuts to at most `max` characters (code points), never inside a surrogate pair. */
export function capChars(s: string, max: number): string {
  if (s.length <= max) return s;
  return Array.from(s).slice(0, max).join('');
}

/** Tags out (raw elements with their content), a line break for block elements. Linear. */
function stripTags(s: string): string {
  const lower = s.toLowerCase();
  let out = '';
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    if (lt < 0) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, lt);
    if (s.startsWith('<!--', lt)) {
      const end = s.indexOf('-->', lt + 4);
      i = end < 0 ? s.length : end + 3;
      continue;
    }
    const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9:-]{0,30})/.exec(s.slice(lt, lt + 34));
    if (!m) {
      // A "<" that opens no tag ("a < b", "<3"): text.
      out += '<';
      i = lt + 1;
      continue;
    }
    const gt = s.indexOf('>', lt + 1);
    if (gt < 0) break; // a tag never closed: the rest is not text
    const name = m[2].toLowerCase();
    if (!m[1] && RAW_ELEMENTS.has(name)) {
      const close = lower.indexOf(`</${name}`, gt + 1);
      const closeEnd = close < 0 ? -1 : s.indexOf('>', close);
      i = closeEnd < 0 ? s.length : closeEnd + 1;
      continue;
    }
    // Inline elements (b, em, a, span) join their text as it stands: Chinese has no spaces.
    if (BLOCK_ELEMENTS.has(name)) out += '\n';
    i = gt + 1;
  }
  return out;
}

/** Whitespace tidied: runs of spaces to one, at most one empty line, lines trimmed. */
function tidy(s: string): string {
  return s
    .replace(/[ \t\f\v\u00a0\u3000]+/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Plain text of a feed's HTML (or text) field, at most `max` characters. */
export function htmlToText(raw: unknown, max: number): string {
  if (typeof raw !== 'string' || raw === '') return '';
  const text = decodeEntities(stripTags(raw.slice(0, MAX_RAW_TEXT).replace(/\r\n?/g, '\n')));
  return capChars(tidy(text.replace(INVISIBLE, '')), max);
}

/** A short one-line field (a title, an author): plain text on one line. */
export function lineText(raw: unknown, max: number): string {
  return capChars(
    htmlToText(raw, max * 2)
      .replace(/\s+/g, ' ')
      .trim(),
    max,
  );
}
