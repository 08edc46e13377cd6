/**
 * Segmentation and features: the lexicon's words stay whole, fillers and numbers go, a place name
 * is reduced to its kind, bigrams never cross a dropped word, and hostile text never breaks it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Featurizer } from './features.ts';
import { parseLexicon, TermMatcher } from './lexicon.ts';
import { classifierAssets } from './runtime.ts';
import { capText, MAX_SUGGEST_TEXT, normalizeText, placeSuffix } from './text.ts';

const featurizer = () => classifierAssets().featurizer;

describe('text rules', () => {
  it('normalises width, case, white space, control characters and broken surrogates', () => {
    expect(normalizeText('  ＬＥＤ屏\t坏了\u0000\n  ')).toBe('led屏 坏了');
    expect(normalizeText('a\ud800b')).toBe('a\ufffdb');
    expect(normalizeText('井盖😀')).toBe('井盖😀');
  });

  it('caps by characters, never splitting a surrogate pair', () => {
    expect(capText('😀😀😀', 2)).toBe('😀😀');
    expect([...capText('测'.repeat(5000), MAX_SUGGEST_TEXT)].length).toBe(MAX_SUGGEST_TEXT);
  });

  it('knows a place name by its suffix, and only a name of three characters or more', () => {
    expect(placeSuffix('中山西路')).toBe('路');
    expect(placeSuffix('天一广场')).toBe('广场');
    expect(placeSuffix('东湖花园')).toBe('花园');
    expect(placeSuffix('钟公庙街道')).toBe('街道');
    expect(placeSuffix('马路')).toBeNull();
    expect(placeSuffix('井盖')).toBeNull();
  });
});

describe('segmentation and features', () => {
  it('keeps the lexicon’s colloquial words whole (下水道盖子, 牛皮癣, 僵尸车)', () => {
    const words = featurizer().words('下水道盖子被压碎了，墙上都是牛皮癣，门口一辆僵尸车');
    expect(words).toContain('下水道盖子');
    expect(words).toContain('牛皮癣');
    expect(words).toContain('僵尸车');
  });

  it('drops fillers and numbers, reduces places to their kind', () => {
    const words = featurizer().words('喂你好，我这边是中山西路123号天一广场，电话13805741234，井盖翘起来了');
    expect(words).not.toContain('你好');
    expect(words).not.toContain('中山西路');
    expect(words).toContain('路');
    expect(words.some((w) => w !== null && /\d/.test(w))).toBe(false);
    expect(words).toContain('井盖');
  });

  it('makes bigrams inside runs of kept words, never across a dropped one', () => {
    const bag = featurizer().bag('井盖被压碎');
    expect(bag.get('w:井盖')).toBe(1);
    expect(bag.has('b:井盖')).toBe(true);
    // 被 is a filler: no bigram joins 盖 and 压 across it.
    expect(bag.has('b:盖被')).toBe(false);
    expect(bag.has('b:盖压')).toBe(false);
  });

  it('a local type’s name, once protected, is kept whole', () => {
    const f = new Featurizer([]);
    f.protect(['共享充电宝柜异常']);
    expect(f.words('共享充电宝柜异常')).toContain('共享充电宝柜异常');
  });

  it('never throws on hostile text and counts only what it kept', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const bag = featurizer().bag(s);
        for (const [f, n] of bag) {
          expect(f.startsWith('w:') || f.startsWith('b:')).toBe(true);
          expect(n).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('lexicon', () => {
  it('parses "<code> <term> …" lines and names a malformed one', () => {
    const lex = parseLexicon('# c\n01002 污水井盖 下水道盖子\n\n06010 暴露垃圾\n01002 下水道盖子 臭水井盖\n');
    expect(lex.get('01002')).toEqual(['污水井盖', '下水道盖子', '臭水井盖']);
    expect(() => parseLexicon('1002 井盖', 'x.txt')).toThrow(/x\.txt:1/);
    expect(() => parseLexicon('01002', 'x.txt')).toThrow(/x\.txt:1/);
  });

  it('finds the longest terms; a shorter one inside them does not count', () => {
    const m = new TermMatcher([
      ['01002', ['污水井盖']],
      ['01023', ['井盖']],
      ['06010', ['垃圾']],
    ]);
    const hits = m.find('污水井盖旁边有垃圾，另一个井盖');
    expect(hits.map((h) => h.term)).toEqual(['污水井盖', '垃圾', '井盖']);
    expect(m.types.get('井盖')).toEqual(['01023']);
  });

  it('covers every matter type of the reference catalogue', async () => {
    const { referenceMatterTypes } = await import('./offline.ts');
    const lexicon = classifierAssets().lexicon;
    const missing = referenceMatterTypes().filter((t) => !(lexicon.get(t.code)?.length ?? 0));
    expect(missing).toEqual([]);
  });
});
