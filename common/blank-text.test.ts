import { describe, expect, it } from 'vitest';
import { isBlankText, VISIBLE_TEXT_PATTERN } from './blank-text.ts';

describe('isBlankText', () => {
  it('sees white space, zero-width and other format or ignorable characters as blank', () => {
    for (const s of [
      '',
      ' ',
      '\t\n',
      '\u3000',
      '\u200b',
      '\u200b\u200c\u200d',
      '\ufeff',
      '\u2060 ',
      '\u200e\u200f',
      '\u00ad',
      '\u3164',
      '\u0000\u0007',
    ]) {
      expect(isBlankText(s), JSON.stringify(s)).toBe(true);
    }
  });

  it('keeps text with one visible character', () => {
    for (const s of ['a', '催', ' 催办 ', '\u200b催', '1', '.', '😀']) expect(isBlankText(s), s).toBe(false);
  });

  it('is the same rule as the schema pattern, compiled with the u flag as Ajv does', () => {
    const pattern = new RegExp(VISIBLE_TEXT_PATTERN, 'u');
    for (const s of ['\u200b', ' ', '催', '\u200b催']) expect(pattern.test(s)).toBe(!isBlankText(s));
  });
});
