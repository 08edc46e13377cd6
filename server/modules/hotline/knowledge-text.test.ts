import { describe, expect, it } from 'vitest';
import { minSharedGrams, normaliseText, titleText, topicGrams } from './knowledge-text.ts';

describe('knowledge-base text rules', () => {
  it('normalises full-width letters and digits, case and punctuation', () => {
    expect(normaliseText('请问：１２３４５热线，ＡＢＣ？')).toBe('请问 12345热线 abc');
  });

  it('indexes the topic, not the words a question is wrapped in', () => {
    const g = topicGrams('请问垃圾怎么分类？');
    expect(g).toEqual(expect.arrayContaining(['垃', '圾', '垃圾', '分', '类', '分类']));
    for (const stop of ['请', '问', '请问', '怎', '么', '怎么']) expect(g).not.toContain(stop);
    // A bigram across a stop character and a topic one is kept: it still says something.
    expect(g).toContain('么分');
  });

  it('splits words at spaces and punctuation: no bigram across them', () => {
    expect(topicGrams('井盖 破损')).not.toContain('盖破');
    expect(topicGrams('井盖破损')).toContain('盖破');
  });

  it('a query of stop words only has no grams', () => {
    expect(topicGrams('请问，你们在吗？')).toEqual([]);
  });

  it('the title is the question, the keywords and the category', () => {
    expect(
      titleText({ question: '共享单车乱停放找谁？', keywords: ['单车', '停放'], category: '街面秩序' }),
    ).toBe('共享单车乱停放找谁？ 单车 停放 街面秩序');
  });

  it('a candidate shares a quarter of the query grams, at least one', () => {
    expect([1, 2, 4, 5, 9, 19].map(minSharedGrams)).toEqual([1, 1, 1, 2, 3, 5]);
  });
});
