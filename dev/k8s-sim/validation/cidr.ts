// CIDR parsing as netutils.ParseCIDRSloppy does (IPv4 leading zeros tolerated), and the subset test
// NetworkPolicy's ValidateIPBlock makes (pkg/apis/networking/validation/validation.go).

export interface Cidr {
  v6: boolean;
  ip: bigint;
  prefix: number;
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const group = (h: string): number[] | undefined => {
    if (!h) return [];
    const out: number[] = [];
    const items = h.split(":");
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      if (i === items.length - 1 && it.includes(".")) {
        const v4 = parseV4(it);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(it)) return undefined;
        out.push(Number.parseInt(it, 16));
      }
    }
    return out;
  };
  const a = group(halves[0]!);
  const b = halves.length === 2 ? group(halves[1]!) : [];
  if (!a || !b) return undefined;
  const missing = 8 - a.length - b.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) return undefined;
  const all = [...a, ...Array(halves.length === 2 ? missing : 0).fill(0), ...b];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

export function parseCidr(s: unknown): Cidr | undefined {
  if (typeof s !== "string") return undefined;
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const prefix = Number(m[2]);
  const v4 = parseV4(m[1]!);
  if (v4 !== undefined) return prefix <= 32 ? { v6: false, ip: v4, prefix } : undefined;
  const v6 = parseV6(m[1]!);
  if (v6 !== undefined) return prefix <= 128 ? { v6: true, ip: v6, prefix } : undefined;
  return undefined;
}

function network(c: Cidr): bigint {
  const bits = c.v6 ? 128 : 32;
  const host = BigInt(bits - c.prefix);
  return (c.ip >> host) << host;
}

/** `cidrIPNet.Contains(except.IP) && cidrMaskLen < exceptMaskLen`. */
export function isStrictSubset(except: Cidr, of: Cidr): boolean {
  if (except.v6 !== of.v6 || except.prefix <= of.prefix) return false;
  const bits = of.v6 ? 128 : 32;
  const host = BigInt(bits - of.prefix);
  return except.ip >> host === network(of) >> host;
}
