import { describe, expect, it } from 'vitest';
import { redactUrl } from './logging.ts';

describe('redactUrl', () => {
  it('cuts tracking codes and Open311 tokens out of paths, keeping the route readable', () => {
    expect(redactUrl('/api/public/reports/K7Q2M9X4P3A8')).toBe('/api/public/reports/[redacted]');
    expect(redactUrl('/api/public/reports/K7Q2M9X4P3A8/rating')).toBe(
      '/api/public/reports/[redacted]/rating',
    );
    expect(redactUrl('/public/track/K7Q2M9X4P3A8?lang=en')).toBe('/public/track/[redacted]?lang=en');
    expect(redactUrl('/open311/v2/tokens/abc-123.json')).toBe('/open311/v2/tokens/[redacted].json');
    // The list of public reports has no code in it.
    expect(redactUrl('/api/public/reports')).toBe('/api/public/reports');
  });

  it('cuts secret and personal query values, whatever their case or encoding', () => {
    expect(redactUrl('/open311/v2/requests.json?api_key=sekrit&status=open')).toBe(
      '/open311/v2/requests.json?api_key=[redacted]&status=open',
    );
    expect(redactUrl('/x?API%5FKEY=sekrit&phone=13900001111&Code=ABC')).toBe(
      '/x?API%5FKEY=[redacted]&phone=[redacted]&Code=[redacted]',
    );
    // Malformed escapes are logged as sent, never thrown on.
    expect(redactUrl('/x?%E0%A4%A=1&q=%')).toBe('/x?%E0%A4%A=1&q=%');
  });
});
