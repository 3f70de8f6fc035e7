import { isIP } from "node:net";

// Which client a request comes from, for per-client rate limits. The connection's peer address is
// stamped on each request by lib/api/stamp-peer-address.ts (Next gives route handlers no socket, and
// the X-Forwarded-For it hands on is whatever the client sent, when it sent one). X-Forwarded-For is
// believed only as far as TRUSTED_PROXY_HOPS proxies we run appended to it: each appends the address
// it saw, so with N trusted proxies the client is the N-th entry from the right; anything left of it
// was written by the client and may be forged.

export const PEER_ADDRESS_HEADER = "x-kubebid-peer-address";

/** IPv4-mapped IPv6 (a dual-stack socket's view of an IPv4 client) as plain IPv4. */
function unmap(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m?.[1] ?? ip;
}

/** Eight 16-bit groups of an IPv6 literal (no embedded dotted part: unmap() handled the one we meet). */
function groups(ip: string): string[] {
  const [head = "", tail] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  return [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
}

/**
 * A rate-limit key for an address: IPv4 as is, IPv6 by its /64 (one subscriber's network: a host
 * picks any of its 2^64 addresses at will, so per-address limits would not hold it).
 */
export function clientKey(address: string): string {
  const ip = unmap(
    address
      .trim()
      .replace(/^\[|\]$/g, "")
      .replace(/%.*$/, ""),
  );
  const family = isIP(ip);
  if (family === 4) return ip;
  if (family === 6)
    return `${groups(ip)
      .slice(0, 4)
      .map((g) => Number.parseInt(g, 16).toString(16))
      .join(":")}::/64`;
  return "unknown";
}

export function clientIp(headers: Headers, trustedProxyHops: number): string {
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const peer = headers.get(PEER_ADDRESS_HEADER) ?? "";
  if (trustedProxyHops > 0) {
    // Fewer entries than trusted hops: a proxy did not append; the leftmost is the best we have.
    const entry = forwarded[forwarded.length - trustedProxyHops] ?? forwarded[0];
    if (entry) return clientKey(entry);
  }
  if (peer) return clientKey(peer);
  // No stamp (a server that did not run our start-up hook): Next filled X-Forwarded-For from the
  // socket unless the client sent one; its last entry is the nearest hop either way.
  return clientKey(forwarded[forwarded.length - 1] ?? "");
}
