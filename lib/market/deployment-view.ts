import { type Manifest, manifestServices, manifestTotals } from "@/lib/market/manifest";

// A stored manifest (v1 or v2) as pages and APIs show it: its services, what the whole deployment
// needs (manifestTotals, what the order bought) and its secrets by name only. The signed manifest
// holds salted digests, not values, so a digest would reveal nothing; it is still left out, as no
// reader needs it and the lease page is seen by the provider as well as the tenant.

export function deploymentView(manifest: Manifest) {
  const { name, services, secrets, podSecurity } = manifestServices(manifest);
  return {
    version: manifest.version,
    name,
    podSecurity: podSecurity ?? "baseline",
    services,
    /** Every secret is set: the manifest was stored only with a value for each. */
    secrets: secrets.map((s) => ({ name: s.name, set: true as const })),
    totals: manifestTotals(manifest),
  };
}

export type DeploymentView = ReturnType<typeof deploymentView>;
