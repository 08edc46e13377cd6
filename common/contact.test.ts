import { describe, expect, it } from 'vitest';
import { maskName, maskPhone } from './contact.ts';

describe('reporter contact masking', () => {
  it('keeps the first character of a name', () => {
    expect(maskName('张先生')).toBe('张**');
    expect(maskName('李明')).toBe('李*');
    expect(maskName(' 王 ')).toBe('*');
    expect(maskName('')).toBe('');
    expect(maskName('欧阳娜娜')).toBe('欧***');
  });

  it('keeps the first three and last four digits of a phone number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138-1234-5678')).toBe('138****5678');
    expect(maskPhone('0574-87654321')).toBe('057****4321');
    expect(maskPhone('96310')).toBe('***10');
    for (const p of ['13812345678', '0574-87654321', '96310'])
      expect(maskPhone(p)).not.toContain(p.replace(/\D/g, '').slice(3, -4) || p);
  });
});
