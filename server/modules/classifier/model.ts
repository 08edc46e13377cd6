/**
 * The statistical model: multinomial naive Bayes over TF-IDF-weighted words and character
 * bigrams, a nearest-neighbour memory of the labelled texts, and the lexicon's direct evidence,
 * added up per type and turned into a share with a softmax. Pure: it knows texts, codes and
 * weights, never the database.
 *
 * - Naive Bayes (every labelled text, each lexicon term as a small pseudo-text of its type, the
 *   type's name): what words a type's reports use. Each text is L2-normalised before it is
 *   counted, so a long text weighs no more than a short one.
 * - Nearest neighbours (cosine of the same vectors): a report very like one already labelled gets
 *   that label's support — this is how a correction at filing reaches the next similar text.
 * - Lexicon: a colloquial term (下水道盖子) names its types outright.
 *
 * Learning is bounded: a learned text counts as one text (never more, whatever its length); a type
 * keeps at most `learnedCap` learned texts (the oldest leave first); the neighbours' support of a
 * type is capped. So one wrong correction pulls only texts very like it, and only so far.
 * Inverse document frequencies are fixed when the model is built; texts learned later use them.
 */
import type { Bag, Featurizer } from './features.ts';
import { type TermHit, TermMatcher } from './lexicon.ts';

export interface ModelParams {
  /** Naive Bayes smoothing (added to every feature's mass in every type). */
  alpha: number;
  /** Weight of a character bigram relative to a word, before normalising. */
  bigramWeight: number;
  /** Weight of each lexicon term as a pseudo-text of its type, relative to a labelled text. */
  lexiconDocWeight: number;
  /** Scale of the naive Bayes log-likelihood in the sum. */
  nbWeight: number;
  /** Scale of the lexicon's evidence. */
  lexWeight: number;
  /** Scale of the nearest neighbours' support. */
  knnWeight: number;
  /** How many neighbours vote. */
  knnK: number;
  /** Below this cosine a text is no neighbour. */
  knnMin: number;
  /** The most support the neighbours give one type (bounds a burst of learned texts). */
  knnCap: number;
  /**
   * How much a seed text counts as a neighbour, relative to a learned one. Seed texts already
   * shape naive Bayes; as neighbours they mostly repeat it (cross-validation found no gain).
   */
  knnSeedShare: number;
  /** Scale of "a component of this type stands near the point". */
  nearWeight: number;
  /** Learned texts kept per type (the newest). */
  learnedCap: number;
}

export const DEFAULT_PARAMS: ModelParams = {
  alpha: 0.1,
  bigramWeight: 1.5,
  lexiconDocWeight: 2,
  nbWeight: 1,
  lexWeight: 3,
  knnWeight: 4,
  knnK: 8,
  knnMin: 0.5,
  knnCap: 1.5,
  knnSeedShare: 0.5,
  nearWeight: 0.8,
  learnedCap: 200,
};

export interface TypeDef {
  code: string;
  name: string;
}

export interface LabelledText {
  /** Stable identity (the sample's row id), for removing it later. */
  id: string;
  code: string;
  text: string;
  /** Relative weight of this text (1 for an ordinary labelled text). */
  weight: number;
  /** Learned at filing (bounded per type) rather than seed. */
  learned: boolean;
}

export interface Scored {
  code: string;
  /** Share of the belief (softmax over every type), 0…1. */
  score: number;
}

interface Doc {
  id: string;
  cls: number;
  vec: Map<string, number>;
  weight: number;
  learned: boolean;
  active: boolean;
}

/** Names without their generic endings also name the type (供水井盖异常 → 供水井盖). */
export function nameTerms(name: string): string[] {
  const base = name
    .replace(/[（(][^）)]*[）)]/gu, '')
    .replace(/(异常sos|异常|问题|乱象)$/iu, '')
    .trim();
  return [...new Set([name.toLowerCase(), base.toLowerCase()])].filter((t) => [...t].length >= 2);
}

export class ClassifierModel {
  readonly params: ModelParams;
  readonly #featurizer: Featurizer;
  readonly #codes: string[] = [];
  readonly #index = new Map<string, number>();
  readonly #idf = new Map<string, number>();
  readonly #maxIdf: number;
  /** feature → (type → mass) */
  readonly #nb = new Map<string, Map<number, number>>();
  #classMass: Float64Array;
  #vocab = 0;
  readonly #docs: Doc[] = [];
  readonly #docById = new Map<string, Doc>();
  /** feature → docs holding it (with the feature's weight in the doc) */
  readonly #postings = new Map<string, { doc: Doc; w: number }[]>();
  #dead = 0;
  /** Learned docs per type, oldest first. */
  readonly #learned = new Map<number, Doc[]>();
  readonly #matcher: TermMatcher;

