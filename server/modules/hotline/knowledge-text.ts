/**
 * The knowledge base's text rules (pure): how a question or a query is normalised and which grams
 * index it. The same idea as the gazetteer's (geo/core/gazetteer.ts: character unigrams and
 * bigrams, plain SQL on PGlite and PostgreSQL, no pg_trgm), for sentences rather than names:
 * the words a caller wraps a question in (请问, 怎么, 的, 吗…) say nothing about what it is about,
 * so their characters and bigrams are left out of the index and of the query — otherwise
 * "请问垃圾怎么分类" would match every entry that says 怎么.
 */

/** Characters that carry no topic on their own (function words, question words, pronouns). */
const STOP_CHARS = new Set([
  ...'的了吗呢吧啊呀么嘛是在有和与及或就都也还要会能可以我你您他她它们这那哪些个一请问怎么什如何为啥谁给把被对向从到',
]);

/** Bigrams of those that are common in questions and say nothing about the topic. */
const STOP_BIGRAMS = new Set([
  '请问',
  '怎么',
  '什么',
  '哪里',
  '如何',
  '可以',
  '我们',
  '你们',
  '一下',
  '为什',
  '么办',
  '怎样',
  '是否',
  '需要',
  '应该',
  '哪个',
  '有没',
  '没有',
]);

/** NFKC, lower case, letters and digits of any script only. */
export function normaliseText(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Distinct topic grams of a text: every character and every pair of neighbouring characters within
 * a word (spaces and punctuation split words), without the stop characters and stop bigrams. A
 * bigram is kept when at least one of its characters is not a stop character.
 */
export function topicGrams(text: string): string[] {
  const out = new Set<string>();
  for (const word of normaliseText(text).split(' ')) {
    const chars = [...word];
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i];
      if (!STOP_CHARS.has(c)) out.add(c);
      if (i + 1 < chars.length) {
        const pair = c + chars[i + 1];
        if (!STOP_BIGRAMS.has(pair) && !(STOP_CHARS.has(c) && STOP_CHARS.has(chars[i + 1]))) out.add(pair);
      }
    }
  }
  return [...out];
}

/** The title of an entry as indexed: its question, keywords and category. */
export const titleText = (e: { question: string; keywords: readonly string[]; category: string }) =>
  [e.question, ...e.keywords, e.category].join(' ');

/**
 * How many grams an entry must share with the query to be a candidate: a quarter of the query's,
 * at least one. Callers' questions are long and loose (我反映的事情现在办得怎么样了 shares 6 of its
 * 19 grams with 我反映的问题怎么查询办理进度); ranking does the rest.
 */
export const minSharedGrams = (queryGrams: number) => Math.max(1, Math.ceil(queryGrams / 4));

/**
 * Ranking weights: score = title coverage (shared title grams ÷ query grams) + ANSWER × answer
 * coverage + DICE × Dice similarity of the title (a short, exact title beats a long one covering
 * the same grams) + KEYWORD per keyword the query contains + POPULAR × log10(1 + answered).
 */
export const SCORE = { answer: 0.3, dice: 0.5, keyword: 0.25, popular: 0.05 } as const;
