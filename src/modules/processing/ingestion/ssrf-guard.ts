import dns from 'node:dns';
import net from 'node:net';

const blocked = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  // Transition ranges whose embedded IPv4 address can't be checked reliably: local-use NAT64
  // (RFC 8215, the IPv4 address may sit anywhere), 6to4 and Teredo (relays reach IPv4 hosts).
  ['64:ff9b:1::', 48],
  ['2002::', 16],
  ['2001::', 32],
] as const)
  blocked.addSubnet(prefix, bits, 'ipv6');

/**
 * True for addresses ingestion must not fetch: private (RFC 1918, fc00::/7), loopback, link-local
 * (169.254/16 — cloud metadata — and fe80::/10), CGNAT, multicast, reserved and documentation ranges,
 * including IPv4 embedded in IPv6 in any notation (::ffff:a.b.c.d, ::ffff:0:a.b.c.d, ::a.b.c.d and
 * NAT64 64:ff9b::a.b.c.d, e.g. `64:ff9b::a9fe:a9fe`), and the 6to4, Teredo and local-use NAT64 ranges.
 */
export function isForbiddenAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const embedded = embeddedIPv4(address);
  if (embedded) return blocked.check(embedded, 'ipv4');
  return blocked.check(address, 'ipv6');
}

/** The 16 bytes of a valid IPv6 address (hex groups, `::`, optional trailing dotted quad). */
function ipv6Bytes(address: string): number[] | null {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return null;
  const all = [...head, ...Array<string>(Math.max(0, missing)).fill('0'), ...tail];
  const bytes: number[] = [];
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    const n = parseInt(g, 16);
    bytes.push(n >> 8, n & 255);
  }
  return bytes;
}

/** The IPv4 address an IPv6 address stands for: IPv4-mapped, SIIT-translated, IPv4-compatible or NAT64 (64:ff9b::/96). */
function embeddedIPv4(address: string): string | null {
  const b = ipv6Bytes(address);
  if (!b) return null;
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const last4 = () => b.slice(12).join('.');
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return last4(); // ::ffff:a.b.c.d
  if (zero(0, 8) && b[8] === 0xff && b[9] === 0xff && zero(10, 12)) return last4(); // ::ffff:0:a.b.c.d
  if (zero(0, 12) && !zero(12, 16)) return last4(); // ::a.b.c.d (deprecated IPv4-compatible; ::1 → 0.0.0.1, refused too)
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return last4(); // 64:ff9b::/96
  return null;
}

/** Raised inside the socket's DNS lookup when a host resolves to a forbidden address. */
export class ForbiddenAddressError extends Error {
  readonly code = 'ERR_FORBIDDEN_ADDRESS';
  constructor(host: string) {
    super(`${host} resolves to a private, loopback or link-local address`);
    this.name = 'ForbiddenAddressError';
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/**
 * A `net.connect` lookup that resolves like dns.lookup and refuses the connection when any resolved
 * address is forbidden. Checking at connect time (not before the request) closes the DNS-rebinding gap.
 */
export function guardedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses;
    const bad = list.find((a) => isForbiddenAddress(a.address));
    if (bad) return callback(new ForbiddenAddressError(hostname) as NodeJS.ErrnoException, []);
    if (options.all) return callback(null, list);
    const first = list[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}