  constructor(
    featurizer: Featurizer,
    types: readonly TypeDef[],
    lexicon: ReadonlyMap<string, readonly string[]>,
    samples: readonly LabelledText[],
    params: ModelParams = DEFAULT_PARAMS,
  ) {
    this.params = params;
    this.#featurizer = featurizer;
    for (const t of types) this.#classOf(t.code);
    // Lexicon terms and names, for the matcher (only of known types).
    const terms = new Map<string, string[]>();
    for (const t of types) terms.set(t.code, [...nameTerms(t.name), ...(lexicon.get(t.code) ?? [])]);
    this.#matcher = new TermMatcher(terms);

    // Inverse document frequency over the labelled texts (the seed corpus as it stands now).
    const bags = samples
      .filter((s) => this.#index.has(s.code))
      .map((s) => ({ s, bag: featurizer.bag(s.text) }));
    const df = new Map<string, number>();
    for (const { bag } of bags) for (const f of bag.keys()) df.set(f, (df.get(f) ?? 0) + 1);
    const n = bags.length;
    for (const [f, d] of df) this.#idf.set(f, Math.log((n + 1) / (d + 1)) + 1);
    this.#maxIdf = Math.log(n + 1) + 1;
    this.#classMass = new Float64Array(this.#codes.length);

    for (const { s, bag } of bags) this.#addDoc(s, bag);
    // Every term of the lexicon and the name of every type: a small pseudo-text of its type, so
    // a type nobody has written a text for yet is still found by its words.
    for (const [code, list] of terms) {
      for (const term of list) {
        const vec = this.#vector(featurizer.bag(term));
        if (vec.size > 0) this.#countNb(this.#index.get(code)!, vec, params.lexiconDocWeight);
      }
    }
  }

  #classOf(code: string): number {
    let i = this.#index.get(code);
    if (i === undefined) {
      i = this.#codes.length;
      this.#codes.push(code);
      this.#index.set(code, i);
      if (this.#classMass) {
        const grown = new Float64Array(this.#codes.length);
        grown.set(this.#classMass);
        this.#classMass = grown;
      }
    }
    return i;
  }

  get codes(): readonly string[] {
    return this.#codes;
  }

  /** TF-IDF vector of a bag, L2-normalised; features the model never saw are left out. */
  #vector(bag: Bag, keepUnseen = true): Map<string, number> {
    const vec = new Map<string, number>();
    let norm = 0;
    for (const [f, tf] of bag) {
      const idf = this.#idf.get(f) ?? (keepUnseen || this.#nb.has(f) ? this.#maxIdf : undefined);
      if (idf === undefined) continue;
      const w = (1 + Math.log(tf)) * idf * (f.startsWith('b:') ? this.params.bigramWeight : 1);
      vec.set(f, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [f, w] of vec) vec.set(f, w / norm);
    return vec;
  }

  #countNb(cls: number, vec: Map<string, number>, weight: number) {
    for (const [f, w] of vec) {
      let m = this.#nb.get(f);
      if (!m) {
        m = new Map();
        this.#nb.set(f, m);
        this.#vocab++;
      }
      const next = (m.get(cls) ?? 0) + w * weight;
      if (next <= 1e-12) m.delete(cls);
      else m.set(cls, next);
      this.#classMass[cls] += w * weight;
    }
  }

  #addDoc(s: LabelledText, bag: Bag): Doc | undefined {
    const cls = this.#index.get(s.code);
    if (cls === undefined || this.#docById.has(s.id)) return undefined;
    const vec = this.#vector(bag);
    if (vec.size === 0) return undefined;
    const doc: Doc = { id: s.id, cls, vec, weight: s.weight, learned: s.learned, active: true };
    this.#docs.push(doc);
    this.#docById.set(s.id, doc);
    this.#countNb(cls, vec, s.weight);
    for (const [f, w] of vec) {
      let p = this.#postings.get(f);
      if (!p) {
        p = [];
        this.#postings.set(f, p);
      }
      p.push({ doc, w });
    }
    return doc;
  }

  /**
   * Adds a labelled text (learning at filing); a type's oldest learned text leaves when it has
   * more than `learnedCap`. A text of an unknown type, or one already present, changes nothing.
   */
  add(s: LabelledText): boolean {
    const doc = this.#addDoc(s, this.#featurizer.bag(s.text));
    if (!doc) return false;
    if (doc.learned) {
      const list = this.#learned.get(doc.cls) ?? [];
      list.push(doc);
      this.#learned.set(doc.cls, list);
      while (list.length > this.params.learnedCap) this.#drop(list.shift()!);
    }
    return true;
  }

  has(id: string): boolean {
    return this.#docById.has(id);
  }

  /** Removes a text by id (a sample retired by an administrator). */
  remove(id: string): boolean {
    const doc = this.#docById.get(id);
    if (!doc) return false;
    if (doc.learned) {
      const list = this.#learned.get(doc.cls);
      const i = list?.indexOf(doc) ?? -1;
      if (list && i >= 0) list.splice(i, 1);
    }
    this.#drop(doc);
    return true;
  }

  #drop(doc: Doc) {
    if (!doc.active) return;
    doc.active = false;
    this.#docById.delete(doc.id);
    this.#countNb(doc.cls, doc.vec, -doc.weight);
    this.#dead++;
    if (this.#dead > 1000 && this.#dead > this.#docs.length / 2) this.#compact();
  }

  /** Drops removed docs from the postings once they are many. */
  #compact() {
    const live = this.#docs.filter((d) => d.active);
    this.#docs.length = 0;
    this.#docs.push(...live);
    for (const [f, list] of this.#postings) {
      const kept = list.filter((p) => p.doc.active);
      if (kept.length === 0) this.#postings.delete(f);
      else this.#postings.set(f, kept);
    }
    this.#dead = 0;
  }

