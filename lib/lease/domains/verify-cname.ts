import "server-only";
import type { DnsLookup } from "./dns-resolver";

// The ownership check of a custom domain: its CNAME record must name the lease's generated host
// (`<service>-<lease>.<baseDomain>`). Only the domain's owner can publish that record, and it also
// sends the domain's visitors to the provider's ingress, so a verified domain both is the tenant's and
// works. A lookup failure (timeout, SERVFAIL) is not a verdict: the check is retried later.

export type CnameVerdict =
  | { status: "verified" }
  | { status: "failed"; reason: string }
  | { status: "unknown"; reason: string };

export async function verifyCname(opts: {
  dns: DnsLookup;
  domain: string;
  expected: string;
}): Promise<CnameVerdict> {
  const expected = opts.expected.toLowerCase().replace(/\.$/, "");
  let target: string | null;
  try {
    target = await opts.dns.cname(opts.domain);
  } catch (error) {
    return {
      status: "unknown",
      reason: `DNS lookup failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); retrying`,
    };
  }
  if (target === expected) return { status: "verified" };
  if (target === null)
    return {
      status: "failed",
      reason: `${opts.domain} has no CNAME record; add one pointing to ${expected}`,
    };
  return { status: "failed", reason: `${opts.domain} is a CNAME of ${target}, not of ${expected}` };
}
