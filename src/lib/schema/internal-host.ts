/**
 * Which hosts a manifest URL may not name, because fetching them from inside CI would reach the
 * runner's own network (SSRF): loopback, private, link-local (cloud metadata), CGNAT, multicast
 * and reserved addresses, and names that only mean something inside a network (localhost,
 * *.internal, *.local, single-label names). Pure and dependency-free: the manifest schema uses it
 * on the URL as written, and src/lib/fetch again on every address a name resolves to and on every
 * redirect.
 *
 * Hosts are taken from WHATWG URL parsing, which already turns odd IPv4 spellings (2130706433,
 * 0177.0.0.1, 0x7f.1, 127.1, full-width digits, percent-escapes) into dotted quads and IPv6 into
 * its compressed bracketed form, so only canonical forms need classifying here.
 */

/** The IPv4 ranges refused, as [first octets, prefix length, why]. */
const IPV4_BLOCKS: readonly (readonly [readonly number[], number, string])[] = [
  [[0], 8, 'unspecified ("this network") address'],
  [[10], 8, 'private address (10.0.0.0/8)'],
  [[100, 64], 10, 'shared (CGNAT) address (100.64.0.0/10)'],
  [[127], 8, 'loopback address'],
  [[169, 254], 16, 'link-local address (cloud metadata lives at 169.254.169.254)'],
  [[172, 16], 12, 'private address (172.16.0.0/12)'],
  [[192, 0, 0], 24, 'reserved (IETF protocol) address'],
  [[192, 0, 2], 24, 'reserved (documentation) address'],
  [[192, 88, 99], 24, 'reserved (6to4 relay) address'],
  [[192, 168], 16, 'private address (192.168.0.0/16)'],
  [[198, 18], 15, 'reserved (benchmarking) address'],
  [[198, 51, 100], 24, 'reserved (documentation) address'],
  [[203, 0, 113], 24, 'reserved (documentation) address'],
  [[224], 4, 'multicast address'],
  [[240], 4, 'reserved address'],
];

/** Name suffixes that never denote a public host. */
const INTERNAL_SUFFIXES = ['localhost', 'internal', 'local', 'localdomain', 'home.arpa', 'intranet', 'lan'];

/** Why the IPv4 address (four octets) may not be fetched, or undefined when it is public. */
function ipv4Reason(octets: readonly number[]): string | undefined {
  const value = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  for (const [start, bits, why] of IPV4_BLOCKS) {
    const base = ((start[0] ?? 0) << 24) | ((start[1] ?? 0) << 16) | ((start[2] ?? 0) << 8);
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((value & mask) >>> 0 === (base & mask) >>> 0) return why;
  }
  return undefined;
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
  const octets = parts.map(Number);
  return octets.every((o) => o <= 255) ? octets : undefined;
}

/** Eight 16-bit groups of an IPv6 address (with "::" and a trailing dotted quad), or undefined. */
function parseIpv6(text: string): number[] | undefined {
  let s = text.toLowerCase();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    // A trailing dotted quad ("::ffff:127.0.0.1") is two groups written in decimal.
    const v4 = parseIpv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    const hex = (a: number, b: number) => ((a << 8) | b).toString(16);
    s = `${s.slice(0, lastColon + 1)}${hex(v4[0]!, v4[1]!)}:${hex(v4[2]!, v4[3]!)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  const known = head.length + rest.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  const zeros = Array.from({ length: 8 - known }, () => 0);
  return [...head, ...zeros.map(String), ...rest].map((g) => Number.parseInt(g, 16));
}

function ipv6Reason(g: readonly number[]): string | undefined {
  const embedded = () => [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff];
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroTo(8)) return 'unspecified address (::)';
  if (zeroTo(7) && g[7] === 1) return 'loopback address (::1)';
  if (zeroTo(5) && g[5] === 0xffff) {
    const why = ipv4Reason(embedded());
    return why ? `IPv4-mapped ${why}` : undefined;
  }
  if (zeroTo(6)) return 'IPv4-compatible address (deprecated)';
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    const why = ipv4Reason(embedded());
    return why ? `NAT64 ${why}` : undefined;
  }
  if (g[0] === 0x2002) {
    const why = ipv4Reason([g[1]! >> 8, g[1]! & 0xff, g[2]! >> 8, g[2]! & 0xff]);
    return why ? `6to4 ${why}` : undefined;
  }
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return 'unique local address (fc00::/7)';
  if ((first & 0xffc0) === 0xfe80) return 'link-local address (fe80::/10)';
  if ((first & 0xffc0) === 0xfec0) return 'site-local address (fec0::/10)';
  if ((first & 0xff00) === 0xff00) return 'multicast address';
  if (first === 0x2001 && g[1] === 0x0db8) return 'reserved (documentation) address';
  if (first === 0x0100 && zeroTo(4)) return 'reserved (discard) address';
  return undefined;
}

/**
 * Why a resolved IP address (as DNS or a URL gives it: "127.0.0.1", "::1", "[::1]") may not be
 * fetched; undefined when it is a public unicast address. Anything unparseable is refused.
 */
export function blockedAddressReason(address: string): string | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const v4 = parseIpv4(bare);
  if (v4) return ipv4Reason(v4);
  const v6 = bare.includes(':') ? parseIpv6(bare) : undefined;
  if (v6) return ipv6Reason(v6);
  return 'not an IP address';
}

/** Whether `address` is a loopback address (127/8, ::1, ::ffff:127.x). */
export function isLoopbackAddress(address: string): boolean {
  const why = blockedAddressReason(address);
  return why !== undefined && /loopback/.test(why);
}

/** An IP literal as a URL's hostname holds it, or undefined for a name. */
export function ipLiteral(hostname: string): string | undefined {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return hostname.slice(1, -1);
  return parseIpv4(hostname) ? hostname : undefined;
}

/**
 * Why the host of a parsed URL may not be fetched (an internal address or name), or undefined.
 * This is the check on the URL as written; names are checked again after DNS resolution.
 */
export function internalHostReason(hostname: string): string | undefined {
  const literal = ipLiteral(hostname);
  if (literal !== undefined) return blockedAddressReason(literal);
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === '') return 'empty host name';
  if (INTERNAL_SUFFIXES.some((s) => name === s || name.endsWith(`.${s}`)))
    return `"${name}" names an internal host`;
  if (!name.includes('.')) return `"${name}" is a single-label name, which resolves inside the local network`;
  // Names such as "1.2.3.4.5" or all-numeric labels are not valid public host names either.
  if (/^[\d.]+$/.test(name)) return `"${name}" is not a valid host name`;
  return undefined;
}
