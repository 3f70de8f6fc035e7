import "server-only";
import type { DbHandle } from "@/db/client";
import { clusterClientFor } from "@/lib/lease/cluster-clients";
import { startSingletonLoop } from "@/lib/server/singleton-loop";
import { createDnsLookup } from "./dns-resolver";
import { runDomainChecks } from "./run-domain-checks";

// The custom-domain loop as a background job: one process at a time (advisory lock), a pass every
// 5 s; each domain is checked only when due (run-domain-checks.ts RECHECK_MS).

const INTERVAL_MS = 5_000;

export async function startDomainChecksJob(handle: DbHandle): Promise<() => Promise<void>> {
  const db = handle.db;
  const dns = createDnsLookup();
  return startSingletonLoop({
    name: "custom-domains",
    handle,
    intervalMs: INTERVAL_MS,
    tick: async () => {
      const r = await runDomainChecks({
        db,
        dns,
        clientFor: (clusterId) => clusterClientFor({ db, clusterId }),
      });
      if (r.applied + r.removed > 0)
        console.log(`[custom-domains] ${r.applied} Ingress(es) applied, ${r.removed} removed`);
    },
  });
}