  get size(): { texts: number; learned: number } {
    let learned = 0;
    for (const l of this.#learned.values()) learned += l.length;
    return { texts: this.#docById.size, learned };
  }

  /** The lexicon's hits in a text (normalised inside), for explanations and tests. */
  lexiconHits(text: string): TermHit[] {
    return this.#matcher.find(text.normalize('NFKC').toLowerCase());
  }

  /**
   * Every type's score for `text`, best first. `near` gives, per matter code, how strongly a
   * component of that type stands near the point (0…1), when the caller knows a point; `info`
   * receives how much evidence the text gave (0: the scores are the model's priors only).
   */
  classify(text: string, near?: ReadonlyMap<string, number>, info?: { evidence?: number }): Scored[] {
    const n = this.#codes.length;
    if (n === 0) return [];
    const p = this.params;
    const total = new Float64Array(n);
    const vec = this.#vector(this.#featurizer.bag(text), false);
    const hits = this.lexiconHits(text);
    // How much the text says at all: features the model knows and lexicon terms found.
    if (info) info.evidence = vec.size + hits.length;

    // Naive Bayes: Σ q_f · log((S_cf + α) / (S_c + αV)), from the features' postings.
    if (vec.size > 0) {
      let q = 0;
      for (const w of vec.values()) q += w;
      const alpha = p.alpha;
      const logAlpha = Math.log(alpha);
      const denomV = alpha * Math.max(1, this.#vocab);
      const nb = new Float64Array(n);
      for (let c = 0; c < n; c++) nb[c] = q * (logAlpha - Math.log(this.#classMass[c] + denomV));
      for (const [f, w] of vec) {
        const m = this.#nb.get(f);
        if (!m) continue;
        for (const [c, mass] of m) nb[c] += w * (Math.log(mass + alpha) - logAlpha);
      }
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < n; c++) if (nb[c] > max) max = nb[c];
      for (let c = 0; c < n; c++) total[c] += p.nbWeight * (nb[c] - max);

      // Nearest neighbours: the k most similar texts vote with their similarity.
      const sims = new Map<Doc, number>();
      for (const [f, w] of vec) {
        const list = this.#postings.get(f);
        if (!list) continue;
        for (const { doc, w: dw } of list) {
          if (doc.active) sims.set(doc, (sims.get(doc) ?? 0) + w * dw);
        }
      }
      const top = [...sims]
        .filter(([d, s]) => s >= p.knnMin && (d.learned || p.knnSeedShare > 0))
        .sort((a, b) => b[1] - a[1])
        .slice(0, p.knnK);
      const support = new Float64Array(n);
      for (const [doc, s] of top)
        support[doc.cls] += s * s * Math.min(1, doc.weight) * (doc.learned ? 1 : p.knnSeedShare);
      for (let c = 0; c < n; c++) total[c] += p.knnWeight * Math.min(p.knnCap, support[c]);
    }

    // Lexicon: each maximal term hit counts for its types, shared among them; longer terms
    // (more specific) count more.
    const lex = new Float64Array(n);
    for (const hit of hits) {
      const owners = this.#matcher.types.get(hit.term) ?? [];
      const strength = Math.min([...hit.term].length, 4) / 4 / owners.length;
      for (const code of owners) {
        const c = this.#index.get(code);
        if (c !== undefined) lex[c] += strength;
      }
    }
    for (let c = 0; c < n; c++) total[c] += p.lexWeight * Math.log1p(lex[c]);

    if (near) {
      for (const [code, strength] of near) {
        const c = this.#index.get(code);
        if (c !== undefined) total[c] += p.nearWeight * Math.max(0, Math.min(1, strength));
      }
    }

    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < n; c++) if (total[c] > max) max = total[c];
    let sum = 0;
    const exp = new Float64Array(n);
    for (let c = 0; c < n; c++) {
      exp[c] = Math.exp(total[c] - max);
      sum += exp[c];
    }
    const out: Scored[] = [];
    for (let c = 0; c < n; c++) out.push({ code: this.#codes[c], score: exp[c] / sum });
    return out.sort((a, b) => b.score - a.score || a.code.localeCompare(b.code));
  }
}
