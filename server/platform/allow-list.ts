/**
 * Address allow-lists (METRICS_ALLOW): IPv4 and IPv6 addresses and CIDR blocks, matched with
 * node:net's BlockList (which also matches IPv4-mapped IPv6 peers such as ::ffff:127.0.0.1).
 *
 * A request is allowed only when EVERY address it names is in the list: the connection's peer
 * and each entry of X-Forwarded-For, X-Real-IP and Forwarded (for=). Headers can only add
 * addresses, never hide the peer or an address a proxy appended, so a client cannot put
 * `X-Forwarded-For: 127.0.0.1` in front of its own address to get in — whatever TRUST_PROXY
 * says. A direct caller that sends such a header with a foreign address is simply refused.
 */

import type { IncomingHttpHeaders } from 'node:http';
import { BlockList, isIP } from 'node:net';

export interface AllowList {
  /** The normalised entries, as written in the configuration. */
  entries: readonly string[];
  allows(address: string): boolean;
}

/** One entry: an address or address/prefix; throws a sentence naming the variable on anything else. */
function parseEntry(name: string, entry: string): { address: string; prefix: number | null; v: 4 | 6 } {
  const [address, prefixText, extra] = entry.split('/');
  const v = isIP(address);
  const bad = (why: string) =>
    new Error(
      `${name}: "${entry}" is not an IP address or CIDR block (${why}); ` +
        'expected comma-separated entries such as 127.0.0.1/8, 10.0.0.5, ::1, fd00::/8, or "none"',
    );
  if (extra !== undefined) throw bad('more than one "/"');
  if (v !== 4 && v !== 6) throw bad('not an IPv4 or IPv6 address');
  if (address.includes('%')) throw bad('zone indexes are not allowed');
  if (prefixText === undefined) return { address, prefix: null, v };
  const max = v === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
    throw bad(`the prefix length must be 0–${max}`);
  }
  return { address, prefix: Number(prefixText), v };
}

/**
 * Parses a comma-separated list; `undefined` or empty gives `fallback`, "none" gives an empty
 * list (nothing is allowed by address). Throws an Error whose message names the variable and
 * the bad entry, so a typo stops the start instead of silently opening or closing the door.
 */
export function parseAllowList(name: string, raw: string | undefined, fallback: string): string[] {
  const text = raw === undefined || raw.trim() === '' ? fallback : raw;
  if (text.trim().toLowerCase() === 'none') return [];
  const entries = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (entries.length === 0)
    throw new Error(`${name}: no entries in "${raw}" (use "none" to allow no address)`);
  for (const e of entries) parseEntry(name, e);
  return entries;
}

export function allowList(entries: readonly string[], name = 'allow-list'): AllowList {
  const list = new BlockList();
  for (const e of entries) {
    const { address, prefix, v } = parseEntry(name, e);
    const type = v === 4 ? 'ipv4' : 'ipv6';
    if (prefix === null) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  }
  return {
    entries,
    allows(raw: string) {
      // A link-local peer may carry a zone index (fe80::1%eth0).
      const address = raw.split('%')[0];
      const v = isIP(address);
      if (v === 4) return list.check(address, 'ipv4');
      if (v === 6) return list.check(address, 'ipv6');
      return false;
    },
  };
}

const headerValues = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(','));

/** `[2001:db8::1]:4711` / `1.2.3.4:80` / `"[::1]"` → the bare address. */
function stripPort(value: string): string {
  let s = value.trim().replace(/^"|"$/g, '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) return bracketed[1];
  if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(':'));
  return s;
}

/**
 * Every address a request names: the socket peer, then what proxies (or the client) wrote in
 * X-Forwarded-For, X-Real-IP and Forwarded. Unparseable entries ("unknown", obfuscated
 * identifiers) are kept as they are, so they fail the check.
 */
export function addressesOf(peer: string | undefined, headers: IncomingHttpHeaders): string[] {
  const out = [peer ?? ''];
  for (const v of headerValues(headers['x-forwarded-for'])) out.push(stripPort(v));
  for (const v of headerValues(headers['x-real-ip'])) out.push(stripPort(v));
  for (const element of headerValues(headers.forwarded)) {
    for (const pair of element.split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && pair.slice(0, eq).trim().toLowerCase() === 'for') out.push(stripPort(pair.slice(eq + 1)));
    }
  }
  return out;
}

/** True when the list allows every address the request names (see the header of this file). */
export function allowsRequest(list: AllowList, peer: string | undefined, headers: IncomingHttpHeaders) {
  return addressesOf(peer, headers).every((a) => list.allows(a));
}
