/**
 * What the model sees of a text: its words (jieba, with the lexicon in the user dictionary) and
 * the character bigrams of each run of meaningful words. Words carry the vocabulary (下水道盖子,
 * 压碎); bigrams survive what segmentation gets wrong — a typo (井盖 → 井概 still shares 井), a
 * dialect word jieba does not know, a compound it splits differently. Fillers (STOPWORDS) end a
 * run; a place name (中山西路) is reduced to its kind (路); numbers (phone numbers, house numbers)
 * are dropped.
 *
 * A feature is a string: `w:<word>` or `b:<two characters>`; the bag is a count per feature.
 */
import { addUserWords, segment } from './segmenter.ts';
import { capText, isHan, MAX_SUGGEST_TEXT, normalizeText, placeSuffix, STOPWORDS } from './text.ts';

export type Bag = Map<string, number>;

const LATIN_WORD = /^[a-z][a-z0-9]*$/u;
const HAS_DIGIT = /\d/u;
const ONLY_HAN = /^\p{Script=Han}+$/u;

export class Featurizer {
  /** Lexicon terms and type names: never treated as places or fillers. */
  readonly #protected = new Set<string>();

  constructor(protectedWords: Iterable<string>) {
    this.protect(protectedWords);
  }

  /** Adds words (a local type's name) that segmentation keeps whole and filtering keeps. */
  protect(words: Iterable<string>): void {
    const fresh: string[] = [];
    for (const raw of words) {
      const w = raw.normalize('NFKC').toLowerCase();
      if (w && !this.#protected.has(w)) {
        this.#protected.add(w);
        fresh.push(w);
      }
    }
    addUserWords(fresh);
  }

  /** The words of a text as the model uses them, in order; null marks the end of a run. */
  words(text: string): (string | null)[] {
    const norm = normalizeText(capText(text, MAX_SUGGEST_TEXT));
    const out: (string | null)[] = [];
    for (const raw of segment(norm)) {
      const w = raw.trim();
      if (w === '') {
        out.push(null);
        continue;
      }
      if (this.#protected.has(w)) {
        out.push(w);
        continue;
      }
      if (LATIN_WORD.test(w)) {
        out.push(w.length >= 2 ? w : null);
        continue;
      }
      if (HAS_DIGIT.test(w) || !ONLY_HAN.test(w) || STOPWORDS.has(w)) {
        out.push(null);
        continue;
      }
      const suffix = placeSuffix(w);
      if (suffix) {
        // The kind of place is a word of its own, never glued into a neighbour's bigrams.
        out.push(null, suffix, null);
        continue;
      }
      out.push(w);
    }
    return out;
  }

  /** The bag of features of a text. */
  bag(text: string): Bag {
    const bag: Bag = new Map();
    const add = (f: string) => bag.set(f, (bag.get(f) ?? 0) + 1);
    let run = '';
    const flush = () => {
      const chars = [...run];
      for (let i = 0; i + 1 < chars.length; i++) add(`b:${chars[i]}${chars[i + 1]}`);
      run = '';
    };
    for (const w of this.words(text)) {
      if (w === null) {
        flush();
        continue;
      }
      add(`w:${w}`);
      if (isHan(w[0])) run += w;
      else flush();
    }
    flush();
    return bag;
  }
}
