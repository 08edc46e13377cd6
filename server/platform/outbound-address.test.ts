import { BlockList, isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowList } from './allow-list.ts';
import { OutboundClient } from './outbound.ts';
import {
  type AddressClass,
  classifyAddress,
  NEVER_ALLOWED,
  type Rule,
  V4_RULES,
  V6_RULES,
} from './outbound-address.ts';

const TABLE: [address: string, cls: AddressClass][] = [
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.1.2.3', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.255', 'cgnat'],
  ['169.254.1.1', 'link_local'],
  ['169.254.169.254', 'metadata'],
  ['169.254.170.2', 'metadata'],
  ['100.100.100.200', 'metadata'],
  ['192.0.0.192', 'metadata'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['240.0.0.1', 'reserved'],
  ['192.0.0.8', 'reserved'],
  ['192.0.2.1', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['198.18.0.1', 'benchmarking'],
  ['::1', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['::', 'unspecified'],
  ['::ffff:127.0.0.1', 'ipv4_mapped'],
  ['::ffff:7f00:1', 'ipv4_mapped'],
  ['::ffff:8.8.8.8', 'ipv4_mapped'],
  ['::ffff:169.254.169.254', 'metadata'],
  ['::ffff:a9fe:a9fe', 'metadata'],
  ['::ffff:0.0.0.0', 'unspecified'],
  ['::127.0.0.1', 'ipv4_embedded'],
  ['64:ff9b::7f00:1', 'ipv4_embedded'],
  ['64:ff9b::169.254.169.254', 'metadata'],
  ['64:ff9b:1::1', 'ipv4_embedded'],
  ['2002:7f00:1::1', 'ipv4_embedded'],
  ['2002:a9fe:a9fe::1', 'metadata'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'ipv4_embedded'],
  ['fc00::1', 'unique_local'],
  ['fd12:3456:789a::1', 'unique_local'],
  ['fd00:ec2::254', 'metadata'],
  ['fe80::1', 'link_local'],
  ['fe80::1%eth0', 'link_local'],
  ['febf:ffff::1', 'link_local'],
  ['fec0::1', 'site_local'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['2001:2::1', 'reserved'],
  ['100::1', 'reserved'],
  ['4000::1', 'reserved'],
  ['::2', 'unspecified'],
  // Public: just outside every range, and well-known resolvers.
  ['8.8.8.8', 'public'],
  ['114.114.114.114', 'public'],
  ['223.5.5.5', 'public'],
  ['9.255.255.255', 'public'],
  ['11.0.0.0', 'public'],
  ['100.63.255.255', 'public'],
  ['100.128.0.0', 'public'],
  ['169.253.255.255', 'public'],
  ['169.255.0.0', 'public'],
  ['172.15.255.255', 'public'],
  ['172.32.0.0', 'public'],
  ['192.167.255.255', 'public'],
  ['192.169.0.0', 'public'],
  ['223.255.255.255', 'public'],
  ['2001:4860:4860::8888', 'public'],
  ['2400:3200::1', 'public'],
  ['2402:4e00::', 'public'],
  ['2001:200::1', 'public'],
];

describe('address classes', () => {
  it.each(TABLE)('%s is %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  it('is null for what is not an IP address', () => {
    for (const s of ['', 'localhost', 'example.cn', '1.2.3', '256.0.0.1', '::g', '[::1]', '127.0.0.1:80']) {
      expect(classifyAddress(s), s).toBeNull();
    }
  });
});

const bits = (v: 4 | 6) => (v === 4 ? 32 : 128);
const v4Text = (n: bigint) => [24n, 16n, 8n, 0n].map((s) => (n >> s) & 255n).join('.');
const v6Text = (n: bigint) =>
  Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');

/** Addresses inside a random rule's block (so every range is hit often), as text. */
const inRule = (rules: readonly Rule[], v: 4 | 6) =>
  fc
    .constantFrom(...rules)
    .chain((r) =>
      fc
        .bigInt({ min: 0n, max: (1n << BigInt(bits(v) - r.prefix)) - 1n })
        .map((host) => (v === 4 ? v4Text(r.net | host) : v6Text(r.net | host))),
    );

/** Addresses around a random rule's block: the block before it, the block, the block after. */
const aroundRule = (rules: readonly Rule[], v: 4 | 6) =>
  fc.constantFrom(...rules).chain((r) => {
    const size = 1n << BigInt(bits(v) - r.prefix);
    const top = (1n << BigInt(bits(v))) - 1n;
    return fc.bigInt({ min: -size, max: 2n * size - 1n }).map((offset) => {
      const n = r.net + offset < 0n ? 0n : r.net + offset > top ? top : r.net + offset;
      return v === 4 ? v4Text(n) : v6Text(n);
    });
  });

/** The expected class from node's own BlockList over the same blocks: first block that holds it. */
function oracle(address: string): { cls: AddressClass; embedded: boolean } {
  const v = isIP(address) as 4 | 6;
  const type = v === 4 ? 'ipv4' : 'ipv6';
  for (const r of v === 4 ? V4_RULES : V6_RULES) {
    const [net, prefix] = r.cidr.split('/');
    const list = new BlockList();
    list.addSubnet(net, Number(prefix), type);
    if (list.check(address, type)) return { cls: r.cls, embedded: r.embeddedAt !== undefined };
  }
  if (v === 4) return { cls: 'public', embedded: false };
  const unicast = new BlockList();
  unicast.addSubnet('2000::', 3, 'ipv6');
  return { cls: unicast.check(address, 'ipv6') ? 'public' : 'reserved', embedded: false };
}

describe('address classes, fuzzed', () => {
  it('agree with node:net BlockList over the same blocks, for any address', () => {
    const anyAddress = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      inRule(V4_RULES, 4),
      inRule(V6_RULES, 6),
      aroundRule(V4_RULES, 4),
      aroundRule(V6_RULES, 6),
      // IPv4 inside the IPv6 forms that embed it.
      inRule(V4_RULES, 4).map((a) => `::ffff:${a}`),
      inRule(V4_RULES, 4).map((a) => `64:ff9b::${a}`),
    );
    fc.assert(
      fc.property(anyAddress, (address) => {
        const got = classifyAddress(address);
        const want = oracle(address);
        // A closed class inside a transition form is reported as that class.
        expect(got === want.cls || (want.embedded && got !== null && NEVER_ALLOWED.has(got))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  /** Ways to write an IPv4 address in a URL host that WHATWG URL parsing turns into it. */
  const spellings = (n: bigint): fc.Arbitrary<string> => {
    const parts = [24n, 16n, 8n, 0n].map((s) => Number((n >> s) & 255n));
    const part = (p: number, base: 'd' | 'o' | 'x') =>
      base === 'd' ? String(p) : base === 'o' ? `0${p.toString(8)}` : `0x${p.toString(16)}`;
    const fullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    return fc.oneof(
      fc.constant(parts.join('.')),
      fc.constant(String(n)),
      fc.constantFrom('0x', '0X').map((p) => `${p}${n.toString(16)}`),
      fc.constant(`0${n.toString(8)}`),
      fc
        .array(fc.constantFrom('d' as const, 'o' as const, 'x' as const), { minLength: 4, maxLength: 4 })
        .map((bases) => parts.map((p, i) => part(p, bases[i])).join('.')),
      fc.constant(`${parts[0]}.${parts[1]}.${(parts[2] << 8) | parts[3]}`),
      fc.constant(`${parts[0]}.${Number(n & 0xffffffn)}`),
      fc.constant(`${parts.join('.')}.`),
      fc.constant(fullWidth(parts.join('.'))),
      fc.constant(parts.join('。')),
      fc.constant(
        parts
          .join('.')
          .split('')
          .map((c) => `%${c.charCodeAt(0).toString(16)}`)
          .join(''),
      ),
    );
  };

  /** IPv6 forms that carry an IPv4 address: refused whatever the IPv4 address is. */
  const transitionForms = (n: bigint): string[] => {
    const dotted = v4Text(n);
    const hi = ((n >> 16n) & 0xffffn).toString(16);
    const lo = (n & 0xffffn).toString(16);
    return [
      `[::ffff:${dotted}]`,
      `[::ffff:${hi}:${lo}]`,
      `[0:0:0:0:0:FFFF:${dotted}]`,
      `[::${dotted}]`,
      `[64:ff9b::${dotted}]`,
      `[2002:${hi}:${lo}::1]`,
    ];
  };

  // No resolver: a literal must never be looked up.
  const client = new OutboundClient({
    allow: allowList([]),
    resolve: async (host) => {
      throw new Error(`resolved ${host}: an IP literal must not reach DNS`);
    },
  });

  it('give every spelling of an IPv4 address its class, and refuse every IPv6 form embedding one', async () => {
    const v4 = fc.oneof(
      fc.ipV4().map((a) => a.split('.').reduce((n, p) => (n << 8n) | BigInt(p), 0n)),
      inRule(V4_RULES, 4).map((a) => a.split('.').reduce((n, p) => (n << 8n) | BigInt(p), 0n)),
    );
    await fc.assert(
      fc.asyncProperty(
        v4.chain((n) => fc.tuple(fc.constant(n), spellings(n))),
        async ([n, spelling]) => {
          const cls = classifyAddress(v4Text(n));
          const checked = await client.check(`https://${spelling}:8443/hook`, { allowHttp: false });
          if (cls === 'public') expect(checked.ok, spelling).toBe(true);
          else expect(checked, spelling).toMatchObject({ ok: false, problem: { kind: 'address', cls } });
          for (const form of transitionForms(n)) {
            const t = await client.check(`https://${form}/`, { allowHttp: false });
            expect(t.ok, form).toBe(false);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('never throw, whatever the host text', async () => {
    const names = new OutboundClient({
      allow: allowList([]),
      resolve: async () => {
        throw Object.assign(new Error('no'), { code: 'ENOTFOUND' });
      },
    });
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), async (host) => {
        const got = classifyAddress(host);
        expect(got === null || typeof got === 'string').toBe(true);
        const r = await names.check(`http://${host}/`, { allowHttp: true });
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });
});
