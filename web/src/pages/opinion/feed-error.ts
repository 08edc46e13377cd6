/**
 * A feed's last fetch error as the server keeps it (a class and at most an HTTP status or a system
 * code: `HTTP 503 (http_error)`, `timeout`, `connect (ECONNREFUSED)`, `parse (malformed)` — see
 * server/platform/outbound.ts `describeOutcome` and the opinion poller) read as an i18n key with its
 * values; the code itself stays the detail shown beside the sentence. Pure.
 */

/** The outbound failures and parse reasons the page has a sentence for; others read "unknown". */
const KNOWN = new Set([
  'http_error',
  'redirect_not_followed',
  'url_refused',
  'address_refused',
  'dns',
  'connect',
  'tls',
  'timeout',
  'response_too_large',
  'protocol',
  'internal_error',
  'parse.empty',
  'parse.encoding',
  'parse.doctype_refused',
  'parse.too_deep',
  'parse.too_many_elements',
  'parse.too_many_attributes',
  'parse.malformed',
  'parse.not_a_feed',
]);

export interface FeedErrorText {
  /** The i18n key of the sentence (`opinionFeeds.error.…`). */
  key: string;
  values: { status?: string; detail?: string };
  /** The code as stored, shown as a detail. */
  code: string;
}

export function feedErrorText(code: string): FeedErrorText {
  const http = /^HTTP (\d{3}) \(([a-z_]+)\)$/.exec(code);
  if (http) {
    const cls = KNOWN.has(http[2]) ? http[2] : 'http_error';
    return { key: `opinionFeeds.error.${cls}`, values: { status: http[1] }, code };
  }
  const m = /^([a-z_]+)(?: \(([^)]*)\))?$/.exec(code);
  if (m) {
    const [, cls, detail] = m;
    const name = cls === 'parse' && detail ? `parse.${detail}` : cls;
    if (KNOWN.has(name)) {
      return { key: `opinionFeeds.error.${name}`, values: detail ? { detail } : {}, code };
    }
  }
  return { key: 'opinionFeeds.error.unknown', values: {}, code };
}
