/**
 * The lexicon: synonyms and colloquial terms per matter type, kept in the repository
 * (db/reference/classifier/lexicon.txt, one line per type). It does two jobs: its terms go into
 * the segmenter's user dictionary (下水道盖子 stays one word), and a term found in a report is
 * direct evidence for its types — longest match wins (污水井盖 hides the 井盖 inside it), and a term
 * several types share counts for each, divided among them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeText } from './text.ts';

export const REFERENCE_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../db/reference/classifier',
);
export const LEXICON_FILE = path.join(REFERENCE_DIR, 'lexicon.txt');

/** Matter code → its terms (normalised, as written). */
export type Lexicon = ReadonlyMap<string, readonly string[]>;

/** Parses the lexicon's text; a malformed line is an error naming it (the file is ours). */
export function parseLexicon(text: string, source = 'lexicon'): Lexicon {
  const out = new Map<string, string[]>();
  text.split(/\r?\n/u).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [code, ...terms] = line.split(/\s+/u);
    if (!/^\d{5}$/u.test(code) || terms.length === 0) {
      throw new Error(`${source}:${i + 1}: expected "<5-digit code> <term> …", got "${line.slice(0, 40)}"`);
    }
    const list = out.get(code) ?? [];
    for (const t of terms) {
      const n = normalizeText(t);
      if (n && !list.includes(n)) list.push(n);
    }
    out.set(code, list);
  });
  return out;
}

export function loadLexicon(file = LEXICON_FILE): Lexicon {
  return parseLexicon(fs.readFileSync(file, 'utf8'), path.basename(file));
}

/** One occurrence of a term in a text: [start, end) in code units. */
export interface TermHit {
  term: string;
  start: number;
  end: number;
}

/**
 * Finds lexicon terms in normalised text. Terms are indexed by their first character; at each
 * position every term starting there is tried. Hits inside a longer hit are dropped (the longer,
 * more specific term is what the speaker said).
 */
export class TermMatcher {
  readonly #byFirst = new Map<string, string[]>();
  /** term → the types that list it */
  readonly types = new Map<string, string[]>();

  constructor(entries: Iterable<readonly [string, readonly string[]]>) {
    for (const [code, terms] of entries) {
      for (const t of terms) {
        if (t.length < 1) continue;
        const owners = this.types.get(t);
        if (owners) {
          if (!owners.includes(code)) owners.push(code);
          continue;
        }
        this.types.set(t, [code]);
        const first = t[0];
        const list = this.#byFirst.get(first) ?? [];
        list.push(t);
        this.#byFirst.set(first, list);
      }
    }
    for (const list of this.#byFirst.values()) list.sort((a, b) => b.length - a.length);
  }

  /** The maximal hits in `text` (already normalised). */
  find(text: string): TermHit[] {
    const hits: TermHit[] = [];
    for (let i = 0; i < text.length; i++) {
      const list = this.#byFirst.get(text[i]);
      if (!list) continue;
      for (const t of list) {
        if (text.startsWith(t, i)) hits.push({ term: t, start: i, end: i + t.length });
      }
    }
    // Drop hits contained in another (longer) hit.
    return hits.filter(
      (h) =>
        !hits.some(
          (o) => o !== h && o.start <= h.start && o.end >= h.end && o.end - o.start > h.end - h.start,
        ),
    );
  }
}
