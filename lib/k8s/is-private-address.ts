import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";

// Addresses a provider's API server must not have: KubeBid's own network (loopback, RFC 1918,
// carrier-grade NAT, link-local incl. the cloud metadata address 169.254.169.254, unique-local and
// link-local IPv6) and everything not routable on the internet. Used when a kubeconfig is validated
// (literal IPs and local-only names) and again at connect time on the resolved address, so a public
// hostname that later resolves to 10.0.0.1 (DNS rebinding) is still refused.
//
// IPv6 has several ways to carry an IPv4 address, and the network may route them to that IPv4 host
// (a NAT64 gateway, a 6to4 relay, a dual-stack socket for ::ffff:a.b.c.d). Each one is unpacked and
// its IPv4 address judged like a literal IPv4 address; where the embedded address cannot be known
// (local-use NAT64, whose IPv4 position depends on the operator's prefix length) the whole range is
// refused. Sources: RFC 4291 §2.5.5 (compatible, mapped), RFC 2765 §2.1 (translated), RFC 3056 (6to4),
// RFC 6052 and RFC 8215 (NAT64), RFC 4380 §4 (Teredo), RFC 5214 §6.1 (ISATAP), IANA's IPv4 and IPv6
// special-purpose address registries.

const blockedV4 = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blockedV4.addSubnet(net, prefix, "ipv4");
}

const blockedV6 = new BlockList();
for (const [net, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["100::", 64], // discard-only
  ["64:ff9b:1::", 48], // local-use NAT64: the IPv4 position depends on the operator's prefix length
  ["2001:2::", 48], // benchmarking
  ["2001:10::", 28], // ORCHID
  ["2001:20::", 28], // ORCHIDv2
  ["2001:db8::", 32], // documentation
  ["3fff::", 20], // documentation (RFC 9637)
  ["5f00::", 16], // SRv6 SIDs
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated, still routed inside some networks)
  ["ff00::", 8], // multicast
] as const) {
  blockedV6.addSubnet(net, prefix, "ipv6");
}

/** 16 bytes of an IPv6 literal (already checked by isIP), a trailing dotted IPv4 part included. */
function ipv6Bytes(ip: string): Uint8Array {
  // A trailing "a.b.c.d" is the last two groups written in decimal: rewrite it in hex first.
  const text = ip
    .toLowerCase()
    .replace(
      /(\d+)\.(\d+)\.(\d+)\.(\d+)$/,
      (_m, a, b, c, d) =>
        `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`,
    );
  const parse = (part: string) => (part ? part.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const [head = "", tail] = text.split("::");
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = new Uint8Array(16);
  groups.slice(0, 8).forEach((g, i) => {
    bytes[i * 2] = (g >> 8) & 255;
    bytes[i * 2 + 1] = g & 255;
  });
  return bytes;
}

const v4At = (b: Uint8Array, i: number, xor = 0) =>
  [b[i], b[i + 1], b[i + 2], b[i + 3]].map((x) => ((x ?? 0) ^ xor) & 255).join(".");

const zero = (b: Uint8Array, from: number, to: number) => b.subarray(from, to).every((x) => x === 0);

/** Every IPv4 address an IPv6 address carries in one of the standard embeddings. */
export function embeddedIpv4Addresses(ip: string): string[] {
  const b = ipv6Bytes(ip);
  const found: string[] = [];
  // ::a.b.c.d (IPv4-compatible, incl. :: and ::1), ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (translated).
  if (zero(b, 0, 10) && ((b[10] === 0 && b[11] === 0) || (b[10] === 0xff && b[11] === 0xff)))
    found.push(v4At(b, 12));
  if (zero(b, 0, 8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0) found.push(v4At(b, 12));
  // NAT64 well-known prefix 64:ff9b::/96.
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(b, 4, 12))
    found.push(v4At(b, 12));
  // 6to4 2002:V4ADDR::/48.
  if (b[0] === 0x20 && b[1] === 0x02) found.push(v4At(b, 2));
  // Teredo 2001:0::/32: the server's IPv4 in clear, the client's obfuscated (bit-inverted) at the end.
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0 && b[3] === 0) found.push(v4At(b, 4), v4At(b, 12, 0xff));
  // ISATAP interface identifier (any prefix): ::0:5efe:a.b.c.d or ::200:5efe:a.b.c.d.
  if ((b[8] === 0 || b[8] === 2) && b[9] === 0 && b[10] === 0x5e && b[11] === 0xfe) found.push(v4At(b, 12));
  return found;
}

/** True for an IP literal in a private, loopback, link-local or otherwise non-public range. */
export function isPrivateAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return blockedV4.check(bare, "ipv4");
  if (family === 6) {
    if (blockedV6.check(bare, "ipv6")) return true;
    return embeddedIpv4Addresses(bare).some((v4) => blockedV4.check(v4, "ipv4"));
  }
  return false;
}

/** Host names that only ever mean "this machine" or "this private network". */
export function isLocalHostname(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, "");
  if (isIP(h.replace(/^\[|\]$/g, ""))) return false;
  // A single-label name ("kubernetes", "metadata") resolves through the server's search domains.
  if (!h.includes(".")) return true;
  return /(^|\.)(localhost|local|localdomain|internal|intranet|lan|home\.arpa|cluster\.local)$/.test(h);
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * dns.lookup that refuses names resolving to a private address. Given to a socket's `lookup`, it
 * judges the very address the socket then connects to (no second resolution to rebind). Used by the
 * cluster client and the alert webhooks.
 */
export function guardedLookup(
  hostname: string,
  options: { all?: boolean; family?: number },
  callback: LookupCallback,
): void {
  dnsLookup(hostname, { family: options.family ?? 0, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) {
      const e: NodeJS.ErrnoException = new Error(
        `${hostname} resolves to the private address ${bad.address}`,
      );
      e.code = "EPRIVATEADDRESS";
      return callback(e, []);
    }
    const first = addresses[0];
    if (options.all) return callback(null, addresses);
    if (!first)
      return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
    return callback(null, first.address, first.family);
  });
}
