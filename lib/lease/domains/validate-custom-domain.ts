import { isIP } from "node:net";
import { z } from "zod";

// A tenant's own domain for one of its lease's HTTP services. It must be a DNS name KubeBid can route
// (an Ingress host: lower-case RFC 1123 labels, at most 253 characters, no wildcard), a name on the
// public internet (not an IP literal, not a local-only name), and not a name under the provider's base
// domain: those hosts belong to the provider's leases, and a tenant must not claim another lease's.

const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LOCAL_SUFFIXES =
  /(^|\.)(localhost|local|localdomain|internal|intranet|lan|home\.arpa|test|invalid|example)$/;

export const customDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((d) => d.replace(/\.$/, ""))
  .superRefine((d, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: "custom", message });
    if (d.length === 0) return fail("Enter a domain, e.g. app.example.com.");
    if (d.length > 253) return fail("A domain name has at most 253 characters.");
    if (isIP(d) || isIP(d.replace(/^\[|\]$/g, ""))) return fail("Enter a domain name, not an IP address.");
    if (d.startsWith("*.")) return fail("Wildcard domains are not supported: enter one host name.");
    const labels = d.split(".");
    if (labels.length < 2)
      return fail("Enter a full domain name with at least two labels, e.g. app.example.com.");
    for (const l of labels) {
      if (l.length > 63) return fail(`"${l.slice(0, 20)}…" is longer than 63 characters (one DNS label).`);
      if (!label.test(l))
        return fail(
          `"${l}" is not a DNS label: lower-case letters, digits and "-", not starting or ending with "-".`,
        );
    }
    if (/^\d+$/.test(labels.at(-1) ?? "")) return fail("The last label of a domain name is not all digits.");
    if (LOCAL_SUFFIXES.test(d)) return fail("That name is not on the public internet: use a domain you own.");
  });

/** True when `domain` is the base domain or a name under it. */
export function isUnderDomain(domain: string, base: string): boolean {
  const d = domain.toLowerCase().replace(/\.$/, "");
  const b = base.toLowerCase().replace(/\.$/, "");
  return d === b || d.endsWith(`.${b}`);
}
