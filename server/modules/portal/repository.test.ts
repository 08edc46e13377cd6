import { describe, expect, it } from 'vitest';
import { phoneDigits, phoneKeyOf } from './repository.ts';

describe('a phone number counts as one number however it is written', () => {
  it('drops the country code in every spelling, and a trunk 0 after it', () => {
    for (const spelling of [
      '13500135000',
      '135 0013 5000',
      '135-0013-5000',
      '+8613500135000',
      '+86 135 0013 5000',
      '8613500135000',
      '008613500135000',
      '+86013500135000',
      '0086 0135 0013 5000',
    ])
      expect(phoneDigits(spelling), spelling).toBe('13500135000');
    expect(new Set(['13500135000', '008613500135000', '+86013500135000'].map(phoneKeyOf)).size).toBe(1);
  });

  it('keeps a landline’s area code and tells different numbers apart', () => {
    expect(phoneDigits('0574-87654321')).toBe('057487654321');
    expect(phoneDigits('+86 574 8765 4321')).toBe('057487654321');
    expect(phoneKeyOf('13500135000')).not.toBe(phoneKeyOf('13500135001'));
  });
});
