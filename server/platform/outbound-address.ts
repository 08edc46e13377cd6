/**
 * What kind of address an outbound call would reach. Every address a URL's host resolves to is
 * classified before the platform connects to it (platform/outbound.ts): only `public` addresses
 * are reached by default; the operator's OUTBOUND_ALLOW may open the internal classes for
 * receivers on a private network (and for tests); the classes in NEVER_ALLOWED stay closed
 * whatever the allow-list says, because no receiver lives there and reaching them means reaching
 * this host (0.0.0.0, ::) or the cloud's credentials (metadata).
 *
 * The classifier works on the 32- or 128-bit number, not on the text, so every spelling of an
 * address lands in the same class: `new URL()` already turns `0x7f000001`, `2130706433`,
 * `0177.0.0.1`, `127.1` and full-width digits into `127.0.0.1`, and IPv6 forms that embed an
 * IPv4 address (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64, 6to4) are caught as
 * such — with a metadata address inside them still reported as metadata.
 */
import { isIP } from 'node:net';

export const ADDRESS_CLASSES = [
  'public',
  'loopback',
  'private',
  'link_local',
  'cgnat',
  'multicast',
  'broadcast',
  'unspecified',
  'metadata',
  'ipv4_mapped',
  'ipv4_embedded',
  'unique_local',
  'site_local',
  'documentation',
  'benchmarking',
  'reserved',
] as const;
export type AddressClass = (typeof ADDRESS_CLASSES)[number];

/** Refused even when OUTBOUND_ALLOW covers them. */
export const NEVER_ALLOWED: ReadonlySet<AddressClass> = new Set<AddressClass>([
  'unspecified',
  'metadata',
  'multicast',
  'broadcast',
]);

/** The class in words, for the admin who saved the URL. */
export const ADDRESS_CLASS_NAMES: Record<AddressClass, { zh: string; en: string }> = {
  public: { zh: '公网地址', en: 'a public address' },
  loopback: { zh: '本机回环地址', en: 'a loopback address (this host)' },
  private: { zh: '内网私有地址', en: 'a private network address' },
  link_local: { zh: '链路本地地址', en: 'a link-local address' },
  cgnat: { zh: '运营商级 NAT 共享地址', en: 'a carrier-grade NAT (shared) address' },
  multicast: { zh: '组播地址', en: 'a multicast address' },
  broadcast: { zh: '广播地址', en: 'the broadcast address' },
  unspecified: { zh: '未指定地址（0.0.0.0 / ::）', en: 'an unspecified address (0.0.0.0 / ::)' },
  metadata: { zh: '云主机元数据服务地址', en: "a cloud metadata service's address" },
  ipv4_mapped: { zh: 'IPv4 映射的 IPv6 地址', en: 'an IPv4-mapped IPv6 address' },
  ipv4_embedded: {
    zh: '内嵌 IPv4 的 IPv6 过渡地址（NAT64、6to4、Teredo 等）',
    en: 'an IPv6 transition address embedding IPv4 (NAT64, 6to4, Teredo…)',
  },
  unique_local: { zh: 'IPv6 唯一本地地址（ULA）', en: 'an IPv6 unique local address (ULA)' },
  site_local: { zh: 'IPv6 站点本地地址', en: 'an IPv6 site-local address' },
  documentation: { zh: '文档示例专用地址', en: 'an address reserved for documentation' },
  benchmarking: { zh: '网络测试专用地址', en: 'an address reserved for benchmarking' },
  reserved: { zh: '保留地址', en: 'a reserved address' },
};

export interface Rule {
  /** As written, e.g. `10.0.0.0/8`. */
  cidr: string;
  net: bigint;
  prefix: number;
  cls: AddressClass;
  /** Where the embedded IPv4 address sits (bit offset from the right), for transition forms. */
  embeddedAt?: number;
}

function v4ToBigInt(s: string): bigint {
  return s.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
}

/** A valid IPv6 text (per isIP, no zone index) as its 128-bit number. */
function v6ToBigInt(s: string): bigint {
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        const v4 = Number(v4ToBigInt(g));
        out.push(v4 >>> 16, v4 & 0xffff);
      } else out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const gap = s.indexOf('::');
  const head = groups(gap < 0 ? s : s.slice(0, gap));
  const tail = gap < 0 ? [] : groups(s.slice(gap + 2));
  const all = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  return all.reduce((n, g) => (n << 16n) | BigInt(g), 0n);
}

const rule = (cidr: string, cls: AddressClass, embeddedAt?: number): Rule => {
  const [address, prefix] = cidr.split('/');
  return {
    cidr,
    net: isIP(address) === 4 ? v4ToBigInt(address) : v6ToBigInt(address),
    prefix: Number(prefix),
    cls,
    embeddedAt,
  };
};

