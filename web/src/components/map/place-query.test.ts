import { describe, expect, it } from 'vitest';
import { MAX_PLACE_QUERY, placeQueryOf } from './place-query';

describe('placeQueryOf', () => {
  it('asks nothing for text the server would refuse: blank, or no letter or digit', () => {
    for (const text of ['', '   ', '%', ' % ', '？！。', '\u3000', '---'])
      expect(placeQueryOf(text), text).toBeNull();
  });

  it('sends the trimmed text, cut at 50 characters as the server counts them', () => {
    expect(placeQueryOf('  天一 ')).toBe('天一');
    expect(placeQueryOf('%天一')).toBe('%天一');
    expect(placeQueryOf('天'.repeat(60))).toBe('天'.repeat(MAX_PLACE_QUERY));
    // Characters outside the BMP are one character each (not two UTF-16 units).
    const wide = placeQueryOf('𠀀'.repeat(60));
    expect([...(wide ?? '')]).toHaveLength(MAX_PLACE_QUERY);
  });
});
