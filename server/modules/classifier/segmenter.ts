/**
 * Chinese word segmentation with @node-rs/jieba: jieba's own dictionary plus a user dictionary of
 * the lexicon's terms and the catalogue's type names, so that 下水道盖子, 牛皮癣 or 僵尸车 stay one
 * word. One segmenter per process (loading jieba's dictionary takes a few hundred milliseconds);
 * the user dictionary only ever grows, so a later lexicon adds its words to the same instance.
 */
import { createRequire } from 'node:module';

interface JiebaInstance {
  cut(sentence: string, hmm?: boolean | null): string[];
  loadDict(dict: Uint8Array): void;
}

const require = createRequire(import.meta.url);

let jieba: JiebaInstance | undefined;
const known = new Set<string>();

function instance(): JiebaInstance {
  if (!jieba) {
    const { Jieba } = require('@node-rs/jieba') as {
      Jieba: { withDict(dict: Uint8Array): JiebaInstance };
    };
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
  }
  return jieba;
}

/**
 * A frequency high enough that jieba keeps a user word whole against the split its own
 * dictionary would prefer (下水道 + 盖子), low enough not to glue it to its neighbours.
 */
const USER_WORD_FREQ = 3000;

/** Adds words (two characters or more, no spaces) to the segmenter's user dictionary. */
export function addUserWords(words: Iterable<string>): void {
  const fresh: string[] = [];
  for (const w of words) {
    if ([...w].length < 2 || /\s/u.test(w) || known.has(w)) continue;
    known.add(w);
    fresh.push(`${w} ${USER_WORD_FREQ} n`);
  }
  if (fresh.length > 0) instance().loadDict(Buffer.from(`${fresh.join('\n')}\n`, 'utf8'));
}

/** The words of `text` (jieba's accurate mode; HMM finds words the dictionaries lack). */
export function segment(text: string): string[] {
  return instance().cut(text, true);
}
