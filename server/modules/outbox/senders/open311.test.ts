/** The Open311 sender's own rules: which service code a case goes as, and its words as plain text. */
import { describe, expect, it } from 'vitest';
import { plainText, serviceCodeFor } from './open311.ts';

const options = {
  apiKey: 'k',
  jurisdictionId: null,
  format: 'xml' as const,
  serviceCodes: { '06010': 'SAN-01' },
  defaultServiceCode: null,
};

describe('the Open311 sender', () => {
  it("sends a matter type as the department's code, else the default, else our own", () => {
    expect(serviceCodeFor(options, '06010')).toBe('SAN-01');
    expect(serviceCodeFor(options, '01037')).toBe('01037');
    expect(serviceCodeFor({ ...options, defaultServiceCode: 'OTHER' }, '01037')).toBe('OTHER');
    expect(serviceCodeFor(options, null)).toBeNull();
    // A code map is data: an inherited name is no mapping.
    expect(serviceCodeFor(options, 'constructor')).toBe('constructor');
  });

  it('makes the words plain text a strict server takes, and keeps line breaks', () => {
    expect(plainText('水深<10cm>\n第二行\u0007\u202e')).toBe('水深＜10cm＞\n第二行');
  });
});
