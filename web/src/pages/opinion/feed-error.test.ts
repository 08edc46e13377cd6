import { describe, expect, it } from 'vitest';
import enUS from '../../locales/en-US.json';
import zhCN from '../../locales/zh-CN.json';
import { feedErrorText } from './feed-error';

const sentence = (messages: typeof zhCN, key: string) =>
  key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], messages);

describe('a feed error code as a sentence', () => {
  it.each([
    ['HTTP 503 (http_error)', 'opinionFeeds.error.http_error', { status: '503' }],
    ['HTTP 301 (redirect_not_followed)', 'opinionFeeds.error.redirect_not_followed', { status: '301' }],
    ['timeout', 'opinionFeeds.error.timeout', {}],
    ['connect (ECONNREFUSED)', 'opinionFeeds.error.connect', { detail: 'ECONNREFUSED' }],
    ['dns (ENOTFOUND)', 'opinionFeeds.error.dns', { detail: 'ENOTFOUND' }],
    ['address_refused (private)', 'opinionFeeds.error.address_refused', { detail: 'private' }],
    ['parse (not_a_feed)', 'opinionFeeds.error.parse.not_a_feed', {}],
    ['parse (doctype_refused)', 'opinionFeeds.error.parse.doctype_refused', {}],
    ['internal_error', 'opinionFeeds.error.internal_error', {}],
    ['something new (x)', 'opinionFeeds.error.unknown', {}],
  ])('%s → %s, the code kept', (code, key, values) => {
    const text = feedErrorText(code);
    expect(text.key).toBe(key);
    expect(text.code).toBe(code);
    if (key.startsWith('opinionFeeds.error.parse'))
      expect(text.values).toEqual({ detail: code.slice(7, -1) });
    else expect(text.values).toEqual(values);
  });

  it('every sentence exists in Chinese and in English, and neither is the code itself', () => {
    const codes = [
      'HTTP 500 (http_error)',
      'HTTP 302 (redirect_not_followed)',
      'url_refused (http_not_allowed)',
      'address_refused (private)',
      'dns (ENOTFOUND)',
      'connect (ECONNRESET)',
      'tls (CERT_HAS_EXPIRED)',
      'timeout',
      'response_too_large',
      'protocol (HPE_INVALID_CONSTANT)',
      'internal_error',
      ...[
        'empty',
        'encoding',
        'doctype_refused',
        'too_deep',
        'too_many_elements',
        'too_many_attributes',
        'malformed',
        'not_a_feed',
      ].map((r) => `parse (${r})`),
      'unheard of',
    ];
    for (const code of codes) {
      const { key } = feedErrorText(code);
      const zh = sentence(zhCN, key);
      const en = sentence(enUS, key);
      expect(typeof zh, `${key} in zh-CN`).toBe('string');
      expect(typeof en, `${key} in en-US`).toBe('string');
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(en).not.toBe(code);
    }
  });
});
