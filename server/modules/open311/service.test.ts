/** The pure rules of the Open311 server: dates, the request filter, plain text, links, forms, forms of answers. */
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { open311Errors, open311Status } from './errors.ts';
import { renderDocument, renderList, w3cDateTime } from './format.ts';
import { parseForm } from './routes.ts';
import {
  checkJurisdiction,
  checkMediaUrl,
  checkPlainText,
  MAX_REQUESTS,
  parseW3cDateTime,
  requestFilter,
  WINDOW_DAYS,
} from './service.ts';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err as AppError;
  }
  throw new Error('not refused');
};

describe('W3C dates with a zone', () => {
  it('reads the spec example, Z, fractions and offsets', () => {
    expect(parseW3cDateTime('d', '2010-04-14T06:37:38-08:00').toISOString()).toBe('2010-04-14T14:37:38.000Z');
    expect(parseW3cDateTime('d', '2026-04-01T00:00:00Z').toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(parseW3cDateTime('d', '2026-04-01T08:00+08:00').toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(parseW3cDateTime('d', '2026-04-01T08:00:00.250+08:00').toISOString()).toBe(
      '2026-04-01T00:00:00.250Z',
    );
  });

  it('refuses a date without a zone, and dates that do not exist, naming the parameter', () => {
    for (const raw of [
      '2026-04-01T00:00:00',
      '2026-04-01',
      '2026-02-30T00:00:00Z',
      '2026-04-01T24:00:00Z',
      '2016-12-31T23:59:60Z',
      '2026-04-01T00:00:00+25:00',
      '0000-01-01T00:00:00Z',
      ' 2026-04-01T00:00:00Z',
    ]) {
      const err = refusal(() => parseW3cDateTime('start_date', raw));
      expect(err.code, raw).toBe('VALIDATION_FAILED');
      expect(err.details[0].field).toBe('start_date');
    }
  });

  it('writes China time with its offset', () => {
    expect(w3cDateTime(new Date('2026-04-21T08:00:00.123Z'))).toBe('2026-04-21T16:00:00+08:00');
  });
});

describe('the request filter', () => {
  const now = new Date('2026-05-10T00:00:00Z');
  const DAY = 86_400_000;

  it('defaults to the last 90 days, and a start alone to the 90 days after it', () => {
    expect(requestFilter({}, now)).toMatchObject({
      from: new Date(now.getTime() - WINDOW_DAYS * DAY),
      to: now,
    });
    const start = '2026-01-01T00:00:00Z';
    const f = requestFilter({ start_date: start }, now);
    expect(f.to!.getTime() - f.from!.getTime()).toBe(WINDOW_DAYS * DAY);
  });

  it('lets ids override everything, keeping only real ids', () => {
    const id = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
    expect(requestFilter({ service_request_id: `${id}, x ,${id}`, status: 'nonsense' }, now)).toEqual({
      reportIds: [id],
    });
    const many = Array.from({ length: MAX_REQUESTS + 1 }, (_, i) => String(i)).join(',');
    expect(refusal(() => requestFilter({ service_request_id: many }, now)).details[0].field).toBe(
      'service_request_id',
    );
  });

  it('maps open and closed to the states behind the public statuses', () => {
    const open = requestFilter({ status: 'open' }, now).states!;
    const closed = requestFilter({ status: 'CLOSED' }, now).states!;
    expect(open).toContain('dispatched');
    expect(open).toContain('reported');
    expect(closed.sort()).toEqual(['closed', 'rejected', 'voided']);
    expect(requestFilter({ status: 'open,closed' }, now).states).toBeUndefined();
    expect(refusal(() => requestFilter({ status: 'pending' }, now)).details[0].field).toBe('status');
  });

  it('refuses a range over 90 days or backwards', () => {
    expect(
      refusal(() =>
        requestFilter({ start_date: '2026-01-01T00:00:00Z', end_date: '2026-04-02T00:00:00Z' }, now),
      ).details[0].field,
    ).toBe('end_date');
    expect(
      refusal(() =>
        requestFilter({ start_date: '2026-04-02T00:00:00Z', end_date: '2026-04-01T00:00:00Z' }, now),
      ).details[0].field,
    ).toBe('end_date');
  });
});

describe('what a request may carry', () => {
  it('plain text: no markup, no control or direction-override characters', () => {
    expect(() => checkPlainText('description', '水深<10cm，井盖 > 路面', true)).not.toThrow();
    expect(() => checkPlainText('description', '第一行\n第二行\t完', true)).not.toThrow();
    for (const bad of [
      '<script>x</script>',
      '</b>',
      '<!-- x -->',
      'a\u0000b',
      'a\u0007b',
      '\u202eabc',
      'a\u2066b',
    ]) {
      expect(() => checkPlainText('description', bad, true), JSON.stringify(bad)).toThrow(AppError);
    }
    expect(() => checkPlainText('first_name', '王\n明', false)).toThrow(AppError);
  });

  it('a media link: absolute http(s) without credentials', () => {
    expect(checkMediaUrl('https://img.example.cn/a b.jpg')).toBe('https://img.example.cn/a%20b.jpg');
    for (const bad of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'ftp://x/y',
      '/relative',
      'https://u:p@x/',
    ]) {
      expect(() => checkMediaUrl(bad), bad).toThrow(AppError);
    }
  });

  it("a jurisdiction: absent, empty or this city's; any other is 404", () => {
    const config = { open311JurisdictionIds: ['ningbo.gov.cn', '330200'] };
    for (const ok of [undefined, '', ' ', 'NINGBO.gov.cn', '330200'])
      expect(() => checkJurisdiction(config, ok)).not.toThrow();
    expect(refusal(() => checkJurisdiction(config, 'sfgov.org')).status).toBe(404);
  });

  it('a form: each field once, a repeated one a list, polluting keys plain keys', () => {
    const f = parseForm('a=1&b=%E6%B5%8B&a=2&__proto__=x&c=&d=a+b');
    expect(Object.entries(f)).toEqual([
      ['a', ['1', '2']],
      ['b', '测'],
      ['__proto__', 'x'],
      ['c', ''],
      ['d', 'a b'],
    ]);
    expect(Object.getPrototypeOf(f)).toBeNull();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('answers and errors', () => {
  const parser = new XMLParser({ parseTagValue: false });

  it('says the same in XML and JSON, nested lists as repeated elements, unreadable characters dropped from XML', () => {
    const doc = {
      service_code: '06010',
      attributes: [{ code: 'a', values: [{ key: '1', name: 'x\u0001y' }] }],
      missing: undefined,
      nothing: null,
    };
    expect(JSON.parse(renderDocument('json', 'service_definition', doc))).toEqual({
      service_code: '06010',
      attributes: [{ code: 'a', values: [{ key: '1', name: 'x\u0001y' }] }],
      nothing: null,
    });
    const xml = renderDocument('xml', 'service_definition', doc);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><service_definition>')).toBe(true);
    expect(parser.parse(xml).service_definition).toEqual({
      service_code: '06010',
      attributes: { attribute: { code: 'a', values: { value: { key: '1', name: 'xy' } } } },
    });
    expect(renderList('xml', 'services', 'service', [])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><services></services>',
    );
    expect(renderList('json', 'services', 'service', [])).toBe('[]');
  });

  it('maps the catalogue to the spec: 404 stays, 401/403 are 403, the rest of 4xx 400', () => {
    expect(open311Status(new AppError('NOT_FOUND'))).toBe(404);
    expect(open311Status(new AppError('AUTH_INVALID_TOKEN'))).toBe(403);
    expect(open311Status(new AppError('FORBIDDEN'))).toBe(403);
    expect(open311Status(new AppError('OUTSIDE_SCOPE'))).toBe(400);
    expect(open311Status(new AppError('PAYLOAD_TOO_LARGE'))).toBe(400);
    expect(open311Status(new AppError('UNSUPPORTED_MEDIA_TYPE'))).toBe(400);
    expect(open311Status(new AppError('RATE_LIMITED'))).toBe(429);
    expect(open311Status(new AppError('INTERNAL'))).toBe(500);
  });

  it('gives one error per problem of a validation, naming the parameter, in the caller’s language', () => {
    const err = new AppError('VALIDATION_FAILED', {
      details: [
        { field: 'body.lat', message: 'must match pattern' },
        { field: 'querystring.status', message: 'bad' },
      ],
      detailsZh: [
        { field: 'body.lat', message: '格式不对' },
        { field: 'querystring.status', message: '不对' },
      ],
    });
    expect(open311Errors(err, 'en')).toEqual([
      { code: 400, description: 'lat: must match pattern' },
      { code: 400, description: 'status: bad' },
    ]);
    expect(open311Errors(err, 'zh')[0]).toEqual({ code: 400, description: 'lat: 格式不对' });
    expect(open311Errors(new AppError('FORBIDDEN', { zh: '密钥无效', en: 'bad key' }), 'en')).toEqual([
      { code: 403, description: 'bad key' },
    ]);
  });
});
