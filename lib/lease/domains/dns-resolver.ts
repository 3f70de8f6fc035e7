import "server-only";
import { Resolver } from "node:dns/promises";
import { getConfig } from "@/lib/config";

// DNS lookups for custom domains and the reachability check, through node:dns's Resolver (real DNS
// queries, not getaddrinfo) on the servers DNS_SERVERS names, else the system's. One place decides
// the servers, the timeout and the retries, so tests can point every lookup at their own server.

export interface DnsLookup {
  /** The CNAME target of `name` (lower-case, no trailing dot), or null when it has none. */
  cname(name: string): Promise<string | null>;
  /** Every A and AAAA address of `name` (following CNAMEs); empty when it has none. */
  addresses(name: string): Promise<string[]>;
}

/** DNS answers meaning "no such record" rather than a failure to ask. */
const NO_RECORD = new Set(["ENODATA", "ENOTFOUND", "NXDOMAIN"]);

export function createDnsLookup(servers: string[] = getConfig().DNS_SERVERS): DnsLookup {
  const resolver = new Resolver({ timeout: 2_000, tries: 2 });
  if (servers.length > 0) resolver.setServers(servers);
  const none = <T>(error: unknown, empty: T): T => {
    if (NO_RECORD.has((error as NodeJS.ErrnoException).code ?? "")) return empty;
    throw error;
  };
  return {
    async cname(name) {
      try {
        const [target] = await resolver.resolveCname(name);
        return target ? target.toLowerCase().replace(/\.$/, "") : null;
      } catch (error) {
        return none(error, null);
      }
    },
    async addresses(name) {
      const [v4, v6] = await Promise.all([
        resolver.resolve4(name).catch((e) => none<string[]>(e, [])),
        resolver.resolve6(name).catch((e) => none<string[]>(e, [])),
      ]);
      return [...v4, ...v6];
    },
  };
}