/** First match wins: specific blocks (metadata) before the ranges that contain them. */
export const V4_RULES: readonly Rule[] = [
  rule('169.254.169.254/32', 'metadata'), // AWS, Azure, GCP, Huawei, Oracle, OpenStack
  rule('169.254.170.2/32', 'metadata'), // AWS ECS task metadata
  rule('100.100.100.200/32', 'metadata'), // Alibaba Cloud
  rule('192.0.0.192/32', 'metadata'), // Oracle Cloud (classic)
  rule('0.0.0.0/8', 'unspecified'), // "this network": 0.0.0.0 reaches this host on Linux
  rule('10.0.0.0/8', 'private'),
  rule('100.64.0.0/10', 'cgnat'),
  rule('127.0.0.0/8', 'loopback'),
  rule('169.254.0.0/16', 'link_local'),
  rule('172.16.0.0/12', 'private'),
  rule('192.0.0.0/24', 'reserved'), // IETF protocol assignments
  rule('192.0.2.0/24', 'documentation'),
  rule('192.88.99.0/24', 'reserved'), // deprecated 6to4 relay anycast
  rule('192.168.0.0/16', 'private'),
  rule('198.18.0.0/15', 'benchmarking'),
  rule('198.51.100.0/24', 'documentation'),
  rule('203.0.113.0/24', 'documentation'),
  rule('224.0.0.0/4', 'multicast'),
  rule('255.255.255.255/32', 'broadcast'),
  rule('240.0.0.0/4', 'reserved'),
];

export const V6_RULES: readonly Rule[] = [
  rule('fd00:ec2::254/128', 'metadata'), // AWS IMDS over IPv6
  rule('::/128', 'unspecified'),
  rule('::1/128', 'loopback'),
  rule('::ffff:0:0/96', 'ipv4_mapped', 0),
  rule('::/96', 'ipv4_embedded', 0), // IPv4-compatible (deprecated)
  rule('64:ff9b::/96', 'ipv4_embedded', 0), // NAT64
  rule('64:ff9b:1::/48', 'ipv4_embedded'), // local-use NAT64
  rule('100::/64', 'reserved'), // discard-only
  rule('2001::/32', 'ipv4_embedded'), // Teredo
  rule('2001:db8::/32', 'documentation'),
  rule('2001::/23', 'reserved'), // IETF protocol assignments (benchmarking, ORCHID…)
  rule('2002::/16', 'ipv4_embedded', 80), // 6to4
  rule('3fff::/20', 'documentation'),
  rule('fc00::/7', 'unique_local'),
  rule('fe80::/10', 'link_local'),
  rule('fec0::/10', 'site_local'),
  rule('ff00::/8', 'multicast'),
];

/** Global unicast: an IPv6 address outside 2000::/3 that no rule names is reserved. */
const GLOBAL_UNICAST = rule('2000::/3', 'public');

const inRule = (n: bigint, bits: number, r: Rule) => {
  const shift = BigInt(bits - r.prefix);
  return n >> shift === r.net >> shift;
};

function classifyNumber(n: bigint, v: 4 | 6): AddressClass {
  if (v === 4) return V4_RULES.find((r) => inRule(n, 32, r))?.cls ?? 'public';
  const r = V6_RULES.find((x) => inRule(n, 128, x));
  if (r) {
    if (r.embeddedAt !== undefined) {
      // A closed class inside a transition form stays that class (e.g. ::ffff:169.254.169.254).
      const inner = classifyNumber((n >> BigInt(r.embeddedAt)) & 0xffffffffn, 4);
      if (NEVER_ALLOWED.has(inner)) return inner;
    }
    return r.cls;
  }
  return inRule(n, 128, GLOBAL_UNICAST) ? 'public' : 'reserved';
}

/**
 * The class of an IP address in text (`127.0.0.1`, `::1`, `::ffff:7f00:1`; an IPv6 zone index
 * such as `fe80::1%eth0` is ignored), or null when the text is not an IP address.
 */
export function classifyAddress(address: string): AddressClass | null {
  const bare = address.split('%')[0];
  const v = isIP(bare);
  if (v === 4) return classifyNumber(v4ToBigInt(bare), 4);
  if (v === 6) return classifyNumber(v6ToBigInt(bare), 6);
  return null;
}

/** `[::1]` → `::1`; names lower-case without a trailing dot. */
export const bareHost = (url: URL) =>
  url.hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();

/** RFC 6761: `localhost` and every name under it are this host, whatever a resolver says. */
export const isLocalhostName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/**
 * The class of a URL's host when it is known without asking DNS: an IP literal's, or loopback for
 * `localhost` names; null for any other name. For URLs another party fetches (a browser's tile
 * service), where resolving on the server would say nothing about what the browser reaches.
 */
export function literalHostClass(url: URL): AddressClass | null {
  const host = bareHost(url);
  if (isLocalhostName(host)) return 'loopback';
  return classifyAddress(host);
}
