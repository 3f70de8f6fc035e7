import "server-only";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { isPrivateAddress } from "@/lib/k8s/is-private-address";
import type { DnsLookup } from "./dns-resolver";
import { isUnderDomain } from "./validate-custom-domain";

// The lease page's reachability dot: one request to a lease's public URL from the server, reporting the
// status code and the time to the response's headers. The server fetching URLs for users is an SSRF
// risk, so the check is narrow:
// - only hosts under the lease's cluster base domain or the lease's verified custom domains;
// - the name is resolved here and every address must be public (loopback, private, link-local and
//   metadata ranges refused; lib/k8s/is-private-address.ts) unless ALLOW_PRIVATE_CLUSTER_ADDRESSES
//   (the local stack) — and the connection goes to that resolved address, so a second resolution
//   cannot swap in another one (DNS rebinding); `*.localhost` means 127.0.0.1 (RFC 6761 §6.3, as
//   browsers do) rather than whatever a resolver says;
// - HEAD (GET when HEAD is refused), redirects never followed, the body never read, a short deadline.

export interface Reachability {
  reachable: boolean;
  /** The HTTP status, when the server answered. */
  status: number | null;
  /** Milliseconds to the response headers, when it answered. */
  latencyMs: number | null;
  /** Why it is unreachable, or a note (e.g. where a redirect points). */
  reason: string | null;
  checkedAt: string;
}

export interface ReachabilityScope {
  /** The cluster's base domain: lease hosts are under it. */
  baseDomain: string | null;
  /** The lease's verified custom domains. */
  customDomains: string[];
}

const DEFAULT_TIMEOUT_MS = 5_000;

/** Null when the check may fetch `url`, else why not. */
export function refuseUrl(url: URL, scope: ReachabilityScope): string | null {
  if (url.protocol !== "http:" && url.protocol !== "https:") return "only http and https URLs are checked";
  if (url.username || url.password) return "URLs with credentials are not checked";
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (isIP(host.replace(/^\[|\]$/g, ""))) return "IP addresses are not checked, only the lease's host names";
  const underBase = scope.baseDomain
    ? isUnderDomain(host, scope.baseDomain) && host !== scope.baseDomain
    : false;
  if (!underBase && !scope.customDomains.some((d) => d.toLowerCase() === host))
    return `${host} is neither under the cluster's base domain nor one of the lease's verified domains`;
  return null;
}

/** Addresses to connect to for `host`, or why not. */
export async function resolvePublicAddress(opts: {
  host: string;
  dns: DnsLookup;
  allowPrivate: boolean;
}): Promise<{ address: string } | { refused: string }> {
  const host = opts.host.toLowerCase().replace(/\.$/, "");
  // RFC 6761 §6.3: localhost names resolve to loopback, whatever a DNS server would answer.
  const local = host === "localhost" || host.endsWith(".localhost");
  let addresses: string[];
  try {
    addresses = local ? ["127.0.0.1"] : await opts.dns.addresses(host);
  } catch (error) {
    return { refused: `DNS lookup of ${host} failed (${(error as NodeJS.ErrnoException).code ?? "error"})` };
  }
  if (addresses.length === 0) return { refused: `${host} does not resolve` };
  // Every address, not only the first: a name with one public and one private address is refused.
  const privateOne = addresses.find((a) => isPrivateAddress(a));
  if (privateOne && !opts.allowPrivate)
    return {
      refused: `${host} resolves to ${privateOne}, a private, local or reserved address: not checked`,
    };
  return { address: addresses[0] as string };
}

function once(opts: {
  url: URL;
  address: string;
  method: "HEAD" | "GET";
  timeoutMs: number;
}): Promise<{ res: IncomingMessage; latencyMs: number }> {
  const { url, address } = opts;
  const https = url.protocol === "https:";
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)({
      host: address,
      port: url.port || (https ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: opts.method,
      // The name the server routes and presents a certificate for (the ingress picks the lease by Host).
      headers: { host: url.host, "user-agent": "KubeBid-reachability/1", accept: "*/*" },
      ...(https ? { servername: url.hostname } : {}),
      signal: AbortSignal.timeout(opts.timeoutMs),
      agent: false,
    });
    req.on("response", (res) => {
      const latencyMs = Math.round(performance.now() - started);
      // The body is never read: the socket goes as soon as the headers are in.
      res.destroy();
      resolve({ res, latencyMs });
    });
    req.on("error", reject);
    req.end();
  });
}

function describeError(error: unknown, timeoutMs: number): string {
  const e = error as NodeJS.ErrnoException;
  if (e.name === "TimeoutError" || e.name === "AbortError") return `no answer within ${timeoutMs / 1000} s`;
  if (e.code === "ECONNREFUSED") return "connection refused";
  if (e.code === "ECONNRESET") return "connection reset";
  if (e.code === "EHOSTUNREACH" || e.code === "ENETUNREACH") return "host unreachable";
  if (e.code?.startsWith("ERR_TLS") || e.code?.includes("CERT") || e.code === "DEPTH_ZERO_SELF_SIGNED_CERT")
    return `TLS certificate not accepted (${e.code})`;
  return e.code ? `failed (${e.code})` : "failed";
}

export async function checkReachability(opts: {
  url: string;
  scope: ReachabilityScope;
  dns: DnsLookup;
  allowPrivate: boolean;
  timeoutMs?: number;
}): Promise<Reachability> {
  const checkedAt = new Date().toISOString();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const unreachable = (reason: string): Reachability => ({
    reachable: false,
    status: null,
    latencyMs: null,
    reason,
    checkedAt,
  });
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    return unreachable("not a URL");
  }
  const refused = refuseUrl(url, opts.scope);
  if (refused) return unreachable(refused);
  const resolved = await resolvePublicAddress({
    host: url.hostname,
    dns: opts.dns,
    allowPrivate: opts.allowPrivate,
  });
  if ("refused" in resolved) return unreachable(resolved.refused);

  try {
    let { res, latencyMs } = await once({ url, address: resolved.address, method: "HEAD", timeoutMs });
    // Some servers refuse HEAD: ask again with GET (its body is not read either).
    if (res.statusCode === 405 || res.statusCode === 501)
      ({ res, latencyMs } = await once({ url, address: resolved.address, method: "GET", timeoutMs }));
    const status = res.statusCode ?? 0;
    let reason: string | null = null;
    if (status >= 300 && status < 400 && res.headers.location) {
      const to = new URL(res.headers.location, url);
      reason = `redirects to ${to.host === url.host ? to.pathname : to.host} (not followed)`;
    }
    // 5xx from an ingress means no backend answered (502/503: no ready pod behind the host).
    if (status >= 500) return { reachable: false, status, latencyMs, reason: `HTTP ${status}`, checkedAt };
    return { reachable: true, status, latencyMs, reason, checkedAt };
  } catch (error) {
    return unreachable(describeError(error, timeoutMs));
  }
}
