import { describe, expect, it } from 'vitest';
import { likeLiteral } from './like.ts';

describe('likeLiteral', () => {
  it('escapes the LIKE wildcards and the escape character, nothing else', () => {
    expect(likeLiteral('%')).toBe('\\%');
    expect(likeLiteral('解_南')).toBe('解\\_南');
    expect(likeLiteral('a\\b')).toBe('a\\\\b');
    expect(likeLiteral('天一广场')).toBe('天一广场');
  });
});
