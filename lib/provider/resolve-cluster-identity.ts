import "server-only";
import { X509Certificate } from "node:crypto";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { AppError } from "@/lib/errors";
import type { ValidatedKubeconfig } from "@/lib/k8s/validate-kubeconfig";

// What a cluster is, as opposed to how its URL is spelled: `https://localhost:6443`,
// `https://127.0.0.1:6443` and `https://LOCALHOST.:6443` are one API server. Its identity is the
// address its name resolves to when it is taken in (with the port), plus the CA certificates it is
// trusted through. Two kubeconfigs name the same cluster when they resolve to the same address and
// share a CA certificate (a bundle with an extra certificate appended is still the same cluster).

export interface ClusterIdentity {
  /** "203.0.113.5:6443" or "[2001:db8::5]:6443". */
  apiAddress: string;
  /** SHA-256 fingerprints (hex) of the CA certificates, sorted, comma separated; "system" for public CAs. */
  caFingerprint: string;
  /** Every address the name resolved to (apiAddress is the first): a stored cluster on any is this one. */
  addresses: string[];
}

export type ResolveHost = (host: string) => Promise<string[]>;

const systemResolve: ResolveHost = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** A canonical spelling of an IP: IPv4-mapped IPv6 as IPv4, IPv6 compressed and lower-case. */
function canonicalIp(ip: string): string {
  const bare = ip.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1]) return mapped[1];
  if (isIP(bare) === 6) {
    const canonical = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
    const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
    if (hexMapped?.[1] && hexMapped[2]) {
      const hi = Number.parseInt(hexMapped[1], 16);
      const lo = Number.parseInt(hexMapped[2], 16);
      return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
    }
    return canonical;
  }
  return bare;
}

/** SHA-256 fingerprints of every certificate in a base64 PEM bundle. */
function caFingerprints(caData: string | undefined): string[] {
  if (!caData) return ["system"];
  const pem = Buffer.from(caData, "base64").toString("utf8");
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const fingerprints = blocks.map((block) =>
    new X509Certificate(block).fingerprint256.replaceAll(":", "").toLowerCase(),
  );
  if (fingerprints.length === 0)
    throw new AppError("INVALID_KUBECONFIG", "certificate-authority-data holds no certificate.", {
      details: { field: "cluster.certificate-authority-data" },
    });
  return [...new Set(fingerprints)].sort();
}

export async function resolveClusterIdentity(
  kc: Pick<ValidatedKubeconfig, "server" | "caData">,
  opts: { resolve?: ResolveHost } = {},
): Promise<ClusterIdentity> {
  const url = new URL(kc.server);
  const host = url.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (opts.resolve ?? systemResolve)(host);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0)
      throw new AppError("INVALID_KUBECONFIG", `The API server's name ${host} does not resolve.`, {
        details: { field: "cluster.server" },
      });
  }
  // One address per name, the same whatever order the resolver answers in: IPv4 before IPv6, then lowest.
  const canonical = [...new Set(addresses.map(canonicalIp))].sort(
    (a, b) => isIP(a) - isIP(b) || a.localeCompare(b),
  );
  const withPort = canonical.map((ip) => (isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`));
  return {
    apiAddress: withPort[0] as string,
    caFingerprint: caFingerprints(kc.caData).join(","),
    addresses: withPort,
  };
}

/**
 * Whether a stored cluster is the one a new kubeconfig names: on one of its addresses, with at least
 * one CA certificate in common.
 */
export function sameCluster(
  candidate: ClusterIdentity,
  stored: { apiAddress: string; caFingerprint: string },
): boolean {
  if (!candidate.addresses.includes(stored.apiAddress)) return false;
  const a = candidate;
  const b = stored;
  const ours = new Set(a.caFingerprint.split(","));
  return b.caFingerprint.split(",").some((f) => ours.has(f));
}
